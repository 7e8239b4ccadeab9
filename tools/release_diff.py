"""Tracked changes between two revisions of the manual: what `make diff` writes.

Usage: python3 tools/release_diff.py [--from 1.0.0] [--to 1.1.0] [--repo DIR] [--out DIR] [--no-pdf]

FROM and TO are versions (1.0.0 means the tag v1.0.0), tags, or any git
revision (main, HEAD); FROM is the latest release and TO is HEAD unless given.  Both are built from their own trees (or taken from
the builds `make versions` keeps, by commit: tools/releases.py), offline.

What is compared is the *rendered* text of each page, not its Markdown: the
words a reader sees in the built HTML, headings, lists, tables, notes, the
handouts group members read, and each diagram's text (its description and
every label).  Left out: the site around the page, the revision line, and the
version line at the foot of every handout (it changes in every release).
Each page is split into blocks (paragraphs, list items, table rows, diagram
text); the blocks are aligned with difflib, and within a changed block the
words are: inserted words are marked <ins>, deleted words <del>.

Writes OUT/FROM-to-TO/index.html: every changed page in reading order, with
its changes (the heading each falls under, then the block with its words
marked), links to the page in both versions (copies of both builds sit beside
it, so the links work offline), the change-log entries that name the page
beside it, and every unchanged page listed as unchanged; and the same as an
A4 PDF for committee papers (tracked-changes-FROM-to-TO.pdf).  `make
versions` writes the same page for each release against the one before it.
"""

from __future__ import annotations

import argparse
import difflib
import html
import json
import posixpath
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

sys.path.insert(0, str(Path(__file__).resolve().parent))

from manual_tools import launch, reading_order, site_pages  # noqa: E402
from releases import ROOT, BuildCache, ReleaseError, release_tags, resolve, tag_problems  # noqa: E402

#: Bump when what page_text extracts changes, so kept texts are read again.
TEXT_FORMAT = 1
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: Blocks read whole: their text is one unit of comparison.
LEAF_BLOCKS = {"p", "pre", "figcaption", "caption", "dt", "tr", "summary"}
#: Never part of the reading text.
SKIP = {"script", "style", "template", "noscript"}
SKIP_SELECTORS = ["a.headerlink", ".handout-footer", "svg.sd-octicon", ".sd-octicon", "[aria-hidden=true]"]
TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
NAME = "internet-offending-module"
#: The built change history page (docs/changelog.md includes CHANGELOG.md).
CHANGELOG_PAGE = "changelog.html"


# -- a page's text --------------------------------------------------------------

@dataclass
class Block:
    kind: str  # "heading", "text", "item", "row", "diagram", "code"
    text: str
    trail: str  # the headings it falls under, "Key messages" or "Handout › My trigger chain"


@dataclass
class PageText:
    path: str
    title: str
    blocks: list[Block] = field(default_factory=list)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _diagram_blocks(svg: Tag) -> list[tuple[str, str]]:
    """A diagram's words: its description (title and desc) and its labels, in drawing order."""
    found = []
    said = [_clean(el.get_text(" ")) for el in svg.find_all(["title", "desc"])]
    described = " ".join(part if part[-1:] in ".!?:" else part + "." for part in said if part)
    if described:
        found.append(("diagram", f"Diagram: {described}"))
    labels = []
    for text in svg.find_all("text"):
        # Mermaid writes a label's lines as tspans of class "row", its words as tspans inside them.
        rows = text.find_all("tspan", class_="row") or [text]
        label = _clean(" ".join("".join(row.strings) for row in rows))
        if label:
            labels.append(label)
    if labels:
        found.append(("diagram", "Diagram labels: " + " · ".join(labels)))
    return found


