"""The facilitator training course in the built manual, in a browser from file://, and in its PDF.

The units' rules are broken one at a time in tests/test_rules.py; here the real
course is read from the session's HTML build (Beautiful Soup): every unit has
its knowledge checks with hidden model answers, the schedule adds up the
units' own minutes, every guide and topic page is pre-reading for a unit, and
each role play links the guide page it practises.  Then Debian's Chromium
opens the answers from file:// with the network blocked, and the training PDF
(tools/make_training_pdf.py, as `make training`) is read with pdftotext.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DOCS, ROOT, Build

sys.path.insert(0, str(ROOT / "tools"))

from manual_tools import read_version, release_info  # noqa: E402

UNITS = sorted(p.relative_to(DOCS).with_suffix(".html").as_posix() for p in (DOCS / "training" / "units").glob("*.md"))
COURSE = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))["training"]
# The scenes issue 15 asks the role plays to cover, as words of their titles.
REQUIRED_ROLE_PLAYS = ["starts to describe an image", "disclosure", "escalation-cycle session",
                       "after the time pie chart", "\"making it OK\" thought said as fact", "carer asks"]


def _soup(html_build: Build, page: str) -> BeautifulSoup:
    assert html_build.returncode == 0, html_build.output[-3000:]
    return BeautifulSoup((html_build.outdir / page).read_text(encoding="utf-8"), "html.parser")


def _section(soup: BeautifulSoup, title: str):
    for heading in soup.select("article section > h2"):
        if heading.get_text(" ", strip=True).rstrip("¶").strip() == title:
            return heading.parent
    raise AssertionError(f"no section {title!r}")


def _targets(page: str, section) -> set[str]:
    """The pages of the build that the links in *section* (on *page*) point to."""
    found = set()
    for link in section.select("a.reference.internal"):
        href = link["href"].split("#")[0]
        if href:
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(page), href)))
    return found


def _front_matter(page: str) -> dict:
    text = (DOCS / page).with_suffix(".md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


# -- the course in the HTML -----------------------------------------------------

def test_the_course_has_units(html_build: Build) -> None:
    assert len(UNITS) >= 10
    assert all((html_build.outdir / unit).is_file() for unit in UNITS)


@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_has_three_knowledge_checks_each_with_one_hidden_model_answer(html_build: Build, unit: str) -> None:
    checks = _section(_soup(html_build, unit), "Knowledge checks").select(".knowledge-check")
    assert len(checks) >= 3
    for check in checks:
        answers = check.select("details.model-answer")
        assert len(answers) == 1
        assert not answers[0].has_attr("open"), "a model answer is open before it is asked for"
        assert answers[0].find("summary").get_text(strip=True).startswith("Model answer")
        assert len(answers[0].get_text(" ", strip=True)) > 80, "a model answer with hardly anything in it"


def test_every_guide_and_topic_page_is_pre_reading_for_a_unit(html_build: Build) -> None:
    covered = set()
    for unit in UNITS:
        covered |= _targets(unit, _section(_soup(html_build, unit), "Pre-reading"))
    wanted = {p.relative_to(DOCS).with_suffix(".html").as_posix()
              for folder in COURSE["covers"] for p in (DOCS / folder).glob("*.md") if p.name != "index.md"}
    assert wanted and wanted - covered == set()


def test_the_schedule_adds_up_each_units_minutes_into_days(html_build: Build) -> None:
    soup = _soup(html_build, "training/schedule.html")
    tables = soup.select("table.training-schedule")
    assert len(tables) == len({_front_matter(unit)["day"] for unit in UNITS})
    seen = []
    for day, table in enumerate(tables, start=1):
        clock = _minutes(COURSE["day_start"])
        for row in table.select("tbody tr"):
            cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
            if cells[0] == "Total":
                break
            start, end = re.fullmatch(r"(\d\d:\d\d) to (\d\d:\d\d)", cells[0]).groups()
            assert _minutes(start) == clock, f"day {day}: {cells}"
            link = row.select_one("a.reference.internal")
            if link is None:  # a break
                assert cells[1].startswith("Break")
            else:
                unit = posixpath.normpath(posixpath.join("training", link["href"].split("#")[0]))
                meta = _front_matter(unit)
                assert meta["day"] == day
                assert [int(cells[2]), int(cells[3])] == [meta["teaching"], meta["activity"]]
                assert _minutes(end) - _minutes(start) == meta["teaching"] + meta["activity"]
                seen.append(unit)
            clock = _minutes(end)
        assert clock <= _minutes(COURSE["day_end"]), f"day {day} ends after {COURSE['day_end']}"
    assert sorted(seen) == UNITS


def test_each_role_play_links_the_guide_page_it_practises_and_says_what_a_good_response_is(
        html_build: Build) -> None:
    soup = _soup(html_build, "training/role-plays.html")
    plays = soup.select(".role-play")
    assert len(plays) >= len(REQUIRED_ROLE_PLAYS)
    for play in plays:
        practises = _targets("training/role-plays.html", play.select_one(".role-play-practises"))
        assert practises and all(p.startswith("facilitator-guide/") for p in practises)
        assert len(play.select(".good-response")) == 1
    titles = [h.get_text(" ", strip=True) for h in soup.select("article section > h2")]
    for words in REQUIRED_ROLE_PLAYS:
        assert any(words.lower() in title.lower().replace("“", '"').replace("”", '"') for title in titles), words


def test_every_role_play_is_used_in_a_unit(html_build: Build) -> None:
    soup = _soup(html_build, "training/role-plays.html")
    for play in soup.select(".role-play"):
        used = _targets("training/role-plays.html", play)
        assert any(page.startswith("training/units/") for page in used), play.find_previous("h2").get_text()


def test_the_answers_page_holds_every_model_answer_in_course_order(html_build: Build) -> None:
    in_units = []
    order = [posixpath.normpath(posixpath.join("training", a["href"].split("#")[0]))
             for a in _soup(html_build, "training/schedule.html").select("table.training-schedule a.reference")]
    for unit in order:
        for answer in _soup(html_build, unit).select("details.model-answer"):
            answer.find("summary").extract()
            in_units.append(answer.get_text(" ", strip=True))
    at_back = [body.get_text(" ", strip=True)
               for body in _soup(html_build, "training/answers.html").select(".answer-body")]
    assert at_back == in_units


def test_the_training_pages_are_in_the_search_index(html_build: Build) -> None:
    index = (html_build.outdir / "searchindex.js").read_text(encoding="utf-8")
    for page in ["training/index", "training/schedule", "training/role-plays", *[u[:-5] for u in UNITS]]:
        assert f'"{page}"' in index, page


# -- in a browser, from file://, with no network -----------------------------------

@pytest.fixture(scope="module")
def offline_tab(html_build: Build, browser):
    """A tab on the built site that aborts, and records, every request that is not for a file."""
    assert html_build.returncode == 0, html_build.output[-3000:]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    page.blocked = []

    def handle(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("unit", UNITS)
def test_model_answers_open_in_the_page_from_file_with_the_network_blocked(
        offline_tab, html_build: Build, unit: str) -> None:
    offline_tab.goto((html_build.outdir / unit).as_uri(), wait_until="load")
    answers = offline_tab.locator(".knowledge-check details.model-answer")
    assert answers.count() >= 3
    for i in range(answers.count()):
        answer = answers.nth(i)
        body = answer.locator("p").first
        assert not body.is_visible(), "the answer shows before it is opened"
        answer.locator("summary").click()
        assert body.is_visible()
        assert answer.evaluate("details => details.open")
    assert offline_tab.blocked == []


@pytest.mark.browser
@pytest.mark.parametrize(("query", "page"), [("knowledge checks", "training/answers.html"),
                                             ("teaching practice rubric", "training/teaching-practice.html"),
                                             ("role plays", "training/role-plays.html")])
def test_search_finds_the_training_pages_offline(offline_tab, html_build: Build, query: str, page: str) -> None:
    offline_tab.goto((html_build.outdir / "search.html").as_uri() + "?q=" + quote(query), wait_until="load")
    offline_tab.wait_for_function(
        "document.querySelector('#search-results .search-summary')?.textContent.length > 0")
    hrefs = offline_tab.eval_on_selector_all("ul.search > li > a", "links => links.map(a => a.getAttribute('href'))")
    assert page in [href.split("#")[0].split("?")[0] for href in hrefs[:3]], hrefs[:5]
    assert offline_tab.blocked == []


@pytest.mark.browser
def test_a_printed_unit_leaves_out_the_site_and_the_answers(offline_tab, html_build: Build) -> None:
    offline_tab.emulate_media(media="print")
    try:
        offline_tab.goto((html_build.outdir / UNITS[0]).as_uri(), wait_until="load")
        shown = offline_tab.evaluate("""() => ({
          answers: [...document.querySelectorAll('details.model-answer')].filter(d => d.checkVisibility()).length,
          notes: [...document.querySelectorAll('.model-answer-print-note')].filter(n => n.checkVisibility()).length,
          checks: document.querySelectorAll('.knowledge-check').length,
          chrome: ['.sidebar-drawer', '.toc-drawer', '.related-pages', '.announcement']
            .filter(sel => [...document.querySelectorAll(sel)].some(el => el.checkVisibility())),
        })""")
    finally:
        offline_tab.emulate_media(media="screen")
    assert shown["answers"] == 0
    assert shown["notes"] == shown["checks"] >= 3
    assert shown["chrome"] == []


# -- the training PDF ------------------------------------------------------------------

@pytest.fixture(scope="session")
def training_pdf(html_build: Build, tmp_path_factory) -> Path:
    """The course as one PDF, by the same tool as `make training`."""
    assert html_build.returncode == 0, html_build.output[-3000:]
    out = tmp_path_factory.mktemp("training")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "make_training_pdf.py"), str(html_build.outdir),
                           str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / f"internet-offending-module-{release_info()[0]}-training.pdf"


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@pytest.mark.pdf
def test_the_training_pdf_is_a4_and_every_page_carries_the_version(training_pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(training_pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), "not A4"
    pages = _pages(training_pdf)
    version, status = read_version(), release_info()[1]
    assert [n for n, text in enumerate(pages, start=1) if version not in text or status not in text] == []


@pytest.mark.pdf
def test_the_training_pdf_has_the_workbook_the_trainers_pack_and_the_answers_at_the_back(
        training_pdf: Path, html_build: Build) -> None:
    pages = _pages(training_pdf)
    parts = [n for n, text in enumerate(pages) if re.match(r"Part \d ", text)]
    assert [pages[n].split(" ")[2] for n in parts] == ["Trainee's", "Trainer's", "Answers"]
    workbook, pack, answers = ("\n".join(pages[a:b]) for a, b in zip(parts, parts[1:] + [len(pages)]))
    for unit in UNITS:
        title = _soup(html_build, unit).find("h1").get_text(" ", strip=True).rstrip("¶").strip()
        assert title in workbook, title
    for form in ("Teaching-practice rubric", "Observed co-facilitation checklist", "Sign-off record",
                 "Adherence items", "Supervision", "Before the course", "After the course"):
        assert form in pack, form
    # Every model answer is printed at the back, and none in the units.
    first = _soup(html_build, UNITS[0]).select_one("details.model-answer p").get_text(" ", strip=True)
    sentence = " ".join(first.split(".")[0].split())
    assert sentence in answers and sentence not in workbook
    assert workbook.count("The model answer is in") >= 3 * len(UNITS)


@pytest.mark.pdf
def test_no_page_of_the_training_pdf_is_empty_but_for_its_footer(training_pdf: Path) -> None:
    empty = []
    for number, text in enumerate(_pages(training_pdf), start=1):
        body = re.sub(r"page \d+ of \d+|Internet Offending Module\. Version \S+.*?\.", "", text)
        if len(body.split()) < 12:
            empty.append(number)
    assert empty == []
