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
  its print view and the PDF all show them.  A handout on a page of another kind needs the same field in that
  page's front matter; without it (or with a value that has no words) the
  build fails here, naming the handout's line.  (On an exercise page the
  front-matter check reports a missing or wrong field, once.)
* the ``{tick-box}`` role, ``{tick-box}`done```: an empty square to tick that
  prints, in HTML (a bordered box; a screen reader reads "box to tick" and the
  role's words) and in the PDF (a framed box).  Typed brackets, ``[ ]``, are
  not a box to a group member.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from curriculum import SCHEMA_FILE, handout, load_schema, read_schema
from guard import guarded

logger = logging.getLogger(__name__)

FIELD = "destination"


def destinations(schema: dict | None = None) -> dict[str, dict]:
    """The declared destinations: each value with its icon and its easy-read words.

    Every value an exercise may take must have its words, and every set of
    words a first sentence: a mistake in page-kinds.toml stops the build with
    the file's name.
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


def _destination_block(value: str, spec: dict) -> handout_destination:
    from sphinx_design.icons import get_octicon

    block = handout_destination(classes=["handout-destination", f"handout-destination-{value}"])
    first, *rest = spec["words"]
    lead = nodes.paragraph()
    if spec.get("icon"):
        lead += nodes.raw("", get_octicon(spec["icon"], height="1.5em"), format="html")
    lead += nodes.strong(text=first)
    block += lead
    for sentence in rest:
        block += nodes.paragraph(text=sentence)
    return block


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """End each handout with where the sheet goes afterwards, from the page's front matter."""
    found = list(doctree.findall(handout))
    if not found:
        return
    env = app.env
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
        node += _destination_block(value, spec)


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
    destinations()  # a mistake in the declared words stops the build at once, with the file's name
    app.add_node(handout_destination, html=(visit_destination_html, depart_destination_html),
                 latex=(visit_destination_latex, depart_destination_latex), text=(_pass, _pass),
                 man=(_pass, _pass), texinfo=(_pass, _pass))
    app.add_node(tick_box, html=(visit_tick_box_html, None), latex=(visit_tick_box_latex, None),
                 text=(visit_tick_box_text, None), man=(visit_tick_box_body, None),
                 texinfo=(visit_tick_box_body, None))
    app.add_role("tick-box", TickBoxRole())
    app.connect("doctree-read", on_doctree_read)
    # env_version: bump when the nodes this module leaves in the doctrees change.
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
