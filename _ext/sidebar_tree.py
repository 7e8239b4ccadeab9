"""The sidebar's tree of pages, collapsed to the part of the manual being read.

Furo's sidebar lists every page of the site on every page.  It asks Sphinx for
that tree (``toctree(collapse=False, ...)``) and rewrites it with Beautiful
Soup once for each page, so the cost of writing the site grows with the square
of its number of pages, and every page carries a list of all the others (34 kB
a page at ten times today's content).  Furo has no option for a shorter tree.

What this changes: every page's sidebar lists the manual's parts (About, the
facilitator guide, Topics, Exercises and handouts, Reference, the change log)
and, under the part being read, all of its pages, as Sphinx's own
``collapse=True`` gives them.  A facilitator finds every topic by opening
"Topics" in the sidebar, whose pages then list them all.

The one furo internal this relies on: furo's ``html-page-context`` handler
(``_html_page_context`` in furo/__init__.py, connected at the default priority,
500) makes ``furo_navigation_tree``, the sidebar's HTML, by calling the page
context's ``toctree``.  This handler runs first (priority 400) and hands the
page a ``toctree`` that always collapses.  If a furo upgrade stops calling it,
the sidebar lists every page again and
``tests/test_build.py::test_sidebar_lists_the_parts_and_only_the_current_parts_pages`` fails.
"""

from __future__ import annotations

from sphinx.application import Sphinx

#: Before furo's handler, which has the default priority (500).
BEFORE_FURO = 400


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    toctree = context.get("toctree")
    if toctree is None:
        return

    def collapsed_toctree(**kwargs):
        kwargs["collapse"] = True
        return toctree(**kwargs)

    context["toctree"] = collapsed_toctree


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", on_html_page_context, priority=BEFORE_FURO)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
