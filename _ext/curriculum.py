"""Curriculum structure: handouts, session plans, the topic overview, and the page-kind checks.

What this adds:

* ``handout`` directive: the easy-read handout of an exercise, a block that
  prints on its own page (HTML print and LaTeX), in large print;
* ``session-plan`` directive: on a topic page, the timed running order of
  each whole session its exercises need, generated from the exercises' front
  matter by ``sessions.py`` (the session's parts are declared in
  ``page-kinds.toml``);
* ``topic-overview`` directive: every topic with its aims and its exercises;
* the checks declared in ``page-kinds.toml`` beside this file (required
  front matter, required headings in order, links between topics and their
  exercises, easy-read rules in handouts, orphan pages, unused glossary terms).
  Each failure is a Sphinx warning naming the file, the line where it can and
  the rule, so ``-W`` turns it into a failed build.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from guard import guarded

logger = logging.getLogger(__name__)

SCHEMA_FILE = Path(__file__).with_name("page-kinds.toml")


#: What the checks use while page-kinds.toml cannot be read: no page kinds, nothing checked.
FALLBACK_SCHEMA = {"labels": {}, "kind": {}, "handout": {"max_words": 15, "allowed_capitals": []},
                   "unreadable": True}
_schemas: dict[tuple[str, int], tuple[dict, list]] = {}
#: The sections the checks of these two kinds name, besides every kind's folder, headings and fields.
KIND_SECTIONS = {"topic": ("aims_section", "exercise_links_section"),
                 "exercise": ("topic_links_section", "handout_section")}


def read_schema(path: Path = SCHEMA_FILE) -> tuple[dict, list[tuple[int | None, str]]]:
    """The declared page kinds, and the mistakes in the file as (line, message).

    A kind or label rule with a mistake is left out; a file that cannot be read
    at all gives FALLBACK_SCHEMA.  The build reports the mistakes once
    (``on_builder_inited``); every caller gets a schema it can use.
    """
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError as error:
        return copy.deepcopy(FALLBACK_SCHEMA), [(None, f"cannot read the page-kind rules ({error.strerror})")]
    if key not in _schemas:
        _schemas[key] = _parse_schema(path)
    return _schemas[key]


def load_schema(path: Path = SCHEMA_FILE) -> dict:
    """The declared page kinds (see read_schema): never raises on a mistake in the file."""
    return read_schema(path)[0]


def _parse_schema(path: Path) -> tuple[dict, list[tuple[int | None, str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        return copy.deepcopy(FALLBACK_SCHEMA), [(line, "the file is not saved as UTF-8: save it again as UTF-8")]
    try:
        schema = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        return copy.deepcopy(FALLBACK_SCHEMA), [(int(found[1]) if found else None,
                                  f"not valid TOML ({error}): correct it there; a table is written "
                                  "[kind.NAME] and a value NAME = \"text\", NAME = 10 or NAME = [\"a\", \"b\"]")]
    problems = []
    kinds = schema.get("kind", {})
    for kind, spec in list(kinds.items() if isinstance(kinds, dict) else []):
        line = _toml_line(text, rf"\[kind\.{re.escape(kind)}\]")
        wanted = [("folder", str), ("headings", list), ("fields", dict)]
        wanted += [(key, str) for key in KIND_SECTIONS.get(kind, ())]
        missing = [k for k, t in wanted if not isinstance(spec.get(k) if isinstance(spec, dict) else None, t)]
        if missing:
            problems.append((line, f"[kind.{kind}] needs {', '.join(repr(m) for m in missing)} "
                                   "(see the other kinds in this file for what each holds): "
                                   "the pages of this kind are not checked until it has them"))
            del kinds[kind]
    labels = schema.get("labels", {})
    for folder, rule in list(labels.items() if isinstance(labels, dict) else []):
        if not (isinstance(rule, dict) and isinstance(rule.get("prefix"), str) and isinstance(rule.get("index"), str)):
            problems.append((_toml_line(text, rf"^\s*\"?{re.escape(folder)}\"?\s*="),
                             f"the label rule for '{folder}' must be {{ prefix = \"...\", index = \"...\" }}"))
            del labels[folder]
    for key, default in FALLBACK_SCHEMA.items():
        if not isinstance(default, dict):
            continue
        if not isinstance(schema.get(key), dict):
            if key in schema:
                problems.append((_toml_line(text, rf"^\s*\[?{key}\b"), f"'{key}' must be a table, [{key}]"))
            schema[key] = copy.deepcopy(default)
    handout_rules = schema["handout"]
    if not (isinstance(handout_rules.get("max_words"), int) and isinstance(handout_rules.get("allowed_capitals", []), list)):
        problems.append((_toml_line(text, r"^\s*\[handout\]"),
                         "[handout] needs max_words = a whole number, and allowed_capitals = a list of words"))
        schema["handout"] = {**handout_rules, **copy.deepcopy(FALLBACK_SCHEMA["handout"])}
    return schema, problems


def _toml_line(text: str, pattern: str) -> int | None:
    """The line of page-kinds.toml that *pattern* first matches."""
    found = re.search(pattern, text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None


# -- nodes -------------------------------------------------------------------


class handout(nodes.General, nodes.Element):
    """An easy-read handout: printed on a page of its own."""


class session_plan(nodes.General, nodes.Element):
    """Placeholder for the generated table of a topic's exercises."""


