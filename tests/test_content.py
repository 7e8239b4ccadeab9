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
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DASHES, LABEL, Build, MainText, normalise

LISTS_FILE = Path(__file__).with_name("curriculum-lists.toml")

# The counts the source programme gives; a list that loses an item stops the tests, not silently.
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
# The source programme's twelve topics and twelve exercises, and the two exercises the clinical
# revision added (1.0.0): the consent sheet and the good life plan.
ADDED_IN_CLINICAL_REVISION = {"ex-agreeing-to-take-part", "ex-my-good-life-plan"}


def _checked_curriculum() -> dict:
    """curriculum-lists.toml, after checking it says what the source programme says: every list
    with the source's number of items, none repeated, written as normalise() leaves it, on pages
    named by label; twelve topics and fourteen exercises.  The tests below check the built
    manual against it, so a file that lost a list or an item stops them all, naming the fault."""
    data = tomllib.loads(LISTS_FILE.read_text(encoding="utf-8"))
    by_name = {entry["name"]: entry for entry in data["list"]}
    problems = [f"no list {name!r}" for name in SOURCE_COUNTS if name not in by_name]
    problems += [f"{name}: {len(by_name[name]['items'])} items, the source gives {count}"
                 for name, count in SOURCE_COUNTS.items() if name in by_name and len(by_name[name]["items"]) != count]
    for entry in data["list"]:
        problems += [f"{entry['name']}: names no page"] if not entry["pages"] else []
        problems += [f"{entry['name']}: {label!r} is not a label" for label in entry["pages"] if not LABEL.fullmatch(label)]
        problems += [f"{entry['name']}: an item is repeated"] if len(set(entry["items"])) != len(entry["items"]) else []
        problems += [f"{entry['name']}: write {item!r} with straight quotes and '-'"
                     for item in entry["items"] if item != normalise(item)]
    topics, exercises = data["topics"], {ex for exercises in data["topics"].values() for ex in exercises}
    if len(topics) != 12 or not all(label.startswith("mod-") for label in topics):
        problems.append(f"[topics] names {len(topics)} topics, not the twelve mod- labels of the source")
    if len(exercises) != 14 or not all(label.startswith("ex-") for label in exercises):
        problems.append(f"[topics] names {len(exercises)} exercises, not fourteen ex- labels")
    problems += [f"[topics] lacks {label}" for label in sorted(ADDED_IN_CLINICAL_REVISION - exercises)]
    if problems:
        raise ValueError(f"{LISTS_FILE}:\n" + "\n".join(problems))
    return data


CURRICULUM = _checked_curriculum()
LISTS: list[dict] = CURRICULUM["list"]
TOPICS: dict[str, list[str]] = CURRICULUM["topics"]
EXERCISES = sorted({ex for exercises in TOPICS.values() for ex in exercises})


# ---------------------------------------------------------------- normalising text

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
# conftest.py: main_text(), and the session fixtures main_texts and pages_by_label.

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


# ---------------------------------------------------------------- the test's own helpers

def test_normalising_folds_quotes_dashes_hyphenation_and_whitespace() -> None:
    assert normalise("It’s not ‘really’ real –\n  it’s “just” acting") == "It's not 'really' real - it's \"just\" acting"
    assert normalise_pdf("the Yale-\nBrown scale, mastur-\nbation") == "the YaleBrown scale, masturbation"
    assert contains("the YaleBrown scale", "Yale-Brown scale")
    assert not contains("the Yale Brown scale", "Yale-Brown scale")


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


def _law_tab_sets(pages_by_label: dict[str, tuple[str, MainText]]) -> list:
    return _page(pages_by_label, "ref-law")[1].article.select("div.sd-tab-set")


def test_law_overview_shows_one_jurisdiction_at_a_time_in_tabs(
        pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    """The law by jurisdiction, and who manages group members: each a set of three tabs, one open."""
    tab_sets = _law_tab_sets(pages_by_label)
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
        pages_by_label: dict[str, tuple[str, MainText]]) -> None:
    first = _law_tab_sets(pages_by_label)[0]
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

def external_links(html: str) -> list[str]:
    """Every <a href> on the page *html*, theme and all, that leads to another site (not a DOI)."""
    hrefs = [a["href"].strip() for a in BeautifulSoup(html, "html.parser").find_all("a", href=True)]
    return [href for href in hrefs if re.match(r"^(https?:)?//", href, re.I) and not href.startswith("https://doi.org/")]


def test_no_page_links_to_an_external_site_other_than_a_doi(html_pages: dict[str, str]) -> None:
    """Content and theme alike: the manual is read offline, and never points to a site."""
    offenders: dict[str, list[str]] = {}
    for name, html in html_pages.items():
        for href in external_links(html):
            offenders.setdefault(href, []).append(name)
    assert offenders == {}, "links to external sites:\n" + "\n".join(
        f"{href} on {len(names)} page(s), e.g. {sorted(names)[0]}" for href, names in sorted(offenders.items()))


def handout_italics(html: str) -> tuple[int, list]:
    """The number of handouts on the page *html*, and the <em> and <i> elements inside them."""
    handouts = BeautifulSoup(html, "html.parser").select(".handout")
    return len(handouts), [italic for handout in handouts for italic in handout.find_all(["em", "i"])]


def test_handouts_contain_no_italics(html_pages: dict[str, str]) -> None:
    exercise_pages = {name: html for name, html in html_pages.items()
                      if name.startswith("exercises/") and not name.endswith("index.html")}
    assert len(exercise_pages) == len(EXERCISES)
    problems = []
    for name, html in exercise_pages.items():
        handouts, italics = handout_italics(html)
        if handouts != 1:
            problems.append(f"{name}: {handouts} handouts")
        if italics:
            problems.append(f"{name}: {len(italics)} italic elements in the handout")
    assert problems == []
