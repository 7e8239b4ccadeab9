"""Whole group sessions: each topic's session plan, the module's sessions in order,
and how a group member who cannot read takes part in each exercise.

Declared in ``page-kinds.toml`` beside this file:

* ``[session]``: the length of a group session, the longest stretch without a
  break, which exercise formats happen in a group session and which are met one
  to one, the parts of a session in order with their minutes (parts marked
  ``activities`` hold the topic's exercises; a part marked ``break`` is a
  break), what fills activity time the exercises leave, and what to do if a
  session runs short or long;
* ``[cannot_read]``: the exercise front-matter field that says how a group
  member who cannot read takes part, and where on the exercise page it is shown.

What this adds:

* the session plan that the ``session-plan`` directive of ``curriculum`` shows
  on a topic page: as many whole sessions as the topic's group exercises need,
  each a timed running order that adds up to the declared length, with the
  one-to-one exercises listed apart and what to do if a session runs short or
  long;
* ``module-sessions`` directive: every group session of the module in order,
  with the one-to-one meetings between them;
* the "If a group member cannot read" box at the end of each exercise's
  Steps, written from its front matter;
* the checks: parts that do not add up to the length, a stretch without a
  break that is too long, or formats not sorted into group and one to one, fail
  the build naming the line of ``page-kinds.toml``; an exercise longer than a
  session's activity time fails it naming the exercise's ``time:`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils import nodes
from docutils.utils.smartquotes import smartyPants
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.changeset import versionlabel_classes, versionlabels
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

# What changed since the reviewed draft, said where it changed (the change log says it too).
CANNOT_READ_ADDED = "This box is new: how a group member who cannot read takes part in this exercise."
SESSION_PLAN_CHANGED = ("The session plan listed only the topic's exercises and their minutes. "
                        "It is now whole timed sessions, from check-in to check-out, with a break, "
                        "and what to do if a session runs short or long.")

import curriculum

logger = logging.getLogger(__name__)

SCHEMA_FILE = curriculum.SCHEMA_FILE


# -- the declared session ------------------------------------------------------


@dataclass
class Part:
    """One part of a session, in the declared order."""

    name: str
    minutes: int
    what: str
    activities: bool
    is_break: bool
    line: int | None


@dataclass
class Rules:
    """The declared group session (``[session]``) and the cannot-read field (``[cannot_read]``)."""

    length: int
    longest: int
    parts: list[Part]
    group_formats: list[str]
    apart_formats: list[str]
    format_words: dict[str, str]
    spare_name: str
    spare_what: str
    if_short: str
    if_long: str
    cannot_read: dict[str, str]

    @property
    def activity_minutes(self) -> int:
        """Minutes of a session that hold exercises."""
        return sum(part.minutes for part in self.parts if part.activities)


class TomlLines:
    """Where tables and keys stand in a TOML file (``tomllib`` keeps no lines)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def table(self, header: str, nth: int = 0) -> int | None:
        """Line of the *nth* ``[header]`` (or ``[[header]]``, given with its brackets) line."""
        pattern = re.compile(r"^\s*\[" + re.escape(header) + r"\]\s*(#.*)?$")
        found = [number for number, line in enumerate(self.lines, start=1) if pattern.match(line)]
        return found[nth] if nth < len(found) else None

    def key(self, table_line: int | None, key: str) -> int | None:
        """Line of *key* in the table that starts at *table_line*; that line if the key is not there."""
        if table_line is None:
            return None
        pattern = re.compile(r"^\s*(" + re.escape(key) + r'|"' + re.escape(key) + r'")\s*=')
        for number in range(table_line + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return number
        return table_line


def curly(text: str) -> str:
    """Typographic quotes and apostrophes, as Sphinx gives the rest of the page."""
    return smartyPants(text, "qDe", language="en")


def _minutes(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def read_rules(schema: dict, text: str) -> tuple[Rules | None, list[tuple[int | None, str]]]:
    """The declared session from the page-kind *schema* (read from *text*), or None and the problems.

    Each problem is (line in page-kinds.toml, message).
    """
    where = TomlLines(text)
    problems: list[tuple[int | None, str]] = []
    spec = schema.get("session")
    if not isinstance(spec, dict):
        return None, [(1, "page-kinds.toml has no [session] table: declare a group session's length, "
                          "its parts and their minutes there")]
    top = where.table("session")

    def number(key: str) -> int:
        value = spec.get(key)
        if not _minutes(value):
            problems.append((where.key(top, key), f"[session] {key} is {value!r}: it must be a whole number "
                                                  "of minutes"))
            return 0
        return value

    def words(key: str) -> str:
        value = spec.get(key)
        if not _text(value):
            problems.append((where.key(top, key), f"[session] {key} is {value!r}: it must be text "
                                                  "for facilitators"))
            return ""
        return curly(value.strip())

    length = number("length")
    longest = number("longest_without_break")
    spare_name, spare_what = words("spare_name"), words("spare_what")
    if_short, if_long = words("if_short"), words("if_long")

    declared = schema.get("kind", {}).get("exercise", {}).get("fields", {}).get("format", [])
    declared = declared if isinstance(declared, list) else []
    sorted_formats = {}
    for key in ("group_formats", "apart_formats"):
        value = spec.get(key)
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append((where.key(top, key), f"[session] {key} is {value!r}: it must be a list of "
                                                  "exercise formats"))
            value = []
        sorted_formats[key] = value
        # With no exercise kind (a mistake in it, reported already), the formats cannot be checked.
        for unknown in [v for v in value if declared and v not in declared]:
            problems.append((where.key(top, key), f"[session] {key} names '{unknown}', which is not an "
                                                  f"exercise format ({', '.join(declared)})"))
    group, apart = sorted_formats["group_formats"], sorted_formats["apart_formats"]
    for both in [f for f in group if f in apart]:
        problems.append((where.key(top, "apart_formats"), f"exercise format '{both}' is in both group_formats "
                                                          "and apart_formats: put it in one"))
    for missing in [f for f in declared if f not in group and f not in apart]:
        problems.append((where.key(top, "group_formats"), f"exercise format '{missing}' is in neither "
                                                          "group_formats nor apart_formats: put it in one"))
    format_words = spec.get("format_words", {})
    if not (isinstance(format_words, dict) and all(_text(v) for v in format_words.values())):
        problems.append((where.table("session.format_words") or top,
                         "[session.format_words] must give each exercise format its words, as text"))
        format_words = {}
    format_words = {key: curly(value) for key, value in format_words.items()}

    parts = []
    raw_parts = spec.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        problems.append((top, "[session] has no parts: declare each part of a session, in order, "
                              "as a [[session.parts]] table"))
        raw_parts = []
    for index, raw in enumerate(raw_parts):
        line = where.table("[session.parts]", index)
        if not isinstance(raw, dict):
            problems.append((line, "a session part must be a [[session.parts]] table"))
            continue
        name, minutes = raw.get("name"), raw.get("minutes")
        activities, is_break = raw.get("activities", False), raw.get("break", False)
        if not _text(name):
            problems.append((where.key(line, "name"), f"session part {index + 1} has no name"))
        if not _minutes(minutes):
            problems.append((where.key(line, "minutes"), f"session part {name!r} has minutes = {minutes!r}: "
                                                         "it must be a whole number of minutes"))
        if not isinstance(activities, bool) or not isinstance(is_break, bool) or (activities and is_break):
            problems.append((line, f"session part {name!r}: 'activities' and 'break' are true or false, "
                                   "and a part is not both"))
        if not activities and not _text(raw.get("what")):
            problems.append((where.key(line, "what"), f"session part {name!r} needs 'what': what happens in it, "
                                                      "for facilitators"))
        parts.append(Part(curly(str(name)), minutes if _minutes(minutes) else 0,
                          curly(str(raw.get("what", "")).strip()), activities is True, is_break is True, line))
    if raw_parts and not any(part.activities for part in parts):
        problems.append((top, "no session part has 'activities = true': the topic's exercises need a place"))

    cannot_read = schema.get("cannot_read")
    if not (isinstance(cannot_read, dict) and all(_text(cannot_read.get(k)) for k in ("field", "section", "title"))):
        problems.append((where.table("cannot_read") or 1,
                         "[cannot_read] must give the exercise front-matter 'field', the 'section' it is shown "
                         "at the end of, and its 'title'"))
        cannot_read = {}

    if problems:
        return None, problems

    # The parts must add up to the session, with a break at least every `longest` minutes.
    total = sum(part.minutes for part in parts)
    if total != length:
        problems.append((where.key(top, "length"), f"the session's parts add up to {total} minutes, but its "
                                                   f"length is {length}: change a part's minutes or the length "
                                                   "so that they match"))
    run, reported = 0, False
    for part in parts:
        if part.is_break:
            run, reported = 0, False
            continue
        run += part.minutes
        if run > longest and not reported:
            reported = True
            problems.append((where.key(part.line, "minutes"),
                             f"the session runs {run} minutes without a break by the end of '{part.name}' "
                             f"(a break at least every {longest} minutes): move a break, or shorten a part"))
    if problems:
        return None, problems
    return Rules(length, longest, parts, group, apart, format_words, spare_name, spare_what,
                 if_short, if_long, cannot_read), []


def rules(app: Sphinx) -> tuple[Rules | None, list[tuple[int | None, str]]]:
    """The declared session, read once a build."""
    if not hasattr(app, "sessions_rules"):
        schema = curriculum._schema(app)
        if "session" not in schema and curriculum.read_schema(SCHEMA_FILE)[1]:
            # The file cannot be read (its own message names the mistake): nothing more to say.
            app.sessions_rules = (None, [])
        else:
            app.sessions_rules = read_rules(schema, SCHEMA_FILE.read_text(encoding="utf-8"))
    return app.sessions_rules


# -- placing exercises into sessions -------------------------------------------


def split_into_sessions(exercises: list[tuple[str, int]], room: int) -> list[list[tuple[str, int]]]:
    """Group exercises (name, minutes), in their order, into sessions of *room* activity minutes.

    A new session starts when the next exercise does not fit in this one; an
    exercise longer than *room* is left out (the checks report it).
    """
    sessions: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    used = 0
    for name, minutes in exercises:
        if minutes > room:
            continue
        if current and used + minutes > room:
            sessions.append(current)
            current, used = [], 0
        current.append((name, minutes))
        used += minutes
    if current:
        sessions.append(current)
    return sessions


@dataclass
class Row:
    """One row of a running order: a declared part, a piece of an exercise, or spare time."""

    start: int
    minutes: int
    part: Part | None = None        # a declared part (not an activities part)
    exercise: str | None = None     # an exercise's name
    piece: str = "whole"            # whole, start, middle or end of the exercise
    before_break: bool = False      # the exercise stops here for the break
    spare: bool = False


def running_order(rules: Rules, session: list[tuple[str, int]]) -> list[Row]:
    """The parts of one session in order, its exercises laid into the activity parts.

    An exercise that does not fit in what is left of an activity part goes on
    after the next part (the break); time the exercises leave is spare.
    """
    queue = [[name, minutes, minutes] for name, minutes in session]  # name, whole length, minutes left
    rows: list[Row] = []
    clock = 0
    for index, part in enumerate(rules.parts):
        if not part.activities:
            rows.append(Row(clock, part.minutes, part=part))
            clock += part.minutes
            continue
        room = part.minutes
        following = rules.parts[index + 1] if index + 1 < len(rules.parts) else None
        while room and queue:
            name, whole, left = queue[0]
            take = min(left, room)
            first, last = left == whole, take == left
            piece = "whole" if first and last else "start" if first else "end" if last else "middle"
            rows.append(Row(clock, take, exercise=name, piece=piece,
                            before_break=not last and following is not None and following.is_break))
            clock += take
            room -= take
            queue[0][2] -= take
            if queue[0][2] == 0:
                queue.pop(0)
        if room:
            rows.append(Row(clock, room, spare=True))
            clock += room
    return rows


# -- the generated views -------------------------------------------------------

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(n: int, noun: str, plural: str | None = None) -> str:
    word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
    return f"{word} {noun if n == 1 else plural or noun + 's'}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _exercise_minutes(page: dict) -> int:
    minutes = page["metadata"].get("time")
    return minutes if _minutes(minutes) else 0


def _topic_exercises(app: Sphinx, rules: Rules, topic: str) -> tuple[list[tuple[str, int]], list[str]]:
    """A topic's group exercises (name, minutes) and its one-to-one exercises, in toctree order."""
    pages = curriculum._store(app.env)
    group, apart = [], []
    for exercise in curriculum._exercises_of(app, topic):
        page = pages[exercise]
        form = page["metadata"].get("format")
        if form in rules.apart_formats:
            apart.append(exercise)
        elif form in rules.group_formats:
            group.append((exercise, _exercise_minutes(page)))
    return group, apart


def _lead(label: str, text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.strong(text=label), nodes.Text(" " + text))


def _apart_paragraph(app: Sphinx, docname: str, apart: list[str]) -> nodes.paragraph:
    pages = curriculum._store(app.env)
    para = nodes.paragraph(classes=["session-apart"])
    para += nodes.strong(text="One to one, not in a group session:")
    for i, exercise in enumerate(apart):
        para += nodes.Text(" " if i == 0 else "; ")
        para += curriculum._link(app, docname, exercise, pages[exercise]["title"])
        para += nodes.Text(f" ({_exercise_minutes(pages[exercise])} minutes)")
    para += nodes.Text(".")
    return para


def _row_cells(app: Sphinx, docname: str, rules: Rules, row: Row) -> list:
    pages = curriculum._store(app.env)
    if row.part is not None:
        name = nodes.paragraph("", "", nodes.strong(text=row.part.name)) if row.part.is_break else row.part.name
        return [_clock(row.start), name, row.part.what, row.minutes]
    if row.spare:
        return [_clock(row.start), rules.spare_name, rules.spare_what, row.minutes]
    page = pages[row.exercise]
    form = page["metadata"].get("format", "")
    how = rules.format_words.get(form, form)
    name = nodes.paragraph()
    name += curriculum._link(app, docname, row.exercise, page["title"])
    if row.piece in ("middle", "end"):
        name += nodes.Text(" (continued)")
    stop = " for the break" if row.before_break else ""
    what = {
        "whole": f"{how}: the whole exercise.",
        "start": f"{how}: begin the exercise, and stop at the end of a step{stop}.",
        "middle": f"Carry on from the step you stopped at; stop at the end of a step{stop}.",
        "end": "Carry on from the step you stopped at, to the end of the exercise.",
    }[row.piece]
    return [_clock(row.start), name, what, row.minutes]


def session_plan(app: Sphinx, docname: str, topic: str) -> nodes.Node:
    """The whole sessions of *topic*, for the page *docname* being written."""
    found, problems = rules(app)
    pages = curriculum._store(app.env)
    label = pages[topic]["label"] or topic.replace("/", "-")
    box = nodes.container(classes=["session-plans"], ids=[f"session-plan-{label}"])
    if found is None:
        box += nodes.paragraph(text="The session plan cannot be drawn until the session declared in "
                                    "_ext/page-kinds.toml is corrected: see the build's warnings.")
        return box
    group, apart = _topic_exercises(app, found, topic)
    sessions = split_into_sessions(group, found.activity_minutes)
    length = found.length
    if not sessions:
        box += nodes.paragraph(text="This topic has no group session of its own"
                                    + (": its exercise is met one to one." if len(apart) == 1
                                       else ": its exercises are met one to one." if apart else "."))
    elif len(sessions) == 1:
        box += nodes.paragraph(text=f"This topic takes one group session of {length} minutes.")
    else:
        box += nodes.paragraph(text=f"This topic takes {_count(len(sessions), 'group session')} of {length} "
                                    f"minutes each: its group exercises do not fit in one.")
    if apart:
        box += _apart_paragraph(app, docname, apart)
    for number, session in enumerate(sessions, start=1):
        title = "Session plan" if len(sessions) == 1 else f"Session plan: session {number} of {len(sessions)}"
        rows = [_row_cells(app, docname, found, row) for row in running_order(found, session)]
        rows.append([_clock(length), nodes.paragraph("", "", nodes.strong(text="Total")), "", length])
        box += curriculum.make_table([9, 25, 53, 13], ["session-plan"], [f"session-plan-{label}-{number}"],
                      f"{title} ({length} minutes)", ["Time", "Part", "What happens", "Minutes"], rows)
    if sessions:
        box += _lead("If the session runs short:", found.if_short)
        box += _lead("If it runs long:", found.if_long)
    box += version_note("versionchanged", INTRODUCED, SESSION_PLAN_CHANGED)
    return box


def module_sessions(app: Sphinx, docname: str) -> nodes.Node:
    """Every group session of the module in order, with the one-to-one meetings between them."""
    found, problems = rules(app)
    pages = curriculum._store(app.env)
    box = nodes.container(classes=["module-sessions"], ids=["module-sessions"])
    if found is None:
        box += nodes.paragraph(text="The module's sessions cannot be listed until the session declared in "
                                    "_ext/page-kinds.toml is corrected: see the build's warnings.")
        return box
    topics = curriculum._in_toctree_order(app, [d for d, p in pages.items() if p["kind"] == "topic"])
    planned, without = [], []
    for topic in topics:
        group, apart = _topic_exercises(app, found, topic)
        sessions = split_into_sessions(group, found.activity_minutes)
        planned.append((topic, sessions, apart))
        if not sessions and not apart:
            without.append(topic)
    total = sum(len(sessions) for _, sessions, _ in planned)
    meetings = sum(len(apart) for _, _, apart in planned)

    def topic_link(topic: str, extra: str = "") -> nodes.paragraph:
        para = nodes.paragraph()
        para += curriculum._link(app, docname, topic, pages[topic]["title"])
        if extra:
            para += nodes.Text(extra)
        return para

    def exercise_links(names: list[str], minutes: bool) -> nodes.paragraph:
        para = nodes.paragraph()
        for i, exercise in enumerate(names):
            if i:
                para += nodes.Text("; ")
            para += curriculum._link(app, docname, exercise, pages[exercise]["title"])
            if minutes:
                para += nodes.Text(f" ({_exercise_minutes(pages[exercise])} minutes)")
        return para

    rows, number = [], 0
    for topic, sessions, apart in planned:
        if apart:
            when = (f"One to one, before session {number + 1}" if number < total
                    else f"One to one, after session {number}" if number else "One to one")
            rows.append([when, topic_link(topic), exercise_links(apart, minutes=True)])
        for index, session in enumerate(sessions, start=1):
            number += 1
            extra = f", session {index} of {len(sessions)}" if len(sessions) > 1 else ""
            rows.append([f"Session {number}", topic_link(topic, extra),
                         exercise_links([name for name, _ in session], minutes=False)])
    box += nodes.paragraph(text=f"The module has {_count(total, 'group session')} of {found.length} minutes, "
                                f"and {_count(meetings, 'one-to-one meeting')}, in this order. "
                                "Each topic page gives the timed running order of its sessions.")
    box += curriculum.make_table([20, 40, 40], ["module-sessions-table"], ["module-sessions-table"],
                  "Group sessions and one-to-one meetings, in order",
                  ["When", "Topic", "Activities"], rows)
    if without:
        para = nodes.paragraph()
        for i, topic in enumerate(without):
            if i:
                para += nodes.Text(", ")
            para += curriculum._link(app, docname, topic, pages[topic]["title"])
        para += nodes.Text(" has no session of its own: see its page." if len(without) == 1
                           else " have no sessions of their own: see their pages.")
        box += para
    return box


# -- the "If a group member cannot read" box -----------------------------------


def _front_matter(path: Path) -> tuple[dict, yaml.Node | None]:
    """The page's front matter and its YAML tree ({} and None if it has none or it is broken:
    curriculum reports that)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}, None
    end = text.find("\n---", 3)
    block = text[3:end] if end != -1 else ""
    try:
        data, tree = yaml.safe_load(block) or {}, yaml.compose(block)
    except yaml.YAMLError:
        return {}, None
    return (data, tree) if isinstance(data, dict) else ({}, None)


def _value_line(tree: yaml.Node | None, field: str) -> int:
    """The file line where *field*'s text starts (its block starts on the line after "key: |")."""
    for key, value in getattr(tree, "value", []):
        if key.value == field:
            # The block's line 0 is the rest of the opening "---" line, so its line n is file line n + 1.
            return value.start_mark.line + 1 + (1 if value.style in ("|", ">") else 0)
    return 1


#: The version the whole sessions and the cannot-read boxes came in.  Their notes name it, as an
#: author's ``{versionchanged} 1.0.0`` does: a later release must not change them on every page.
INTRODUCED = "1.0.0"


def version_note(kind: str, version: str, text: str) -> addnodes.versionmodified:
    """A ``{versionadded}`` or ``{versionchanged}`` note with *text*, as Sphinx's directive writes it."""
    label = nodes.inline("", f"{versionlabels[kind] % version}: ", classes=["versionmodified", versionlabel_classes[kind]])
    note = addnodes.versionmodified("", "", nodes.paragraph("", "", label, nodes.Text(curly(text))), type=kind, version=version)
    return note


def cannot_read_box(rules: Rules, text: str, path: Path, first_line: int, version: str) -> nodes.admonition:
    """The box: its title, then the field's text, a paragraph for each block of lines, then its versionadded note."""
    box = nodes.admonition(classes=["cannot-read"], ids=["cannot-read"])
    box.source, box.line = str(path), first_line
    box += nodes.title(text=rules.cannot_read["title"])
    lines = text.strip("\n").splitlines()
    start = 0
    for number, raw in enumerate(lines + [""]):
        if raw.strip():
            continue
        block = [line.strip() for line in lines[start:number]]
        if block:
            para = nodes.paragraph(text=curly("\n".join(block)))
            para.source, para.line = str(path), first_line + start
            box += para
        start = number + 1
    box += version_note("versionadded", version, CANNOT_READ_ADDED)
    return box


def _add_cannot_read(doctree: nodes.document, found: Rules, path: Path, meta: dict, tree, version: str) -> None:
    text = meta.get(found.cannot_read["field"])
    if not isinstance(text, str) or not text.strip():
        return  # curriculum reports the missing field
    top = next(iter(doctree.findall(nodes.section)), None)
    for section in top.children if top is not None else []:
        if isinstance(section, nodes.section) and curriculum._section_title(section) == found.cannot_read["section"]:
            section += cannot_read_box(found, text, path, _value_line(tree, found.cannot_read["field"]), version)
            return


# -- events --------------------------------------------------------------------


class module_sessions_node(nodes.General, nodes.Element):
    """Placeholder for the generated list of the module's sessions."""


class ModuleSessionsDirective(SphinxDirective):
    """``{module-sessions}``: every group session of the module in order, filled in later."""

    def run(self) -> list[nodes.Node]:
        node = module_sessions_node()
        self.set_source_info(node)
        self.env.note_dependency(str(SCHEMA_FILE))
        return [node]


def _overview_docs(env) -> set:
    if not hasattr(env, "sessions_overview_docs"):
        env.sessions_overview_docs = set()
    return env.sessions_overview_docs


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Add the cannot-read box to an exercise page; read again pages that must fail again."""
    env = app.env
    schema = curriculum._schema(app)
    kind = curriculum._kind_for(schema, env.docname)
    if any(doctree.findall(module_sessions_node)):
        _overview_docs(env).add(env.docname)
    else:
        _overview_docs(env).discard(env.docname)
    if kind not in ("topic", "exercise"):
        return
    env.note_dependency(str(SCHEMA_FILE))
    found, problems = rules(app)
    if problems:
        env.note_reread()  # the next build reads it again, and fails again until page-kinds.toml is right
        return
    if kind == "exercise":
        path = Path(env.doc2path(env.docname))
        meta, tree = _front_matter(path)
        _add_cannot_read(doctree, found, path, meta, tree, INTRODUCED)
        if meta.get("format") in found.group_formats and _minutes(meta.get("time")) \
                and meta["time"] > found.activity_minutes:
            env.note_reread()  # too long for a session: read again, and fail again, until it is fixed


def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _overview_docs(env).discard(docname)


def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "sessions_overview_docs", set())
    _overview_docs(env).update(d for d in docnames if d in theirs)


def on_get_updated(app: Sphinx, env) -> list[str]:
    """Write again the pages that list the module's sessions when what they show of a topic or an
    exercise changed (curriculum.changed_views), or the order of the topics and exercises moved."""
    views, moved = curriculum.changed_views(app)
    schema = curriculum._schema(app)
    if moved or any(curriculum._kind_for(schema, d) in ("topic", "exercise") for d in views):
        return sorted(_overview_docs(env))
    return []


def _warn(location: tuple[str, int | None] | str, message: str) -> None:
    """A warning at a page (docname, line), or at a file that is not a page ("path:line")."""
    logger.warning("%s [session]", message, location=location, type="curriculum", subtype="session")


def on_check_consistency(app: Sphinx, env) -> None:
    """Report a declared session that cannot add up, and an exercise too long for any session."""
    found, problems = rules(app)
    for line, message in problems:
        _warn(f"{SCHEMA_FILE}:{line}" if line else str(SCHEMA_FILE), message)
    if found is None:
        return
    room = found.activity_minutes
    for docname, page in sorted(curriculum._store(env).items()):
        if page["kind"] != "exercise" or page["metadata"].get("format") not in found.group_formats:
            continue
        minutes = page["metadata"].get("time")
        if _minutes(minutes) and minutes > room:
            _warn((docname, page["field_lines"].get("time", 1)),
                  f"exercise of {minutes} minutes does not fit in a group session, which has {room} minutes "
                  f"for activities (the [session] parts in _ext/page-kinds.toml): split it into two "
                  "exercises, or shorten it")


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(module_sessions_node)):
        node.replace_self(module_sessions(app, docname))


def _skip(self, node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_node(module_sessions_node, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("module-sessions", ModuleSessionsDirective)
    # Before other readers of the page (the terminology check), so that the box is checked too.
    app.connect("doctree-read", on_doctree_read, priority=400)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-get-updated", on_get_updated)
    app.connect("env-check-consistency", on_check_consistency)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1.0", "env_version": 4, "parallel_read_safe": True, "parallel_write_safe": True}
