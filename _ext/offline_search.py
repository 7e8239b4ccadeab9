"""Search snippets that work offline, when the manual is opened from file://.

Sphinx's search shows a snippet under each result by fetching the result's
page and reading the text of its ``[role="main"]`` element.  Browsers refuse
``fetch()`` of a file:// URL, so a manual unzipped on a laptop shows titles
with no snippets (Sphinx issues 9156 and 10407).  What this adds:

* at ``build-finished``, for HTML builders with a search page, writes
  ``_static/search-texts.js``: for every page, the text of its main content
  (no markup, whitespace collapsed, ``.headerlink``, scripts and styles left
  out, as the search does), keeping the ids of the elements in it so that a
  result that points at a section gets that section's text;
* copies ``offline_search.js`` (beside this file) to ``_static/`` and adds it
  to the search page only.  When ``location.protocol`` is ``"file:"`` it
  answers the search's fetch of a page of the manual with a small HTML
  document rebuilt from that data; anything else goes to the real ``fetch``.
  Served over http(s), the script does nothing and the data is never loaded.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from guard import guarded

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("offline_search.js")
SCRIPT_NAME = "offline-search.js"
DATA_NAME = "search-texts.js"
#: What Sphinx's searchtools.js removes before taking the text (``Search.htmlToText``).
SKIPPED_TAGS = {"script", "style"}
SKIPPED_CLASS = "headerlink"
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}
SPACE = re.compile(r"\s+")


class MainText(HTMLParser):
    """The text of a page's ``[role="main"]`` element, as a tree of the elements with an id.

    A node is ``[id, child, ...]``; a child is a string of text or another node.
    Elements without an id are flattened into their parent's text; ids inside
    inline SVG (Mermaid's shapes and markers) are dropped, their text kept.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list | None, bool]] = []  # (tag, node opened here, skipped)
        self.root: list | None = None
        self.done = False
        self.skipping = 0
        self.svg = 0

    def _current(self) -> list:
        for _, node, _ in reversed(self.stack):
            if node is not None:
                return node
        raise AssertionError("no open node")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = dict(attrs)
        if not self.stack:
            if values.get("role") != "main":
                return
            self.root = [""]
            self.stack.append((tag, self.root, False))
            return
        if tag in VOID_TAGS:
            return
        skipped = tag in SKIPPED_TAGS or SKIPPED_CLASS in (values.get("class") or "").split()
        node = None
        if not self.skipping and not self.svg and values.get("id"):
            node = [values["id"]]
            self._current().append(node)
        if tag == "svg":
            self.svg += 1
        self.skipping += skipped
        self.stack.append((tag, node, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <path/> and the like hold no text; an empty element with an id still counts.
        if self.stack and not self.done and not self.skipping and not self.svg:
            ident = dict(attrs).get("id")
            if ident:
                self._current().append([ident])

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.done or tag in VOID_TAGS:
            return
        if not any(open_tag == tag for open_tag, _, _ in self.stack):
            return  # a stray end tag: ignore it, as a browser would
        while self.stack:
            open_tag, _, skipped = self.stack.pop()
            self.skipping -= skipped
            if open_tag == "svg":
                self.svg -= 1
            if open_tag == tag:
                break
        if not self.stack:
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.stack and not self.done and not self.skipping:
            self._current().append(data)


def _compact(node: list) -> list:
    """Collapse whitespace and join neighbouring strings: the data stays small."""
    out: list = [node[0]]
    for child in node[1:]:
        if isinstance(child, list):
            out.append(_compact(child))
            continue
        text = SPACE.sub(" ", child)
        if not text:
            continue
        if len(out) > 1 and isinstance(out[-1], str):
            joined = out[-1] + text
            out[-1] = SPACE.sub(" ", joined)
        else:
            out.append(text)
    return out


def main_text(html: str) -> list | None:
    """The main content of one built page as a compact tree (None if the page has none)."""
    parser = MainText()
    parser.feed(html)
    parser.close()
    return _compact(parser.root) if parser.root is not None else None


def _request_path(app: Sphinx, docname: str) -> str:
    """The path, relative to the root of the site, that searchtools.js fetches for *docname*."""
    if app.builder.name == "dirhtml":
        return app.builder.get_target_uri(docname)
    return docname + app.builder.out_suffix


def _wanted(app: Sphinx) -> bool:
    builder = app.builder
    return builder.format == "html" and getattr(builder, "search", False) and builder.name != "singlehtml"


@guarded
def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Add the script to the search page only (Sphinx allows per-page files from this event)."""
    if pagename == "search" and _wanted(app):
        app.add_js_file(SCRIPT_NAME)


@guarded
def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not _wanted(app):
        return
    outdir = Path(app.builder.outdir)
    # Pages not written again keep their text: only changed pages are parsed,
    # so that a rebuild with nothing changed stays fast.
    cache_file = Path(app.doctreedir) / "offline-search-cache.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    texts, fresh = {}, {}
    for docname in sorted(app.env.found_docs):
        page = Path(app.builder.get_outfilename(docname))
        if not page.is_file():
            continue
        stamp = f"{page.stat().st_mtime_ns}:{page.stat().st_size}"
        entry = cache.get(docname)
        if entry is None or entry[0] != stamp:
            tree = main_text(page.read_text(encoding="utf-8"))
            entry = [stamp, tree[1:] if tree is not None else None]
        fresh[docname] = entry
        if entry[1] is not None:
            texts[_request_path(app, docname)] = entry[1]
    cache_file.write_text(json.dumps(fresh, ensure_ascii=False), encoding="utf-8")
    static = outdir / "_static"
    static.mkdir(parents=True, exist_ok=True)
    data = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    (static / DATA_NAME).write_text(
        "/* The text of each page's main content, for search snippets offline (offline_search.py). */\n"
        f"window.OFFLINE_SEARCH_TEXTS = {data};\n", encoding="utf-8")
    shutil.copyfile(SCRIPT, static / SCRIPT_NAME)
    logger.info("offline search: texts of %d pages in _static/%s (%d kB)",
                len(texts), DATA_NAME, len(data.encode("utf-8")) // 1024)


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
