"""What a printed handout sheet carries besides its own words.

What this adds:

* **where the sheet goes afterwards.**  Every exercise page names it in the
  front-matter field ``destination``: ``group-record`` (the sheet stays in the
  group record) or ``home`` (it can go home).  The field is declared and
  checked with the other fields in ``page-kinds.toml``
  (``[kind.exercise.fields]``); the easy-read words for each value are declared
  there too (``[handout.destination.VALUE]``).  When a page is read, its
  handout gets those words as its last part, a framed block with the class
  ``handout-destination`` (kept whole on one page in the PDF), so the page,
  its print view and the PDF all show them (added by a transform while the
  page is read, so its picture is collected and copied like any other).  Like every key point of a
  handout, the words have a picture on their left: the Mulberry symbol each
  value declares (``symbol``), checked as the pictures of the pages are
  (_ext/symbols.py); a symbol the build refuses is named at its line of
  page-kinds.toml, on every build.  A handout on a page of another kind needs the same field in that
  page's front matter; without it (or with a value that has no words) the
  build fails here, naming the handout's line.  (On an exercise page the
  front-matter check reports a missing or wrong field, once.)
* the ``{tick-box}`` role, ``{tick-box}`done```: an empty square to tick that
  prints, in HTML (a bordered box; a screen reader reads "box to tick" and the
  role's words) and in the PDF (a framed box).  Typed brackets, ``[ ]``, are
  not a box to a group member.
* a **"Print handout" button** before each handout in HTML
  (``_static/print-handout.js``): it opens the print dialogue, and a page with
  a handout prints only the handout, on one A4 sheet or two, with 15 mm
  margins (``_static/manual.css``; checked by tests/test_handout_print.py).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxRole

from curriculum import SCHEMA_FILE, handout, load_schema, read_schema
from guard import guarded
from symbols import make_key_point, symbol_problem, symbols_folder

logger = logging.getLogger(__name__)

FIELD = "destination"


def destinations(schema: dict | None = None) -> dict[str, dict]:
    """The declared destinations: each value with its symbol and its easy-read words.

    Every value an exercise may take must have its words, every set of words a
    first sentence, and a symbol: a mistake in page-kinds.toml stops the build
    with the file's name.
    """
    schema = schema if schema is not None else load_schema()
    declared = schema.get("handout", {}).get(FIELD, {})
    allowed = {value for spec in schema.get("kind", {}).values()
               for value in (spec["fields"].get(FIELD) or [])}
    for value in sorted(allowed):
        words = declared.get(value, {}).get("words")
        if not (isinstance(words, list) and words and all(isinstance(w, str) and w.strip() for w in words)):
            raise RuntimeError(f"{SCHEMA_FILE}: [handout.{FIELD}.{value}] needs 'words', a list of "
                               f"the easy-read sentences printed at the end of a handout whose "
                               f"page says '{FIELD}: {value}'")
        symbol = declared[value].get("symbol")
        if not (isinstance(symbol, str) and symbol.strip()):
            raise RuntimeError(f"{SCHEMA_FILE}: [handout.{FIELD}.{value}] needs 'symbol', the name of the "
                               f"Mulberry symbol shown beside those words (as {{key-point}} names one, "
                               f"e.g. symbol = \"house\")")
    return declared


def _folders_with_field(schema: dict) -> set[str]:
    """Folders of the page kinds that declare the field (their check is the front-matter check)."""
    return {spec["folder"] for spec in schema.get("kind", {}).values() if FIELD in spec["fields"]}


class handout_destination(nodes.General, nodes.Element):
    """Where the sheet goes afterwards: a framed block that is never split across two pages."""


@guarded
def visit_destination_html(self, node: handout_destination) -> None:
    self.body.append(self.starttag(node, "div"))


@guarded
def depart_destination_html(self, node: handout_destination) -> None:
    self.body.append("</div>\n")


@guarded
def visit_destination_latex(self, node: handout_destination) -> None:
    # A framed box the width of the text, kept whole on one page, and with the line before it.
    self.body.append("\n\\par\\nopagebreak[4]\\medskip\\noindent{\\setlength{\\fboxsep}{6pt}\\fbox{"
                     "\\begin{minipage}{\\dimexpr\\linewidth-2\\fboxsep-2\\fboxrule\\relax}"
                     "\\setlength{\\parskip}{0.4em}\n")


@guarded
def depart_destination_latex(self, node: handout_destination) -> None:
    self.body.append("\n\\end{minipage}}}\\par\n")


def _destination_block(env, docname: str, line: int | None, value: str, spec: dict) -> handout_destination:
    """The framed block: the declared symbol on the left, the words (the first in bold) on the right."""
    block = handout_destination(classes=["handout-destination", f"handout-destination-{value}"])
    first, *rest = spec["words"]
    lead = nodes.paragraph()
    lead += nodes.strong(text=first)
    words = [lead, *(nodes.paragraph(text=sentence) for sentence in rest)]
    symbol = spec["symbol"].strip()
    if symbol_problem(symbol, symbols_folder(env.config)):
        block.extend(words)  # named at its line of page-kinds.toml (on_check_consistency)
    else:
        block += make_key_point(env, docname, symbol, line, words)
    return block


class DestinationTransform(SphinxTransform):
    """End each handout with where the sheet goes afterwards, from the page's front matter.

    A transform, run while the page is read (MyST has put its front matter in
    ``env.metadata`` by then): Sphinx collects the page's images after it, so the
    block's picture is copied with the others.  After symbols' KeyPointTransform
    (priority 500), so the block is never taken for a key point's supporting lines.
    """

    default_priority = 600

    def apply(self, **kwargs) -> None:
        add_destinations(self.env, self.document)


@guarded
def add_destinations(env, doctree: nodes.document) -> None:
    found = list(doctree.findall(handout))
    if not found:
        return
    docname = env.docname
    # The words live in page-kinds.toml: a change there reads this page again.
    env.note_dependency(str(SCHEMA_FILE))
    schema, problems = read_schema(SCHEMA_FILE)
    if problems:
        return  # the rules cannot be read: their own message names the mistake, once
    declared = destinations(schema)
    value = env.metadata.get(docname, {}).get(FIELD)
    spec = declared.get(value) if isinstance(value, str) else None
    if spec is None:
        folder = str(PurePosixPath(docname).parent)
        if folder not in _folders_with_field(schema):
            logger.warning("a handout needs to say where the sheet goes afterwards: add '%s: %s' to "
                           "this page's front matter [%s]", FIELD, " or ".join(sorted(declared)) or "...",
                           "handout-destination", location=(docname, found[0].line),
                           type="curriculum", subtype="handout-destination")
        return
    for node in found:
        node += _destination_block(env, docname, node.line, value, spec)


@guarded
def on_check_consistency(app: Sphinx, env) -> None:
    """Every build: a destination's symbol that the picture rules refuse, at its line of page-kinds.toml."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    for value, spec in sorted(destinations().items()):
        symbol = str(spec.get("symbol", "")).strip()
        problem = symbol_problem(symbol, symbols_folder(app.config))
        if problem:
            found = re.search(rf"^\[handout\.{FIELD}\.{re.escape(value)}\][^\[]*?^symbol\b", text, re.M | re.S)
            line = text.count("\n", 0, found.end()) + 1 if found else 1
            logger.warning("[handout.%s.%s] symbol = '%s': %s [pictures]", FIELD, value, symbol, problem,
                           location=f"{SCHEMA_FILE}:{line}", type="curriculum", subtype="pictures")


