"""The manual's own search: one entry a section, ranked in the browser, working from file://.

Sphinx's search looks for pages holding every word typed, lists them in an
order that says little, and needs ``fetch()`` (refused from file://) to show
a snippet; its highlighter also fails on inline SVG diagrams.  What this adds
instead:

* at ``build-finished``, for HTML builders with a search page, writes
  ``_static/search-index.js``: every section of every page (its page, anchor,
  page title, heading, the headings above it, and its own text with block
  boundaries kept), each glossary term as an entry of its own, and the words
  declared in ``search-words.toml`` (synonyms, irregular forms of a word,
  and words ignored in a question).  It is a plain script setting ``window.MANUAL_SEARCH_INDEX``, so
  a ``<script>`` tag loads it from file:// as well as from a server;
* ``section_search.js`` (copied to ``_static/section-search.js``, loaded by
  ``_templates/search.html``): tokenises, stems with the English stemmer that
  Sphinx ships in ``language_data.js``, ignores the declared common words,
  adds declared synonyms, and ranks sections with BM25 over three fields
  (heading, the headings above and the page title, and the text), favouring
  whole words over parts of words and sections that hold more of the
  question's words.  Each result links to its section, with the words found
  for the page to mark;
* ``search_highlight.js`` (``_static/search-highlight.js``, on every page, in
  place of Sphinx's ``sphinx_highlight.js``): marks those words, whole words
  only, in the section opened, never inside a diagram, with a control to
  clear them.  Print styles hide the marks.

Sections matched by a pattern in ``section_search_weights`` (the change
history, handouts, glossary entries) rank lower or higher by its factor.
A mistake in ``search-words.toml`` is one warning naming the file and line,
which ``-W`` turns into a failed build, every build.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import tomllib
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, SoupStrainer, Tag
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
WORDS_FILE = HERE / "search-words.toml"
SCRIPTS = {"section_search.js": "section-search.js", "search_highlight.js": "search-highlight.js"}
INDEX_NAME = "search-index.js"
#: Elements whose text is never searched: markup of the page, not its words.
SKIPPED = {"script", "style", "button", "template"}
SKIPPED_CLASSES = {"headerlink", "search-matches"}
#: Elements that end a line of text: a snippet may start after one, and words never join across one.
BLOCKS = {"p", "li", "dt", "dd", "div", "section", "figure", "figcaption", "table", "tr", "td", "th",
          "caption", "ul", "ol", "dl", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "br",
          "svg", "g", "text", "title", "desc", "aside", "details", "summary", "hr"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: The theme's main content, the only part of a page that is searched.
MAIN = SoupStrainer(attrs={"role": "main"})
WORD = re.compile(r"^[a-z0-9]+$")
SPACES = re.compile(r"[ \t\r\f\v]+")
LINES = re.compile(r" ?\n[\n ]*")


# -- the declared words --------------------------------------------------------


class WordsError(Exception):
    """A mistake in search-words.toml: the message says where and what to do."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _line_of(text: str, word: str, nth: int = 1) -> int:
    """The line of *text* that holds *word* as a quoted string the *nth* time (1 if none)."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        seen += line.count(f'"{word}"')
        if seen >= nth:
            return number
    return 1


def load_words(path: Path) -> dict:
    """Synonym groups and ignored words from *path*; raises WordsError naming the line of a mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise WordsError(f"cannot read the search words: {error.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise WordsError(f"not valid TOML: {error}; see the examples at the top of the file",
                         int(found.group(1)) if found else 1) from None
    keys = ("synonyms", "forms", "ignore")
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise WordsError(f"unknown key {unknown[0]!r}: the file holds only 'synonyms', 'forms' and 'ignore'",
                         _key_line(text, unknown[0]))
    found: dict[str, list] = {}
    for key in ("synonyms", "forms"):
        groups = data.get(key, [])
        if not isinstance(groups, list) or not all(isinstance(group, list) for group in groups):
            raise WordsError(f"'{key}' must be a list of groups, each a list of words: "
                             '[["picture", "image"], ...]', _key_line(text, key))
        seen: dict[str, int] = {}
        for number, group in enumerate(groups, start=1):
            if len(group) < 2:
                where = _line_of(text, group[0]) if group and isinstance(group[0], str) else _key_line(text, key)
                raise WordsError(f"{key} group {number} has fewer than two words: a group lists words "
                                 "for the same thing", where)
            for word in group:
                _check_word(text, word, key)
                if word in seen and seen[word] != number:
                    raise WordsError(f"{word!r} is in {key} groups {seen[word]} and {number}: "
                                     "put it in one group (merge the two if they mean the same)",
                                     _line_of(text, word, 2))
                seen[word] = number
        found[key] = groups
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list):
        raise WordsError("'ignore' must be a list of words", _key_line(text, "ignore"))
    # A word may be ignored when typed and still be found as another's synonym or form ("told" for "tell").
    for word in ignore:
        _check_word(text, word, "ignored")
    return {**found, "ignore": sorted(set(ignore))}