def page_text(source: str, path: str) -> PageText:
    """The blocks of a built page's main text (<article>), in reading order."""
    # Only the main text is read: parsing the article alone skips the theme's icons and navigation.
    start, end = source.find("<article"), source.rfind("</article>")
    if start >= 0 and end > start:
        source = source[start:end + len("</article>")]
    soup = BeautifulSoup(source, "html.parser")
    article = soup.find("article") or soup.body or soup
    for selector in SKIP_SELECTORS:
        for element in article.select(selector):
            element.decompose()
    for element in article.find_all(SKIP):
        element.decompose()
    h1 = article.find("h1")
    page = PageText(path, _clean(h1.get_text()) if h1 else path)
    headings: dict[int, str] = {}
    buffer: list[str] = []

    def trail() -> str:
        return " › ".join(headings[level] for level in sorted(headings) if level > 1)

    def add(kind: str, text: str) -> None:
        text = _clean(text)
        if text:
            page.blocks.append(Block(kind, text, trail()))

    def flush() -> None:
        if buffer:
            add("item" if in_item else "text", "".join(buffer))
            buffer.clear()

    in_item = False

    def walk(element: Tag) -> None:
        nonlocal in_item
        for child in element.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment or doctype
                    buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "svg":
                flush()
                for kind, text in _diagram_blocks(child):
                    add(kind, text)
            elif name in HEADINGS:
                flush()
                level = int(name[1])
                for deeper in [lv for lv in headings if lv >= level]:
                    del headings[deeper]
                text = _clean(child.get_text())
                add("heading", text)
                headings[level] = text
            elif name == "tr":
                flush()
                add("row", " | ".join(_clean(cell.get_text(" ")) for cell in child.find_all(["th", "td"])))
            elif name == "pre":
                flush()
                add("code", child.get_text())
            elif name in LEAF_BLOCKS and not child.find(["svg", "p", "ul", "ol", "table", "div"]):
                flush()
                add("item" if in_item else "text", child.get_text())
            elif name in {"li", "dd"}:
                flush()
                outer, in_item = in_item, True
                walk(child)
                flush()
                in_item = outer
            elif name in {"a", "span", "strong", "em", "b", "i", "code", "abbr", "cite", "sub", "sup", "small",
                          "mark", "kbd", "q", "s", "u", "br", "wbr", "img"}:
                if name == "br":
                    buffer.append(" ")
                elif child.find(["svg", "p", "div", "ul", "ol", "table"]):
                    walk(child)
                else:
                    buffer.append(child.get_text())
            else:
                flush()
                walk(child)
                flush()

    walk(article)
    flush()
    return page


def site_text(html_dir: Path) -> list[PageText]:
    """Every page of a built site, in reading order (pages outside it after, sorted)."""
    order = [page for page in reading_order(html_dir) if page != "search.html"]
    order += [page for page in site_pages(html_dir) if page not in order and page not in {"search.html",
                                                                                         "genindex.html"}]
    return [page_text((html_dir / page).read_text(encoding="utf-8"), page) for page in order]


def kept_site_text(html_dir: Path) -> list[PageText]:
    """site_text, kept beside a kept build (html_dir/../text-N.json), since a kept build never changes."""
    store = html_dir.parent / f"text-{TEXT_FORMAT}.json"
    if store.is_file() and (html_dir.parent / "built.json").is_file():
        data = json.loads(store.read_text(encoding="utf-8"))
        return [PageText(p["path"], p["title"], [Block(**b) for b in p["blocks"]]) for p in data]
    pages = site_text(html_dir)
    if (html_dir.parent / "built.json").is_file():
        store.write_text(json.dumps([asdict(p) for p in pages]), encoding="utf-8")
    return pages


