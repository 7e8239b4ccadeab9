"""The facilitator training course: units, schedule, knowledge checks and role plays.

What this adds (the rules are declared in ``page-kinds.toml``, ``[kind.unit]``
and ``[training]``; ``curriculum.py`` checks a unit's headings and front matter):

* ``knowledge-check`` directive, holding one ``model-answer`` block: a
  scenario question whose model answer stays hidden in a ``<details>`` element
  until it is opened (no script: it opens from ``file://``).  In print and in
  LaTeX the answer is left out of the unit, which points to the answers at the
  back;
* ``knowledge-check-answers`` directive: every unit's model answers, unit by
  unit in course order (the answers at the back of the course);
* ``role-play`` directive, with ``:practises:`` naming the facilitator-guide
  pages it practises and one ``good-response`` block inside;
* ``training-schedule`` directive: the units' minutes (front matter
  ``teaching``, ``activity`` and ``break``) added up into days, with start and
  end times from ``[training]``; each unit page also gets a line saying its
  place in the course, its day and its times;
* the checks, each a warning naming the file and line: a page in the folders
  ``[training] covers`` names that no unit's pre-reading links; a unit with
  fewer knowledge checks than ``min_checks`` in its section; a knowledge check
  without exactly one model answer, or outside a unit's section; a role play
  without its guide pages or its good response; a unit whose day goes back,
  or that ends after the course day does.

The course's styles (``_static/training.css``: the boxes, the forms, and how
a page of the course prints) are added to its pages only.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, new_document

from curriculum import SCHEMA_FILE, _reading_order, load_schema, make_table
from guard import guarded

logger = logging.getLogger(__name__)

DEFAULT_DAY = ("09:30", "16:30")
CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


# -- nodes -------------------------------------------------------------------


class knowledge_check(nodes.General, nodes.Element):
    """A scenario question of a unit, numbered in its page; its model answer is inside."""


class model_answer(nodes.General, nodes.Element):
    """The model answer of a knowledge check: hidden until opened."""


class role_play(nodes.General, nodes.Element):
    """A role play: its script, and the good response inside."""


class good_response(nodes.General, nodes.Element):
    """What a good response looks like, in a role play."""


class training_schedule(nodes.General, nodes.Element):
    """Placeholder for the generated course schedule."""


class check_answers(nodes.General, nodes.Element):
    """Placeholder for the model answers of every unit."""


class unit_timing(nodes.General, nodes.Element):
    """Placeholder for a unit's place, day and times in the course."""


def _html_visit_check(self, node: knowledge_check) -> None:
    self.body.append(self.starttag(node, "div", CLASS="knowledge-check"))


def _html_visit_answer(self, node: model_answer) -> None:
    number = node.get("number", "")
    self.body.append('<p class="model-answer-print-note">The model answer is in '
                     "“Answers to the knowledge checks”, at the back.</p>\n")
    self.body.append(self.starttag(node, "details", CLASS="model-answer"))
    self.body.append(f"<summary>Model answer to check {number}</summary>\n")


def _html_visit_role_play(self, node: role_play) -> None:
    self.body.append(self.starttag(node, "div", CLASS="role-play"))


def _html_visit_good_response(self, node: good_response) -> None:
    self.body.append(self.starttag(node, "div", CLASS="good-response"))
    self.body.append('<p class="good-response-title">What a good response looks like</p>\n')


def _html_depart_div(self, node) -> None:
    self.body.append("</div>\n")


def _html_depart_details(self, node) -> None:
    self.body.append("</details>\n")


def _latex_visit_check(self, node: knowledge_check) -> None:
    self.body.append("\n\\par\\medskip\n")


def _latex_visit_answer(self, node: model_answer) -> None:
    self.body.append("\n\\par\\noindent\\textit{The model answer is in "
                     "“Answers to the knowledge checks”, at the end of the training course.}\\par\n")
    raise nodes.SkipNode


def _latex_visit_good_response(self, node: good_response) -> None:
    self.body.append("\n\\par\\medskip\\noindent\\textbf{What a good response looks like}\\par\n")


