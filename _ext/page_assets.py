"""Each page loads only the stylesheets it uses.

What this adds: sphinx-design's stylesheet (55 kB) and the Pygments
stylesheet (20 kB) are added by their extensions to every page.  Most pages of
the manual have no sphinx-design component and no code; on those pages (and
on pages with no source, such as the search page) both are left out, so that a
facilitator's laptop loads less on every page.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

SPHINX_DESIGN_CSS = "sphinx-design"
PYGMENTS_CSS = "pygments.css"


def _uses_sphinx_design(doctree: nodes.document | None) -> bool:
    if doctree is None:
        return False
    for node in doctree.findall(nodes.Element):
        if any(c.startswith("sd-") for c in node.get("classes", [])):
            return True
        if type(node).__name__.startswith("sd_"):  # sphinx-design's own nodes, e.g. icons
            return True
    return False


def _has_code(doctree: nodes.document | None) -> bool:
    return doctree is not None and next(iter(doctree.findall(nodes.literal_block)), None) is not None


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    unused = []
    if not _uses_sphinx_design(doctree):
        unused.append(SPHINX_DESIGN_CSS)
    if not _has_code(doctree):
        unused.append(PYGMENTS_CSS)
    context["css_files"] = [css for css in context.get("css_files", [])
                            if not any(name in str(getattr(css, "filename", css)) for name in unused)]


def setup(app: Sphinx) -> dict:
    # After the extensions that add the stylesheets.
    app.connect("html-page-context", on_html_page_context, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
