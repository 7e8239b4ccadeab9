"""The manual's content: the curriculum lists keep their wording in the HTML and the PDF,
every topic and exercise is there and linked both ways, the law pages are dated, one for each
jurisdiction of the United Kingdom, chosen by tabs in HTML and all printed in the PDF,
no page links out except to a DOI, and handouts use no italics.

The lists live in tests/curriculum-lists.toml.  Everything here reads the built
output (the session fixtures in conftest.py), never the Markdown sources.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import tomllib
import unicodedata
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import Build

LISTS_FILE = Path(__file__).with_name("curriculum-lists.toml")
CURRICULUM = tomllib.loads(LISTS_FILE.read_text(encoding="utf-8"))
LISTS: list[dict] = CURRICULUM["list"]
TOPICS: dict[str, list[str]] = CURRICULUM["topics"]
EXERCISES = sorted({ex for exercises in TOPICS.values() for ex in exercises})


# ---------------------------------------------------------------- normalising text

QUOTES = {ord(c): "'" for c in "‘’‚‛′`´"} | {ord(c): '"' for c in "“”„‟″«»"}
DASHES = {ord(c): "-" for c in "‐‑‒–—―−"}


def normalise(text: str) -> str:
    """Fold the typographic differences Sphinx and LaTeX introduce, and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES).translate(DASHES)
    text = text.replace("\u00ad", "")  # soft hyphens
    return re.sub(r"\s+", " ", text).strip()


def normalise_pdf(text: str) -> str:
    """As normalise(), after joining words that LaTeX hyphenated across a line break."""
    text = unicodedata.normalize("NFKC", text).translate(DASHES)
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)
    return normalise(text)


def contains(haystack: str, needle: str) -> bool:
    """Whether *needle* occurs in *haystack*; a hyphen inside a word may be missing,
    because a line break at that hyphen was joined as if LaTeX had hyphenated there."""
    if needle in haystack:
        return True
    parts = re.split(r"(?<=\w)-(?=\w)", needle)
    return len(parts) > 1 and re.search("-?".join(map(re.escape, parts)), haystack) is not None


# ---------------------------------------------------------------- reading the HTML

BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "table", "tr",
              "td", "th", "caption", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
              "br", "hr", "blockquote", "pre", "aside", "nav", "header", "footer"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class MainText(HTMLParser):
    """The text of a page's main content (Furo's article), with its element ids and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 while inside <article role="main">
        self.skip = 0  # >0 while inside <script>, <style> or an inline <svg>
        self.chunks: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth == 0 and tag == "article" and values.get("role") == "main":
            self.depth = 1
            return
        if self.depth == 0:
            return
        if tag not in VOID_TAGS:
            self.depth += 1
        if tag in {"script", "style", "svg"} and tag not in VOID_TAGS:
            self.skip += 1
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.depth:
            return
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 0 or tag in VOID_TAGS:
            return
        self.depth -= 1
        if tag in {"script", "style", "svg"} and self.skip:
            self.skip -= 1
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return normalise("".join(self.chunks))


def main_content(html: str) -> MainText:
    parser = MainText()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="session")
def pages_by_label(html_pages: dict[str, str]) -> dict[str, tuple[str, MainText]]:
    """Every page with a label, by label: its path in the build and its main content.

    A page's label is the anchor of its title (AUTHORING.md: one label a page, before the title).
    """
    found: dict[str, tuple[str, MainText]] = {}
    for path, html in html_pages.items():
        content = main_content(html)
        for anchor in content.ids:
            if re.fullmatch(r"(mod|ex|guide|ref)-[a-z0-9-]+", anchor):
                found.setdefault(anchor, (path, content))
    return found


def _page(pages_by_label: dict[str, tuple[str, MainText]], label: str) -> tuple[str, MainText]:
    assert label in pages_by_label, f"no built page has the label {label!r}"
    return pages_by_label[label]


def _linked_paths(path: str, content: MainText) -> set[str]:
    """The pages of the build that *content* (the page at *path*) links to."""
    targets = set()
    for href in content.hrefs:
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith("//"):
            continue
        target = href.split("#", 1)[0].split("?", 1)[0]
        if target:
            targets.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    return targets


# ---------------------------------------------------------------- reading the PDF

@pytest.fixture(scope="session")
def pdf_text(pdf_build: tuple[Build, Path]) -> str:
    build, pdf = pdf_build
    assert build.returncode == 0 and pdf.is_file(), build.output[-3000:]
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return normalise_pdf(raw)


# ---------------------------------------------------------------- the lists file itself

def test_normalising_folds_quotes_dashes_hyphenation_and_whitespace() -> None:
    assert normalise("It’s not ‘really’ real –\n  it’s “just” acting") == "It's not 'really' real - it's \"just\" acting"
    assert normalise_pdf("the Yale-\nBrown scale, mastur-\nbation") == "the YaleBrown scale, masturbation"
    assert contains("the YaleBrown scale", "Yale-Brown scale")
    assert not contains("the Yale Brown scale", "Yale-Brown scale")


# The counts the source programme gives; a list that loses an item fails here, not silently.
SOURCE_COUNTS = {
    "the escalation cycle (offending cycle), six steps": 6,
    "examples of \"making it OK\" thoughts, eleven": 11,
    "thoughts blocked out by concentrating on sexual gratification, three": 3,
    "victim-empathy questions": 8,
    "truth statements": 6,
    "first-order changes, five": 5,
    "second-order changes, six": 7,  # the heading's description, then the six changes
    "collecting and compulsivity, four steps": 4,
    "triggers to consider": 8,
    "what illegal use of the internet replaced or substituted for": 5,
}


def test_curriculum_lists_keep_the_number_of_items_the_source_gives() -> None:
    by_name = {entry["name"]: entry for entry in LISTS}
    for name, count in SOURCE_COUNTS.items():
        assert name in by_name, f"{LISTS_FILE.name} has no list {name!r}"
        items = by_name[name]["items"]
        assert len(items) == count, f"{name}: {len(items)} items, the source gives {count}"
        assert len(set(items)) == len(items), f"{name}: an item is repeated"


def test_curriculum_lists_name_pages_by_label_and_need_no_normalising() -> None:
    for entry in LISTS:
        assert entry["pages"], f"{entry['name']}: names no page"
        for label in entry["pages"]:
            assert re.fullmatch(r"(mod|ex|guide|ref)-[a-z0-9-]+", label), f"{entry['name']}: {label!r}"
        for item in entry["items"]:
            assert item == normalise(item), f"{entry['name']}: write {item!r} with straight quotes and '-'"


# The source programme's twelve exercises, and the two the clinical revision added (1.0.0):
# the consent sheet and the good life plan.
ADDED_IN_CLINICAL_REVISION = {"ex-agreeing-to-take-part", "ex-my-good-life-plan"}


def test_twelve_topics_and_fourteen_exercises() -> None:
    assert len(TOPICS) == 12
    assert len(EXERCISES) == 14
    assert ADDED_IN_CLINICAL_REVISION <= set(EXERCISES)
    assert all(label.startswith("mod-") for label in TOPICS)
    assert all(label.startswith("ex-") for label in EXERCISES)


# ---------------------------------------------------------------- curriculum wording in the output

@pytest.mark.parametrize("entry", LISTS, ids=[re.sub(r"\W+", "-", e["name"]).strip("-") for e in LISTS])
def test_every_curriculum_item_appears_in_the_html_of_its_pages(
        entry: dict, pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    missing = []
    for label in entry["pages"]:
        path, content = _page(pages_by_label, label)
        missing += [f"{label} ({path}): {item!r}" for item in entry["items"] if not contains(content.text, item)]
    assert missing == [], "curriculum wording missing from the HTML:\n" + "\n".join(missing)


@pytest.mark.parametrize("entry", LISTS, ids=[re.sub(r"\W+", "-", e["name"]).strip("-") for e in LISTS])
def test_every_curriculum_item_appears_in_the_pdf(entry: dict, pdf_text: str) -> None:
    missing = [item for item in entry["items"] if not contains(pdf_text, item)]
    assert missing == [], "curriculum wording missing from the PDF:\n" + "\n".join(map(repr, missing))


# ---------------------------------------------------------------- topics and exercises

def test_every_topic_the_source_names_has_a_page(pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    missing = [label for label in TOPICS if label not in pages_by_label]
    assert missing == []
    for label in TOPICS:
        assert pages_by_label[label][0].startswith("modules/"), label


def test_every_exercise_has_a_page(pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    missing = [label for label in EXERCISES if label not in pages_by_label]
    assert missing == []
    for label in EXERCISES:
        assert pages_by_label[label][0].startswith("exercises/"), label


def test_every_built_topic_and_exercise_page_is_in_the_curriculum_list(
        pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    built = {label for label in pages_by_label if label.startswith(("mod-", "ex-"))}
    assert built - set(TOPICS) - set(EXERCISES) == set(), f"add these to [topics] in {LISTS_FILE.name}"


def test_every_exercise_is_linked_from_its_topic_page_and_links_back(
        pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    problems = []
    for topic, exercises in TOPICS.items():
        topic_path, topic_content = _page(pages_by_label, topic)
        for exercise in exercises:
            exercise_path, exercise_content = _page(pages_by_label, exercise)
            if exercise_path not in _linked_paths(topic_path, topic_content):
                problems.append(f"{topic} does not link to {exercise}")
            if topic_path not in _linked_paths(exercise_path, exercise_content):
                problems.append(f"{exercise} does not link back to {topic}")
    assert problems == []


def test_every_exercise_is_linked_from_at_least_one_topic_page(
        pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    topic_links = set()
    for topic in TOPICS:
        topic_links |= _linked_paths(*_page(pages_by_label, topic))
    unlinked = [ex for ex in EXERCISES if _page(pages_by_label, ex)[0] not in topic_links]
    assert unlinked == []


# ---------------------------------------------------------------- the law pages

# One page for each jurisdiction of the United Kingdom, by label, and its name.
JURISDICTIONS = {
    "ref-law-england-and-wales": "England and Wales",
    "ref-law-scotland": "Scotland",
    "ref-law-northern-ireland": "Northern Ireland",
}
LAST_REVIEWED = re.compile(r"Last reviewed:? (\d{1,2} [A-Z][a-z]+ \d{4})")


@pytest.mark.parametrize("label", JURISDICTIONS)
def test_each_jurisdiction_has_a_law_page_with_its_own_last_reviewed_date(
        label: str, pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    _, content = _page(pages_by_label, label)
    found = LAST_REVIEWED.search(content.text)
    assert found, f"{label}: no 'Last reviewed' date"
    datetime.strptime(found.group(1), "%d %B %Y")  # a real date, e.g. not "31 November 2026"
    assert f"This page covers the law of {JURISDICTIONS[label]}." in content.text


def _law_tab_sets(html_pages: dict[str, str], pages_by_label: dict[str, tuple[str, MainText]]) -> list:
    path, _ = _page(pages_by_label, "ref-law")
    article = BeautifulSoup(html_pages[path], "html.parser").find("article", attrs={"role": "main"})
    return article.select("div.sd-tab-set")


def test_law_overview_shows_one_jurisdiction_at_a_time_in_tabs(
        html_pages: dict[str, str], pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    """The law by jurisdiction, and who manages group members: each a set of three tabs, one open."""
    tab_sets = _law_tab_sets(html_pages, pages_by_label)
    assert len(tab_sets) == 2
    for tab_set in tab_sets:
        labels = tab_set.find_all("label", class_="sd-tab-label", recursive=False)
        assert [label.get_text(strip=True) for label in labels] == list(JURISDICTIONS.values())
        radios = tab_set.find_all("input", attrs={"type": "radio"}, recursive=False)
        assert [radio.has_attr("checked") for radio in radios] == [True, False, False]
        # One choice of jurisdiction opens the same tab in both sets (and is remembered).
        assert {label["data-sync-group"] for label in labels} == {"jurisdiction"}
        assert [label["data-sync-id"] for label in labels] == [
            "england-and-wales", "scotland", "northern-ireland"]


def test_each_law_tab_links_to_its_jurisdictions_page(
        html_pages: dict[str, str], pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    first = _law_tab_sets(html_pages, pages_by_label)[0]
    contents = first.find_all("div", class_="sd-tab-content", recursive=False)
    assert len(contents) == len(JURISDICTIONS)
    for content, label in zip(contents, JURISDICTIONS):
        hrefs = [a["href"] for a in content.find_all("a", href=True)]
        assert any(href.endswith(f"#{label}") for href in hrefs), f"the {JURISDICTIONS[label]} tab: {hrefs}"


def test_who_manages_group_members_has_its_own_label_for_other_pages(
        pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    """ref-law-mappa: MAPPA, PPANI and the police offender manager, linked from the safeguarding guide."""
    path, content = _page(pages_by_label, "ref-law-mappa")
    assert path == _page(pages_by_label, "ref-law")[0]
    for words in ("Multi-agency public protection arrangements (MAPPA)",
                  "Public Protection Arrangements Northern Ireland (PPANI)", "the police offender manager"):
        assert words in content.text


# Words from each jurisdiction's page, and from the tab of the overview that HTML hides until chosen.
LAW_IN_PRINT = [
    "The law in England and Wales", "The law in Scotland", "The law in Northern Ireland",
    "Civic Government (Scotland) Act 1982", "Sexual Offences (Northern Ireland) Order 2008",
    "Multi-agency public protection arrangements (MAPPA) in Scotland.",
    "Public Protection Arrangements Northern Ireland (PPANI).",
]


def test_the_pdf_prints_every_jurisdiction_and_every_tab(pdf_text: str) -> None:
    missing = [words for words in LAW_IN_PRINT if not contains(pdf_text, words)]
    assert missing == [], "not in the PDF: " + ", ".join(missing)
    assert len(LAST_REVIEWED.findall(pdf_text)) >= len(JURISDICTIONS)


# ---------------------------------------------------------------- links and handouts

class AnchorParser(HTMLParser):
    """Every <a href> on a whole page, theme and all."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def test_no_page_links_to_an_external_site_other_than_a_doi(html_pages: dict[str, str]) -> None:
    """Content and theme alike: the manual is read offline, and never points to a site."""
    offenders: dict[str, list[str]] = {}
    for name, html in html_pages.items():
        parser = AnchorParser()
        parser.feed(html)
        for href in parser.hrefs:
            if re.match(r"^(https?:)?//", href, re.I) and not href.startswith("https://doi.org/"):
                offenders.setdefault(href, []).append(name)
    assert offenders == {}, "links to external sites:\n" + "\n".join(
        f"{href} on {len(names)} page(s), e.g. {sorted(names)[0]}" for href, names in sorted(offenders.items()))


class HandoutItalics(HTMLParser):
    """Counts the handouts on a page and the <em>/<i> elements inside them."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # for each open element: is it a handout?
        self.handouts = 0
        self.italics: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        is_handout = "handout" in (dict(attrs).get("class") or "").split()
        self.handouts += is_handout
        if tag in {"em", "i"} and any(self.stack):
            self.italics.append(tag)
        self.stack.append(is_handout)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()


def test_handouts_contain_no_italics(html_pages: dict[str, str]) -> None:
    exercise_pages = {name: html for name, html in html_pages.items()
                      if name.startswith("exercises/") and not name.endswith("index.html")}
    assert len(exercise_pages) == len(EXERCISES)
    problems = []
    for name, html in exercise_pages.items():
        parser = HandoutItalics()
        parser.feed(html)
        if parser.handouts != 1:
            problems.append(f"{name}: {parser.handouts} handouts")
        if parser.italics:
            problems.append(f"{name}: {len(parser.italics)} italic elements in the handout")
    assert problems == []
