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


def _with_other_topic(tmp_path: Path) -> Path:
    """The fixture with a second topic, which has no exercise of its own."""
    src = write_fixture(tmp_path)
    edit(src, "modules/other-topic.md", None, FIXTURE[TOPIC].replace("one-topic", "other-topic")
         .replace("# One topic", "# Other topic"))
    edit(src, "modules/index.md", "one-topic\n", "one-topic\nother-topic\n")
    return src


def _written(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def test_an_exercise_edit_writes_again_only_its_topics_and_the_overview(tmp_path: Path) -> None:
    src = _with_other_topic(tmp_path)
    assert sphinx_build(src, tmp_path / "html").ok
    before = _written(tmp_path / "html")
    edit(src, EXERCISE, "1. Draw the chain on the flip chart.", "1. Draw the chain on the flip chart together.")
    again = sphinx_build(src, tmp_path / "html")
    assert again.ok, again.output[-2000:]
    changed = {page for page, stamp in _written(tmp_path / "html").items() if before.get(page) != stamp}
    assert changed >= {"exercises/one-exercise.html", "modules/one-topic.html", "modules/index.html"}
    assert "modules/other-topic.html" not in changed, "a topic that does not show the exercise was written again"


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
    assert "This topic has no group exercise of its own." in old
    assert 'id="session-plan-mod-other-topic"' in new


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
