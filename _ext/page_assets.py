"""Each page loads only the stylesheets and scripts it uses.

What this adds: sphinx-design's stylesheet (55 kB) and tab script (7 kB), and
the Pygments stylesheet (20 kB), are added by their extensions to every page.
Most pages of the manual have no sphinx-design component and no code; on those
pages (and on pages with no source, such as the search page) they are left
out, so that a facilitator's laptop loads less and draws the page sooner.
Icons (the ``{octicon}`` role, beside key points in handouts) are inline SVG
that need two small rules only, kept in ``_static/manual.css``; a page whose
only sphinx-design parts are icons does not load the whole stylesheet.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

SPHINX_DESIGN_CSS = "sphinx-design"
SPHINX_DESIGN_TABS_JS = "design-tabs.js"
PYGMENTS_CSS = "pygments.css"
#: sphinx-design classes whose rules _static/manual.css repeats.
STYLED_HERE = {"sd-octicon", "sd-material-icon"}


def _sphinx_design_classes(doctree: nodes.document | None) -> set[str]:
    """sphinx-design's classes, and its own kinds of node, used on the page."""
    found: set[str] = set()
    if doctree is None:
        return found
    for node in doctree.findall(nodes.Element):
        found.update(c for c in node.get("classes", []) if c.startswith("sd-"))
        if type(node).__name__ == "sd_icon":  # the {octicon} role: an inline SVG, class sd-octicon
            found.add("sd-octicon")
        elif type(node).__module__.startswith("sphinx_design"):  # its other nodes: dropdowns, badges...
            found.add(f"sd-node-{type(node).__name__}")
    return found


def _has_code(doctree: nodes.document | None) -> bool:
    return doctree is not None and next(iter(doctree.findall(nodes.literal_block)), None) is not None


def _without(files: list, unused: list[str]) -> list:
    return [f for f in files if not any(name in str(getattr(f, "filename", f)) for name in unused)]


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    design = _sphinx_design_classes(doctree)
    unused = []
    if not design - STYLED_HERE:
        unused.append(SPHINX_DESIGN_CSS)
    if not _has_code(doctree):
        unused.append(PYGMENTS_CSS)
    context["css_files"] = _without(context.get("css_files", []), unused)
    if "sd-tab-set" not in design:
        context["script_files"] = _without(context.get("script_files", []), [SPHINX_DESIGN_TABS_JS])


def setup(app: Sphinx) -> dict:
    # After the extensions that add the stylesheets.
    app.connect("html-page-context", on_html_page_context, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
