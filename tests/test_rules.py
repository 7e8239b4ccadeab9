"""Tests with teeth: each curriculum and build rule, broken on purpose, fails the build.

A tiny valid fixture project is written into a temporary folder and built with
the project's real conf.py (strict: -n -W --keep-going).  Each test then breaks
exactly one rule in one file and checks that the build fails with the one
expected warning, naming the file, the line and the rule.
"""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, ROOT, SHARED_RENDERER, Build, sphinx_build

sys.path.insert(0, str(ROOT / "_ext"))
from curriculum import load_schema  # noqa: E402

# Each case builds a fixture project of its own: `make check` leaves them out (pytest.ini).
pytestmark = pytest.mark.fixtures

# -- the valid fixture project -----------------------------------------------

FIXTURE = {
    "index.md": """\
(home)=
# Fixture manual

```{toctree}
modules/index
exercises/index
reference/index
```
""",
    "modules/index.md": """\
(modules-index)=
# Topics

```{topic-overview}
```

```{toctree}
:hidden:

one-topic
```
""",
    "modules/one-topic.md": """\
---
kind: topic
summary: How a trigger starts a chain that can be broken.
---

(mod-one-topic)=
# One topic

## Aims

- Name one trigger of your own.
- Plan one way to cope with it.

## Background for facilitators

A {term}`trigger` starts a chain of thoughts and behaviour.

The law is in the Sexual Offences Act {cite:p}`soa2003`.

::::{programme-wording}
:reason: It blames the whole person; the group talks about the behaviour.

I am a bad person.

:::{say-instead}
What I did was wrong, and I can change what I do.
:::
::::

## Key messages

{key-point}`think_,_to` A chain can be **broken at any step**.

## Activities

- {ref}`ex-one-exercise`: each group member maps one chain.

```{session-plan}
```

## Discussion prompts

- What happened just before?

## Facilitator notes

Keep to feelings and situations.

## Adapting for a learning disability

Use cards and pictures.

## Related topics

- {ref}`modules-index`
""",
    "exercises/index.md": """\
(exercises-index)=
# Exercises

```{toctree}
one-exercise
```
""",
    "exercises/one-exercise.md": """\
---
kind: exercise
topic: [mod-one-topic]
time: 30
format: group
destination: group-record
cannot-read: |
  Read the chain aloud, link by link, and let the group member point to each link.
  A facilitator writes their words on the handout and reads them back.
---

(ex-one-exercise)=
# One exercise

## Purpose

Each group member maps one chain, for {ref}`mod-one-topic`.

## Time

About 30 minutes.

## Materials

- Flip chart and pens.

## Steps

1. Draw the chain on the flip chart.

## Facilitator notes

Keep to feelings and situations.

## Handout

:::{handout} My chain
{key-point}`think_,_to` **I can break the chain at any step.**
I can stop and think.

I can talk to a person I trust when I feel low.
It is OK to ask for help.
:::
""",
    "reference/index.md": """\
(reference-index)=
# Reference

```{module-sessions}
```

```{toctree}
glossary
bibliography
```
""",
    "reference/glossary.md": """\
(ref-glossary)=
# Glossary

```{glossary}
trigger
  Something that starts a chain of thoughts and behaviour.
```
""",
    "reference/bibliography.md": """\
(ref-bibliography)=
# Bibliography

```{bibliography}
```
""",
}

# The fixture's cut-out cards, added to its exercise's Materials by the builds that show them.
CARDS = """
:::{cards} Chain cards
:numbered:

good | I can **stop** and think.
bad | I keep going.
:::
"""
# The fixture's pictures are the ones templates/exercise-page.md names, so the project always has them.
PICTURES_ON = ("-D", "pictures_required=1")

TOPIC = "modules/one-topic.md"
EXERCISE = "exercises/one-exercise.md"
GLOSSARY = "reference/glossary.md"


def write_fixture(root: Path) -> Path:
    """Write the valid fixture project into *root*/docs and return that folder."""
    src = root / "docs"
    for name, text in FIXTURE.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def edit(src: Path, name: str, old: str | None, new: str) -> str:
    """Replace *old* (which must occur) by *new* in *name*; with no *old*, write *new* as the file."""
    path = src / name
    if old is None:
        text = new
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} has no {old!r}: the fixture changed"
        text = text.replace(old, new, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of *text* that contains *needle*."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the file")


def warning_lines(build: Build) -> list[str]:
    """The first line of each warning or error in the -w file."""
    return [line for line in build.warnings.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]


def assert_fails_with(build: Build, path: Path, line: int | None, message: str, tag: str) -> None:
    """The build failed, with exactly one warning: *message* at *path*:*line*, tagged *tag*.

    *message* is a regular expression; *tag* the warning's type, e.g. ``curriculum.headings``.
    Curriculum warnings also carry the rule itself: ``... [headings] [curriculum.headings]``.
    """
    assert build.returncode != 0, build.output[-2000:]
    where = re.escape(str(path)) + (f":{line}" if line is not None else "")
    rule = tag.partition(".")[2]
    own = rf" \[{re.escape(rule)}\]" if tag.startswith("curriculum.") else ""
    pattern = rf"^{where}: (WARNING|ERROR): {message}{own} \[{re.escape(tag)}\]$"
    found = warning_lines(build)
    assert len(found) == 1 and re.match(pattern, found[0]), (
        f"expected one warning matching\n  {pattern}\ngot:\n" + build.warnings)


# -- the valid fixture builds cleanly, and its generated views are right ------


def write_fixture_with_cards(root: Path) -> Path:
    """The valid fixture, with cut-out cards in its exercise's Materials."""
    src = write_fixture(root)
    edit(src, EXERCISE, "- Flip chart and pens.\n", "- Flip chart and pens.\n" + CARDS)
    return src