def _text_visit_answer(self, node: model_answer) -> None:
    raise nodes.SkipNode


def _pass(self, node) -> None:
    pass


# -- directives --------------------------------------------------------------


class KnowledgeCheckDirective(SphinxDirective):
    """``::::{knowledge-check} Title`` ... ``:::{model-answer}`` ... ``::::``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = knowledge_check(number=0)
        self.set_source_info(node)
        # The title is text of the page (curly quotes, inline markup); its number comes when the page is read.
        title = nodes.paragraph(classes=["knowledge-check-title"])
        title += nodes.strong(text="Check. ")
        inline, messages = self.parse_inline(self.arguments[0], lineno=self.lineno)
        title.extend(inline)
        node += title
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node, *messages]


class _BlockDirective(SphinxDirective):
    """A block of content in a node of its own."""

    has_content = True
    node_class: type[nodes.Element] = model_answer

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = self.node_class()
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class ModelAnswerDirective(_BlockDirective):
    node_class = model_answer


class GoodResponseDirective(_BlockDirective):
    node_class = good_response


def _labels(argument: str | None) -> list[str]:
    return [label for label in re.split(r"[\s,]+", argument or "") if label]


class RolePlayDirective(SphinxDirective):
    """``:::{role-play}`` with ``:practises: guide-LABEL ...``: a line linking those pages, then the content."""

    has_content = True
    option_spec = {"practises": directives.unchanged}

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        labels = _labels(self.options.get("practises"))
        node = role_play(practises=labels)
        self.set_source_info(node)
        if labels:
            line = nodes.paragraph(classes=["role-play-practises"])
            line += nodes.strong(text="Practises: ")
            for i, label in enumerate(labels):
                if i:
                    line += nodes.Text("; ")
                xref = addnodes.pending_xref(
                    "", nodes.inline(label, label, classes=["xref", "std", "std-ref"]),
                    refdoc=self.env.docname, refdomain="std", reftype="ref", reftarget=label,
                    refexplicit=False, refwarn=True)
                self.set_source_info(xref)
                line += xref
            line += nodes.Text(".")
            node += line
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class _PlaceholderDirective(SphinxDirective):
    node_class: type[nodes.Element] = training_schedule

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = self.node_class()
        self.set_source_info(node)
        return [node]


class ScheduleDirective(_PlaceholderDirective):
    node_class = training_schedule


class AnswersDirective(_PlaceholderDirective):
    node_class = check_answers


# -- the rules ---------------------------------------------------------------


def _settings(app: Sphinx) -> dict:
    """``[kind.unit]`` and ``[training]`` from page-kinds.toml, with the course day checked."""
    if hasattr(app, "training_settings"):
        return app.training_settings
    schema = load_schema()
    unit = schema.get("kind", {}).get("unit", {})
    course = schema.get("training", {})
    day = []
    for key, default in zip(("day_start", "day_end"), DEFAULT_DAY):
        value = str(course.get(key, default))
        if not CLOCK.match(value):
            logger.warning("[training] %s is %r: write a 24-hour time such as %r [schedule]", key, value, default,
                           location=str(SCHEMA_FILE), type="training", subtype="schedule")
            value = default
        day.append(_minutes(value))
    if day[1] <= day[0]:
        logger.warning("[training] day_end comes before day_start [schedule]",
                       location=str(SCHEMA_FILE), type="training", subtype="schedule")
        day = [_minutes(t) for t in DEFAULT_DAY]
    covers = course.get("covers", [])
    min_checks = unit.get("min_checks", 3)
    if not isinstance(covers, list) or not all(isinstance(c, str) for c in covers):
        logger.warning("[training] covers is %r: write a list of folders, e.g. [\"modules\"] [schedule]", covers,
                       location=str(SCHEMA_FILE), type="training", subtype="schedule")
        covers = []
    if not isinstance(min_checks, int) or isinstance(min_checks, bool) or min_checks < 0:
        logger.warning("[kind.unit] min_checks is %r: write a whole number [knowledge-checks]", min_checks,
                       location=str(SCHEMA_FILE), type="training", subtype="knowledge-checks")
        min_checks = 3
    app.training_settings = {
        "folder": unit.get("folder", "training/units"),
        "prereading": unit.get("prereading_section", "Pre-reading"),
        "checks": unit.get("checks_section", "Knowledge checks"),
        "min_checks": min_checks,
        "covers": covers,
        "day_start": day[0],
        "day_end": day[1],
    }
    return app.training_settings


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _warn(location: tuple[str, int | None] | str, rule: str, message: str) -> None:
    logger.warning("%s [%s]", message, rule, location=location, type="training", subtype=rule)


# -- reading -----------------------------------------------------------------


def _store(env) -> dict:
    if not hasattr(env, "training_pages"):
        env.training_pages = {}
    return env.training_pages


def _enclosing_section(node: nodes.Node) -> str:
    """Title of the second-level section a node sits in ('' if none)."""
    while node is not None:
        if isinstance(node, nodes.section) and isinstance(node.parent, nodes.section) \
                and isinstance(node.parent.parent, nodes.document):
            return node[0].astext() if node.children and isinstance(node[0], nodes.title) else ""
        node = node.parent
    return ""


def _inside(node: nodes.Node, kind: type) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kind):
            return True
        parent = parent.parent
    return False


def is_unit(app: Sphinx, docname: str) -> bool:
    folder, _, name = docname.rpartition("/")
    return folder == _settings(app)["folder"] and name != "index"


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Number the knowledge checks, keep their answers, note the role plays and problems."""
    docname = app.env.docname
    page = {"checks": [], "problems": [], "views": set()}
    for number, check in enumerate(doctree.findall(knowledge_check), start=1):
        check["number"] = number
        title = check[0]
        title[0].replace_self(nodes.strong(text=f"Check {number}. "))
        check["title"] = title.astext().partition(". ")[2]
        answers = list(check.findall(model_answer))
        for answer in answers:
            answer["number"] = number
        if len(answers) != 1:
            page["problems"].append((check.line, "model-answer",
                                     f"a knowledge check needs exactly one {{model-answer}} block "
                                     f"(found {len(answers)})"))
        answer = answers[0].deepcopy() if answers else None
        page["checks"].append({"number": number, "title": check["title"], "line": check.line,
                               "section": _enclosing_section(check), "answer": answer})
    for answer in doctree.findall(model_answer):
        if not _inside(answer, knowledge_check):
            page["problems"].append((answer.line, "model-answer",
                                     "a {model-answer} block belongs inside a {knowledge-check}"))
    for play in doctree.findall(role_play):
        if not play["practises"]:
            page["problems"].append((play.line, "role-play",
                                     "a role play needs ':practises:', naming the facilitator-guide "
                                     "page(s) it practises, e.g. ':practises: guide-safeguarding'"))
        responses = list(play.findall(good_response))
        if len(responses) != 1:
            page["problems"].append((play.line, "role-play",
                                     f"a role play needs exactly one {{good-response}} block, saying what "
                                     f"a good response looks like (found {len(responses)})"))
    page["role_plays"] = [(play.line, play["practises"]) for play in doctree.findall(role_play)]
    for response in doctree.findall(good_response):
        if not _inside(response, role_play):
            page["problems"].append((response.line, "role-play",
                                     "a {good-response} block belongs inside a {role-play}"))
    if any(True for _ in doctree.findall(training_schedule)):
        page["views"].add("schedule")
    if any(True for _ in doctree.findall(check_answers)):
        page["views"].add("answers")
    if docname.startswith(_settings(app)["folder"].partition("/")[0] + "/"):
        top = next(iter(doctree.findall(nodes.section)), None)
        if top is not None:
            # Marks the page as part of the course, for its print styles.
            top["classes"].append("training-page")
            if is_unit(app, docname):
                top.insert(1, unit_timing(docname=docname))
    _store(app.env)[docname] = page


