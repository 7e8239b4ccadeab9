"""The bibliography as readers of an author-year text expect it: titles keep their
capitals, each entry is labelled as the text cites it ("UK Parliament, 1978"), never
numbered, in one alphabetical list, and every citation links to its entry."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from conftest import DOCS

BIB = parse_file(str(DOCS / "reference" / "references.bib"))
LABEL = re.compile(r"^(?P<who>.+), (?P<year>\d{4}[a-z]?|n\.d\.(-[a-z])?)$")


def _plain(text: str) -> str:
    """A BibTeX value as printed: no braces, and "--" as an en dash."""
    return " ".join(text.replace("{", "").replace("}", "").replace("--", "\N{EN DASH}").split())


@pytest.fixture(scope="module")
def entries(html_pages: dict[str, str]) -> dict[str, dict]:
    soup = BeautifulSoup(html_pages["reference/bibliography.html"], "html.parser")
    found = {}
    for citation in soup.select('[role="main"] div.citation'):
        label = citation.select_one(".label").get_text().strip("[]")
        found[citation["id"]] = {"label": label, "text": " ".join(citation.p.get_text().split())}
    return found


def test_every_entry_is_labelled_by_author_and_year_not_numbered(entries: dict) -> None:
    assert entries
    for ident, entry in entries.items():
        assert ident.startswith("cite-"), ident
        assert LABEL.match(entry["label"]), entry["label"]
    labels = [entry["label"] for entry in entries.values()]
    assert len(set(labels)) == len(labels), "two entries with the same label"


def test_two_entries_of_one_author_and_year_are_told_apart(entries: dict) -> None:
    assert entries["cite-soa2003"]["label"] != entries["cite-cja2003"]["label"]
    assert {entries["cite-soa2003"]["label"][-1], entries["cite-cja2003"]["label"][-1]} == {"a", "b"}


def test_titles_keep_their_capitals(entries: dict) -> None:
    assert "Protection of Children Act 1978" in entries["cite-pca1978"]["text"]
    assert "Am I Making Myself Clear?" in entries["cite-mencap-clear"]["text"]
    for ident, entry in entries.items():
        title = _plain(BIB.entries[ident.removeprefix("cite-")].fields["title"])
        assert title in entry["text"], f"{ident}: {title!r} not in {entry['text']!r}"


def test_each_entry_starts_with_its_authors_and_year(entries: dict) -> None:
    for ident, entry in entries.items():
        who, year = LABEL.match(entry["label"]).group("who", "year")
        first = who.split(" and ")[0].removesuffix(" et al.")
        assert entry["text"].startswith(first), (ident, entry["text"][:60])
        assert f"({re.sub(r'-?[a-z]$', '', year)})" in entry["text"][:400], (ident, entry["text"][:120])


def test_the_list_is_one_alphabetical_list(entries: dict) -> None:
    names = [LABEL.match(entry["label"]).group("who").casefold() for entry in entries.values()]
    assert names == sorted(names)


def test_every_citation_is_author_and_year_in_round_brackets_and_links_to_its_entry(
        html_pages: dict[str, str], entries: dict) -> None:
    count = 0
    for name, html in html_pages.items():
        soup = BeautifulSoup(html, "html.parser")
        for citation in soup.select('[role="main"] span.bibtex-citation'):
            text = citation.get_text()
            assert text.startswith("(") and text.endswith(")"), f"{name}: {text}"
            links = citation.find_all("a")
            assert links, f"{name}: a citation with no link: {text}"
            for link in links:
                page, _, anchor = link["href"].partition("#")
                assert page.endswith("bibliography.html") and anchor in entries, f"{name}: {link['href']}"
                assert link.get_text() == entries[anchor]["label"], f"{name}: {link.get_text()!r}"
                count += 1
    assert count >= 50