def site_label(html_dir: Path) -> tuple[str, bool]:
    """(version, is a development build) as the build's own pages say it."""
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    options = (html_dir / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    version = re.search(r"VERSION:\s*'([^']*)'", options).group(1)
    return version, 'class="manual-version manual-development"' in index


# -- the change log's entries -----------------------------------------------------

@dataclass
class Entry:
    section: str  # "1.1.0 — 2026-11-30" or "Unreleased"
    html: str  # the entry, links unwrapped
    pages: set[str] = field(default_factory=set)


def _version_of(title: str) -> tuple[int, ...] | None:
    found = re.match(r"(\d+(?:\.\d+)+)", title)
    return tuple(int(p) for p in found.group(1).split(".")) if found else None


def changelog_entries(html_dir: Path, after: str, upto: str, development: bool,
                      pages: list[PageText]) -> tuple[list[str], list[Entry]]:
    """The change-log sections after version *after* up to *upto* (and Unreleased, for a development build),
    and their entries, each with the pages it names (by a link to the page, or the page's title in bold)."""
    path = html_dir / CHANGELOG_PAGE
    if not path.is_file():
        return [], []
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    low = tuple(int(p) for p in after.split(".")) if after else ()
    high = tuple(int(p) for p in upto.split("."))
    titles = {page.path: page.title.lower() for page in pages}
    sections, entries = [], []
    for h2 in soup.select("article section > h2"):
        for link in h2.select("a.headerlink"):
            link.decompose()
        title = _clean(h2.get_text())
        version = _version_of(title)
        wanted = (title == "Unreleased" and development) or (version is not None and low < version <= high)
        if not wanted:
            continue
        sections.append(title)
        for item in h2.parent.find_all("li"):
            if item.find_parent("li"):
                continue
            named = set()
            for link in item.find_all("a", href=True):
                target = posixpath.normpath(link["href"].split("#")[0]) if not link["href"].startswith("#") else ""
                if target in titles:
                    named.add(target)
                link.unwrap()
            bold = " ".join(strong.get_text(" ") for strong in item.find_all("strong")).lower()
            for page, page_title in titles.items():
                if len(page_title) > 3 and re.search(rf"(?<!\w){re.escape(page_title)}(?!\w)", bold):
                    named.add(page)
            entries.append(Entry(title, item.decode_contents().strip(), named))
    return sections, entries


# -- comparing ------------------------------------------------------------------

@dataclass
class Change:
    kind: str  # "changed", "inserted", "deleted"
    trail: str
    block_kind: str
    pieces: list[tuple[str, str, str]]  # (op: equal/insert/delete, space before, words)


@dataclass
class PageDiff:
    path: str
    title: str
    status: str  # "changed", "added", "removed", "unchanged"
    changes: list[Change] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    #: The change history page itself: it gains the change log's sections, which need no entry.
    is_changelog: bool = False


def _tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    for match in TOKEN.finditer(text):
        found.append((match.group(), " " if match.start() > at else ""))
        at = match.end()
    return found


def _run(tokens: list[tuple[str, str]]) -> tuple[str, str]:
    """(space before the run, the run's words with their spaces)."""
    if not tokens:
        return "", ""
    return tokens[0][1], tokens[0][0] + "".join(space + word for word, space in tokens[1:])


def diff_words(old: str, new: str) -> list[tuple[str, str, str]]:
    """The words of *old* and *new*, each run marked equal, delete or insert."""
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    pieces = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            pieces.append(("delete", *_run(a[i1:i2])))
        if op == "insert":
            pieces.append(("insert", *_run(b[j1:j2])))
        if op == "replace":  # the inserted words straight after the deleted ones
            pieces.append(("insert", "", _run(b[j1:j2])[1]))
        if op == "equal":
            pieces.append(("equal", *_run(b[j1:j2])))
    return pieces


def _similar(a: Block, b: Block) -> float:
    """How alike two blocks read (0 to 1); blocks of different kinds (a note, a list item) never pair."""
    if a.kind != b.kind:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a.text.split(), b.text.split(), autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.5 else 0.0


def _pairs(old: list[Block], new: list[Block]) -> list[tuple[int, int]]:
    """The best order-keeping pairing of alike blocks (similarity at least 0.5), by dynamic programming."""
    m, n = len(old), len(new)
    sim = [[_similar(old[i], new[j]) for j in range(n)] for i in range(m)]
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            paired = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= 0.5 else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], paired)
    pairs, i, j = [], 0, 0
    while i < m and j < n:
        if sim[i][j] >= 0.5 and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def compare_blocks(old: list[Block], new: list[Block]) -> list[Change]:
    """The changed blocks of a page, in the new version's order (a deleted block where it stood)."""
    keys = lambda blocks: [f"{block.kind}\0{block.text}" for block in blocks]  # noqa: E731
    matcher = difflib.SequenceMatcher(None, keys(old), keys(new), autojunk=False)
    changes: list[Change] = []

    def deleted(block: Block) -> None:
        changes.append(Change("deleted", block.trail, block.kind, [("delete", "", block.text)]))

    def inserted(block: Block) -> None:
        changes.append(Change("inserted", block.trail, block.kind, [("insert", "", block.text)]))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        i, j = i1, j1
        for a, b in [(i1 + a, j1 + b) for a, b in _pairs(old[i1:i2], new[j1:j2])] + [(i2, j2)]:
            for k in range(i, a):
                deleted(old[k])
            for k in range(j, b):
                inserted(new[k])
            if a < i2:
                changes.append(Change("changed", new[b].trail, new[b].kind, diff_words(old[a].text, new[b].text)))
            i, j = a + 1, b + 1
    return changes