@guarded
def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _store(env).pop(docname, None)


@guarded
def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "training_pages", {})
    _store(env).update({d: theirs[d] for d in docnames if d in theirs})


@guarded(default=list)
def on_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    env.training_changed = set(added) | set(changed) | set(removed)
    return []


@guarded(default=list)
def on_get_updated(app: Sphinx, env) -> list[str]:
    """When a unit changes, its neighbours' times, the schedule and the answers change too."""
    changed = getattr(env, "training_changed", set())
    if not any(is_unit(app, d) for d in changed):
        return []
    pages = _store(env)
    rewrite = {d for d in pages if is_unit(app, d) or pages[d]["views"]}
    return sorted(rewrite - changed)


# -- the course --------------------------------------------------------------


def _units(app: Sphinx) -> list[str]:
    """The unit pages, in the order of the course (the toctree's)."""
    order = {doc: i for i, doc in enumerate(_reading_order(app))}
    pages = getattr(app.env, "curriculum_pages", {})
    units = [d for d in pages if is_unit(app, d)]
    return sorted(units, key=lambda d: (order.get(d, len(order)), d))


def _number(meta: dict, field: str) -> int:
    value = meta.get(field)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def course_plan(app: Sphinx) -> list[dict]:
    """Each unit with its number, day, start, end and minutes; days never go back."""
    settings = _settings(app)
    pages = getattr(app.env, "curriculum_pages", {})
    plan, day, clock = [], 0, settings["day_start"]
    for number, docname in enumerate(_units(app), start=1):
        meta = pages[docname]["metadata"]
        wanted = max(_number(meta, "day"), 1)
        if wanted > day:
            day, clock = wanted, settings["day_start"]
        teaching, activity, rest = (_number(meta, f) for f in ("teaching", "activity", "break"))
        start, end = clock, clock + teaching + activity
        plan.append({"docname": docname, "number": number, "day": day, "asked_day": wanted, "start": start,
                     "end": end, "teaching": teaching, "activity": activity, "break": rest,
                     "title": pages[docname]["title"], "label": pages[docname]["label"]})
        clock = end + rest
    return plan


