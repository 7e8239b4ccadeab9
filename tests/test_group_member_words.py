"""One way to say each thing to group members (second clinical read, November 2026).

Over the built HTML, every handout (class ``handout``):

* says "pictures", never "images";
* calls the facilitators "the leaders", never "the people who run the group" or "staff";
* says "my offender manager", never "my worker", and wherever it names the offender
  manager it explains the words once, in the same sentence as every other sheet;
* carries the revised victim-empathy statement word for word wherever it says that
  looking is "part of the abuse".

The easy-read group rules on the ground-rules page give the same reasons to pass
something on as the consent sheet, in the same words, and say where the sheet goes.
"""

from __future__ import annotations

import re

import pytest

from conftest import MainText, every_word_of, text_of

OFFENDER_MANAGER = "My offender manager is my probation officer, or the police officer who checks on me."
STATEMENT = "Looking at the pictures is part of the abuse. People look at them, so more are made."
PASS_ON = [
    "They must tell if a child might get hurt.",
    "They must tell if I talk about a crime the police do not know about.",
    "They must tell if my own life is in danger.",
    "They must tell if I break a rule from a court, probation or the police.",
]
CONSENT = "exercises/agreeing-to-take-part.html"
GROUND_RULES = "facilitator-guide/ground-rules.html"

#: words for the same thing that group members no longer read, and what they read instead
NOT_ON_A_HANDOUT = {
    r"\bimages?\b": "pictures",
    r"\bpeople who run the group\b": "the leaders",
    r"\bstaff\b": "the leaders",
    r"\bmy worker\b": "my offender manager",
}


def words_not_on_a_handout(text: str) -> list[str]:
    """The words in *text* that a handout no longer uses, with what it says instead."""
    return [f"{found!r} (say {instead!r})" for pattern, instead in NOT_ON_A_HANDOUT.items()
            for found in re.findall(pattern, text, re.I)]


def offender_manager_unexplained(text: str) -> str | None:
    """Why *text* (one handout) names the offender manager or a probation officer without the one
    explanation every sheet uses, or None if it is right."""
    rest = text.replace(OFFENDER_MANAGER, "")
    if text.count(OFFENDER_MANAGER) > 1:
        return "explains 'offender manager' more than once"
    if re.search(r"\bprobation officer\b", rest, re.I):
        return "says 'probation officer' outside the explanation"
    if re.search(r"\boffender manager\b", rest, re.I) and OFFENDER_MANAGER not in text:
        return "names the offender manager without explaining the words"
    return None


@pytest.fixture(scope="session")
def handouts(main_texts: dict[str, MainText]) -> list[tuple[str, str]]:
    """Every handout's and cut-out card set's words, its pictures' and diagrams' included, with the
    page it is on: one on each exercise page, and the workbook's own pages, so the tests have something to check."""
    found = [(path, every_word_of(handout)) for path, content in sorted(main_texts.items())
             for handout in content.article.select("section.handout, .card-set")]
    assert len(found) >= 14, f"only {len(found)} handouts were built"
    return found


def _section(main_texts: dict[str, MainText], page: str, heading: str) -> str:
    assert page in main_texts, f"{page} was not built"
    for title in main_texts[page].article.find_all(re.compile(r"^h[2-4]$")):
        if heading in title.get_text():
            return text_of(title.find_parent("section"))
    raise AssertionError(f"{page} has no section {heading!r}")


# -- the checks themselves, on text made up for them --------------------------------------

def test_the_word_check_finds_each_older_word_and_passes_the_current_ones() -> None:
    assert words_not_on_a_handout("I do not describe any images. Staff will talk with me.") == [
        "'images' (say 'pictures')", "'Staff' (say 'the leaders')"]
    assert words_not_on_a_handout("I tell my worker. The people who run the group lock it away.") == [
        "'people who run the group' (say 'the leaders')", "'my worker' (say 'my offender manager')"]
    assert words_not_on_a_handout("I do not describe any pictures. The leaders will talk with me.") == []


def test_the_offender_manager_check_wants_the_one_explanation_once() -> None:
    assert offender_manager_unexplained("I tell my offender manager.") is not None
    assert offender_manager_unexplained("Some people call them a probation officer.") is not None
    assert offender_manager_unexplained(f"I tell my offender manager. {OFFENDER_MANAGER}") is None
    assert offender_manager_unexplained(f"{OFFENDER_MANAGER} {OFFENDER_MANAGER}") is not None
    assert offender_manager_unexplained("I keep my folder in a private place.") is None


# -- in the built handouts ----------------------------------------------------------------

def test_handouts_say_pictures_the_leaders_and_my_offender_manager(handouts: list[tuple[str, str]]) -> None:
    found = [f"{path}: {word}" for path, text in handouts for word in words_not_on_a_handout(text)]
    assert found == [], "older words in a handout:\n" + "\n".join(found)


def test_handouts_explain_offender_manager_once_in_the_same_words(handouts: list[tuple[str, str]]) -> None:
    wrong = [f"{path}: {why}" for path, text in handouts if (why := offender_manager_unexplained(text))]
    assert wrong == [], "\n".join(wrong)


def test_handouts_that_name_the_offender_manager_include_the_plans_that_go_home(
        handouts: list[tuple[str, str]]) -> None:
    """The sheets that speak of the offender manager are the ones the second read named: the
    check above has something to check."""
    naming = {path for path, text in handouts if OFFENDER_MANAGER in text}
    assert {"exercises/agreeing-to-take-part.html", "exercises/my-good-life-plan.html",
            "exercises/first-order-changes-checklist.html", "exercises/what-the-internet-replaced.html"} <= naming


def test_the_victim_empathy_statement_is_word_for_word_the_same_on_every_handout(
        handouts: list[tuple[str, str]]) -> None:
    carrying = [(path, text) for path, text in handouts if "part of the abuse" in text]
    assert len(carrying) >= 4
    assert [path for path, text in carrying if STATEMENT not in text] == []


# -- the group rules and the consent sheet --------------------------------------------------

@pytest.mark.parametrize("line", PASS_ON)
def test_the_group_rules_give_each_reason_to_pass_on_in_the_consent_sheets_words(
        main_texts: dict[str, MainText], line: str) -> None:
    [consent] = main_texts[CONSENT].article.select("section.handout")
    assert line in text_of(consent)
    assert line in _section(main_texts, GROUND_RULES, "Easy-read group rules")


def test_the_group_rules_say_where_the_sheet_goes(main_texts: dict[str, MainText]) -> None:
    assert "I can take this sheet home." in _section(main_texts, GROUND_RULES, "Easy-read group rules")