def _key_line(text: str, key: str) -> int:
    """The line where *key* is set (1 if it is not found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def _check_word(text: str, word: object, what: str) -> None:
    if not isinstance(word, str):
        raise WordsError(f"{what} word {word!r} is not a string in quotes", 1)
    if not WORD.match(word):
        raise WordsError(f"{what} word {word!r} must be one word in lower case (letters and digits only); "
                         "a phrase cannot be a synonym", _line_of(text, word))


# -- sections of a built page --------------------------------------------------


def _heading(section: Tag) -> str:
    for child in section.children:
        if isinstance(child, Tag) and child.name in HEADINGS:
            return _flat(child)
    return ""


def _flat(element: Tag) -> str:
    """The text of an element on one line, without the ¶ of its header link."""
    parts = []
    for piece in element.descendants:
        if isinstance(piece, NavigableString) and not _skipped(piece.parent):
            parts.append(str(piece))
    return SPACES.sub(" ", " ".join("".join(parts).split())).strip()


def _skipped(element: Tag | None) -> bool:
    for parent in [element, *(element.parents if element else [])]:
        if parent is None or not isinstance(parent, Tag):
            continue
        if parent.name in SKIPPED or SKIPPED_CLASSES & set(parent.get("class") or []):
            return True
    return False


def _text(element: Tag, own: list[str], entries: list[dict], context: dict) -> None:
    """Append the text of *element* to *own*; sections with a heading and glossary terms become entries."""
    for child in element.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                continue
            own.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in SKIPPED or SKIPPED_CLASSES & set(child.get("class") or []):
            continue
        if child.name in HEADINGS and child.parent is not None and child.parent.name == "section":
            continue  # the heading is a field of its own
        if child.name == "section" and child.get("id") and _heading(child):
            _section(child, entries, context)
            continue
        if child.name == "dl" and "glossary" in (child.get("class") or []):
            _glossary(child, entries, context)
            continue
        block = child.name in BLOCKS
        if block:
            own.append("\n")
        _text(child, own, entries, context)
        if block:
            own.append("\n")


def _clean(parts: list[str]) -> str:
    text = SPACES.sub(" ", "".join(parts))
    return LINES.sub("\n", text).strip(" \n")


def _section(section: Tag, entries: list[dict], context: dict) -> None:
    heading = _heading(section)
    entry = {"anchor": section["id"], "heading": heading, "path": list(context["path"]), "text": ""}
    entries.append(entry)
    context["path"].append(heading)
    own: list[str] = []
    _text(section, own, entries, context)
    context["path"].pop()
    entry["text"] = _clean(own)


def _glossary(glossary: Tag, entries: list[dict], context: dict) -> None:
    term = None
    for child in glossary.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "dt" and child.get("id"):
            term = {"anchor": child["id"], "heading": _flat(child), "path": list(context["path"]), "text": ""}
            entries.append(term)
        elif child.name == "dd" and term is not None:
            own: list[str] = []
            _text(child, own, entries, context)
            term["text"] = _clean(own)


def page_sections(html: str) -> tuple[str, list[dict]] | None:
    """The title and the sections of one built page's main content, in order (None if it has none)."""
    # Only the main content is made into a tree: the sidebar grows with the number of pages in a part.
    soup = BeautifulSoup(html, "html.parser", parse_only=MAIN)
    main = soup.find(attrs={"role": "main"})
    if main is None:
        return None
    top = main.find("section")
    title = _heading(top) if top is not None else ""
    entries: list[dict] = []
    if top is None or not top.get("id") or not title:
        own: list[str] = []
        _text(main, own, entries, {"path": []})
        entries.insert(0, {"anchor": "", "heading": "", "path": [], "text": _clean(own)})
        return title, entries
    _text(main, [], entries, {"path": []})
    entries[0]["anchor"] = ""  # the page's own section: the link opens the page at its top
    return title, entries


