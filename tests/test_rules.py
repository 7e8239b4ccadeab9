"""Tests with teeth: each curriculum and build rule, broken on purpose, fails the build.

A tiny valid fixture project is written into a temporary folder and built with
the project's real conf.py (strict: -n -W --keep-going).  Each test then breaks
exactly one rule in one file and checks that the build fails with the one
expected warning, naming the file, the line and the rule.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DOCS, ROOT, Build, sphinx_build

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

## Key messages

- A chain can be broken at any step.

::::{programme-wording}
:reason: It blames the whole person; the group talks about the behaviour.

I am a bad person.

:::{say-instead}
What I did was wrong, and I can change what I do.
:::
::::

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
{octicon}`light-bulb;1.5em` **I can break the chain at any step.**

I can talk to a person I trust when I feel low.
It is OK to ask for help.
:::
""",
    "reference/index.md": """\
(reference-index)=
# Reference

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


@pytest.fixture(scope="module")
def valid_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("valid")
    return sphinx_build(write_fixture(root), root / "html")


def test_valid_fixture_builds_with_zero_warnings(valid_build: Build) -> None:
    assert valid_build.returncode == 0, valid_build.output[-3000:]
    assert valid_build.warnings.strip() == ""


def _text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_session_plan_lists_the_exercise_with_its_minutes_and_the_total(valid_build: Build) -> None:
    page = (valid_build.outdir / "modules" / "one-topic.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="session-plan-mod-one-topic".*?</table>', page, re.S)
    assert table, "no session-plan table on the topic page"
    rows = [_text(row) for row in re.findall(r"<tr.*?</tr>", table.group(0), re.S)]
    assert rows == ["Activity Format Minutes", "One exercise group 30", "Total 30"]
    assert 'href="../exercises/one-exercise.html#ex-one-exercise"' in table.group(0)


def test_a_rebuild_after_an_exercise_changes_updates_its_topic_session_plan(tmp_path: Path) -> None:
    """Generated views are written again when the pages they show change, without a full build."""
    src = write_fixture(tmp_path)
    first = sphinx_build(src, tmp_path / "html")
    assert first.ok, first.output[-2000:]
    edit(src, EXERCISE, "time: 30", "time: 35")
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    page = (tmp_path / "html" / "modules" / "one-topic.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="session-plan-mod-one-topic".*?</table>', page, re.S).group(0)
    assert [_text(row) for row in re.findall(r"<tr.*?</tr>", table, re.S)][-1] == "Total 35"
    assert "updating environment: 0 added, 1 changed, 0 removed" in again.output


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


def test_session_plan_and_overview_take_every_exercise_in_toctree_order(tmp_path: Path) -> None:
    """A second exercise, listed first in the toctree: both rows, in that order, and the sum."""
    src = write_fixture(tmp_path)
    edit(src, "exercises/another-exercise.md", None, FIXTURE[EXERCISE]
         .replace("one-exercise", "another-exercise").replace("# One exercise", "# Another exercise")
         .replace("time: 30", "time: 15").replace("format: group", "format: pairs"))
    edit(src, "exercises/index.md", "one-exercise", "another-exercise\none-exercise")
    edit(src, TOPIC, "- {ref}`ex-one-exercise`", "- {ref}`ex-another-exercise`: pairs.\n- {ref}`ex-one-exercise`")
    build = sphinx_build(src, tmp_path / "html")
    assert build.ok, build.warnings or build.output[-2000:]
    page = (build.outdir / "modules" / "one-topic.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="session-plan-mod-one-topic".*?</table>', page, re.S).group(0)
    rows = [_text(row) for row in re.findall(r"<tr.*?</tr>", table, re.S)]
    assert rows == ["Activity Format Minutes", "Another exercise pairs 15", "One exercise group 30", "Total 45"]
    index = (build.outdir / "modules" / "index.html").read_text(encoding="utf-8")
    exercises = re.search(r"<strong>Exercises: </strong>(.*?)</p>", index, re.S).group(1)
    assert _text(exercises) == "Another exercise ; One exercise"


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


TITLE_T = "# One topic"
# One option of the two a diagram needs; the same tiny diagram as tests/test_build.py, so cached.
DIAGRAM = "```{{mermaid}}\n{option}\n\nflowchart TD\n  A --> B\n```\n\n## Key messages"
TITLE_E = "# One exercise"

CASES = {
    # -- required headings, in order
    "topic-missing-heading": Case(
        TOPIC, "## Key messages\n\n- A chain can be broken at any step.\n\n", "",
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
    "exercise-topic-not-a-list": Case(
        EXERCISE, "topic: [mod-one-topic]", "topic: mod-one-topic",
        "curriculum.front-matter", r"front matter field 'topic' is 'mod-one-topic': it must be a list of labels.*",
        "topic:"),
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
    # -- labels and index pages
    "page-label-wrong": Case(
        GLOSSARY, "(ref-glossary)=", "(ref-words)=",
        "curriculum.label", r"page label is 'ref-words': a page in this folder starts with \(ref-glossary\)=",
        "# Glossary"),
    "page-label-missing": Case(
        "reference/bibliography.md", "(ref-bibliography)=\n", "",
        "curriculum.label", r"page label is None: a page in this folder starts with \(ref-bibliography\)=",
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


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_breaking_one_rule_fails_the_build_naming_file_line_and_rule(case: Case, tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    text = edit(src, case.name, case.old, case.new)
    line = line_of(text, case.at) if isinstance(case.at, str) else case.at
    build = sphinx_build(src, tmp_path / "html")
    assert_fails_with(build, src / case.name, line, case.message, case.tag)


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
        "curriculum.label", r"page label is None: a page in this folder starts with \(unit-one-unit\)=", "# One unit"),
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
