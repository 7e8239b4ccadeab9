"""Programme wording no longer used as written stays with facilitators, and out of group members' hands.

The lines are declared in tests/programme-wording.toml.  Over the built HTML:
each programme line is on each of its facilitator pages inside a programme-wording
box's original wording (class ``programme-original``), and nowhere else on any
page; no handout (class ``handout``) holds a programme line or a retired phrase;
the revised wording is in the handouts named.  tests/test_browser.py checks the
handouts PDF with the same declarations.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import MainText, every_word_of, normalise, text_of

DECLARED_FILE = Path(__file__).with_name("programme-wording.toml")


def _checked_declarations() -> list[dict]:
    """programme-wording.toml's entries, after checking them: each names programme lines and the
    pages that hold them, written as normalise() leaves them; revised wording comes with the
    handouts that carry it; every programme line is still a curriculum item (the lists remain for
    facilitators: tests/curriculum-lists.toml).  The tests below check the built manual against
    them, so a faulty declaration stops them all, naming the fault."""
    declared = tomllib.loads(DECLARED_FILE.read_text(encoding="utf-8"))["revised"]
    lists = tomllib.loads(Path(__file__).with_name("curriculum-lists.toml").read_text(encoding="utf-8"))["list"]
    items = " ".join(item for entry in lists for item in entry["items"])
    problems = []
    for entry in declared:
        problems += [f"{entry['name']}: names no programme line or no page"] if not (
            entry["programme"] and entry["pages"]) else []
        problems += [f"{entry['name']}: write {item!r} with straight quotes and '-'"
                     for item in entry["programme"] + entry.get("revised", []) if item != normalise(item)]
        problems += [f"{entry['name']}: revised wording and its handouts go together"] if (
            "revised" in entry) != ("handouts" in entry) else []
        problems += [f"{entry['name']}: {line!r} is not a curriculum item" for line in entry["programme"]
                     if line not in items]
    if problems:
        raise ValueError(f"{DECLARED_FILE}:\n" + "\n".join(problems))
    return declared


DECLARED = _checked_declarations()
IDS = [re.sub(r"\W+", "-", entry["name"]).strip("-") for entry in DECLARED]
PROGRAMME_LINES = [line for entry in DECLARED for line in entry["programme"]]
RETIRED = [phrase for entry in DECLARED for phrase in entry.get("retired", [])]


def retired_in(text: str) -> list[str]:
    """The retired phrases in *text*, as whole words, any case."""
    return [p for p in RETIRED if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text, re.I)]


def outside_boxes(content: MainText) -> str:
    """Every word of the page's main content, diagrams included, but the programme's own words inside boxes."""
    copy = BeautifulSoup(str(content.article), "html.parser")
    for original in copy.select(".programme-original"):
        original.decompose()
    return every_word_of(copy)


# -- on the facilitator pages ---------------------------------------------------------


@pytest.mark.parametrize("entry", DECLARED, ids=IDS)
def test_programme_lines_are_on_their_pages_inside_a_box(entry: dict, pages_by_label: dict) -> None:
    missing = []
    for label in entry["pages"]:
        assert label in pages_by_label, f"no built page has the label {label!r}"
        path, content = pages_by_label[label]
        boxes = content.article.select(".programme-wording .programme-original")
        inside = " ".join(text_of(box) for box in boxes)
        missing += [f"{label} ({path}): {line!r}" for line in entry["programme"] if line not in inside]
    assert missing == [], "programme wording not inside a programme-wording box:\n" + "\n".join(missing)


def test_programme_lines_appear_nowhere_outside_a_box(main_texts: dict[str, MainText]) -> None:
    found = []
    assert main_texts, "no built page has a main text"
    for path, content in sorted(main_texts.items()):
        text = outside_boxes(content)
        found += [f"{path}: {line!r}" for line in PROGRAMME_LINES if line in text]
    assert found == [], "programme wording outside a programme-wording box:\n" + "\n".join(found)


def test_the_check_outside_boxes_would_see_a_line_that_was_there(pages_by_label: dict) -> None:
    """The helper removes only the boxes' original wording: the revised wording beside it stays."""
    _, content = pages_by_label["mod-victim-empathy"]
    text = outside_boxes(content)
    assert "Who made the child do this?" in text
    assert "How was the child intimidated into posing for the camera?" not in text


# -- in the handouts ------------------------------------------------------------------


#: What group members hold: the handouts and the cut-out cards.
GROUP_MEMBERS_SHEETS = ".handout, .card-set"


def test_no_handout_or_card_holds_programme_wording_or_a_retired_phrase(main_texts: dict[str, MainText]) -> None:
    handouts = [(path, handout) for path, content in main_texts.items()
                for handout in content.article.select(GROUP_MEMBERS_SHEETS)]
    assert len(handouts) >= 12
    found = []
    for path, handout in handouts:
        text = every_word_of(handout)
        found += [f"{path}: {line!r}" for line in PROGRAMME_LINES if line in text]
        found += [f"{path}: retired {phrase!r}" for phrase in retired_in(text)]
    assert found == [], "programme wording in a handout:\n" + "\n".join(found)


@pytest.mark.parametrize("entry", [e for e in DECLARED if "revised" in e], ids=[i for i, e in zip(IDS, DECLARED)
                                                                                 if "revised" in e])
def test_the_revised_wording_is_on_the_handouts_or_cards_named(entry: dict, pages_by_label: dict) -> None:
    missing = []
    for label in entry["handouts"]:
        path, content = pages_by_label[label]
        sheets = content.article.select(GROUP_MEMBERS_SHEETS)
        assert sheets, f"{label} has no handout or cards"
        text = " ".join(text_of(sheet) for sheet in sheets)
        missing += [f"{label}: {line!r}" for line in entry["revised"] if line not in text]
    assert missing == [], "revised wording missing from a handout:\n" + "\n".join(missing)