# -- the build ---------------------------------------------------------------


def _wanted(app: Sphinx) -> bool:
    builder = app.builder
    return builder.format == "html" and getattr(builder, "search", False) and builder.name != "singlehtml"


def _words(app: Sphinx) -> dict | None:
    path = Path(app.config.section_search_words)
    try:
        return load_words(path)
    except WordsError as error:
        # A "path:line" location is printed as it is (a tuple would be read as a page name).
        logger.warning("%s [search-words]", error, location=f"{path}:{error.line}",
                       type="section_search", subtype="words")
        return None


def on_builder_inited(app: Sphinx) -> None:
    if not _wanted(app):
        return
    app.add_js_file(SCRIPTS["search_highlight.js"])
    app.env.section_search_words = _words(app)  # checked every build: a mistake fails each one


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Sphinx's highlighter goes: search_highlight.js does its work, and knows about diagrams."""
    if not _wanted(app) or "script_files" not in context:
        return
    context["script_files"] = [script for script in context["script_files"]
                               if not str(getattr(script, "filename", script)).endswith("sphinx_highlight.js")]


def _request_path(app: Sphinx, docname: str) -> str:
    if app.builder.name == "dirhtml":
        return app.builder.get_target_uri(docname)
    return docname + app.builder.out_suffix


def _weight(weights: dict[str, float], name: str) -> float:
    """The product of the weights whose pattern matches *name* ("docname#anchor")."""
    weight = 1.0
    for pattern, factor in weights.items():
        if fnmatch.fnmatchcase(name, pattern):
            weight *= factor
    return weight


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not _wanted(app):
        return
    outdir = Path(app.builder.outdir)
    # Pages not written again keep their sections: only changed pages are parsed.
    cache_file = Path(app.doctreedir) / "section-search-cache.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    weights = app.config.section_search_weights
    pages, fresh = [], {}
    for docname in sorted(app.env.found_docs):
        page = Path(app.builder.get_outfilename(docname))
        if not page.is_file():
            continue
        stamp = f"{page.stat().st_mtime_ns}:{page.stat().st_size}"
        entry = cache.get(docname)
        if entry is None or entry[0] != stamp:
            entry = [stamp, page_sections(page.read_text(encoding="utf-8"))]
        fresh[docname] = entry
        if entry[1] is None:
            continue
        title, sections = entry[1]
        for section in sections:
            weight = _weight(weights, f"{docname}#{section['anchor']}")
            if weight != 1:
                section["weight"] = weight
        pages.append({"url": _request_path(app, docname), "title": title, "sections": sections})
    cache_file.write_text(json.dumps(fresh, ensure_ascii=False), encoding="utf-8")
    words = getattr(app.env, "section_search_words", None) or {"synonyms": [], "forms": [], "ignore": []}
    data = json.dumps({"pages": pages, **words}, ensure_ascii=False, separators=(",", ":"))
    static = outdir / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / INDEX_NAME).write_text(
        "/* Every section of the manual, for its search (section_search.py): loaded by a <script> tag,\n"
        "   so that search works from file:// too. */\n"
        f"window.MANUAL_SEARCH_INDEX = {data};\n", encoding="utf-8")
    for source, target in SCRIPTS.items():
        shutil.copyfile(HERE / source, static / target)
    logger.info("section search: %d sections of %d pages in _static/%s (%d kB)",
                sum(len(p["sections"]) for p in pages), len(pages), INDEX_NAME, len(data.encode("utf-8")) // 1024)


def setup(app: Sphinx) -> dict:
    app.add_config_value("section_search_words", str(WORDS_FILE), "html", types=frozenset({str}))
    # Sections whose matches count for more or less: {"docname#anchor" pattern (fnmatch): factor}.
    app.add_config_value("section_search_weights", {}, "html", types=frozenset({dict}))
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