class topic_overview(nodes.General, nodes.Element):
    """Placeholder for the generated list of topics, aims and exercises."""


@guarded
def visit_handout_html(self, node: handout) -> None:
    self.body.append(self.starttag(node, "section", CLASS="handout", **{"aria-label": node["title"]}))
    self.body.append(f'<p class="handout-title">{self.encode(node["title"])}</p>\n')


@guarded
def depart_handout_html(self, node: handout) -> None:
    version = self.builder.config.release
    self.body.append(
        f'<p class="handout-footer">Internet Offending Module, version {self.encode(version)}</p>\n</section>\n'
    )


@guarded
def visit_handout_latex(self, node: handout) -> None:
    # A page of its own, in 14.4 pt (\Large at an 11 pt base), no italics.
    self.body.append("\n\\clearpage\n\\begingroup\\Large\\sffamily\\raggedright\n"
                     f"\\section*{{{self.encode(node['title'])}}}\n")


@guarded
def depart_handout_latex(self, node: handout) -> None:
    version = self.encode(self.builder.config.release)
    self.body.append(f"\n\\vfill{{\\normalsize Internet Offending Module, version {version}}}\n"
                     "\\endgroup\n\\clearpage\n")


class LowerHandouts(SphinxPostTransform):
    """For builders with no visitor of their own (text, man, Texinfo): a handout
    becomes a container that starts with its title, nodes every builder writes."""

    default_priority = 200
    formats = ("text", "man", "texinfo")

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(handout)):
            block = nodes.container(classes=["handout"])
            block.source, block.line = node.source, node.line
            block += nodes.rubric(node["title"], node["title"])
            block += node.children
            node.replace_self(block)


# -- directives --------------------------------------------------------------


class HandoutDirective(SphinxDirective):
    """``:::{handout} Title`` ... ``:::``: an exercise's easy-read handout."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = handout(title=self.arguments[0])
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class SessionPlanDirective(SphinxDirective):
    """``{session-plan}``: the table of this topic's exercises, filled in later."""

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = session_plan()
        self.set_source_info(node)
        return [node]


class TopicOverviewDirective(SphinxDirective):
    """``{topic-overview}``: every topic with its aims and exercises, filled in later."""

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = topic_overview()
        self.set_source_info(node)
        return [node]


# -- collecting what each page holds ------------------------------------------