@dataclass
class Comparison:
    old_label: str
    new_label: str
    new_development: bool
    pages: list[PageDiff]
    sections: list[str]
    entries: list[Entry]

    @property
    def changed(self) -> list[PageDiff]:
        return [page for page in self.pages if page.status != "unchanged"]

    @property
    def title(self) -> str:
        if self.new_development:
            return f"Changes in development since version {self.old_label}"
        return f"Changes from version {self.old_label} to version {self.new_label}"


def compare_sites(old_html: Path, new_html: Path) -> Comparison:
    old_label, _ = site_label(old_html)
    new_label, development = site_label(new_html)
    old_pages = {page.path: page for page in kept_site_text(old_html)}
    new_pages = kept_site_text(new_html)
    sections, entries = changelog_entries(new_html, old_label, new_label, development, new_pages)
    diffs = []
    for page in new_pages:
        before = old_pages.get(page.path)
        if before is None:
            diff = PageDiff(page.path, page.title, "added",
                            [Change("inserted", b.trail, b.kind, [("insert", "", b.text)]) for b in page.blocks])
        else:
            changes = compare_blocks(before.blocks, page.blocks)
            diff = PageDiff(page.path, page.title, "changed" if changes else "unchanged", changes)
        diffs.append(diff)
    new_paths = {page.path for page in new_pages}
    for path, page in old_pages.items():
        if path not in new_paths:
            diffs.append(PageDiff(path, page.title, "removed",
                                  [Change("deleted", b.trail, b.kind, [("delete", "", b.text)]) for b in page.blocks]))
    for diff in diffs:
        diff.entries = [entry for entry in entries if diff.path in entry.pages]
        diff.is_changelog = diff.path == CHANGELOG_PAGE
    return Comparison(old_label, new_label, development, diffs, sections, entries)


# -- writing it out ---------------------------------------------------------------

STYLE = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #4a4a4a; --line: #c8c8c8;
  --ins-fg: #0b4f1c; --ins-bg: #dcf5e0; --del-fg: #8a1010; --del-bg: #fde2e2; --link: #0b4fa8;
  --aside-bg: #f3f5f8; --note-bg: #fff3cd; --note-fg: #3d2600; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #16181c; --muted: #c2c2c2; --line: #4a4d55;
    --ins-fg: #b9f5c4; --ins-bg: #173d22; --del-fg: #ffc9c9; --del-bg: #4a1b1b; --link: #8cc4ff;
    --aside-bg: #22252b; --note-bg: #3d3115; --note-fg: #fbe9c0; }
}
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: var(--fg); background: var(--bg);
  line-height: 1.55; margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