# -- the checks --------------------------------------------------------------


@guarded
def on_check_consistency(app: Sphinx, env) -> None:
    settings = _settings(app)
    pages = getattr(env, "curriculum_pages", {})
    training = _store(env)
    for docname, page in sorted(training.items()):
        for line, rule, message in page["problems"]:
            _warn((docname, line), rule, message)
        for check in page["checks"]:
            if not is_unit(app, docname) or check["section"] != settings["checks"]:
                _warn((docname, check["line"]), "knowledge-checks",
                      f"a knowledge check belongs in a unit's '{settings['checks']}' section "
                      f"({settings['folder']}/)")
    std = env.domains.standard_domain
    label_doc = {label: doc for label, (doc, _, _) in std.labels.items()}
    for docname, page in sorted(training.items()):
        for line, labels in page["role_plays"]:
            for label in labels:
                target = label_doc.get(label.lower())
                if target is not None and not target.startswith("facilitator-guide/"):
                    _warn((docname, line), "role-play",
                          f"role play practises '{label}', which is not a facilitator-guide page "
                          "(its label starts with guide-)")
    units = _units(app)
    if not units:
        return  # no course yet: nothing to cover, nothing to schedule
    for docname in units:
        page = training.get(docname, {"checks": []})
        found = [c for c in page["checks"] if c["section"] == settings["checks"]]
        if len(found) < settings["min_checks"]:
            line = dict(pages[docname]["headings"]).get(settings["checks"]) or pages[docname].get("title_line")
            _warn((docname, line), "knowledge-checks",
                  f"a unit needs at least {settings['min_checks']} knowledge checks in its "
                  f"'{settings['checks']}' section (found {len(found)})")
    covered = {ref[1] for d in units for ref in pages[d]["refs"] if ref[2] == settings["prereading"]}
    for docname, page in sorted(pages.items()):
        folder, _, name = docname.rpartition("/")
        if folder not in settings["covers"] or name == "index" or not page["label"]:
            continue
        if page["label"].lower() not in covered:
            _warn((docname, page.get("title_line")), "coverage",
                  f"'{page['label']}' is pre-reading for no training unit: add {{ref}}`{page['label']}` "
                  f"to the '{settings['prereading']}' section of the unit that teaches it "
                  f"(docs/{settings['folder']}/)")
    previous = None
    for item in course_plan(app):
        lines = pages[item["docname"]]["field_lines"]
        if previous is not None and item["asked_day"] < previous["day"]:
            _warn((item["docname"], lines.get("day", 1)), "schedule",
                  f"unit is on day {item['asked_day']}, but comes after a unit on day {previous['day']} "
                  "in the course: put it on a later day, or move it in the toctree")
        elif item["end"] > settings["day_end"]:
            _warn((item["docname"], lines.get("day", 1)), "schedule",
                  f"unit ends at {_clock(item['end'])} on day {item['day']}, after the course day ends at "
                  f"{_clock(settings['day_end'])} ([training] day_end): move it to the next day or shorten it")
        previous = item