@pytest.fixture(scope="module")
def valid_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The valid fixture, with cards, built with every handout needing pictures."""
    root = tmp_path_factory.mktemp("valid")
    return sphinx_build(write_fixture_with_cards(root), root / "html", "html", *PICTURES_ON)


def test_valid_fixture_builds_with_zero_warnings(valid_build: Build) -> None:
    assert valid_build.returncode == 0, valid_build.output[-3000:]
    assert valid_build.warnings.strip() == ""


def _text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


SCHEMA = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))
SESSION = SCHEMA["session"]


def _minutes_of(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes)


def session_tables(page: Path, label: str = "mod-one-topic") -> list[list[list[str]]]:
    """Each session table of the topic's plan: its body rows, each as its cells' text."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    box = soup.find(id=f"session-plan-{label}")
    assert box is not None, "no session plan on the topic page"
    return [[[" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
             for row in table.find("tbody").find_all("tr")]
            for table in box.find_all("table", class_="session-plan")]


def assert_whole_session(rows: list[list[str]]) -> None:
    """A session as declared: its parts in order, each starting when the one before ends, the
    break where it is declared, no stretch longer than declared without one, adding up to the length."""
    *parts, total = rows
    assert total[1:] == ["Total", "", str(SESSION["length"])] and _minutes_of(total[0]) == SESSION["length"]
    clock = 0
    for time, _, _, minutes in parts:
        assert _minutes_of(time) == clock
        clock += int(minutes)
    assert clock == SESSION["length"]
    fixed = [(p["name"], str(p["minutes"])) for p in SESSION["parts"] if not p.get("activities")]
    declared_names = {p["name"] for p in SESSION["parts"]}
    assert [(name, minutes) for _, name, _, minutes in parts if name in declared_names] == fixed
    run = 0
    breaks = {p["name"] for p in SESSION["parts"] if p.get("break")}
    for _, name, _, minutes in parts:
        run = 0 if name in breaks else run + int(minutes)
        assert run <= SESSION["longest_without_break"], f"{run} minutes without a break by {name!r}"


def exercise_minutes(rows: list[list[str]]) -> dict[str, int]:
    """Minutes of each exercise in a session, its pieces before and after the break added up."""
    declared = {p["name"] for p in SESSION["parts"]} | {SESSION["spare_name"], "Total"}
    found: dict[str, int] = {}
    for _, name, _, minutes in rows:
        if name not in declared:
            name = name.removesuffix(" (continued)")
            found[name] = found.get(name, 0) + int(minutes)
    return found


def test_session_plan_is_one_whole_session_holding_the_exercise(valid_build: Build) -> None:
    page = valid_build.outdir / "modules" / "one-topic.html"
    [rows] = session_tables(page)
    assert_whole_session(rows)
    assert exercise_minutes(rows) == {"One exercise": 30}
    spare = sum(int(m) for _, name, _, m in rows if name == SESSION["spare_name"])
    activity = sum(p["minutes"] for p in SESSION["parts"] if p.get("activities"))
    assert spare == activity - 30, "the activity time the exercise leaves is named, not left blank"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    box = soup.find(id="session-plan-mod-one-topic")
    assert box.find("a", href="../exercises/one-exercise.html#ex-one-exercise")
    text = " ".join(box.get_text(" ").split())
    assert "If the session runs short:" in text and "If it runs long:" in text


def test_a_rebuild_after_an_exercise_changes_updates_its_topic_session_plan(tmp_path: Path) -> None:
    """Generated views are written again when the pages they show change, without a full build."""
    src = write_fixture(tmp_path)
    first = sphinx_build(src, tmp_path / "html")
    assert first.ok, first.output[-2000:]
    edit(src, EXERCISE, "time: 30", "time: 35")
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    [rows] = session_tables(tmp_path / "html" / "modules" / "one-topic.html")
    assert exercise_minutes(rows) == {"One exercise": 35}
    assert_whole_session(rows)
    assert "updating environment: 0 added, 1 changed, 0 removed" in again.output


def _with_other_topic(tmp_path: Path) -> Path:
    """The fixture with a second topic, which has no exercise of its own."""
    src = write_fixture(tmp_path)
    edit(src, "modules/other-topic.md", None, FIXTURE[TOPIC].replace("one-topic", "other-topic")
         .replace("# One topic", "# Other topic"))
    edit(src, "modules/index.md", "one-topic\n", "one-topic\nother-topic\n")
    return src


def _written(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def _rewritten_after(tmp_path: Path, src: Path, *edits: tuple[str, str, str]) -> set[str]:
    """The HTML pages written again by a rebuild after *edits* (name, old, new) of the built fixture."""
    assert sphinx_build(src, tmp_path / "html").ok
    before = _written(tmp_path / "html")
    for name, old, new in edits:
        edit(src, name, old, new)
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    return {page for page, stamp in _written(tmp_path / "html").items() if before.get(page) != stamp}


def test_an_exercise_time_edit_writes_again_only_its_topics_and_the_overview(tmp_path: Path) -> None:
    src = _with_other_topic(tmp_path)
    changed = _rewritten_after(tmp_path, src, (EXERCISE, "time: 30", "time: 25"))
    assert changed >= {"exercises/one-exercise.html", "modules/one-topic.html", "modules/index.html"}
    assert "modules/other-topic.html" not in changed, "a topic that does not show the exercise was written again"


def test_an_exercise_steps_edit_writes_again_no_page_that_shows_the_exercise(tmp_path: Path) -> None:
    """The session plans and the overview show an exercise's title and fields, not its steps."""
    src = _with_other_topic(tmp_path)
    changed = _rewritten_after(tmp_path, src, (EXERCISE, "1. Draw the chain on the flip chart.",
                                               "1. Draw the chain on the flip chart together."))
    assert "exercises/one-exercise.html" in changed
    assert not changed & {"modules/one-topic.html", "modules/index.html", "reference/index.html"}, changed


def test_a_new_toctree_order_of_the_exercises_rewrites_the_session_plan_in_that_order(tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    another_exercise(src, 15, "pairs")
    changed = _rewritten_after(tmp_path, src, ("exercises/index.md", "another-exercise\none-exercise",
                                               "one-exercise\nanother-exercise"))
    assert {"modules/one-topic.html", "modules/index.html", "reference/index.html"} <= changed
    [rows] = session_tables(tmp_path / "html" / "modules" / "one-topic.html")
    assert list(exercise_minutes(rows)) == ["One exercise", "Another exercise"]
    assert module_sessions(tmp_path / "html" / "reference" / "index.html") == [
        ["Session 1", "One topic", "One exercise ; Another exercise"]]


def test_an_exercise_moved_to_another_topic_leaves_the_old_topics_session_plan(tmp_path: Path) -> None:
    """The topic an exercise named before is written again too, without it."""
    src = _with_other_topic(tmp_path)
    assert sphinx_build(src, tmp_path / "html").ok
    edit(src, EXERCISE, "topic: [mod-one-topic]", "topic: [mod-other-topic]")
    edit(src, EXERCISE, "for {ref}`mod-one-topic`", "for {ref}`mod-other-topic`")
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    old = (tmp_path / "html" / "modules" / "one-topic.html").read_text(encoding="utf-8")
    new = (tmp_path / "html" / "modules" / "other-topic.html").read_text(encoding="utf-8")
    assert "This topic has no group session of its own." in old
    assert 'id="session-plan-mod-other-topic"' in new


def module_sessions(page: Path) -> list[list[str]]:
    """The rows of the module's sessions, each as its cells' text.

    The fixture lists them on reference/index, a page that is not a parent of the exercises in the
    toctree, as the guide page is not in the manual: Sphinx does not write it again for them.
    """
    overview = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(id="module-sessions")
    assert overview is not None, "no list of the module's sessions"
    return [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")] for tr in overview.select("tbody tr")]


def test_a_rebuild_after_an_exercise_changes_updates_the_list_of_the_modules_sessions(tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    first = sphinx_build(src, tmp_path / "html")
    assert first.ok, first.output[-2000:]
    assert module_sessions(tmp_path / "html" / "reference" / "index.html") == [
        ["Session 1", "One topic", "One exercise"]]
    edit(src, EXERCISE, "format: group", "format: one-to-one")
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    assert "updating environment: 0 added, 1 changed, 0 removed" in again.output
    assert module_sessions(tmp_path / "html" / "reference" / "index.html") == [
        ["One to one", "One topic", "One exercise (30 minutes)"]]


def another_exercise(src: Path, minutes: int, form: str) -> None:
    """A second exercise of the fixture topic, listed first in the toctree."""
    edit(src, "exercises/another-exercise.md", None, FIXTURE[EXERCISE]
         .replace("one-exercise", "another-exercise").replace("# One exercise", "# Another exercise")
         .replace("time: 30", f"time: {minutes}").replace("format: group", f"format: {form}"))
    edit(src, "exercises/index.md", "one-exercise", "another-exercise\none-exercise")
    edit(src, TOPIC, "- {ref}`ex-one-exercise`", "- {ref}`ex-another-exercise`: more.\n- {ref}`ex-one-exercise`")


def test_session_plan_and_overview_take_every_exercise_in_toctree_order(tmp_path: Path) -> None:
    """A second exercise, listed first in the toctree: both in one session, in that order."""
    src = write_fixture(tmp_path)
    another_exercise(src, 15, "pairs")
    build = sphinx_build(src, tmp_path / "html")
    assert build.ok, build.warnings or build.output[-2000:]
    [rows] = session_tables(build.outdir / "modules" / "one-topic.html")
    assert_whole_session(rows)
    assert list(exercise_minutes(rows).items()) == [("Another exercise", 15), ("One exercise", 30)]
    index = (build.outdir / "modules" / "index.html").read_text(encoding="utf-8")
    exercises = re.search(r"<strong>Exercises: </strong>(.*?)</p>", index, re.S).group(1)
    assert _text(exercises) == "Another exercise ; One exercise"


def test_exercises_that_do_not_fit_one_session_get_as_many_whole_sessions_as_they_need(tmp_path: Path) -> None:
    activity = sum(p["minutes"] for p in SESSION["parts"] if p.get("activities"))
    src = write_fixture(tmp_path)
    another_exercise(src, activity - 20, "group")  # with the other's 30 minutes, more than one session holds
    build = sphinx_build(src, tmp_path / "html")
    assert build.ok, build.warnings or build.output[-2000:]
    page = build.outdir / "modules" / "one-topic.html"
    first, second = session_tables(page)
    assert_whole_session(first)
    assert_whole_session(second)
    assert exercise_minutes(first) == {"Another exercise": activity - 20}
    assert exercise_minutes(second) == {"One exercise": 30}
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    captions = [c.get_text(" ", strip=True) for c in soup.select("table.session-plan caption")]
    assert [c.split(" (")[0].rstrip(" ¶") for c in captions] == ["Session plan: session 1 of 2",
                                                                 "Session plan: session 2 of 2"]
    assert module_sessions(build.outdir / "reference" / "index.html") == [
        ["Session 1", "One topic , session 1 of 2", "Another exercise"],
        ["Session 2", "One topic , session 2 of 2", "One exercise"]]
    home = BeautifulSoup((build.outdir / "reference" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "The module has two group sessions" in home.find(id="module-sessions").p.get_text()


def test_a_one_to_one_exercise_is_listed_apart_and_takes_no_group_time(tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    another_exercise(src, 20, "one-to-one")
    build = sphinx_build(src, tmp_path / "html")
    assert build.ok, build.warnings or build.output[-2000:]
    page = build.outdir / "modules" / "one-topic.html"
    [rows] = session_tables(page)
    assert_whole_session(rows)
    assert exercise_minutes(rows) == {"One exercise": 30}
    box = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(id="session-plan-mod-one-topic")
    apart = box.find("p", class_="session-apart")
    assert apart is not None and " ".join(apart.get_text(" ").split()) == (
        "One to one, not in a group session: Another exercise (20 minutes).")
    assert apart.find("a", href="../exercises/another-exercise.html#ex-another-exercise")
    whens = [row[0] for row in module_sessions(build.outdir / "reference" / "index.html")]
    assert whens == ["One to one, before session 1", "Session 1"]


def test_every_exercise_shows_if_a_group_member_cannot_read_at_the_end_of_its_steps(valid_build: Build) -> None:
    soup = BeautifulSoup((valid_build.outdir / "exercises" / "one-exercise.html").read_text(encoding="utf-8"),
                         "html.parser")
    steps = next(s for s in soup.find_all("section") if s.h2 and s.h2.get_text(strip=True).rstrip("¶") == "Steps")
    box = steps.find_all(recursive=False)[-1]
    assert "cannot-read" in box.get("class", [])
    assert box.find(class_="admonition-title").get_text(strip=True) == SCHEMA["cannot_read"]["title"]
    *_, guidance, note = box.find_all(recursive=False)
    assert " ".join(guidance.get_text(" ").split()) == (
        "Read the chain aloud, link by link, and let the group member point to each link. "
        "A facilitator writes their words on the handout and reads them back.")
    # Where it changed since the reviewed draft: a versionadded note ends the box.
    assert "versionadded" in note.get("class", [])
    assert " ".join(note.get_text(" ").split()).startswith(
        f"Added in version {(ROOT / 'VERSION').read_text(encoding='utf-8').strip()}: This box is new")


def test_topic_overview_lists_each_topic_with_its_aims_and_exercises(valid_build: Build) -> None:
    page = (valid_build.outdir / "modules" / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<div class="topic-overview[^"]*">\s*<section id="overview-mod-one-topic">(.*?)</section>',
                      page, re.S)
    assert entry, "no overview entry for the topic on modules/index"
    html = entry.group(1)
    assert 'href="one-topic.html#mod-one-topic"' in html
    assert "How a trigger starts a chain that can be broken." in html
    assert re.findall(r"<li><p>(.*?)</p></li>", html) == ["Name one trigger of your own.",
                                                         "Plan one way to cope with it."]
    exercises = re.search(r"<strong>Exercises: </strong>(.*?)</p>", html, re.S)
    assert exercises and _text(exercises.group(1)) == "One exercise"
    assert 'href="../exercises/one-exercise.html#ex-one-exercise"' in exercises.group(1)


# -- pictures beside key points, cards and the symbols' credit ---------------------


def _soup(build: Build, page: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup((build.outdir / page).read_text(encoding="utf-8"), "html.parser")


def test_a_key_point_is_its_picture_then_its_words(valid_build: Build) -> None:
    [point] = _soup(valid_build, "exercises/one-exercise.html").select(".handout > .key-point")
    picture, words = [child for child in point.children if getattr(child, "name", None)]
    assert picture["class"] == ["key-point-picture"] and words["class"] == ["key-point-words"]
    [image] = picture.find_all("img")
    assert image["src"] == "../_images/think_%2C_to.svg" and image["alt"] == ""
    # The plain lines after a key point are its supporting lines, beside the same picture.
    assert " ".join(words.get_text().split()) == ("I can break the chain at any step. I can stop and think. "
                                                  "I can talk to a person I trust when I feel low. "
                                                  "It is OK to ask for help.")
    assert words.find("strong").get_text() == "I can break the chain at any step."


def test_only_the_symbols_in_use_are_copied_into_the_site(valid_build: Build) -> None:
    images = sorted(p.name for p in (valid_build.outdir / "_images").iterdir())
    # keep_,_to: where the sheet goes (group-record), from page-kinds.toml
    assert images == ["bad.svg", "good.svg", "keep_,_to.svg", "think_,_to.svg"]
    for name in images:
        assert (valid_build.outdir / "_images" / name).read_bytes() == (ROOT / "symbols" / name).read_bytes()


def test_cards_are_listed_numbered_each_with_its_symbol(valid_build: Build) -> None:
    [cards] = _soup(valid_build, "exercises/one-exercise.html").select(".card-set")
    assert cards["data-card-set"] == "Chain cards"
    found = [(card.img["src"].rsplit("/", 1)[-1], " ".join(card.select_one(".key-point-words").get_text().split()))
             for card in cards.select(".key-point")]
    assert found == [("good.svg", "1. I can stop and think."), ("bad.svg", "2. I keep going.")]
    assert cards.find_parent("section").find("h2").get_text().strip("¶") == "Materials"


def test_the_symbols_credit_ends_each_handout_and_card_set_with_pictures(valid_build: Build) -> None:
    credit = load_schema()["pictures"]["credit"]
    page = _soup(valid_build, "exercises/one-exercise.html")
    for holder in (page.select_one(".handout"), page.select_one(".card-set")):
        assert [p.get_text() for p in holder.select(".symbol-credit")] == [credit]
    assert "creativecommons.org" not in str(page.find_all("a"))  # the link is text, not a hyperlink
    # The topic page shows pictures beside its key messages (_ext/key_messages.py): it carries the credit once.
    assert (valid_build.outdir / "modules" / "one-topic.html").read_text(encoding="utf-8").count(credit) == 1


def test_the_build_reports_each_handouts_readability(valid_build: Build) -> None:
    assert re.search(r"Readability of the handouts \(limits: 12 words a sentence on average, 10% long words\)",
                     valid_build.output)
    assert re.search(r"exercises/one-exercise\.md, 'My chain': \d+ sentences, [\d.]+ words a sentence, "
                     r"0\.0% long words", valid_build.output)


def test_readability_counts_the_words_a_reader_sees_not_an_icons_markup() -> None:
    """An inline icon is a raw SVG node in the paragraph: its markup is no sentence of the handout."""
    from docutils import nodes
    import readability

    block, paragraph = nodes.container(), nodes.paragraph()
    paragraph += nodes.raw("", '<svg class="sd-octicon"><path d="M6 9V7 3 8 1"/></svg>', format="html")
    paragraph += nodes.Text("This sheet stays in the group record.")
    block += paragraph
    assert readability.handout_sentences(block) == ["This sheet stays in the group record."]


def test_where_the_sheet_goes_has_its_declared_symbol_on_the_left(valid_build: Build) -> None:
    """The destination box is a key point too: page-kinds.toml's symbol for group-record, then the words."""
    [box] = _soup(valid_build, "exercises/one-exercise.html").select(".handout .handout-destination")
    [point] = box.select(".key-point")
    [image] = point.select(".key-point-picture img")
    symbol = load_schema()["handout"]["destination"]["group-record"]["symbol"]
    assert image["src"].endswith(f"/{symbol.replace(',', '%2C')}.svg")
    assert point.select_one(".key-point-words strong").get_text() == "This sheet stays with the group."


def test_every_handout_needs_pictures_now_that_they_are_converted(tmp_path: Path) -> None:
    """page-kinds.toml's [pictures] required = true; -D pictures_required=0 turns the rule off."""
    assert load_schema()["pictures"]["required"] is True
    src = write_fixture(tmp_path)
    edit(src, EXERCISE, "{key-point}`think_,_to` ", "{octicon}`light-bulb;1.5em` ")
    build = sphinx_build(src, tmp_path / "html")
    assert_fails_with(build, src / EXERCISE, line_of(FIXTURE[EXERCISE], "**I can break"),
                      r"handout key point without a picture .*", "curriculum.pictures")


def test_a_symbol_missing_from_the_project_fails_the_build(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(ROOT / "symbols", tmp_path / "symbols"))
    (folder / "pencil.pdf").unlink()  # a symbol only the exercise names (the topic's key messages name think_,_to)
    src = write_fixture(tmp_path)
    edit(src, EXERCISE, "{key-point}`think_,_to`", "{key-point}`pencil`")
    build = sphinx_build(src, tmp_path / "html", "html", "-D", f"pictures_folder={folder}")
    assert_fails_with(build, src / EXERCISE, line_of(FIXTURE[EXERCISE], "{key-point}"),
                      r"symbol 'pencil' is not in the project \(symbols/pencil\.pdf missing\): run "
                      r"python3 tools/copy_symbols\.py PATH/TO/mulberry, which copies the symbols the pages name",
                      "curriculum.pictures")


def test_a_refused_symbol_fails_the_next_build_too(tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    edit(src, EXERCISE, "{key-point}`think_,_to`", "{key-point}`baby`")
    for _ in range(2):
        build = sphinx_build(src, tmp_path / "html")
        assert_fails_with(build, src / EXERCISE, line_of(FIXTURE[EXERCISE], "{key-point}"),
                          r"symbol 'baby' shows a child .*", "curriculum.pictures")


# -- one broken rule a case ---------------------------------------------------


@dataclass
class Case:
    """Break a rule: in file *name*, replace *old* by *new* (no *old*: write *new* as the file).

    The build must then fail with one warning at *name*, on the line holding
    *at* (a needle in the broken file, a line number, or None for no line),
    matching *message* and tagged *tag*.
    """

    name: str
    old: str | None
    new: str
    tag: str
    message: str
    at: str | int | None
    options: tuple[str, ...] = ()  # sphinx-build options, e.g. PICTURES_ON


TITLE_T = "# One topic"
# One option of the two a diagram needs; the same tiny diagram as tests/test_build.py, so cached.
DIAGRAM = "```{{mermaid}}\n{option}\n\nflowchart TD\n  A --> B\n```\n\n## Key messages"
TITLE_E = "# One exercise"

CASES = {
    # -- required headings, in order
    "topic-missing-heading": Case(
        TOPIC, "## Key messages\n\n{key-point}`think_,_to` A chain can be **broken at any step**.\n\n", "",
        "curriculum.headings", r"missing required heading\(s\): 'Key messages'", TITLE_T),
    "exercise-missing-heading": Case(
        EXERCISE, "## Materials\n\n- Flip chart and pens.\n\n", "",
        "curriculum.headings", r"missing required heading\(s\): 'Materials'", TITLE_E),
    "exercise-headings-swapped": Case(
        EXERCISE, "## Time\n\nAbout 30 minutes.\n\n## Materials\n\n- Flip chart and pens.\n",
        "## Materials\n\n- Flip chart and pens.\n\n## Time\n\nAbout 30 minutes.\n",
        "curriculum.headings", r"headings out of order: found Purpose, Materials, Time, .*", TITLE_E),
    "topic-heading-not-in-template": Case(
        TOPIC, "## Discussion prompts", "## Extra thoughts\n\nMore.\n\n## Discussion prompts",
        "curriculum.headings", r"heading 'Extra thoughts' is not in the topic template .*", "## Extra thoughts"),
    "topic-second-title": Case(
        TOPIC, "- {ref}`modules-index`\n", "- {ref}`modules-index`\n\n# More reading\n\nA book.\n",
        "curriculum.headings", r"second title 'More reading': every topic page has one '#' title; "
        r"its sections are '##' headings", "# More reading"),
    # -- front matter fields and their types
    "exercise-time-missing": Case(
        EXERCISE, "time: 30\n", "",
        "curriculum.front-matter", r"front matter has no 'time' field \(every exercise page needs one\)", 1),
    "exercise-time-not-a-number": Case(
        EXERCISE, "time: 30", 'time: "forty"',
        "curriculum.front-matter", r"front matter field 'time' is 'forty': it must be a whole number of minutes",
        "time:"),
    "exercise-format-unknown": Case(
        EXERCISE, "format: group", "format: workshop",
        "curriculum.front-matter", r"front matter field 'format' is 'workshop': it must be one of group, .*",
        "format:"),
    "exercise-destination-missing": Case(
        EXERCISE, "destination: group-record\n", "",
        "curriculum.front-matter", r"front matter has no 'destination' field \(every exercise page needs one\)", 1),
    "exercise-destination-unknown": Case(
        EXERCISE, "destination: group-record", "destination: kitchen-table",
        "curriculum.front-matter",
        r"front matter field 'destination' is 'kitchen-table': it must be one of group-record, home",
        "destination:"),
    "handout-off-an-exercise-page-without-destination": Case(
        GLOSSARY, "```{glossary}", ":::{handout} My words\n{key-point}`think_,_to` I can ask what a word means.\n"
        ":::\n\n```{glossary}",
        "curriculum.handout-destination", r"a handout needs to say where the sheet goes afterwards: add "
        r"'destination: group-record or home' to this page's front matter", ":::{handout} My words"),
    "exercise-topic-not-a-list": Case(
        EXERCISE, "topic: [mod-one-topic]", "topic: mod-one-topic",
        "curriculum.front-matter", r"front matter field 'topic' is 'mod-one-topic': it must be a list of labels.*",
        "topic:"),
    "exercise-cannot-read-missing": Case(
        EXERCISE, FIXTURE[EXERCISE][FIXTURE[EXERCISE].index("cannot-read:"):FIXTURE[EXERCISE].index("---\n\n")], "",
        "curriculum.front-matter",
        r"front matter has no 'cannot-read' field \(every exercise page needs one\)", 1),
    "exercise-cannot-read-empty": Case(
        EXERCISE, "cannot-read: |", 'cannot-read: ""\nunused: |',
        "curriculum.front-matter", r"front matter field 'cannot-read' is '': it must be text", "cannot-read:"),
    "topic-summary-missing": Case(
        TOPIC, "summary: How a trigger starts a chain that can be broken.\n", "",
        "curriculum.front-matter", r"front matter has no 'summary' field \(every topic page needs one\)", 1),
    "exercise-kind-wrong": Case(
        EXERCISE, "kind: exercise", "kind: topic",
        "curriculum.front-matter",
        r"front matter says kind 'topic', but pages in this folder are 'exercise' pages",
        "kind:"),
    # -- an exercise's topic, and the links both ways
    "exercise-topic-label-missing": Case(
        EXERCISE, "topic: [mod-one-topic]", "topic: [mod-no-such-topic]",
        "curriculum.exercise-topic", r"front matter topic 'mod-no-such-topic' is not the label of a topic page",
        "topic:"),
    "exercise-topic-not-a-topic-page": Case(
        EXERCISE, "topic: [mod-one-topic]", "topic: [ref-glossary]",
        "curriculum.exercise-topic", r"front matter topic 'ref-glossary' is not the label of a topic page",
        "topic:"),
    "exercise-no-backlink-in-purpose": Case(
        EXERCISE, ", for {ref}`mod-one-topic`.", ".",
        "curriculum.exercise-backlink",
        r"exercise does not link back to its topic: add \{ref\}`mod-one-topic` to its 'Purpose' section",
        "## Purpose"),
    "topic-no-link-to-exercise-in-activities": Case(
        TOPIC, "- {ref}`ex-one-exercise`: each", "- Each",
        "curriculum.topic-exercise-link",
        r"topic page does not link its exercise: add \{ref\}`ex-one-exercise` to its 'Activities' section",
        "## Activities"),
    # -- one handout block, in the Handout section
    "exercise-two-handouts": Case(
        EXERCISE, ":::\n", ":::\n\n:::{handout} Another chain\nI can ask for help when I need it.\n:::\n",
        "curriculum.handout", r"an exercise needs exactly one handout block, in its 'Handout' section "
        r"\(found 2, 2 there\)", ":::{handout} Another chain"),
    "exercise-no-handout": Case(
        EXERCISE, ":::{handout} My chain\n", ":::{note}\n",
        "curriculum.handout", r"an exercise needs exactly one handout block, in its 'Handout' section "
        r"\(found 0, 0 there\)", "## Handout"),
    "exercise-handout-outside-its-section": Case(
        EXERCISE, "## Facilitator notes\n", ":::{handout} Early chain\nI can ask for help when I need it.\n:::\n\n"
        "## Facilitator notes\n",
        "curriculum.handout", r"an exercise needs exactly one handout block, in its 'Handout' section "
        r"\(found 2, 1 there\)", ":::{handout} Early chain"),
    # -- easy-read rules inside a handout
    "handout-italics": Case(
        EXERCISE, "ask for help.", "ask for *help*.",
        "curriculum.easy-read", r"italics in a handout \('help'\): use bold", "It is OK"),
    "handout-shouting-capitals": Case(
        EXERCISE, "a person I trust", "a person I TRUST",
        "curriculum.easy-read", r"capitals for emphasis in a handout \('TRUST'\): use bold", "a person I TRUST"),
    "handout-shouting-two-letter-word": Case(
        EXERCISE, "It is OK to ask", "It is OK to say NO and ask",
        "curriculum.easy-read", r"capitals for emphasis in a handout \('NO'\): use bold", "It is OK"),
    "handout-sentence-too-long": Case(
        EXERCISE, "ask for help.", "ask for help from a friend or a carer or a person I trust at home.",
        "curriculum.easy-read", r"handout sentence of 20 words \(at most 15\): 'It is OK to ask for help.*'",
        "It is OK"),
    # -- pictures beside key points (_ext/symbols.py) and readability (_ext/readability.py)
    "key-point-symbol-unknown": Case(
        EXERCISE, "{key-point}`think_,_to`", "{key-point}`thinking_hard`",
        "curriculum.pictures", r"no Mulberry symbol is called 'thinking_hard': names are the set's file names "
        r"without \.svg \(see symbols/symbol-info-en\.csv\)", "{key-point}"),
    "key-point-symbol-rated": Case(
        EXERCISE, "{key-point}`think_,_to`", "{key-point}`chest_male`",
        "curriculum.pictures", r"symbol 'chest_male' is marked rated in the Mulberry set \(bodies and sexual "
        r"anatomy\): never use it", "{key-point}"),
    "key-point-symbol-of-a-child": Case(
        EXERCISE, "{key-point}`think_,_to`", "{key-point}`baby`",
        "curriculum.pictures", r"symbol 'baby' shows a child or children's things or places \(page-kinds\.toml "
        r"\[pictures\] never_use\): choose another", "{key-point}"),
    "key-point-symbol-of-childrens-things": Case(
        EXERCISE, "{key-point}`think_,_to`", "{key-point}`teddy_bear`",
        "curriculum.pictures", r"symbol 'teddy_bear' shows a child or children's things or places .*", "{key-point}"),
    "key-point-not-at-the-start-of-its-paragraph": Case(
        EXERCISE, "I can talk to a person", "I can talk {key-point}`pencil` to a person",
        "curriculum.pictures", r"\{key-point\}`pencil` must start its paragraph: the paragraph is the key point",
        "I can talk"),
    "handout-key-point-without-a-picture": Case(
        EXERCISE, "I can talk to a person", "**I can talk** to a person",
        "curriculum.pictures", r"handout key point without a picture \('I can talk to a person I trust when I "
        r"feel low\. It'\): start it with \{key-point\}`SYMBOL`", "**I can talk**"),
    "handout-icon-beside-pictures": Case(
        EXERCISE, "ask for help.", "ask for {octicon}`heart` help.",
        "curriculum.pictures", r"an icon in a handout that has pictures: keep one style of picture, a Mulberry "
        r"symbol with \{key-point\}`SYMBOL`", "I can talk"),
    "handout-without-pictures": Case(
        # Every handout has at least one picture (where the sheet goes): each key point needs its own.
        EXERCISE, "{key-point}`think_,_to` ", "",
        "curriculum.pictures", r"handout key point without a picture \('I can break the chain at any step\. I can "
        r"stop and '\): start it with \{key-point\}`SYMBOL`", "**I can break"),
    "handout-second-key-point-without-a-picture": Case(
        EXERCISE, "\nIt is OK to ask for help.", "\n\n**It is OK** to ask for help.",
        "curriculum.pictures", r"handout key point without a picture \('It is OK to ask for help\.'\): start it "
        r"with \{key-point\}`SYMBOL`", "**It is OK**"),
    "cards-line-without-a-symbol": Case(
        EXERCISE, "- Flip chart and pens.\n", "- Flip chart and pens.\n" + CARDS.replace("bad | I keep", "I keep"),
        "curriculum.cards", r"a card is one line, 'SYMBOL \| words' \(found 'I keep going\.'\)", "I keep going."),
    "cards-symbol-unknown": Case(
        EXERCISE, "- Flip chart and pens.\n", "- Flip chart and pens.\n" + CARDS.replace("bad |", "badd |"),
        "curriculum.pictures", r"no Mulberry symbol is called 'badd'.*", "badd |"),
    "cards-outside-materials": Case(
        EXERCISE, "1. Draw the chain on the flip chart.\n", "1. Draw the chain on the flip chart.\n" + CARDS,
        "curriculum.cards", r"a cards block belongs in the 'Materials' section of a page of kind exercise",
        ":::{cards}"),
    "handout-sentences-too-long-on-average": Case(
        EXERCISE, "I can talk to a person I trust when I feel low.\nIt is OK to ask for help.",
        # Eleven sentences of 15 words, the most the easy-read rule allows: with the handout's own
        # short ones (its first line, where the sheet goes, the credit for the pictures) the
        # average is just over the limit.
        "I can talk to a person I trust at home when I feel very low.\n"
        "It is OK to ask a friend or a carer for help at any time.\n"
        "I can go for a long walk with a friend when I feel bored today.\n"
        "I can call my supporter on the phone when I feel angry or very sad.\n"
        "I can go to the club on a Tuesday with my friend from my work.\n"
        "I can cook a meal with my brother when I feel lonely late at night.\n"
        "I can listen to music in my room when I feel worried about my things.\n"
        "I can watch a film with my sister when I feel tired after my work.\n"
        "I can write in my diary at home when I feel upset about people.\n"
        "I can paint a picture in the art room when I feel cross with people.\n"
        "I can bake a cake in the kitchen with my friend when I feel restless.",
        "curriculum.readability", r"handout 'My chain' is hard to read: 12\.\d words a sentence on average "
        r"\(at most 12\): split long sentences", ":::{handout}"),
    "handout-too-many-long-words": Case(
        EXERCISE, "It is OK to ask for help.", "Facilitators can definitely organise additional assistance immediately.",
        "curriculum.readability", r"handout 'My chain' is hard to read: [\d.]+% long words \(at most 10%\): "
        r"use shorter, everyday words", ":::{handout}"),
    # -- programme wording no longer used as written: its box and where it may go
    "programme-wording-without-reason": Case(
        TOPIC, ":reason: It blames the whole person; the group talks about the behaviour.\n", "",
        "curriculum.programme-wording", r"a programme-wording box needs ':reason:', saying why .*",
        "{programme-wording}"),
    "programme-wording-without-say-instead": Case(
        TOPIC, ":::{say-instead}\nWhat I did was wrong, and I can change what I do.\n:::\n", "",
        "curriculum.programme-wording", r"a programme-wording box needs exactly one \{say-instead\} block, "
        r"with what facilitators say instead \(found 0\)", "{programme-wording}"),
    "programme-wording-inside-a-handout": Case(
        EXERCISE, "It is OK to ask for help.\n", "It is OK to ask for help.\n\n::::{programme-wording}\n"
        ":reason: Old words.\n\nI am bad.\n\n:::{say-instead}\nI did a wrong thing.\n:::\n::::\n",
        "curriculum.programme-wording", r"programme wording is for facilitators: a programme-wording box cannot "
        r"go inside group-member material \(handout\); put it in a facilitator section", "{programme-wording}"),
    "say-instead-outside-a-box": Case(
        TOPIC, "Keep to feelings and situations.", "::::{say-instead}\nKeep to feelings.\n::::\n\nKeep to feelings and situations.",
        "curriculum.programme-wording", r"a \{say-instead\} block belongs inside a \{programme-wording\} box",
        "::::{say-instead}"),
    # -- key messages: easy read for group members (they are on the slides), each a key point with its picture
    "key-messages-as-a-list": Case(
        TOPIC, "{key-point}`think_,_to` A chain can be **broken at any step**.", "- A chain can be broken at any step.",
        "curriculum.key-messages", r"'Key messages' holds a list that is not a key point: write each message .*",
        "- A chain"),
    "key-messages-without-picture": Case(
        TOPIC, "{key-point}`think_,_to` A chain", "A chain",
        "curriculum.key-messages", r"'Key messages' holds text that is not a key point: write each message .*",
        "A chain can be"),
    "key-messages-without-bold": Case(
        TOPIC, "A chain can be **broken at any step**.", "A chain can be broken at any step.",
        "curriculum.key-messages", r"a key message bolds its key words: put \*\* around the words that matter most",
        "A chain can be broken"),
    "key-messages-long-sentence": Case(
        TOPIC, "A chain can be **broken at any step**.",
        "A chain can be **broken at any step**, early or late, by a person who has learnt how to stop.",
        "curriculum.key-messages", r"key message sentence of 20 words \(at most 15\): split it, one idea a sentence: .*",
        "A chain can be"),
    "key-messages-programme-wording": Case(
        TOPIC, "A chain can be **broken at any step**.\n",
        "A chain can be **broken at any step**.\n\n:::::{programme-wording}\n:reason: Old words.\n\nI am bad.\n\n"
        ":::{say-instead}\nI can change what I do.\n:::\n:::::\n",
        "curriculum.key-messages", r"a programme-wording box cannot go in 'Key messages': group members see the key "
        r"messages \(on the slides\); put the box in 'Background for facilitators'", ":::::{programme-wording}"),
    # -- terminology: a word the manual no longer uses, in each kind of place it is checked
    "terminology-in-page-text": Case(
        TOPIC, "starts a chain of thoughts and behaviour.", "starts a chain of thoughts and behaviour in offenders.",
        "curriculum.terminology", r"'offenders' is a word the manual no longer uses: use 'group member' for the "
        r"people in the group, or 'person who has offended' \(see the 'Words we use' page\).*", "in offenders"),
    "terminology-in-diagram": Case(
        TOPIC, "## Key messages",
        "```{mermaid}\n:caption: Two boxes\n:alt: Box A leads to box B.\n\nflowchart TD\n  A[Pornography] --> B\n```"
        "\n\n## Key messages",
        "curriculum.terminology", r"'Pornography' is a word the manual no longer uses: use 'indecent images of "
        r"children' for images of children.*", "A[Pornography]"),
    "terminology-in-say-instead": Case(
        TOPIC, "What I did was wrong, and I can change", "What I did was wrong, and offenders can change",
        "curriculum.terminology", r"'offenders' is a word the manual no longer uses: .*", "offenders can change"),
    "terminology-in-cannot-read": Case(
        EXERCISE, "A facilitator writes their words", "A facilitator writes the offenders' words",
        "curriculum.terminology", r"'offenders' is a word the manual no longer uses: .*", "the offenders' words"),
    "terminology-in-handout-title": Case(
        EXERCISE, ":::{handout} My chain", ":::{handout} My chain as an ex-offender",
        "curriculum.terminology", r"'ex-offender' is a word the manual no longer uses: .*", ":::{handout}"),
    # -- labels and index pages
    "page-label-wrong": Case(
        GLOSSARY, "(ref-glossary)=", "(ref-words)=",
        "curriculum.label", r"page label is 'ref-words': a page in this folder starts with \(ref-glossary\)=",
        "# Glossary"),
    "page-label-missing": Case(
        "reference/bibliography.md", "(ref-bibliography)=\n", "",
        "curriculum.label", r"the page has no label: put the line \(ref-bibliography\)= above its title",
        "# Bibliography"),
    "index-page-with-a-section": Case(
        "exercises/index.md", "```{toctree}", "## All exercises\n\n```{toctree}",
        "curriculum.index-sections", r"an index page holds no sections \(found 'All exercises'\).*",
        "## All exercises"),
    "index-page-with-a-second-title": Case(
        "exercises/index.md", "```{toctree}", "# All exercises\n\n```{toctree}",
        "curriculum.index-sections", r"an index page holds no sections \(found 'All exercises'\).*",
        "# All exercises"),
    # -- the glossary and its terms
    "glossary-term-unused": Case(
        GLOSSARY, "```\n", "\nrelapse\n  Going back to offending.\n```\n",
        "curriculum.glossary-unused", r"glossary term 'relapse' is not used on any page", "relapse"),
    "term-unknown": Case(
        TOPIC, "Keep to feelings", "Keep to {term}`feelings`",
        "ref.term", r"term not in glossary: 'feelings'", "Keep to {term}"),
    # -- citations, toctrees, cross-references, diagrams
    "citation-key-unknown": Case(
        TOPIC, "{cite:p}`soa2003`", "{cite:p}`no-such-key-1999`",
        "bibtex.key_not_found", r'could not find bibtex key "no-such-key-1999"', "{cite:p}"),
    "page-orphaned": Case(
        "reference/orphan.md", None, "(ref-orphan)=\n# Orphan\n\nIn no toctree.\n",
        "toc.not_included", r"document isn't included in any toctree", None),
    "ref-broken": Case(
        TOPIC, "- {ref}`modules-index`", "- {ref}`mod-nowhere`",
        "ref.ref", r"undefined label: 'mod-nowhere'", "{ref}`mod-nowhere`"),
    # -- whole sessions
    "exercise-too-long-for-a-session": Case(
        EXERCISE, "time: 30", "time: 75",
        "curriculum.session", r"exercise of 75 minutes does not fit in a group session, which has 60 minutes "
        r"for activities \(the \[session\] parts in _ext/page-kinds.toml\): split it into two exercises, "
        r"or shorten it", "time:"),
    "session-plan-off-a-topic-page": Case(
        EXERCISE, "## Time\n", "```{session-plan}\n```\n\n## Time\n",
        "curriculum.session-plan", r"the session-plan directive belongs on topic pages", "{session-plan}"),
    "diagram-without-alt": Case(
        TOPIC, "## Key messages", DIAGRAM.format(option=":caption: Two boxes"),
        "mermaid.alt", r"Mermaid diagram 'Two boxes' has no :alt: text \(every diagram needs a text alternative\)",
        "{mermaid}"),
    "diagram-without-caption": Case(
        TOPIC, "## Key messages", DIAGRAM.format(option=":alt: Box A leads to box B."),
        "mermaid.caption", r"Mermaid diagram has no :caption: \(every diagram needs one\)", "{mermaid}"),
}


#: Seconds a fixture build may take before the test says it hangs (they take a few).
FIXTURE_TIMEOUT = 180


def assert_fails_again(first: Build, again: Build) -> None:
    """A second build with nothing changed fails the same way: same status, same warnings."""
    assert again.returncode == first.returncode, again.output[-2000:]
    assert sorted(warning_lines(again)) == sorted(warning_lines(first)), (
        f"first build:\n{first.warnings}\nsecond build:\n{again.warnings}")


def assert_no_traceback(build: Build) -> None:
    """An author's mistake is a message, never a crash."""
    for sign in ("Traceback", "Exception occurred", "threw an exception", "Sphinx error", "Extension error"):
        assert sign not in build.output, build.output[-3000:]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_breaking_one_rule_fails_the_build_naming_file_line_and_rule(case: Case, tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    text = edit(src, case.name, case.old, case.new)
    line = line_of(text, case.at) if isinstance(case.at, str) else case.at
    build = sphinx_build(src, tmp_path / "html", "html", *case.options, timeout=FIXTURE_TIMEOUT)
    assert_fails_with(build, src / case.name, line, case.message, case.tag)
    assert_no_traceback(build)
    # Nothing changed: the next build reads the page again and fails with the same message.
    assert_fails_again(build, sphinx_build(src, tmp_path / "html", "html", *case.options, timeout=FIXTURE_TIMEOUT))


def test_an_exercise_too_long_for_a_session_fails_the_next_build_too(tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    text = edit(src, EXERCISE, "time: 30", "time: 75")
    first = sphinx_build(src, tmp_path / "html")
    again = sphinx_build(src, tmp_path / "html")
    assert first.returncode != 0
    assert_fails_with(again, src / EXERCISE, line_of(text, "time:"),
                      r"exercise of 75 minutes does not fit in a group session.*", "curriculum.session")


# -- the declared session: its parts must add up ------------------------------

# Each case breaks the [session] table of a copy of page-kinds.toml: its edits (old, new), the message,
# and a needle on the line the message must name (the first after "[session]").
SESSION_CASES = {
    "length-not-the-sum-of-the-parts": (
        [("length = 105 ", "length = 120 ")],
        r"the session's parts add up to 105 minutes, but its length is 120: change a part's minutes or the "
        r"length so that they match", "length = 120"),
    "too-long-without-a-break": (
        # Ten minutes moved from the break to the recap: the same length, but 55 minutes before the break.
        [('name = "Recap of last session"\nminutes = 5', 'name = "Recap of last session"\nminutes = 15'),
         ("minutes = 15\nbreak = true", "minutes = 5\nbreak = true")],
        r"the session runs 55 minutes without a break by the end of 'Activities' \(a break at least every 45 "
        r"minutes\): move a break, or shorten a part", "minutes = 30"),
    "part-minutes-not-a-number": (
        [('name = "Grounding"\nminutes = 5', 'name = "Grounding"\nminutes = "five"')],
        r"session part 'Grounding' has minutes = 'five': it must be a whole number of minutes", 'minutes = "five"'),
    "a-format-in-neither-list": (
        [('group_formats = ["group", "pairs", "individual"]', 'group_formats = ["group", "pairs"]')],
        r"exercise format 'individual' is in neither group_formats nor apart_formats: put it in one",
        "group_formats ="),
}


@pytest.mark.parametrize("case", SESSION_CASES.values(), ids=SESSION_CASES.keys())
def test_a_declared_session_that_cannot_add_up_fails_naming_page_kinds_toml_and_line(
        case: tuple[list[tuple[str, str]], str, str], tmp_path: Path) -> None:
    edits, message, needle = case
    project = project_with_its_own_bibliography(tmp_path)
    schema = project / "_ext" / "page-kinds.toml"
    text = schema.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"page-kinds.toml has no {old!r}: the declared session changed"
        text = text.replace(old, new, 1)
    schema.write_text(text, encoding="utf-8")
    start = text.index("\n[session]\n")
    line = text.count("\n", 0, start) + 1 + line_of(text[start + 1:], needle)
    own = ["-c", str(project), *SHARED_RENDERER]
    first = sphinx_build(project / "docs", tmp_path / "html", "html", *own)
    assert_fails_with(first, schema, line, message, "curriculum.session")
    # Nothing changed since: the pages that show sessions are read again, and the build fails again.
    again = sphinx_build(project / "docs", tmp_path / "html", "html", *own)
    assert_fails_with(again, schema, line, message, "curriculum.session")


WORDS_PAGE = """\
(ref-words-we-use)=
# Words we use

The older term, child pornography, is not used.

```{terminology-list}
```
"""


def test_avoided_words_pass_in_the_programmes_own_words_in_an_allowed_phrase_and_on_the_words_page(
        tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    edit(src, TOPIC, "I am a bad person.", "I am a bad person, an offender.")
    edit(src, TOPIC, "Keep to feelings and situations.",
         "Keep to feelings and situations, and tell the offender manager of any risk.")
    edit(src, "reference/words-we-use.md", None, WORDS_PAGE)
    edit(src, "reference/index.md", "glossary\n", "glossary\nwords-we-use\n")
    build = sphinx_build(src, tmp_path / "html")
    assert build.ok, build.warnings or build.output[-2000:]
    page = (build.outdir / "reference" / "words-we-use.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*terminology-list.*?</table>', page, re.S)
    assert table, "the words page has no terminology-list table"
    assert "offender manager" in table.group(0) and "person who has offended" in table.group(0)


def test_an_avoided_word_fails_the_next_build_too(tmp_path: Path) -> None:
    """A page with an avoided word is read again on the next build, unchanged, and fails again."""
    src = write_fixture(tmp_path)
    text = edit(src, TOPIC, "Keep to feelings and situations.", "Keep to what offenders feel.")
    first = sphinx_build(src, tmp_path / "html")
    again = sphinx_build(src, tmp_path / "html")
    assert first.returncode != 0
    assert "0 added, 1 changed, 0 removed" in again.output  # only the page with the word
    assert_fails_with(again, src / TOPIC, line_of(text, "what offenders feel"),
                      r"'offenders' is a word the manual no longer uses: .*", "curriculum.terminology")


# -- the bibliography: every entry cited somewhere ----------------------------

FIXTURE_BIB = """\
@misc{soa2003,
  author = {{UK Parliament}},
  title = {Sexual Offences Act 2003},
  year = {2003}
}
"""

UNCITED_ENTRY = """
@article{nobody2020,
  author = {Nobody, Anne},
  title = {A Study Nobody Cites},
  journal = {Journal of Examples},
  year = {2020}
}
"""


def project_with_its_own_bibliography(root: Path) -> Path:
    """The fixture as a project of its own: a copy of the configuration, with docs/ and a .bib inside it.

    The other fixture builds borrow the manual's .bib, from outside their source folder, and
    _ext/unused_references.py checks only a project's own; here the fixture's .bib is its own.
    """
    project = Path(shutil.copytree(ROOT, root / "project", ignore=shutil.ignore_patterns(
        "docs", "_build", "dist", "node_modules", ".venv", ".cache", ".git", "__pycache__", ".pytest_cache")))
    src = write_fixture(project)
    (src / "reference" / "references.bib").write_text(FIXTURE_BIB, encoding="utf-8")
    return project


def test_a_bibliography_entry_cited_nowhere_fails_every_build_naming_file_and_line(tmp_path: Path) -> None:
    project = project_with_its_own_bibliography(tmp_path)
    src, out = project / "docs", tmp_path / "html"
    own = ["-c", str(project), *SHARED_RENDERER]
    cited = sphinx_build(src, out, "html", *own)
    assert cited.ok, cited.warnings or cited.output[-2000:]

    bib = src / "reference" / "references.bib"
    text = edit(src, "reference/references.bib", None, FIXTURE_BIB + UNCITED_ENTRY)
    message = (r"bibliography entry 'nobody2020' is cited nowhere: cite it on a page with "
               r"\{cite:p\}`nobody2020`, or remove it from references\.bib")
    for build in (sphinx_build(src, out, "html", *own), sphinx_build(src, out, "html", *own)):
        # The second build changes nothing, and fails again.
        assert_fails_with(build, bib, line_of(text, "@article{nobody2020"), message, "references.unused")


# -- the real manual -----------------------------------------------------------


@pytest.fixture
def real_docs(tmp_path: Path) -> Path:
    """A copy of the real manual's sources, to break without touching the real files.

    Files the pages include from beside docs/ (``{include} ../CHANGELOG.md``) are copied too.
    """
    docs = Path(shutil.copytree(DOCS, tmp_path / "docs"))
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r"^[`:]{3,}\{include\}\s+\.\./([^\s/]+)\s*$", text, re.M):
            if page.parent == docs and (ROOT / name).is_file():
                shutil.copy(ROOT / name, tmp_path / name)
    return docs


def test_real_topic_page_without_a_required_heading_fails(real_docs: Path, tmp_path: Path) -> None:
    text = edit(real_docs, "modules/triggers.md", "## Key messages\n\n", "")
    build = sphinx_build(real_docs, tmp_path / "html")
    assert_fails_with(build, real_docs / "modules" / "triggers.md", line_of(text, "# Triggers"),
                      r"missing required heading\(s\): 'Key messages'", "curriculum.headings")


def test_real_topic_page_without_the_link_to_its_exercise_fails(real_docs: Path, tmp_path: Path) -> None:
    path = real_docs / "modules" / "triggers.md"
    [line] = [ln for ln in path.read_text(encoding="utf-8").splitlines(keepends=True)
              if "{ref}`ex-my-trigger-chain`" in ln]
    text = edit(real_docs, "modules/triggers.md", line, "")
    build = sphinx_build(real_docs, tmp_path / "html")
    assert_fails_with(build, path, line_of(text, "## Activities"),
                      r"topic page does not link its exercise: add \{ref\}`ex-my-trigger-chain` "
                      r"to its 'Activities' section", "curriculum.topic-exercise-link")


# -- the training course (_ext/training.py) -----------------------------------

UNIT = "training/units/one-unit.md"
CHECK = """\
::::{{knowledge-check}} Check {n}
A group member starts to describe a picture. What do you do?

:::{{model-answer}}
Stop at once and ask for the category; see {{ref}}`guide-one-guide`.
:::
::::
"""
COURSE = {
    "facilitator-guide/one-guide.md": """\
(guide-one-guide)=
# One guide

Stop any description at once.
""",
    "training/index.md": """\
(training-index)=
# Training

```{training-schedule}
```

```{toctree}
units/one-unit
answers
```
""",
    "training/answers.md": """\
(training-answers)=
# Answers

```{knowledge-check-answers}
```
""",
    UNIT: """\
---
kind: unit
summary: One unit of the course.
day: 1
teaching: 30
activity: 45
break: 15
---

(unit-one-unit)=
# One unit

## Objectives

- Stop a description at once.

## Pre-reading

- {ref}`guide-one-guide` and {ref}`mod-one-topic`.

## Teaching points

Stop any description at once.

## Activities

:::::{role-play}
:practises: guide-one-guide

**Group member:** "The one I kept going back to showed..."

::::{good-response}
- Stops him at once.
::::
:::::

## Knowledge checks

""" + "\n".join(CHECK.format(n=n) for n in (1, 2, 3)) + """
## Key points

- Stop a description at once.
""",
}


def write_course(root: Path) -> Path:
    """The valid fixture project with a training course of one unit, and one guide page."""
    src = write_fixture(root)
    for name, text in COURSE.items():
        edit(src, name, None, text)
    edit(src, "index.md", "reference/index\n", "reference/index\nfacilitator-guide/one-guide\ntraining/index\n")
    return src


@pytest.fixture(scope="module")
def course_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("course")
    return sphinx_build(write_course(root), root / "html")


def test_valid_course_builds_with_zero_warnings(course_build: Build) -> None:
    assert course_build.returncode == 0, course_build.output[-3000:]
    assert course_build.warnings.strip() == ""


def test_the_schedule_adds_up_the_units_minutes_from_the_day_start(course_build: Build) -> None:
    page = (course_build.outdir / "training" / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="schedule-day-1".*?</table>', page, re.S)
    assert table, "no schedule table for day 1"
    rows = [_text(row) for row in re.findall(r"<tr.*?</tr>", table.group(0), re.S)]
    assert rows[1:] == ["09:30 to 10:45 Unit 1: One unit 30 45", "10:45 to 11:00 Break (15 minutes)",
                        "Total 30 45"]
    unit = (course_build.outdir / "training" / "units" / "one-unit.html").read_text(encoding="utf-8")
    assert "Unit 1 of 1. Day 1, 09:30 to 10:45: 30 minutes of teaching and 45 minutes of activities" in _text(unit)


def test_model_answers_are_hidden_in_the_unit_and_gathered_at_the_back(course_build: Build) -> None:
    unit = (course_build.outdir / "training" / "units" / "one-unit.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<details class="model-answer">\s*<summary>Model answer to check \d</summary>', unit)) == 3
    answers = _text((course_build.outdir / "training" / "answers.html").read_text(encoding="utf-8"))
    assert answers.count("Stop at once and ask for the category") == 3
    assert "Check 3. Check 3" in answers


def test_a_rebuild_after_a_unit_changes_updates_the_schedule_and_the_unit_times(tmp_path: Path) -> None:
    src = write_course(tmp_path)
    first = sphinx_build(src, tmp_path / "html")
    assert first.ok, first.output[-2000:]
    edit(src, UNIT, "activity: 45", "activity: 50")
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    assert "09:30 to 10:50 Unit 1: One unit 30 50" in _text(
        (tmp_path / "html" / "training" / "index.html").read_text(encoding="utf-8"))
    assert "updating environment: 0 added, 1 changed, 0 removed" in again.output


TRAINING_CASES = {
    "coverage-topic-left-out": Case(
        UNIT, " and {ref}`mod-one-topic`", "",
        "training.coverage", r"'mod-one-topic' is pre-reading for no training unit: add \{ref\}`mod-one-topic` "
        r"to the 'Pre-reading' section of the unit that teaches it \(docs/training/units/\) \[coverage\]", None),
    "coverage-guide-left-out": Case(
        UNIT, "{ref}`guide-one-guide` and ", "",
        "training.coverage", r"'guide-one-guide' is pre-reading for no training unit: .*", None),
    "unit-with-two-knowledge-checks": Case(
        UNIT, CHECK.format(n=3), "",
        "training.knowledge-checks", r"a unit needs at least 3 knowledge checks in its 'Knowledge checks' section "
        r"\(found 2\) \[knowledge-checks\]", "## Knowledge checks"),
    "knowledge-check-without-model-answer": Case(
        UNIT, ":::{model-answer}\nStop at once and ask for the category; see {ref}`guide-one-guide`.\n:::\n", "",
        "training.model-answer", r"a knowledge check needs exactly one \{model-answer\} block \(found 0\) "
        r"\[model-answer\]", "Check 1"),
    "role-play-without-practises": Case(
        UNIT, ":practises: guide-one-guide\n", "",
        "training.role-play", r"a role play needs ':practises:', naming the facilitator-guide page\(s\) it "
        r"practises, .*", "{role-play}"),
    "role-play-practises-a-topic": Case(
        UNIT, ":practises: guide-one-guide", ":practises: mod-one-topic",
        "training.role-play", r"role play practises 'mod-one-topic', which is not a facilitator-guide page .*",
        "{role-play}"),
    "role-play-without-good-response": Case(
        UNIT, "::::{good-response}\n- Stops him at once.\n::::\n", "",
        "training.role-play", r"a role play needs exactly one \{good-response\} block, .*\(found 0\) \[role-play\]",
        "{role-play}"),
    "unit-runs-past-the-day-end": Case(
        UNIT, "activity: 45", "activity: 450",
        "training.schedule", r"unit ends at 17:30 on day 1, after the course day ends at 16:30 "
        r"\(\[training\] day_end\): move it to the next day or shorten it \[schedule\]", "day:"),
    "unit-without-its-label": Case(
        UNIT, "(unit-one-unit)=\n", "",
        "curriculum.label", r"the page has no label: put the line \(unit-one-unit\)= above its title", "# One unit"),
    "unit-break-not-minutes": Case(
        UNIT, "break: 15", "break: -5",
        "curriculum.front-matter", r"front matter field 'break' is -5: it must be a whole number of minutes, "
        r"0 or more", "break:"),
}


@pytest.mark.parametrize("case", TRAINING_CASES.values(), ids=TRAINING_CASES.keys())
def test_breaking_one_course_rule_fails_the_build_naming_file_line_and_rule(case: Case, tmp_path: Path) -> None:
    src = write_course(tmp_path)
    text = edit(src, case.name, case.old, case.new)
    name, line = case.name, (line_of(text, case.at) if isinstance(case.at, str) else case.at)
    if case.tag == "training.coverage":  # the warning names the page left out, at its title
        name = "modules/one-topic.md" if "mod-" in case.message else "facilitator-guide/one-guide.md"
        line = line_of((src / name).read_text(encoding="utf-8"), "# One")
    build = sphinx_build(src, tmp_path / "html")
    assert_fails_with(build, src / name, line, case.message, case.tag)


def test_a_unit_on_an_earlier_day_than_the_one_before_fails(tmp_path: Path) -> None:
    src = write_course(tmp_path)
    edit(src, "training/units/two-unit.md", None, COURSE[UNIT].replace("one-unit", "two-unit")
         .replace("# One unit", "# Two unit").replace("day: 1", "day: 2"))
    edit(src, "training/index.md", "units/one-unit\n", "units/two-unit\nunits/one-unit\n")
    build = sphinx_build(src, tmp_path / "html")
    text = (src / UNIT).read_text(encoding="utf-8")
    assert_fails_with(build, src / UNIT, line_of(text, "day:"),
                      r"unit is on day 1, but comes after a unit on day 2 in the course: put it on a later day, "
                      r"or move it in the toctree \[schedule\]", "training.schedule")
