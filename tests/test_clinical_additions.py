"""The pages the clinical revision added (1.0.0): the consent sheet, the good life plan,
sex education and clinical targets, group members' own safety online, and the
safeguarding gaps.  Each test reads the built HTML with Beautiful Soup and proves
one thing a clinician asked for is there, where a facilitator or group member
will find it.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

CONSENT = "exercises/agreeing-to-take-part.html"
GOOD_LIFE = "exercises/my-good-life-plan.html"
SEX_EDUCATION = "facilitator-guide/sex-education-and-clinical-targets.html"
ONLINE_SAFETY = "facilitator-guide/keeping-group-members-safe-online.html"
SAFEGUARDING = "facilitator-guide/safeguarding.html"
CONSENT_GUIDE = "facilitator-guide/consent-and-capacity.html"
GUIDE_INDEX = "facilitator-guide/index.html"


def _soup(html_pages: dict[str, str], page: str) -> BeautifulSoup:
    assert page in html_pages, f"{page} was not built"
    return BeautifulSoup(html_pages[page], "html.parser")


def _main(html_pages: dict[str, str], page: str):
    main = _soup(html_pages, page).find("article", attrs={"role": "main"})
    assert main is not None, f"{page} has no main article"
    return main


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _text(node) -> str:
    """The node's text, whitespace collapsed and Sphinx's curly quotes made straight."""
    return " ".join(node.get_text(" ").translate(QUOTES).split())


def _handout_text(html_pages: dict[str, str], page: str) -> str:
    handouts = _main(html_pages, page).find_all("section", class_="handout")
    assert len(handouts) == 1, f"{page}: {len(handouts)} handouts"
    return _text(handouts[0])


def _links_to(html_pages: dict[str, str], page: str, target: str) -> bool:
    """Whether *page*'s main content links to the built page *target*."""
    name = target.rsplit("/", 1)[-1]
    return any(a["href"].split("#")[0].endswith(name) for a in _main(html_pages, page).find_all("a", href=True))


def _section_text(html_pages: dict[str, str], page: str, heading: str) -> str:
    main = _main(html_pages, page)
    for title in main.find_all(re.compile(r"^h[2-4]$")):
        if heading.lower() in _text(title).lower():
            return _text(title.find_parent("section"))
    raise AssertionError(f"{page} has no section {heading!r}")


# ---------------------------------------------------------------- the consent sheet

@pytest.mark.parametrize("exception", [
    "a child might get hurt",
    "a crime the police do not know about",
    "my own life is in danger",
    "break a rule from a court, probation or the police",
])
def test_consent_sheet_says_honestly_what_must_be_passed_on(html_pages: dict[str, str], exception: str) -> None:
    text = _handout_text(html_pages, CONSENT)
    assert "must tell" in text
    assert exception in text


@pytest.mark.parametrize("right", ["ask questions", "say no", "stop", "not to answer"])
def test_consent_sheet_gives_the_right_to_ask_refuse_and_stop(html_pages: dict[str, str], right: str) -> None:
    assert right in _handout_text(html_pages, CONSENT)


def test_consent_sheet_checks_understanding_in_the_group_members_own_words(html_pages: dict[str, str]) -> None:
    text = _handout_text(html_pages, CONSENT)
    assert "in my own words" in text
    assert text.count("?") >= 3, "the check needs its questions"


def test_consent_sheet_names_who_is_told_in_everyday_words(html_pages: dict[str, str]) -> None:
    text = _handout_text(html_pages, CONSENT)
    assert "probation officer" in text and "police officer who checks on me" in text


def test_consent_answers_go_on_the_record_not_the_sheet_that_goes_home(html_pages: dict[str, str]) -> None:
    steps = _section_text(html_pages, CONSENT, "Steps")
    assert "consent and capacity record, not on the handout" in steps


# ---------------------------------------------------------------- the good life plan

def test_good_life_plan_is_about_goals_to_work_towards(html_pages: dict[str, str]) -> None:
    text = _handout_text(html_pages, GOOD_LIFE)
    assert "about what I want" in text
    assert "My first small step" in text and "Who will help me" in text


def test_good_life_plan_is_checked_against_court_rules_and_children(html_pages: dict[str, str]) -> None:
    text = _handout_text(html_pages, GOOD_LIFE)
    assert "rules from the court" in text and "does not involve children" in text


def test_good_life_plan_handout_holds_the_easy_read_part_on_staying_safe_online(html_pages: dict[str, str]) -> None:
    text = _handout_text(html_pages, GOOD_LIFE)
    for point in ("Staying safe online", "do not pay", "tell my offender manager", "under 18"):
        assert point in text, point


def test_good_life_plan_cites_the_good_lives_model(html_pages: dict[str, str]) -> None:
    purpose = _section_text(html_pages, GOOD_LIFE, "Purpose")
    assert "Good Lives Model" in purpose
    assert re.search(r"Ward.{0,40}2007", purpose), "no citation of Ward, Mann and Gannon (2007)"