a { color: var(--link); }
nav.versions { border-bottom: 1px solid var(--line); padding: .5rem 1.5rem; font-size: .95rem; }
nav.versions ul { display: inline; list-style: none; padding: 0; margin: 0; }
nav.versions li { display: inline; margin-right: 1rem; }
h1 { font-size: 1.8rem; margin: .6rem 0 .4rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .4rem; border-top: 1px solid var(--line); padding-top: 1rem; }
h3 { font-size: 1.05rem; margin: .8rem 0 .3rem; }
.lead, .where, .trail, .legend, .none { color: var(--muted); }
.trail { font-size: .9rem; margin: .9rem 0 .1rem; font-weight: 600; }
.block { margin: 0 0 .3rem; }
.block.heading { font-weight: 700; }
.block.item::before { content: "• "; }
ins { color: var(--ins-fg); background: var(--ins-bg); text-decoration: underline; text-decoration-thickness: 2px; }
del { color: var(--del-fg); background: var(--del-bg); text-decoration: line-through; text-decoration-thickness: 2px; }
@media screen {
  /* Screen readers announce where a mark starts and ends; the marks show it to the eye. */
  ins::before, del::before, ins::after, del::after { position: absolute; clip-path: inset(50%); width: 1px;
    height: 1px; overflow: hidden; white-space: nowrap; }
  ins::before { content: " [inserted: "; } del::before { content: " [deleted: "; }
  ins::after, del::after { content: "] "; }
}
.page { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 0 1.5rem; }
.page > h2, .page > .where { grid-column: 1 / -1; }
.page aside { background: var(--aside-bg); border-left: 4px solid var(--line); padding: .3rem .9rem; align-self: start; }
.page aside ul { padding-left: 1.1rem; margin: .3rem 0; }
.page aside .missing { background: var(--note-bg); color: var(--note-fg); padding: .2rem .4rem; }
table.summary { border-collapse: collapse; margin: .5rem 0; }
table.summary th, table.summary td { text-align: left; padding: .15rem .8rem .15rem 0; border-bottom: 1px solid var(--line); }
.changelog { background: var(--aside-bg); padding: .2rem 1rem .6rem; margin-top: 1rem; }
.changelog h2 { border-top: none; margin-top: .6rem; padding-top: 0; }
ol.unchanged { columns: 2; column-gap: 2rem; }
ol.unchanged li { break-inside: avoid; }
ol.unchanged .where { font-size: .85rem; }
@media screen and (max-width: 50rem) { .page { display: block; } ol.unchanged { columns: 1; } }
@media print {
  :root { --fg: #000; --bg: #fff; --muted: #333; --link: #000; --ins-fg: #003d12; --del-fg: #6b0000; }
  main { max-width: none; padding: 0; }
  nav.versions { display: none; }
  h2 { break-before: auto; break-after: avoid; }
  .trail { break-after: avoid; }
  .block, .page aside { break-inside: avoid; }
  a { text-decoration: none; }
}
"""


def _pieces_html(pieces: list[tuple[str, str, str]]) -> str:
    out = []
    for op, space, words in pieces:
        text = html.escape(words)
        out.append(space + (f"<ins>{text}</ins>" if op == "insert" else f"<del>{text}</del>" if op == "delete"
                            else text))
    return "".join(out).strip()


def _anchor(path: str) -> str:
    return "page-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def render_html(comparison: Comparison, old_base: str, new_base: str, nav: str = "", pdf_name: str = "") -> str:
    """The tracked-changes page; *old_base* and *new_base* lead from it to each version's site."""
    c = comparison
    e = html.escape
    parts = [f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{e(c.title)}: Internet Offending Module</title><style>{STYLE}</style></head><body>"]
    if nav:
        parts.append(f'<nav class="versions" aria-label="Versions of the manual">{nav}</nav>')
    parts.append(f"<main><h1>{e(c.title)}</h1>")
    counts = {status: sum(1 for p in c.pages if p.status == status) for status in ("changed", "added", "removed",
                                                                                  "unchanged")}
    new_name = f"{c.new_label} (in development, not for delivery)" if c.new_development else c.new_label
    parts.append(f'<p class="lead">Internet Offending Module facilitator manual. Every page of version '
                 f"{e(c.old_label)} compared with version {e(new_name)}, as a reader sees it: the wording of "
                 "the pages, handouts and diagrams, not their source. "
                 f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed, "
                 f"{counts['unchanged']} unchanged.</p>")
    parts.append('<p class="legend">How to read it: <ins>inserted words</ins> are underlined, '
                 "<del>deleted words</del> are struck through. Each change is under the heading it falls in.</p>")
    if pdf_name:
        parts.append(f'<p><a href="{e(pdf_name)}">The same as a PDF, for committee papers</a>.</p>')
    parts.append('<section class="changelog" aria-labelledby="changelog-heading">'
                 '<h2 id="changelog-heading">The change log</h2>')
    if c.sections:
        parts.append(f"<p>Sections: {e(', '.join(c.sections))}.</p>")
        parts.append("<ul>" + "".join(f"<li>{entry.html}</li>" for entry in c.entries) + "</ul>"
                     if c.entries else '<p class="none">The sections have no entries.</p>')
    else:
        parts.append('<p class="none">The change log has no section for these changes.</p>')
    parts.append("</section>")
    parts.append('<h2 id="summary">Changed pages, in reading order</h2>')
    parts.append("<ol class=\"changed\">" + "".join(
        f'<li><a href="#{_anchor(page.path)}">{e(page.title)}</a> ({page.status}, {e(page.path)})</li>'
        for page in c.changed) + "</ol>" if c.changed else '<p class="none">No page changed.</p>')
    for page in c.changed:
        links = []
        if page.status != "added":
            links.append(f'<a href="{e(old_base + page.path)}">the page in version {e(c.old_label)}</a>')
        if page.status != "removed":
            links.append(f'<a href="{e(new_base + page.path)}">the page in version {e(c.new_label)}</a>')
        parts.append(f'<section class="page" id="{_anchor(page.path)}" aria-labelledby="{_anchor(page.path)}-h">'
                     f'<h2 id="{_anchor(page.path)}-h">{e(page.title)} ({page.status})</h2>'
                     f'<p class="where">{e(page.path)}: {" and ".join(links)}.</p><div class="changes">')
        trail = None
        for change in page.changes:
            if change.trail and change.trail != trail:
                parts.append(f'<p class="trail">{e(change.trail)}</p>')
            trail = change.trail
            parts.append(f'<p class="block {e(change.block_kind)}">{_pieces_html(change.pieces)}</p>')
        parts.append('</div><aside aria-label="Change log for this page"><h3>In the change log</h3>')
        if page.entries:
            parts.append("<ul>" + "".join(f"<li>{entry.html}</li>" for entry in page.entries) + "</ul>")
        elif page.is_changelog:
            parts.append("<p>This is the change history itself: it gains the sections listed above.</p>")
        else:
            parts.append('<p class="missing">No change-log entry names this page.</p>')
        parts.append("</aside></section>")
    unchanged = [page for page in c.pages if page.status == "unchanged"]
    parts.append('<h2 id="unchanged">Unchanged pages</h2>')
    parts.append(f"<p>{len(unchanged)} pages read exactly as before, in reading order:</p>"
                 '<ol class="unchanged">' + "".join(
                     f'<li><a href="{e(new_base + page.path)}">{e(page.title)}</a> '
                     f'<span class="where">({e(page.path)})</span></li>' for page in unchanged) + "</ol>"
                 if unchanged else '<p class="none">Every page changed.</p>')
    parts.append("</main></body></html>\n")
    return "".join(parts)


def render_text(comparison: Comparison) -> str:
    """For the terminal: [-deleted-] and {+inserted+} words, page by page."""
    lines = [comparison.title, ""]
    for page in comparison.changed:
        lines.append(f"{page.title} ({page.path}): {page.status}")
        for change in page.changes[:40]:
            words = "".join(space + (f"[-{w}-]" if op == "delete" else f"{{+{w}+}}" if op == "insert" else w)
                            for op, space, w in change.pieces).strip()
            lines.append(f"  {change.trail + ': ' if change.trail else ''}{words}")
        if len(page.changes) > 40:
            lines.append(f"  ... and {len(page.changes) - 40} more blocks")
        lines.append("")
    unchanged = sum(1 for page in comparison.pages if page.status == "unchanged")
    lines.append(f"{len(comparison.changed)} page(s) changed, {unchanged} unchanged.")
    return "\n".join(lines)


PDF_FOOTER = ('<div style="width:100%; margin:0 15mm; font-family: DejaVu Sans, Verdana, sans-serif; '
              'font-size:9pt; color:#000; display:flex; justify-content:space-between;">'
              '<span>Internet Offending Module. {title}.</span>'
              '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


def render_pdf(page_html: Path, pdf: Path, title: str) -> Path:
    """Print the tracked-changes page to an A4 PDF with Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf.with_suffix(".pdf.part")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.emulate_media(media="print", color_scheme="light")
            page.goto(page_html.resolve().as_uri(), wait_until="load")
            page.pdf(path=str(partial), format="A4", print_background=True,
                     margin={"top": "15mm", "right": "15mm", "bottom": "18mm", "left": "15mm"},
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=PDF_FOOTER.format(title=html.escape(title)))
        finally:
            browser.close()
    partial.replace(pdf)
    return pdf


def write_comparison(comparison: Comparison, out_html: Path, old_base: str, new_base: str, nav: str = "",
                     pdf_link: str = "", pdf: Path | None = None) -> None:
    """Write the page (linking *pdf_link*, if any) and, given *pdf*, print it there."""
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(render_html(comparison, old_base, new_base, nav, pdf_link), encoding="utf-8")
    if pdf is not None:
        # Printed without the links to other versions and to itself.
        with tempfile.TemporaryDirectory(prefix="tracked-changes-") as tmp:
            plain = Path(tmp) / "changes.html"
            plain.write_text(render_html(comparison, old_base, new_base), encoding="utf-8")
            render_pdf(plain, pdf, comparison.title)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="old", help="a version (1.0.0), tag or git revision; the latest release "
                        "if not given")
    parser.add_argument("--to", dest="new", default="HEAD", help="a version (1.1.0), tag or git revision; "
                        "HEAD if not given")
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "diff")
    parser.add_argument("--cache", type=Path, default=None, help="kept builds (default REPO/.cache/versions)")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML page only")
    args = parser.parse_args(argv)
    try:
        cache = BuildCache(args.repo, args.cache)
        if args.old is None:
            releases = [tag for tag in release_tags(cache.repo) if not tag_problems(tag)]
            if not releases:
                raise ReleaseError("no release yet to compare with: name one, make diff FROM=... TO=...")
            args.old = releases[-1].name
        builds = [cache.get(resolve(cache.repo, name)[0]) for name in (args.old, args.new)]
    except ReleaseError as error:
        print(f"make diff: {error}", file=sys.stderr)
        return 1
    comparison = compare_sites(builds[0].html, builds[1].html)
    old, new = comparison.old_label, comparison.new_label + ("-dev" if comparison.new_development else "")
    folder = args.out / f"{old}-to-{new}"
    if folder.exists():
        shutil.rmtree(folder)
    for label, built in ((old, builds[0]), (new, builds[1])):
        shutil.copytree(built.html, folder / label)
    pdf = None if args.no_pdf else folder / f"tracked-changes-{old}-to-{new}.pdf"
    write_comparison(comparison, folder / "index.html", f"{old}/", f"{new}/", pdf_link=pdf.name if pdf else "",
                     pdf=pdf)
    print(render_text(comparison))
    print(f"\nTracked changes: {folder / 'index.html'}" + (f"\nAs a PDF: {pdf}" if pdf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
