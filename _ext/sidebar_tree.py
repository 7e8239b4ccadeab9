"""The sidebar's tree of pages: the manual's parts, and the pages of the part being read.

Furo's sidebar lists every page of the site on every page: it asks Sphinx for
the whole tree (``toctree(collapse=False, ...)``) and rewrites it with
Beautiful Soup, once for each page.  The cost of writing the site grew with the
square of its number of pages, and every page carried a list of all the others
(34 kB a page at ten times today's content).  Furo has no option for a shorter
tree.  What this changes:

* every page's sidebar lists the manual's parts (About, the facilitator guide,
  Topics, Exercises and handouts, Reference, the change log) and, under the
  part being read, all of its pages, as Sphinx gives them with
  ``collapse=True``.  A facilitator finds every topic by opening "Topics";
* the pages of one part share one sidebar, made for the first of them and
  given to the others with their own entry marked as the page being read, so
  that writing the site stays linear however large a part grows.  The sidebar
  is only shared where the markup it edits is found where it expects: after a
  change of that markup each page's sidebar is made on its own, slower but
  right, and the build warns.

The furo internals this relies on: furo's ``html-page-context`` handler
(``_html_page_context`` in furo/__init__.py, at the default priority, 500)
makes ``furo_navigation_tree``, the sidebar, by calling the page context's
``toctree`` and passing the result to ``get_navigation_tree``
(furo/navigation.py), which marks the page being read with the class
``current-page`` and caches its result by its input.  The handlers here run
before furo's (to hand it the tree) and after it (to mark the page).  If furo
stops calling ``toctree``, tests/test_sidebar_tree.py fails; if the markup
changes, the build warns; if the cache goes, `make bench` shows the cold build
growing faster than the content.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util import logging

from guard import guarded

logger = logging.getLogger(__name__)

BEFORE_FURO, AFTER_FURO = 400, 600
#: A page's entry under its part in furo's sidebar: the page being read, and any other.
READING = '<li class="toctree-l2 current current-page"><a class="current reference internal" href="#">'
OTHER = '<li class="toctree-l2"><a class="reference internal" href="{}">'

#: (part, folder) -> (first page, the tree furo was given for it, furo's sidebar for it), or None
#: where the sidebar cannot be shared.  Emptied before each build writes its pages.
_shared: dict[tuple[str, str], tuple[str, str, str] | None] = {}


def _part_of(app: Sphinx, pagename: str) -> str | None:
    """The part *pagename* is a page of, when its sidebar can be shared: a page with no pages
    of its own, in the folder of its part, which is listed by the root page."""
    includes = app.env.toctree_includes
    if includes.get(pagename):
        return None
    for part in includes.get(app.config.root_doc, []):
        if pagename in includes.get(part, []) and part.rpartition("/")[0] == pagename.rpartition("/")[0]:
            return part
    return None


#: The builders whose pages carry furo's sidebar.
FURO_BUILDERS = {"html", "dirhtml"}


@guarded
def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before furo: a tree collapsed to the page's part, the part's shared one where there is one."""
    toctree = context.get("toctree")
    if toctree is None or app.builder.name not in FURO_BUILDERS:
        return  # another theme's pages (the slides) have no furo sidebar
    given: list[str] = []

    def collapsed_toctree(**kwargs) -> str:
        kwargs["collapse"] = True
        given.append(toctree(**kwargs))
        return given[-1]

    context["toctree"] = collapsed_toctree
    part = _part_of(app, pagename)
    key = (part, pagename.rpartition("/")[0])
    if part is None:
        return
    if key in _shared:
        shared = _shared[key]
        if shared is not None and shared[0] != pagename:
            context["toctree"] = lambda **kwargs: shared[1]
            context["sidebar_tree_shared"] = key
        return
    context["sidebar_tree_first"] = (key, part, given)


@guarded
def on_html_page_context_after_furo(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After furo: keep the first page's sidebar for its part; mark the page being read in a shared one."""
    if "sidebar_tree_first" in context:
        key, part, given = context.pop("sidebar_tree_first")
        shown = context.get("furo_navigation_tree", "")
        others = [page for page in app.env.toctree_includes[part]
                  if page != pagename and _part_of(app, page) == part]
        shareable = len(given) == 1 and shown.count(READING) == 1 and all(
            shown.count(OTHER.format(app.builder.get_relative_uri(pagename, page))) == 1 for page in others)
        _shared[key] = (pagename, given[0], shown) if shareable else None
        if not shareable:
            logger.warning("the pages of %s cannot share one sidebar: furo's or Sphinx's markup of a page's entry "
                           "is not what _ext/sidebar_tree.py expects (%r), so each page's is made on its own, "
                           "which is slower; update READING and OTHER there", part, READING,
                           location=pagename, type="sidebar_tree", subtype="markup")
    elif "sidebar_tree_shared" in context:
        first, _, shown = _shared[context.pop("sidebar_tree_shared")]
        entry = OTHER.format(app.builder.get_relative_uri(first, pagename))
        back = OTHER.format(app.builder.get_relative_uri(pagename, first))
        context["furo_navigation_tree"] = shown.replace(READING, back).replace(entry, READING)


def forget(app: Sphinx, env) -> None:
    _shared.clear()


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.connect("html-page-context", on_html_page_context, priority=BEFORE_FURO)
    app.connect("html-page-context", on_html_page_context_after_furo, priority=AFTER_FURO)
    app.connect("env-updated", forget)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
