"""The manual's search, as a facilitator uses it: the offline zip from file:// in Chromium, network blocked.

The questions in tests/search-questions.toml each name the section that must
come first.  The other tests prove what the ranking, snippets, marks and links
promise, and that search-words.toml mistakes fail the build.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT, sphinx_build
from test_browser import DIAGRAM_PAGES, SOURCE_PAGES, Visit, offline_zip, site, tab  # noqa: F401
from test_rules import assert_fails_with, write_fixture

sys.path.insert(0, str(ROOT / "_ext"))
from section_search import WordsError, load_words  # noqa: E402

QUESTIONS = tomllib.loads((Path(__file__).with_name("search-questions.toml")).read_text(encoding="utf-8"))["question"]


def _index(site: Path) -> dict:
    text = (site / "_static" / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("{"):text.rindex("}") + 1])


def _search(tab: Visit, query: str) -> list[dict]:
    tab.open("search.html", "?q=" + quote(query))
    tab.page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.length > 0")
    return tab.page.eval_on_selector_all(
        "ul.search > li",
        """items => items.map(li => ({href: li.querySelector('a').getAttribute('href'),
            snippet: li.querySelector('p.context')?.textContent || '',
            marks: [...li.querySelectorAll('p.context mark')].map(m => m.textContent),
            marked: [...li.querySelectorAll('p.context mark')].map(m => {
              const text = m.parentElement.textContent;
              let at = 0;
              for (const node of m.parentElement.childNodes) { if (node === m) break; at += node.textContent.length; }
              return [text.slice(Math.max(0, at - 1), at), text.slice(at + m.textContent.length, at + m.textContent.length + 1)];
            })}))""")


def _target(href: str) -> tuple[str, str]:
    page, _, anchor = href.partition("#")
    return page.partition("?")[0], anchor


# -- the index -------------------------------------------------------------------


@pytest.mark.browser
def test_the_index_holds_every_section_of_every_page_and_no_site_furniture(site: Path) -> None:
    index = _index(site)
    pages = {page["url"]: page for page in index["pages"]}
    assert set(pages) == set(SOURCE_PAGES)
    law = {section["anchor"]: section for section in pages["reference/law-england-and-wales.html"]["sections"]}
    assert law["notification-requirements"]["heading"] == "Notification requirements"
    assert "Notification requirements" not in law[""]["text"], "a subsection's text is in its parent's"
    glossary = [s["anchor"] for s in pages["reference/glossary.html"]["sections"]]
    assert "term-grooming" in glossary, "glossary terms are entries of their own"
    # The change history may name the furniture in its text; every other page has none of it.
    flat = json.dumps([page for page in index["pages"] if page["url"] != "changelog.html"], ensure_ascii=False)
    for chrome in ("Skip to content", "On this page", "Back to top", "¶", "<svg", "<p"):
        assert chrome not in flat
    assert len((site / "_static" / "search-index.js").read_bytes()) < 1_000_000
    assert ["picture", "image"] == [w for w in next(g for g in index["synonyms"] if "picture" in g)][:2]


# -- the facilitator questions -------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("question", QUESTIONS, ids=[q["ask"] for q in QUESTIONS])
def test_a_facilitators_question_finds_its_section_first(tab: Visit, question: dict) -> None:
    results = _search(tab, question["ask"])
    assert results, f"nothing found for {question['ask']!r}"
    expected = (question["page"], question["section"])
    assert _target(results[0]["href"]) == expected, [r["href"] for r in results[:3]]
    assert tab.errors == [] and tab.blocked == []


def test_there_are_at_least_twenty_questions_each_naming_a_page_and_section() -> None:
    assert len(QUESTIONS) >= 20
    for question in QUESTIONS:
        assert question["ask"] and question["page"] in SOURCE_PAGES and "section" in question


# -- what the ranking promises ---------------------------------------------------------


@pytest.mark.browser
def test_a_question_finds_sections_holding_most_of_its_words_not_only_all(tab: Visit) -> None:
    # No page holds the made-up word: a search that needed every word would find nothing.
    results = _search(tab, "triggers zqxwv relapse")
    assert results and _target(results[0]["href"])[0] in {"modules/triggers.html", "modules/relapse-prevention.html",
                                                         "reference/glossary.html"}


@pytest.mark.browser
def test_common_words_are_left_out_and_said_so(tab: Visit) -> None:
    _search(tab, "what do I do if he was on the register")
    said = tab.page.text_content("#search-results .search-words")
    assert "register" in said and re.search(r"Common words left out: .*\bhe\b.*\bwas\b", said)


@pytest.mark.browser
def test_a_word_in_a_heading_ranks_above_the_same_word_in_text(tab: Visit) -> None:
    results = _search(tab, "supervision")
    assert _target(results[0]["href"]) == ("facilitator-guide/facilitator-support.html", "supervision")


@pytest.mark.browser
def test_a_synonym_finds_sections_that_use_the_other_word(tab: Visit) -> None:
    results = _search(tab, "picture")
    marked = {mark.lower() for result in results[:10] for mark in result["marks"]}
    assert any(word.startswith("image") for word in marked), marked


@pytest.mark.browser
def test_snippets_start_at_a_word_and_mark_whole_words_only(tab: Visit, site: Path) -> None:
    texts = {(p["url"], s["anchor"]): s["text"] for p in _index(site)["pages"] for s in p["sections"]}
    for query in ("read", "he brought his tablet to group", "how long is he on the register", "care"):
        results = _search(tab, query)
        assert results, query
        for result in results[:8]:
            snippet = result["snippet"]
            if not snippet:
                continue
            start = snippet.removeprefix("… ")
            first = re.match(r"\W*(\w+)", start).group(1)
            text = texts[_target(result["href"])]
            assert re.search(rf"(^|\W){re.escape(first)}", text), f"{query!r}: snippet starts mid-word: {snippet[:40]!r}"
            for before, after in result["marked"]:
                assert not before.isalnum() and not after.isalnum(), f"{query!r}: part of a word marked in {snippet!r}"
        if query == "read":
            assert not any("already" in mark.lower() for r in results for mark in r["marks"])


@pytest.mark.browser
def test_each_result_opens_its_section_below_the_revision_bar_with_its_words_marked(tab: Visit) -> None:
    results = _search(tab, "how long is he on the register")
    href = results[0]["href"]
    assert "#notification-requirements" in href and "highlight=" in href
    tab.page.click("ul.search > li:first-child > a")
    tab.page.wait_for_selector("mark.search-match")
    # The page scrolls smoothly to the section: wait until it stops.
    tab.page.wait_for_timeout(1000)
    tab.page.wait_for_function("""() => new Promise(done => { const y = scrollY;
      setTimeout(() => done(Math.abs(scrollY - y) < 1 && scrollY > 0), 300); })""")
    box = tab.page.evaluate("""() => {
      const h = document.getElementById('notification-requirements').querySelector('h2, h3');
      const bar = document.querySelector('.announcement').getBoundingClientRect();
      return {top: h.getBoundingClientRect().top, bar: bar.bottom, height: innerHeight,
              outside: [...document.querySelectorAll('mark.search-match')].filter(
                m => !m.closest('#notification-requirements')).length,
              url: location.href}
    }""")
    assert box["bar"] <= box["top"] < box["height"] / 2, box
    assert box["outside"] == 0, "words marked outside the section opened"
    assert "highlight=" not in box["url"], "the marks would come back on reload or print"
    tab.page.click(".search-matches button")
    assert tab.page.locator("mark.search-match").count() == 0
    assert tab.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_a_page_with_a_diagram_opened_from_a_result_has_no_script_error(tab: Visit, name: str) -> None:
    """The words of its diagram, marked: the text of the diagram stays as drawn, and nothing fails."""
    tab.open(name)
    labels = tab.page.eval_on_selector_all(".mermaid-diagram svg text", "ts => ts.map(t => t.textContent)")
    words = sorted({w.lower() for label in labels for w in re.findall(r"[A-Za-z]{4,}", label)})[:12]
    assert words
    tab.open(name, "?highlight=" + quote(" ".join(words)))
    tab.page.wait_for_load_state("load")
    assert tab.errors == []
    assert tab.page.locator("svg mark, svg .highlighted").count() == 0


def test_a_mistake_in_the_search_words_fails_the_build_naming_the_line(tmp_path: Path) -> None:
    words = tmp_path / "search-words.toml"
    words.write_text('# words\nsynonyms = [\n  ["picture", "image"],\n  ["sex offender register", "notification"],\n]\n'
                     'ignore = ["the"]\n', encoding="utf-8")
    build = sphinx_build(write_fixture(tmp_path), tmp_path / "html", "html", "-D", f"section_search_words={words}")
    assert_fails_with(build, words, 4, r".*'sex offender register' must be one word.*\[search-words\]",
                      "section_search.words")


@pytest.mark.parametrize(("text", "line", "message"), [
    ('synonyms = [\n  ["picture" "image"],\n]\n', 2, "not valid TOML"),
    ('synonyms = [\n  ["picture", "image"],\n  ["image", "photo"],\n]\n', 3, "synonyms groups 1 and 2"),
    ('synonyms = [\n  ["picture"],\n]\n', 2, "fewer than two words"),
    ('synonyms = []\nignores = ["the"]\n', 2, "unknown key 'ignores'"),
    ('forms = [\n  ["Bring", "brought"],\n]\n', 2, "one word in lower case"),
])
def test_each_kind_of_mistake_in_the_search_words_names_its_line(tmp_path: Path, text: str, line: int,
                                                                message: str) -> None:
    path = tmp_path / "words.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WordsError) as error:
        load_words(path)
    assert message in str(error.value) and error.value.line == line


def test_the_manuals_search_words_are_valid_and_declare_the_fields_synonyms() -> None:
    words = load_words(ROOT / "_ext" / "search-words.toml")
    groups = [set(group) for group in words["synonyms"]]
    for pair in [("picture", "image"), ("phone", "device"), ("phone", "tablet"), ("register", "notification"),
                 ("carer", "supporter")]:
        assert any(set(pair) <= group for group in groups), pair
    assert {"he", "was", "the"} <= set(words["ignore"])
