"""Whole group sessions and "if a group member cannot read", in the real manual (_ext/sessions.py).

Every topic's session plan is one or more whole sessions of the length declared
in _ext/page-kinds.toml, adding up, with a break at least as often as declared;
one-to-one exercises take no group time; the facilitator guide lists every
session in order; every exercise page says how a group member who cannot read
takes part.  Read from the built HTML and PDF.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import ROOT, Build
from test_pdf import pdftotext_pages

SCHEMA = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))
SESSION = SCHEMA["session"]
DECLARED = {part["name"] for part in SESSION["parts"]}
BREAKS = {part["name"] for part in SESSION["parts"] if part.get("break")}
GUIDE = "facilitator-guide/adapting-delivery.html"
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _cells(row) -> list[str]:
    return [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]


def _minutes_of(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes)


def topic_pages(html_pages: dict[str, str]) -> dict[str, BeautifulSoup]:
    return {page: _soup(html) for page, html in html_pages.items()
            if page.startswith("modules/") and not page.endswith("index.html")}


def session_tables(soup: BeautifulSoup) -> list[list[list[str]]]:
    box = soup.find(class_="session-plans")
    assert box is not None, "no session plan"
    return [[_cells(row) for row in table.find("tbody").find_all("tr")]
            for table in box.find_all("table", class_="session-plan")]


def exercises_in(rows: list[list[str]]) -> list[str]:
    names = [row[1].removesuffix(" (continued)") for row in rows[:-1]
             if row[1] not in DECLARED and row[1] != SESSION["spare_name"]]
    return list(dict.fromkeys(names))


def test_every_topic_has_a_session_plan(html_pages: dict[str, str]) -> None:
    topics = topic_pages(html_pages)
    assert len(topics) >= 12
    for page, soup in topics.items():
        assert soup.find(class_="session-plans"), page


def test_every_session_adds_up_to_the_declared_length_in_the_declared_order(html_pages: dict[str, str]) -> None:
    fixed = [(p["name"], str(p["minutes"])) for p in SESSION["parts"] if not p.get("activities")]
    seen = 0
    for page, soup in topic_pages(html_pages).items():
        for rows in session_tables(soup):
            seen += 1
            *parts, total = rows
            assert total[1:] == ["Total", "", str(SESSION["length"])], page
            clock = 0
            for time, _, _, minutes in parts:
                assert _minutes_of(time) == clock, (page, time)
                clock += int(minutes)
            assert clock == SESSION["length"] == _minutes_of(total[0]), page
            assert [(name, minutes) for _, name, _, minutes in parts if name in DECLARED] == fixed, page
            assert exercises_in(rows), f"{page}: a session with no exercise"
    assert seen >= 10


def test_no_session_runs_longer_than_declared_without_a_break(html_pages: dict[str, str]) -> None:
    for page, soup in topic_pages(html_pages).items():
        for rows in session_tables(soup):
            run = 0
            for _, name, _, minutes in rows[:-1]:
                run = 0 if name in BREAKS else run + int(minutes)
                assert run <= SESSION["longest_without_break"], (page, name, run)


def test_every_part_of_a_session_says_what_happens_in_it(html_pages: dict[str, str]) -> None:
    for page, soup in topic_pages(html_pages).items():
        for rows in session_tables(soup):
            for time, name, what, minutes in rows[:-1]:
                assert len(what.split()) >= 5, (page, name)


def test_each_plan_says_what_to_do_if_the_session_runs_short_or_long(html_pages: dict[str, str]) -> None:
    for page, soup in topic_pages(html_pages).items():
        if session_tables(soup):
            text = " ".join(soup.find(class_="session-plans").get_text(" ").split())
            assert "If the session runs short:" in text and "If it runs long:" in text, page


def test_every_topic_page_notes_that_its_session_plan_changed(html_pages: dict[str, str]) -> None:
    for page, soup in topic_pages(html_pages).items():
        last = soup.find(class_="session-plans").find_all(recursive=False)[-1]
        assert "versionchanged" in last.get("class", []), page
        text = " ".join(last.get_text(" ").split())
        version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
        assert text.startswith(f"Changed in version {version}: The session plan listed only the topic’s exercises"), page


def test_the_consent_meeting_is_one_to_one_and_takes_no_group_time(html_pages: dict[str, str]) -> None:
    """The one-to-one meeting before the first session is listed apart from the topic's group session."""
    soup = _soup(html_pages["modules/aims-and-consequences.html"])
    [rows] = session_tables(soup)
    assert "Agreeing to take part" not in exercises_in(rows)
    apart = soup.find("p", class_="session-apart")
    assert apart is not None and apart.find("a", href=re.compile(r"agreeing-to-take-part\.html"))