# ---------------------------------------------------------------- sex education and clinical targets

@pytest.mark.parametrize("target", ["Sexual interest in children", "Emotional closeness to children",
                                    "Sexual preoccupation"])
def test_each_clinical_target_says_how_it_shows_and_what_facilitators_do(
        html_pages: dict[str, str], target: str) -> None:
    section = _section_text(html_pages, SEX_EDUCATION, target)
    assert "How it may show in this module" in section
    assert "What facilitators do" in section


def test_sex_education_says_images_of_16_and_17_year_olds_are_of_children(html_pages: dict[str, str]) -> None:
    section = _section_text(html_pages, SEX_EDUCATION, "Sixteen and seventeen")
    assert "16- and 17-year-olds are indecent images of children" in section


def test_referral_for_help_with_arousal_names_the_route_through_gp_or_psychiatrist(
        html_pages: dict[str, str]) -> None:
    section = _section_text(html_pages, SEX_EDUCATION, "When to refer")
    assert "GP or to their psychiatrist" in section
    assert "consent" in section


# Medicines and classes of medicine used for sexual arousal: the manual names the route, never a drug.
DRUG_WORDS = ["cyproterone", "medroxyprogesterone", "leuprorelin", "leuprolide", "triptorelin", "goserelin",
              "degarelix", "fluoxetine", "sertraline", "paroxetine", "citalopram", "naltrexone", "SSRI",
              "antiandrogen", "anti-androgen", "antilibidinal", "anti-libidinal", "GnRH"]


def test_no_page_names_a_medicine_for_sexual_arousal(html_pages: dict[str, str]) -> None:
    found = {}
    for page, html in html_pages.items():
        main = BeautifulSoup(html, "html.parser").find("article", attrs={"role": "main"})
        text = _text(main) if main else ""
        hits = [word for word in DRUG_WORDS if re.search(rf"\b{re.escape(word)}", text, re.I)]
        if hits:
            found[page] = hits
    assert found == {}, f"pages naming a medicine: {found}"


# ---------------------------------------------------------------- group members' own safety online

@pytest.mark.parametrize("heading", ["blackmailed", "hunter", "Adult safeguarding duties"])
def test_online_safety_page_covers_exploitation_hunter_groups_and_adult_safeguarding(
        html_pages: dict[str, str], heading: str) -> None:
    _section_text(html_pages, ONLINE_SAFETY, heading)


@pytest.mark.parametrize("nation", ["England", "Wales", "Scotland", "Northern Ireland"])
def test_adult_safeguarding_law_is_given_for_each_nation_with_a_citation(
        html_pages: dict[str, str], nation: str) -> None:
    main = _main(html_pages, ONLINE_SAFETY)
    section = next(s for s in main.find_all("section")
                   if s.find(re.compile(r"^h[2-4]$")) and "Adult safeguarding duties" in _text(s.find(re.compile(r"^h[2-4]$"))))
    for paragraph in section.find_all("p"):
        strong = paragraph.find("strong")
        if strong and _text(strong).rstrip(".") == nation:
            cited = paragraph.find("a", href=re.compile(r"bibliography\.html#"))
            assert cited, f"{nation}: no citation"
            return
    raise AssertionError(f"no paragraph for {nation}")


# ---------------------------------------------------------------- safeguarding gaps

def test_safeguarding_says_passing_on_an_unknown_offence_is_policy_not_law(html_pages: dict[str, str]) -> None:
    section = _section_text(html_pages, SAFEGUARDING, "policy, not the law")
    assert "no general legal duty to report a crime" in section
    assert "this service's policy" in section


def test_safeguarding_explains_mappa_and_the_police_offender_manager(html_pages: dict[str, str]) -> None:
    section = _section_text(html_pages, SAFEGUARDING, "Multi-agency public protection arrangements")
    assert "police offender manager" in section
    assert "When facilitators share information" in section


@pytest.mark.parametrize("page", [SAFEGUARDING, CONSENT_GUIDE, GUIDE_INDEX])
def test_guide_pages_link_to_the_consent_sheet(html_pages: dict[str, str], page: str) -> None:
    assert _links_to(html_pages, page, CONSENT)


@pytest.mark.parametrize("page", [SEX_EDUCATION, ONLINE_SAFETY])
def test_new_guide_pages_are_in_the_guide_contents(html_pages: dict[str, str], page: str) -> None:
    assert _links_to(html_pages, GUIDE_INDEX, page)


@pytest.mark.parametrize("page", [CONSENT, GOOD_LIFE, SEX_EDUCATION, ONLINE_SAFETY])
def test_new_pages_say_they_are_new_in_this_revision(html_pages: dict[str, str], page: str) -> None:
    assert _main(html_pages, page).find(class_="versionadded"), f"{page} has no 'New in version' note"
