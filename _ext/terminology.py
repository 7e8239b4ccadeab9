"""The words the manual no longer uses, checked on every page.

The list is declared in ``page-kinds.toml`` (``[terminology]``): each entry
names the word forms to avoid (whole words, any case), what to use instead,
and the phrases in which a form is still right (a job title such as "offender
manager", the name of a law, a programme or a paper).  The "Words we use" page
explains them.

What this adds:

* the check: every word of page text, captions, alt text, handout titles and
  diagram code is looked at, except the programme's own words inside a
  programme-wording box (class ``programme-original``, see
  ``programme_wording.py``) and the pages declared ``exempt``.  An avoided word
  is a warning naming the file, the line and what to use instead, so ``-W``
  fails the build; a page with an avoided word is read again on every build
  until it is fixed, so the build keeps failing;
* the ``terminology-list`` directive: the declared list as a table, so that
  the "Words we use" page and the check never disagree.

The declared list is also a configuration value read with the pages, so a
change to it makes Sphinx read every page again.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from curriculum import SCHEMA_FILE, load_schema
from guard import guarded

logger = logging.getLogger(__name__)

#: nodes whose text no reader sees
UNSEEN = (nodes.comment, nodes.raw, nodes.system_message, nodes.substitution_definition)
#: attributes that hold words a reader sees or hears: alt text, diagram code, a handout's title
ATTRIBUTES = ("alt", "code", "title")
#: typographic forms folded before matching, so "I’m" matches "I'm"
FOLD = str.maketrans({"‘": "'", "’": "'", "‛": "'", "–": "-", "—": "-", "\u00a0": " "})


def rules() -> dict:
    """``[terminology]`` from page-kinds.toml, checked: a malformed entry stops the build naming the file."""
    table = load_schema().get("terminology", {})
    entries = table.get("avoid", [])
    for number, entry in enumerate(entries, start=1):
        words, instead = entry.get("words"), entry.get("instead")
        if not (isinstance(words, list) and words and all(isinstance(w, str) and w.strip() for w in words)):
            raise RuntimeError(f"{SCHEMA_FILE}: [[terminology.avoid]] entry {number} needs 'words', "
                               "a list of the word forms to avoid")
        if not (isinstance(instead, str) and instead.strip()):
            raise RuntimeError(f"{SCHEMA_FILE}: [[terminology.avoid]] entry {number} ({words[0]!r}) "
                               "needs 'instead', saying what to use")
    return table


def _pattern(words: list[str], whole: bool = True) -> re.Pattern:
    """Words or phrases, any case, starting a word; a phrase may break across lines.

    *whole*: the last word must end there too ("porn" is not "pornography");
    otherwise it may go on ("offender manager" covers "offender managers").
    """
    forms = sorted((re.escape(w.translate(FOLD)).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")" + (r"(?!\w)" if whole else ""), re.I)


def find(text: str, table: dict) -> list[tuple[int, str, str]]:
    """The avoided words in *text*: (offset, word as found, what to use instead), in order.

    Entries are tried in their declared order, and a match hides its words from
    later entries, so "child pornography" is reported once, by its own entry.
    """
    text = text.translate(FOLD)
    found = []
    for entry in table.get("avoid", []):
        phrases = _pattern(entry["allowed"], whole=False) if entry.get("allowed") else None
        allowed = [range(m.start(), m.end()) for m in phrases.finditer(text)] if phrases else []
        for match in _pattern(entry["words"]).finditer(text):
            if any(match.start() in span and match.end() - 1 in span for span in allowed):
                continue
            found.append((match.start(), match.group(0), entry["instead"]))
            text = text[:match.start()] + " " * len(match.group(0)) + text[match.end():]
    return sorted(found)


# -- reading each page ----------------------------------------------------------


def _store(env) -> dict:
    if not hasattr(env, "terminology_found"):
        env.terminology_found = {}
    return env.terminology_found


def _skipped(node: nodes.Node, classes: set[str]) -> bool:
    """Whether *node* sits inside unseen text or inside the programme's own words."""
    while node is not None:
        if isinstance(node, UNSEEN):
            return True
        if isinstance(node, nodes.Element) and classes & set(node.get("classes", [])):
            return True
        node = node.parent
    return False