# -- generated views ---------------------------------------------------------


def _link(app: Sphinx, fromdoc: str, todoc: str, text: str) -> nodes.Node:
    from sphinx.util.nodes import make_refnode

    label = getattr(app.env, "curriculum_pages", {}).get(todoc, {}).get("label") or ""
    found = app.env.domains.standard_domain.labels.get(label.lower())
    if found is None:  # a page without its label: the label check has said so; no link
        return nodes.inline(text, text)
    return make_refnode(app.builder, fromdoc, todoc, found[1], nodes.inline(text, text), text)


def _minutes_text(minutes: int) -> str:
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def _timing_line(item: dict, count: int) -> nodes.paragraph:
    text = (f"Unit {item['number']} of {count}. Day {item['day']}, {_clock(item['start'])} to "
            f"{_clock(item['end'])}: {_minutes_text(item['teaching'])} of teaching and "
            f"{_minutes_text(item['activity'])} of activities")
    text += f", then a break of {_minutes_text(item['break'])}." if item["break"] else "."
    return nodes.paragraph(text, text, classes=["unit-timing"])


def _schedule(app: Sphinx, docname: str, plan: list[dict]) -> list[nodes.Node]:
    if not plan:
        return [nodes.paragraph(text="The course has no units yet.")]
    out: list[nodes.Node] = []
    days = sorted({item["day"] for item in plan})
    for day in days:
        items = [item for item in plan if item["day"] == day]
        end = items[-1]["end"] + items[-1]["break"]
        rows = []
        for item in items:
            para = nodes.paragraph()
            para += nodes.Text(f"Unit {item['number']}: ")
            para += _link(app, docname, item["docname"], item["title"])
            rows.append([f"{_clock(item['start'])} to {_clock(item['end'])}", para, item["teaching"],
                         item["activity"]])
            if item["break"]:
                rows.append([f"{_clock(item['end'])} to {_clock(item['end'] + item['break'])}",
                             f"Break ({_minutes_text(item['break'])})", "", ""])
        total = nodes.paragraph("", "", nodes.strong(text="Total"))
        rows.append([total, "", sum(i["teaching"] for i in items), sum(i["activity"] for i in items)])
        out.append(make_table([24, 46, 15, 15], ["training-schedule"], [f"schedule-day-{day}"],
                              f"Day {day}: {_clock(items[0]['start'])} to {_clock(end)}",
                              ["Time", "Unit", "Teaching (minutes)", "Activities (minutes)"], rows))
    taught = sum(i["teaching"] + i["activity"] for i in plan)
    rest = sum(i["break"] for i in plan)
    summary = (f"{len(plan)} unit{'s' if len(plan) != 1 else ''} over {len(days)} "
               f"day{'s' if len(days) != 1 else ''}: {taught // 60} hours {taught % 60} minutes "
               f"of teaching and activities, and {_minutes_text(rest)} of breaks.")
    out.append(nodes.paragraph(summary, summary, classes=["training-schedule-summary"]))
    return out