WORD = re.compile(r"[A-Za-z0-9'’-]+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def read_front_matter(path, docname: str | None = None) -> tuple[dict, dict]:
    """The page's YAML front matter with its real types, and each field's line.

    (MyST turns non-string values into JSON strings in the metadata, so the
    types the schema checks are read from the file itself.)  A mistake in it
    is a warning at its line; the page then counts as having no front matter.
    """
    data, lines, _ = _front_matter(path, docname)
    return data, lines


def _front_matter(path, docname: str | None = None) -> tuple[dict, dict, bool]:
    """(fields, their lines, whether the front matter could be read)."""
    import yaml

    location = docname or str(path)
    text = Path(path).read_text(encoding="utf-8", errors="replace")  # an encoding mistake is reported elsewhere
    if not text.startswith("---"):
        return {}, {}, True
    end = re.search(r"^(---|\.\.\.)\s*$", text[3:], re.M)
    if end is None:
        _warn(location, 1, "front-matter",
              "the front matter that starts on line 1 has no closing '---' line: add one after its last field")
        return {}, {}, False
    block = text[3:3 + end.start()]
    try:
        data = yaml.safe_load(block)
        tree = yaml.compose(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        _warn(location, line, "front-matter",
              f"front matter is not valid YAML ({problem}): write one field a line as 'name: value', "
              "a list as [first, second], and quote a value that holds a colon")
        return {}, {}, False
    if data is None:
        return {}, {}, True
    if not isinstance(data, dict):
        _warn(location, 2, "front-matter",
              "front matter must be fields, one a line as 'name: value' "
              f"(found {type(data).__name__} {str(data)[:40]!r})")
        return {}, {}, False
    lines = {}
    for key, _ in getattr(tree, "value", []):
        # The block starts just after the opening "---" (line 1), so its line 0 is line 1.
        lines[key.value] = key.start_mark.line + 1
    return data, lines, True


def _store(env) -> dict:
    if not hasattr(env, "curriculum_pages"):
        env.curriculum_pages = {}
    return env.curriculum_pages


def _schema(app: Sphinx) -> dict:
    if not hasattr(app, "curriculum_schema"):
        app.curriculum_schema = load_schema()
    return app.curriculum_schema


def _kind_for(schema: dict, docname: str) -> str | None:
    folder, _, name = docname.rpartition("/")
    if name == "index":
        return None
    for kind, spec in schema["kind"].items():
        if spec["folder"] == folder:
            return kind
    return None


def _section_title(section: nodes.section) -> str:
    return section[0].astext() if section.children and isinstance(section[0], nodes.title) else ""


def _enclosing_section(node: nodes.Node) -> str:
    """Title of the second-level section a node sits in ('' if none)."""
    while node is not None:
        if isinstance(node, nodes.section) and isinstance(node.parent, nodes.section):
            if isinstance(node.parent.parent, nodes.document):
                return _section_title(node)
        node = node.parent
    return ""


def _handout_problems(node: handout, rules: dict) -> list[tuple[int | None, str]]:
    """Easy-read rules: no italics, no shouting capitals, short sentences.

    Each problem carries its own line: the paragraph's first line plus the
    line breaks before it (the manual is written one sentence a line).
    """
    problems = []
    for emphasis in node.findall(nodes.emphasis):
        block = next((a for a in _ancestors(emphasis) if isinstance(a, nodes.paragraph)), None)
        problems.append((_line_in(block, emphasis) or emphasis.line or node.line,
                         f"italics in a handout ('{emphasis.astext()}'): use bold"))
    allowed = set(rules.get("allowed_capitals", []))
    for block in node.findall(nodes.paragraph):
        if any(isinstance(a, nodes.table) for a in _ancestors(block)):
            continue  # table cells hold curriculum wording, kept as written
        text = block.astext()
        for word in WORD.finditer(text):
            if len(word[0]) >= 2 and word[0].isupper() and word[0] not in allowed:
                problems.append((_line_at(block, word.start()) or node.line,
                                 f"capitals for emphasis in a handout ('{word[0]}'): use bold"))
        bounds = [0] + [end.end() for end in SENTENCE_END.finditer(text)] + [len(text)]
        for start, stop in zip(bounds, bounds[1:]):
            sentence = text[start:stop].replace("\n", " ")
            words = [w for w in WORD.findall(sentence) if not set(w) <= set("_-")]
            if len(words) > rules["max_words"]:
                problems.append((_line_at(block, start) or node.line,
                                 f"handout sentence of {len(words)} words (at most {rules['max_words']}): "
                                 f"'{sentence.strip()[:60]}...'"))
    return problems


def _line_at(block: nodes.paragraph, position: int) -> int | None:
    """Line of the character at *position* in the paragraph's text: its first line plus the breaks before it."""
    return block.line + block.astext().count("\n", 0, position) if block.line else None


def _line_in(block: nodes.paragraph | None, target: nodes.Node) -> int | None:
    """Line of *target* inside the paragraph *block*: its first line plus the line breaks before it."""
    if block is None or not block.line:
        return None
    breaks = 0
    for text in block.findall(nodes.Text):
        if any(a is target for a in _ancestors(text)):
            break
        breaks += text.count("\n")
    return block.line + breaks


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Note the page's label, headings, links, terms and handouts for the checks."""
    env = app.env
    docname = env.docname
    schema = _schema(app)
    page = {"kind": _kind_for(schema, docname), "label": None, "title": "", "headings": [],
            "more_titles": [], "refs": [], "terms": [], "aims": [], "handouts": [], "handout_problems": [],
            "metadata": {}, "field_lines": {}, "front_matter_ok": True, "problem": None}
    path = env.doc2path(docname)
    metadata, field_lines, page["front_matter_ok"] = _front_matter(path, docname)
    if page["kind"] is not None:
        page["metadata"], page["field_lines"] = metadata, field_lines
    top = next(iter(doctree.findall(nodes.section)), None)
    page["problem"] = _page_problem(docname, path, top)
    if top is not None:
        page["title"] = _section_title(top)
        # A "(label)=" line leaves a target pointing at the section that follows
        # it; the section carries the label among its names.
        refids = {t["refid"] for t in doctree.findall(nodes.target) if t.get("refid") in top["ids"]}
        labels = [name for name in top.get("names", []) if nodes.make_id(name) in refids]
        page["label"] = labels[0] if labels else None
        page["title_line"] = top[0].line if top.children else None
        for child in top.children:
            if isinstance(child, nodes.section):
                title = _section_title(child)
                page["headings"].append((title, child[0].line))
                if title == schema["kind"].get(page["kind"] or "", {}).get("aims_section"):
                    for item in child.findall(nodes.list_item):
                        if isinstance(item.parent, nodes.bullet_list) and item.parent.parent is child:
                            page["aims"].append(item.astext().strip())
        # A second "#" heading is a section beside the title, not inside it.
        page["more_titles"] = [(_section_title(s), s[0].line) for s in doctree.children
                               if isinstance(s, nodes.section) and s is not top]
    for xref in doctree.findall(pending_xref):
        entry = (xref["reftype"], xref["reftarget"].lower(), _enclosing_section(xref), xref.line)
        if xref["reftype"] in ("ref", "doc"):
            page["refs"].append(entry)
        elif xref["reftype"] == "term":
            page["terms"].append(xref["reftarget"].lower())
    for node in doctree.findall(handout):
        page["handouts"].append((_enclosing_section(node), node.line))
        page["handout_problems"].extend(_handout_problems(node, schema["handout"]))
    page["bad_terms"] = _check_glossaries(docname, path, doctree)
    _store(env)[docname] = page


def _page_problem(docname: str, path, top: nodes.section | None) -> str | None:
    """Warn about a page with no title (or nothing at all) and return why; None if it has one.

    Such a page is left out of the checks of its headings and label, of the
    session plans, the topic overview and links, so that one mistake gives one message.
    """
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    if top is None:
        if not re.sub(r"^---.*?^---\s*$|\(\S+\)=", "", text, flags=re.S | re.M).strip():
            _warn(docname, 1, "title", "the page is empty: copy its template from templates/, or remove "
                                       "the page and its line in the toctree of its folder's index.md")
            return "empty"
        _warn(docname, 1, "title", "the page has no title: add the title line '# Title' after its label line")
        return "no title"
    line = top[0].line if top.children else None
    lines = text.splitlines()
    if line and 0 < line <= len(lines) and lines[line - 1].lstrip().startswith("##"):
        _warn(docname, line, "title",
              f"the page has no '#' title (its first heading, {_section_title(top)!r}, is a "
              "'##' section): add the title line '# Title' after its label line")
        return "no title"
    return None


def _check_glossaries(docname: str, path, doctree: nodes.document) -> list[str]:
    """A glossary term needs a definition: a term with none is a badly indented one.

    Returns the terms of entries with no definition, in lower case."""
    bad = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
            if definition is not None and definition.astext().strip():
                continue
            terms = [c for c in item.children if isinstance(c, nodes.term)]
            names = ", ".join(repr(t.astext()) for t in terms) or "a term"
            line = (terms[0].line or _term_line(path, terms[0].astext())) if terms else item.line
            _warn(docname, line, "glossary",
                  f"glossary entry {names} has no definition: write each term on a line of its own, "
                  "and its definition on the next line, indented by two spaces")
            bad += [t.astext().lower() for t in terms]
    return bad


@guarded
def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _store(env).pop(docname, None)


@guarded
def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "curriculum_pages", {})
    _store(env).update({d: theirs[d] for d in docnames if d in theirs})


def _shown_in(page: dict | None) -> set[str]:
    """Labels of the topics whose session plans show *page*: an exercise's ``topic`` field."""
    topics = page["metadata"].get("topic") if page and page["kind"] == "exercise" else None
    return {t.lower() for t in topics if isinstance(t, str)} if isinstance(topics, list) else set()


def _view(page: dict | None) -> tuple | None:
    """What the generated views show of a page: its kind, label, title, front matter and aims.

    The session plans, the topic overview and the module's sessions are drawn from these alone,
    so an edit that leaves them as they were (a sentence of an exercise's steps) rewrites no other page.
    """
    if page is None:
        return None
    return (page["kind"], page["label"], page["title"], page["problem"] is None,
            repr(sorted(page["metadata"].items())), tuple(page["aims"]))


def _shown_order(app: Sphinx) -> list[str]:
    """The topics and exercises in the toctree's order: the order of the session plans and the overview."""
    pages = _store(app.env)
    return [d for d in _reading_order(app) if pages.get(d, {}).get("kind") in ("topic", "exercise")]


@guarded(default=list)
def on_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Note what the pages about to be read again showed, and in which order; nothing more is re-read."""
    pages = _store(env)
    env.curriculum_before = {d: (_view(pages.get(d)), _shown_in(pages.get(d)))
                             for d in set(added) | set(changed) | set(removed)}
    env.curriculum_order_before = _shown_order(app)
    env.curriculum_views = None
    app.curriculum_index = None
    return []


def changed_views(app: Sphinx) -> tuple[set[str], bool]:
    """The pages read in this build whose shown fields changed (new and removed pages too), and
    whether the toctree's order of the topics and exercises moved: what the generated views depend on."""
    env = app.env
    if getattr(env, "curriculum_views", None) is None:
        pages, before = _store(env), getattr(env, "curriculum_before", {})
        views = {d for d, (view, _) in before.items() if _view(pages.get(d)) != view}
        env.curriculum_views = (views, _shown_order(app) != getattr(env, "curriculum_order_before", None))
    return env.curriculum_views


@guarded(default=list)
def on_get_updated(app: Sphinx, env) -> list[str]:
    """Write again the pages whose generated views show pages whose shown fields changed.

    An exercise appears in the session plans of its topics (those it names now
    and those it named before) and in the overview; a topic's title, summary
    and aims appear in the overview.  When the toctree's order of topics and
    exercises moves, every session plan and the overview are written again.
    """
    views, moved = changed_views(app)
    pages, before = _store(env), getattr(env, "curriculum_before", {})
    topics = {d for d, page in pages.items() if page["kind"] == "topic"}
    if moved:
        rewrite = topics | {d for d in pages if d.endswith("modules/index")}
        return sorted(rewrite - set(before))
    kinds = {pages[d]["kind"] if d in pages else "removed" for d in views}
    shown = set().union(*(before[d][1] | _shown_in(pages.get(d)) for d in views))
    rewrite = {d for d in topics if pages[d]["label"] in shown}
    if kinds & {"exercise", "topic", "removed"}:
        rewrite |= {d for d in pages if d.endswith("modules/index")}
    return sorted(rewrite - set(before))


# -- the checks --------------------------------------------------------------


def _warn(docname: str, line: int | None, rule: str, message: str) -> None:
    logger.warning("%s [%s]", message, rule, location=(docname, line),
                   type="curriculum", subtype=rule)


def _check_fields(docname: str, page: dict, spec: dict) -> None:
    meta = page["metadata"]
    lines = page["field_lines"]
    for field, expected in spec["fields"].items():
        if field not in meta:
            _warn(docname, 1, "front-matter",
                  f"front matter has no '{field}' field (every {page['kind']} page needs one)")
            continue
        value = meta[field]
        if isinstance(expected, list):
            ok, wanted = value in expected, "one of " + ", ".join(map(str, expected))
        elif expected == "int":
            ok, wanted = isinstance(value, int) and not isinstance(value, bool) and value > 0, "a whole number of minutes"
        elif expected == "minutes":  # may be 0, e.g. no break
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            wanted = "a whole number of minutes, 0 or more"
        elif expected == "list":
            ok = isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
            wanted = "a list of labels, e.g. [mod-triggers]"
        elif expected == "str":
            ok, wanted = isinstance(value, str) and bool(value.strip()), "text"
        else:
            _unknown_field_type(page["kind"], field, expected)
            continue
        if not ok:
            _warn(docname, lines.get(field, 1), "front-matter",
                  f"front matter field '{field}' is {value!r}: it must be {wanted}")
    if meta.get("kind") not in (None, page["kind"]):
        _warn(docname, lines.get("kind", 1), "front-matter",
              f"front matter says kind '{meta.get('kind')}', but pages in this folder are '{page['kind']}' pages")


_reported_types: set[tuple] = set()


def _unknown_field_type(kind: str, field: str, expected) -> None:
    """A field type in page-kinds.toml that _check_fields does not know: reported once, at its line."""
    if (kind, field, str(expected)) in _reported_types:
        return
    _reported_types.add((kind, field, str(expected)))
    text = SCHEMA_FILE.read_text(encoding="utf-8", errors="replace")
    table = re.search(rf"^\s*\[kind\.{re.escape(kind)}\.fields\]", text, re.M)
    found = re.compile(rf"^\s*\"?{re.escape(field)}\"?\s*=", re.M).search(text, table.end() if table else 0)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    logger.warning("[kind.%s.fields] %s = %r is not a field type the build knows: use \"str\" (text), "
                   "\"int\" (a whole number), \"list\" (a list of labels), or a list of the values "
                   "allowed, such as [\"group\", \"pairs\"] [page-kinds]", kind, field, expected,
                   location=f"{SCHEMA_FILE}:{line}" if line else str(SCHEMA_FILE),
                   type="curriculum", subtype="page-kinds")


def _check_headings(docname: str, page: dict, spec: dict) -> None:
    for title, line in page["more_titles"]:
        _warn(docname, line, "headings",
              f"second title {title!r}: every {page['kind']} page has one '#' title; its sections are '##' headings")
    found = [title for title, _ in page["headings"]]
    required = spec["headings"]
    if found == required:
        return
    lines = dict(page["headings"])
    missing = [h for h in required if h not in found]
    extra = [h for h in found if h not in required]
    if missing:
        _warn(docname, page.get("title_line"), "headings",
              f"missing required heading(s): {', '.join(repr(h) for h in missing)}")
    for heading in extra:
        _warn(docname, lines.get(heading), "headings",
              f"heading {heading!r} is not in the {page['kind']} template ({', '.join(required)})")
    present = [h for h in found if h in required]
    if not missing and not extra and present != required:
        _warn(docname, page.get("title_line"), "headings",
              f"headings out of order: found {', '.join(present)}; the template's order is {', '.join(required)}")


def _section_line(page: dict, section: str) -> int | None:
    """Line of the page's *section* heading, or of its title if it has none."""
    return dict(page["headings"]).get(section) or page.get("title_line")


def _term_line(path: str, term: str) -> int | None:
    """Line where a glossary *term* is defined: the first line after a glossary
    directive that holds the term alone (Sphinx keeps only its offset inside the directive)."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    start = next((i for i, line in enumerate(lines) if "{glossary}" in line), None)
    if start is None:
        return None
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        if line.strip().lower() == term.lower() or line.strip().lower().startswith(term.lower() + " : "):
            return number
    return None


def _expected_label(docname: str, labels: dict) -> str:
    folder, _, name = docname.rpartition("/")
    rule = labels.get(folder or "root")
    if rule is None:
        return None
    return rule["index"] if name == "index" else rule["prefix"] + name


@guarded
def on_check_consistency(app: Sphinx, env) -> None:
    schema = _schema(app)
    if schema.get("unreadable"):
        return  # page-kinds.toml cannot be read: its one message says so, and nothing is checked
    pages = _store(env)
    std = env.domains.standard_domain
    label_doc = {label: doc for label, (doc, _, _) in std.labels.items()}
    topics_of: dict[str, list[str]] = {}
    for docname, page in sorted(pages.items()):
        if page.get("problem"):
            continue  # no title, or empty: reported when it was read; the rest would follow from it
        expected = _expected_label(docname, schema["labels"])
        if expected and page["label"] is None and docname != "changelog":
            _warn(docname, page.get("title_line"), "label",
                  f"the page has no label: put the line ({expected})= above its title")
        elif expected and page["label"] != expected and docname != "changelog":
            _warn(docname, page.get("title_line"), "label",
                  f"page label is {page['label']!r}: a page in this folder starts with ({expected})=")
        sections = sorted(page["headings"] + page["more_titles"], key=lambda h: h[1] or 0)
        if docname.rpartition("/")[2] == "index" and sections:
            title, line = sections[0]
            _warn(docname, line, "index-sections",
                  f"an index page holds no sections (found {title!r}): in the PDF the pages of its "
                  "toctree would nest inside the last one; use a rubric instead")
        for line, problem in page["handout_problems"]:
            _warn(docname, line, "easy-read", problem)
        kind = page["kind"]
        spec = schema["kind"].get(kind) if kind is not None else None
        if spec is None:
            continue
        if page.get("front_matter_ok", True):
            _check_fields(docname, page, spec)
        _check_headings(docname, page, spec)
        if kind == "exercise":
            section = spec["handout_section"]
            inside = [h for h in page["handouts"] if h[0] == section]
            if len(inside) != 1 or len(page["handouts"]) != 1:
                # Point at the first handout too many (outside the section, or a second
                # one in it), else at the section that lacks one.
                extra = [line for where, line in page["handouts"] if where != section]
                extra += [line for _, line in inside[1:]]
                _warn(docname, min(extra) if extra else _section_line(page, section), "handout",
                      f"an exercise needs exactly one handout block, in its '{section}' section "
                      f"(found {len(page['handouts'])}, {len(inside)} there)")
            topics = page["metadata"].get("topic")
            for label in topics if isinstance(topics, list) else []:
                if not isinstance(label, str):
                    continue  # reported by the front-matter check
                target = label_doc.get(label.lower())
                if target is None or pages.get(target, {}).get("kind") != "topic":
                    _warn(docname, page["field_lines"].get("topic", 1), "exercise-topic",
                          f"front matter topic '{label}' is not the label of a topic page")
                    continue
                topics_of.setdefault(target, []).append(docname)
                back = spec["topic_links_section"]
                if not any(r[1] == label.lower() and r[2] == back for r in page["refs"]):
                    _warn(docname, _section_line(page, back), "exercise-backlink",
                          f"exercise does not link back to its topic: add {{ref}}`{label}` to its '{back}' section")
    for docname, page in sorted(pages.items()):
        if page["kind"] != "topic" or page.get("problem"):
            continue
        section = schema["kind"]["topic"]["exercise_links_section"]
        linked = {r[1] for r in page["refs"] if r[2] == section}
        for exercise in topics_of.get(docname, []):
            label = pages[exercise]["label"]
            if label is not None and label not in linked:
                _warn(docname, _section_line(page, section), "topic-exercise-link",
                      f"topic page does not link its exercise: add {{ref}}`{label}` to its '{section}' section")
    defined = {name: docname for (kind, name), (docname, _) in std.objects.items() if kind == "term"}
    used = {term for page in pages.values() for term in page["terms"]}
    # A term with no definition is reported as such (see _check_glossaries).
    used |= {term for page in pages.values() for term in page.get("bad_terms", [])}
    for term, docname in sorted(defined.items()):
        if term.lower() in used:
            continue
        _warn(docname, _term_line(env.doc2path(docname), term), "glossary-unused",
              f"glossary term '{term}' is not used on any page")


# -- generated views ---------------------------------------------------------


def _link(app: Sphinx, fromdoc: str, todoc: str, text: str) -> nodes.Node:
    """A link to *todoc*'s label; plain text while the page has none (its own warning says so)."""
    from sphinx.util.nodes import make_refnode

    label = _store(app.env).get(todoc, {}).get("label")
    target = app.env.domains.standard_domain.labels.get(label) if label else None
    if target is None:
        return nodes.inline(text, text)
    return make_refnode(app.builder, fromdoc, todoc, target[1], nodes.inline(text, text), text)


def _shown(page: dict) -> bool:
    """Whether a page can appear in the generated views: it has a title and a label."""
    return not page.get("problem") and bool(page.get("label"))


def _index(app: Sphinx) -> dict:
    """The reading order and each topic's exercises, worked out once for the pages a build writes.

    The store does not change after reading: ``env-updated`` forgets the index of the last build.
    Without it, each session plan and the module's sessions walked every page again.
    """
    index = getattr(app, "curriculum_index", None)
    if index is None:
        pages = _store(app.env)
        order = {doc: i for i, doc in enumerate(_reading_order(app))}
        exercises: dict[str, list[str]] = {}
        for docname in sorted(pages, key=lambda d: (order.get(d, len(order)), d)):
            page = pages[docname]
            topics = page["metadata"].get("topic") if page["kind"] == "exercise" and _shown(page) else None
            if isinstance(topics, list):
                for label in dict.fromkeys(t.lower() for t in topics if isinstance(t, str)):
                    exercises.setdefault(label, []).append(docname)
        index = app.curriculum_index = {"order": order, "exercises": exercises}
    return index


def forget_index(app: Sphinx, env) -> None:
    app.curriculum_index = None


def _exercises_of(app: Sphinx, topic_doc: str) -> list[str]:
    """The exercises naming the topic in their ``topic`` field, in toctree order."""
    return list(_index(app)["exercises"].get(_store(app.env)[topic_doc]["label"], []))


def _in_toctree_order(app: Sphinx, docnames: list[str]) -> list[str]:
    order = _index(app)["order"]
    return sorted(docnames, key=lambda d: order.get(d, len(order)))


def make_table(widths: list[int], classes: list[str], ids: list[str], title: str,
           head: list[str], rows: list[list]) -> nodes.table:
    """A docutils table with a title and a header row: cells are text or a paragraph of nodes
    (the session plans, the module's sessions and the course schedule)."""
    table = nodes.table(classes=classes + ["colwidths-given"], ids=ids)
    table += nodes.title(text=title)
    group = nodes.tgroup(cols=len(widths))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)

    def row(cells: list) -> nodes.row:
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.paragraph) else nodes.paragraph(text=str(cell))
            line += entry
        return line

    thead = nodes.thead()
    thead += row(head)
    group += thead
    body = nodes.tbody()
    for cells in rows:
        body += row(cells)
    group += body
    return table