def test_a_topic_whose_exercises_do_not_fit_one_session_has_several_whole_sessions(
        html_pages: dict[str, str]) -> None:
    soup = _soup(html_pages["modules/relapse-prevention.html"])
    tables = session_tables(soup)
    assert len(tables) >= 2
    captions = [c.get_text(" ", strip=True) for c in soup.select("table.session-plan caption")]
    assert all(f"of {len(tables)}" in caption for caption in captions)


def test_the_guide_lists_every_session_of_the_module_in_order(html_pages: dict[str, str]) -> None:
    overview = _soup(html_pages[GUIDE]).find(id="module-sessions")
    assert overview is not None, "no list of the module's sessions on the Adapting delivery page"
    rows = [_cells(row) for row in overview.select("tbody tr")]
    numbers = [int(when.split()[1]) for when, _, _ in rows if when.startswith("Session ")]
    total = sum(len(session_tables(soup)) for soup in topic_pages(html_pages).values())
    assert numbers == list(range(1, total + 1))
    assert [when for when, _, _ in rows][0] == "One to one, before session 1"
    said = NUMBER_WORDS[total] if total < len(NUMBER_WORDS) else str(total)
    assert f"The module has {said} group sessions" in overview.p.get_text()


def test_the_guide_page_on_sessions_notes_the_change(html_pages: dict[str, str]) -> None:
    soup = _soup(html_pages[GUIDE])
    notes = [" ".join(n.get_text(" ").split()) for n in soup.select(".versionchanged")]
    assert any("session plan" in note.lower() and "short or long" in note for note in notes)


# -- "If a group member cannot read" -------------------------------------------


def exercise_pages(html_pages: dict[str, str]) -> dict[str, BeautifulSoup]:
    return {page: _soup(html) for page, html in html_pages.items()
            if page.startswith("exercises/") and not page.endswith("index.html")}


def test_every_exercise_says_how_a_group_member_who_cannot_read_takes_part(html_pages: dict[str, str]) -> None:
    texts = {}
    title = SCHEMA["cannot_read"]["title"]
    for page, soup in exercise_pages(html_pages).items():
        heading = next(h for h in soup.find_all("h2") if h.get_text(strip=True).rstrip("¶") == "Steps")
        section = heading.parent
        last = section.find_all(recursive=False)[-1]
        assert "cannot-read" in last.get("class", []), f"{page}: the box does not end the Steps"
        assert last.find(class_="admonition-title").get_text(strip=True) == title
        note = last.find(class_="versionadded")
        assert note is not None and last.find_all(recursive=False)[-1] is note, f"{page}: no versionadded note"
        note.extract()
        text = " ".join(last.get_text(" ").split()).removeprefix(title).strip()
        assert len(re.findall(r"[.!?](\s|$)", text)) >= 2, f"{page}: too short to guide a facilitator"
        texts[page] = text
    assert len(texts) >= 14
    assert len(set(texts.values())) == len(texts), "each exercise's guidance is written for that exercise"


def test_the_cannot_read_box_is_on_screen_not_on_the_printed_handout(html_pages: dict[str, str]) -> None:
    for page, soup in exercise_pages(html_pages).items():
        handout = soup.find(class_="handout")
        assert handout is not None and handout.find(class_="cannot-read") is None, page


# -- the PDF -------------------------------------------------------------------


def test_the_pdf_prints_every_session_plan_and_every_cannot_read_box(
        pdf_build: tuple[Build, Path], html_pages: dict[str, str]) -> None:
    text = "\n".join(pdftotext_pages(pdf_build[1]))
    tables = sum(len(session_tables(soup)) for soup in topic_pages(html_pages).values())
    assert len(re.findall(r"Table \d+: Session plan", text)) == tables
    titles = re.findall(r"^\s*" + re.escape(SCHEMA["cannot_read"]["title"]) + r"\s*$", text, re.M)
    assert len(titles) == len(exercise_pages(html_pages))  # a box's title stands on a line of its own
    assert "Group sessions and one-to-one meetings, in order" in text