def _answers(app: Sphinx, docname: str, plan: list[dict]) -> list[nodes.Node]:
    training = _store(app.env)
    out: list[nodes.Node] = []
    scratch = new_document("")
    for item in plan:
        checks = training.get(item["docname"], {}).get("checks", [])
        if not checks:
            continue
        heading = nodes.paragraph(classes=["answers-unit"])
        heading += nodes.strong(text=f"Unit {item['number']}: ")
        heading += _link(app, docname, item["docname"], item["title"])
        out.append(heading)
        for check in checks:
            entry = nodes.container(classes=["answer-entry"])
            title = nodes.paragraph(classes=["answer-title"])
            title += nodes.strong(text=f"Check {check['number']}. {check['title']}")
            entry += title
            if check["answer"] is not None:
                body = nodes.container(classes=["answer-body"])
                body.extend(child.deepcopy() for child in check["answer"].children)
                # References in the answer resolve from this page, as sphinx.ext.todo does.
                for xref in body.findall(addnodes.pending_xref):
                    xref["refdoc"] = docname
                scratch += body
                app.env.resolve_references(scratch, docname, app.builder)
                scratch.remove(body)
                entry += body
            out.append(entry)
    return out or [nodes.paragraph(text="The course has no knowledge checks yet.")]


@guarded
def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = [*doctree.findall(unit_timing), *doctree.findall(training_schedule),
                    *doctree.findall(check_answers)]
    if not placeholders:
        return
    plan = course_plan(app)
    by_doc = {item["docname"]: item for item in plan}
    for node in placeholders:
        if isinstance(node, unit_timing):
            item = by_doc.get(node["docname"])
            if item is None:
                node.parent.remove(node)
            else:
                node.replace_self(_timing_line(item, len(plan)))
        elif isinstance(node, training_schedule):
            node.replace_self(_schedule(app, docname, plan))
        else:
            node.replace_self(_answers(app, docname, plan))


# How Sphinx's HTML writer writes a toctree caption (not an API): tests/test_internals.py checks it.
CAPTION = '<p class="caption" role="heading">'


@guarded
def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The course's styles, on its pages.  And: the course's index names its parts with toctree captions, which Sphinx writes as a heading
    with no level (axe-core: aria-required-attr); under the page's title they are level 2."""
    if pagename.startswith(_settings(app)["folder"].partition("/")[0] + "/"):
        app.add_css_file("training.css")  # the course's pages only (Sphinx allows per-page files here)
    if doctree is not None and CAPTION in context.get("body", ""):
        context["body"] = context["body"].replace(CAPTION, CAPTION[:-1] + ' aria-level="2">')


@guarded
def on_builder_inited(app: Sphinx) -> None:
    _settings(app)  # a malformed [training] is reported once, at the start


#: Man pages and Texinfo show a check, an answer or a role play as its plain contents.
OTHERS = {"man": (_pass, _pass), "texinfo": (_pass, _pass)}


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.add_node(knowledge_check, html=(_html_visit_check, _html_depart_div),
                 latex=(_latex_visit_check, _pass), text=(_pass, _pass), **OTHERS)
    app.add_node(model_answer, html=(_html_visit_answer, _html_depart_details),
                 latex=(_latex_visit_answer, _pass), text=(_text_visit_answer, _pass), **OTHERS)
    app.add_node(role_play, html=(_html_visit_role_play, _html_depart_div),
                 latex=(_pass, _pass), text=(_pass, _pass), **OTHERS)
    app.add_node(good_response, html=(_html_visit_good_response, _html_depart_div),
                 latex=(_latex_visit_good_response, _pass), text=(_pass, _pass), **OTHERS)
    app.add_directive("knowledge-check", KnowledgeCheckDirective)
    app.add_directive("model-answer", ModelAnswerDirective)
    app.add_directive("role-play", RolePlayDirective)
    app.add_directive("good-response", GoodResponseDirective)
    app.add_directive("training-schedule", ScheduleDirective)
    app.add_directive("knowledge-check-answers", AnswersDirective)
    app.connect("builder-inited", on_builder_inited)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-get-outdated", on_get_outdated)
    app.connect("env-get-updated", on_get_updated)
    app.connect("env-check-consistency", on_check_consistency)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("html-page-context", on_html_page_context)
    return {"version": "1.0", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