def _reading_order(app: Sphinx) -> list[str]:
    env = app.env
    seen, order = set(), []

    def walk(doc: str) -> None:
        if doc in seen:
            return
        seen.add(doc)
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(app.config.root_doc)
    return order


def _session_plan(app: Sphinx, docname: str, topic: str) -> nodes.Node:
    """*topic*'s whole sessions (_ext/sessions.py), for the page *docname* being written."""
    import sessions

    return sessions.session_plan(app, docname, topic)


def _topic_overview(app: Sphinx, docname: str) -> nodes.Node:
    pages = _store(app.env)
    topics = _in_toctree_order(app, [d for d, p in pages.items() if p["kind"] == "topic" and _shown(p)])
    container = nodes.container(classes=["topic-overview"])
    for topic in topics:
        page = pages[topic]
        entry = nodes.section(ids=[f"overview-{page['label']}"])
        title = nodes.paragraph(classes=["topic-overview-title"])
        title += nodes.strong("", "", _link(app, docname, topic, page["title"]))
        entry += title
        if page["metadata"].get("summary"):
            entry += nodes.paragraph(text=str(page["metadata"]["summary"]))
        aims = nodes.bullet_list()
        for aim in page["aims"]:
            aims += nodes.list_item("", nodes.paragraph(text=aim))
        entry += nodes.paragraph("", "", nodes.strong(text="Aims"))
        entry += aims
        para = nodes.paragraph("", "", nodes.strong(text="Exercises: "))
        exercises = _exercises_of(app, topic)
        for i, exercise in enumerate(exercises):
            if i:
                para += nodes.Text("; ")
            para += _link(app, docname, exercise, pages[exercise]["title"])
        if not exercises:
            para += nodes.Text("none; see the topic page.")
        entry += para
        container += entry
    return container