# -- a box to tick -------------------------------------------------------------


class tick_box(nodes.Inline, nodes.Element):
    """An empty box to tick, drawn rather than typed."""


@guarded
def visit_tick_box_html(self, node: tick_box) -> None:
    label = "box to tick" + (f": {node['label']}" if node.get("label") else "")
    self.body.append(f'<span class="tick-box" role="img" aria-label="{self.attval(label)}"></span>')
    raise nodes.SkipNode


@guarded
def visit_tick_box_latex(self, node: tick_box) -> None:
    # A square 0.8em across, drawn with a line thick enough to print: it fits a table row.
    self.body.append(r"{\setlength{\fboxsep}{0pt}\setlength{\fboxrule}{0.8pt}"
                     r"\fbox{\rule{0pt}{0.8em}\hspace{0.8em}}}")
    raise nodes.SkipNode


@guarded
def visit_tick_box_text(self, node: tick_box) -> None:
    self.add_text("\N{BALLOT BOX}")
    raise nodes.SkipNode


@guarded
def visit_tick_box_body(self, node: tick_box) -> None:
    """Man pages and Texinfo: the same box, as a character."""
    self.body.append("\N{BALLOT BOX}")
    raise nodes.SkipNode


def _pass(self, node: nodes.Node) -> None:
    pass


class TickBoxRole(SphinxRole):
    """``{tick-box}`what it is for```: an empty box to tick; its words are for screen readers."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        node = tick_box(label=self.text.strip())
        self.set_source_info(node)
        return [node], []


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.setup_extension("symbols")  # the key point beside the words, and its checks
    destinations()  # a mistake in the declared words stops the build at once, with the file's name
    app.add_node(handout_destination, html=(visit_destination_html, depart_destination_html),
                 latex=(visit_destination_latex, depart_destination_latex), text=(_pass, _pass),
                 man=(_pass, _pass), texinfo=(_pass, _pass))
    app.add_node(tick_box, html=(visit_tick_box_html, None), latex=(visit_tick_box_latex, None),
                 text=(visit_tick_box_text, None), man=(visit_tick_box_body, None),
                 texinfo=(visit_tick_box_body, None))
    app.add_role("tick-box", TickBoxRole())
    app.add_transform(DestinationTransform)
    app.add_js_file("print-handout.js")  # the "Print handout" button before each handout (_static/)
    app.connect("env-check-consistency", on_check_consistency)
    # env_version: bump when the nodes this module leaves in the doctrees change.
    return {"version": "1.0", "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