def _places(doctree: nodes.document, classes: set[str]):
    """(node, text) for every piece of words a reader meets on the page."""
    for node in doctree.findall(nodes.Text):
        if not _skipped(node.parent, classes):
            yield node.parent, node.astext()
    for node in doctree.findall(nodes.Element):
        values = [node.get(name) for name in ATTRIBUTES]
        values = [v for v in values if isinstance(v, str) and v.strip()]
        if values and not _skipped(node, classes):
            yield node, "\n".join(values)


class _Lines:
    """A page's source lines, to say on which line each word stands.

    Docutils gives a block's first line; the word may be some lines further
    down (a long paragraph, an alt text, a diagram's code), so the search
    starts there, and each later find of the same word in the same block
    starts where the one before it stood.
    """

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}
        self.cursor: dict[tuple, tuple[int, int]] = {}  # (source, start, word) -> (line index, finds used there)

    def _lines(self, source: str) -> list[str]:
        if source not in self.files:
            try:
                text = Path(source).read_text(encoding="utf-8")
            except OSError:
                text = ""
            self.files[source] = text.translate(FOLD).lower().splitlines()
        return self.files[source]

    def line(self, source: str, start: int | None, word: str) -> int | None:
        lines = self._lines(source)
        probe = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, word.lower().split())) + r"(?!\w)")
        key = (source, start, word.lower())
        index, used = self.cursor.get(key, (max((start or 1) - 1, 0), 0))
        while index < len(lines):
            if len(probe.findall(lines[index])) > used:
                self.cursor[key] = (index, used + 1)
                return index + 1
            index, used = index + 1, 0
        return start


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Note every avoided word on the page with its file and line; reported at the end of reading."""
    env = app.env
    table = app.config.terminology_rules
    docname = env.docname
    if docname in table.get("exempt", []):
        _store(env)[docname] = []
        return
    classes = set(table.get("skip_inside", []))
    own = str(env.doc2path(docname))
    lines = _Lines()
    found = set()
    for node, text in _places(doctree, classes):
        source, start = get_source_line(node)
        source = source or own
        for _, word, instead in find(text, table):
            found.add((source, lines.line(source, start, word), word, instead))
    metadata = env.metadata.get(docname, {})
    for value in metadata.values():
        if isinstance(value, str):
            for _, word, instead in find(value, table):
                found.add((own, lines.line(own, 1, word), word, instead))
    _store(env)[docname] = sorted(found, key=lambda f: (f[0], f[1] or 0, f[2]))
    if found:
        # Read the page again on the next build, so that it fails again until it is fixed:
        # Sphinx checks consistency only when some page was read.
        env.note_reread()


@guarded
def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _store(env).pop(docname, None)


@guarded
def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "terminology_found", {})
    _store(env).update({d: theirs[d] for d in docnames if d in theirs})


@guarded
def on_check_consistency(app: Sphinx, env) -> None:
    """Report every avoided word, on every build."""
    for docname, found in sorted(_store(env).items()):
        own = str(env.doc2path(docname))
        for source, line, word, instead in found:
            location = (docname, line) if source == own else f"{source}:{line}"
            logger.warning("'%s' is a word the manual no longer uses: use %s (see the 'Words we use' page); "
                           "the programme's own wording is quoted in a programme-wording box [terminology]",
                           word, instead, location=location, type="curriculum", subtype="terminology")


# -- the list as a table ----------------------------------------------------------


class TerminologyListDirective(SphinxDirective):
    """``{terminology-list}``: the declared words, what to use instead, and where they are still right."""

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        entries = self.config.terminology_rules.get("avoid", [])
        headers = ("Words to avoid", "Use instead", "Still right in")
        table = nodes.table(classes=["terminology-list"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (25, 40, 35):
            group += nodes.colspec(colwidth=width)

        def row(*cells: str) -> nodes.row:
            result = nodes.row()
            for cell in cells:
                result += nodes.entry("", nodes.paragraph(text=cell))
            return result

        group += nodes.thead("", row(*headers))
        body = nodes.tbody()
        for entry in entries:
            body += row(", ".join(f"“{w}”" for w in entry["words"]), entry["instead"],
                        "; ".join(f"“{p}”" for p in entry.get("allowed", [])) or "nowhere")
        group += body
        self.set_source_info(table)
        return [table]


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    # The list is read with the pages: a change to it makes Sphinx read every page again.
    app.add_config_value("terminology_rules", rules(), "env", types=frozenset({dict}))
    app.add_directive("terminology-list", TerminologyListDirective)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-check-consistency", on_check_consistency)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