@guarded
def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    # *docname* is the page being written (for LaTeX, the whole manual); the page
    # a directive was written on is known from its source file.
    pages = _store(app.env)
    for node in list(doctree.findall(session_plan)):
        owner = app.env.path2doc(node.source) or docname
        if pages.get(owner, {}).get("kind") != "topic":
            if not _schema(app).get("unreadable"):  # else no page has a kind: its one message says why
                _warn(owner, node.line, "session-plan", "the session-plan directive belongs on topic pages")
            node.parent.remove(node)
            continue
        node.replace_self(_session_plan(app, docname, owner))
    for node in list(doctree.findall(topic_overview)):
        node.replace_self(_topic_overview(app, docname))


@guarded
def on_builder_inited(app: Sphinx) -> None:
    """Read page-kinds.toml once, before any page, and report each mistake in it with its line."""
    schema, problems = read_schema(SCHEMA_FILE)
    app.curriculum_schema = schema
    for line, message in problems:
        logger.warning("%s [page-kinds]", message, location=f"{SCHEMA_FILE}:{line}" if line else str(SCHEMA_FILE),
                       type="curriculum", subtype="page-kinds")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    # HTML and LaTeX have their own visitors; other builders get plain nodes (LowerHandouts).
    app.add_node(handout, html=(visit_handout_html, depart_handout_html),
                 latex=(visit_handout_latex, depart_handout_latex))
    app.add_post_transform(LowerHandouts)
    app.connect("builder-inited", on_builder_inited)
    app.add_directive("handout", HandoutDirective)
    app.add_directive("session-plan", SessionPlanDirective)
    app.add_directive("topic-overview", TopicOverviewDirective)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-get-outdated", on_get_outdated)
    app.connect("env-get-updated", on_get_updated)
    app.connect("env-updated", forget_index)
    app.connect("env-check-consistency", on_check_consistency)
    app.connect("doctree-resolved", on_doctree_resolved)
    # env_version: bump when the data kept in the environment changes shape.
    return {"version": "1.0", "env_version": 5, "parallel_read_safe": True, "parallel_write_safe": True}
