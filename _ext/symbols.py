"""Pictures beside key points, and cut-out cards, from the Mulberry Symbol Set.

Easy read puts a picture on the left of each key point and the words on the
right.  The rules are declared in ``page-kinds.toml`` (``[pictures]`` and
``[cards]``); the symbols the pages name are copied into the project's
``symbols/`` folder by ``tools/copy_symbols.py`` (SVG for HTML, PDF for LaTeX).

What this adds:

* the ``key-point`` role, at the start of a paragraph, naming its picture::

      {key-point}`think_,_to` **I can break the chain at any step.**

  The paragraph becomes a ``key_point`` node: a ``key_point_picture`` (the
  symbol, an image the words beside it describe, so its alt text is empty)
  and ``key_point_words`` (the paragraph).  HTML, print, LaTeX and any
  HTML-based builder (slides) draw the picture on the left, the words on the
  right;
* the ``cards`` directive: an exercise's cut-out cards, one a line,
  ``SYMBOL | words``, each card a ``key_point`` inside a ``card_set`` node;
  ``:numbered:`` numbers them.  ``make cards`` prints them from the HTML;
* the checks: an unknown symbol, a symbol missing from ``symbols/``, a symbol
  the set marks ``rated`` or the rules never use (pictures of children), a
  ``key-point`` not at the start of its paragraph, a handout key point (a
  paragraph starting with bold words or an icon) without a picture, a handout
  mixing pictures with interface icons, a card line without its symbol, and
  cards outside their declared section.  Each is a warning naming the file
  and line, kept in the environment and given on every build, so ``-W`` fails
  the build and fails it again;
* the credit the symbols' licence asks for, as text, at the end of every
  handout and card set that shows a picture (and of any other page that does).
"""

from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from curriculum import _enclosing_section, _kind_for, handout, load_schema
from guard import guarded

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def rules() -> dict:
    """The declared rules: ``[pictures]`` and ``[cards]`` in page-kinds.toml."""
    schema = load_schema()
    return {"pictures": schema.get("pictures", {}), "cards": schema.get("cards", {})}


def symbols_folder(config=None) -> Path:
    """The project's copy of the symbols (``-D pictures_folder=...`` points elsewhere)."""
    override = getattr(config, "pictures_folder", None) if config is not None else None
    return Path(override) if override else PROJECT / rules()["pictures"].get("folder", "symbols")


def pictures_required(config) -> bool:
    """Whether every handout needs pictures: page-kinds.toml, unless ``-D pictures_required`` says."""
    value = getattr(config, "pictures_required", None)
    if value in (None, ""):
        return bool(rules()["pictures"].get("required", False))
    return str(value).strip().lower() not in ("0", "false", "no", "off")


@lru_cache(maxsize=4)
def catalogue(path: Path) -> dict[str, dict]:
    """The set's list of symbols, by name: {"rated": bool, "category": str}."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["symbol"]: {"rated": row.get("rated", "0").strip() not in ("", "0"),
                                    "category": row.get("category", "")}
                    for row in csv.DictReader(handle)}
    except (OSError, KeyError, csv.Error) as error:
        raise RuntimeError(f"{path}: cannot read the list of symbols: {error}; "
                           "run tools/copy_symbols.py with the path of a Mulberry folder") from error


def refusal(name: str, known: dict[str, dict]) -> str | None:
    """Why the symbol *name* may not be used (unknown, rated, never used), or None.

    *known* is the set's list of symbols (:func:`catalogue`); tools/copy_symbols.py asks too.
    """
    spec = rules()["pictures"]
    if not name:
        return "a key point or card names no symbol: write the Mulberry symbol's name, e.g. think_,_to"
    if name not in known:
        return (f"no Mulberry symbol is called '{name}': names are the set's file names without .svg "
                f"(see symbols/{spec.get('catalogue', 'symbol-info-en.csv')})")
    if known[name]["rated"]:
        return f"symbol '{name}' is marked rated in the Mulberry set (bodies and sexual anatomy): never use it"
    if name in spec.get("never_use", []) or known[name]["category"] in spec.get("never_use_categories", []):
        return (f"symbol '{name}' shows a child or children's things or places "
                f"(page-kinds.toml [pictures] never_use): choose another")
    return None


def symbol_problem(name: str, folder: Path) -> str | None:
    """What is wrong with using the symbol *name* from the project's *folder*, or None."""
    try:
        known = catalogue(folder / rules()["pictures"].get("catalogue", "symbol-info-en.csv"))
    except RuntimeError as error:  # the project's copy of the list is missing or broken
        return str(error)
    problem = refusal(name, known)
    if problem:
        return problem
    missing = [f"{folder.name}/{name}{ext}" for ext in (".svg", ".pdf") if not (folder / f"{name}{ext}").is_file()]
    if missing:
        return (f"symbol '{name}' is not in the project ({', '.join(missing)} missing): run "
                "python3 tools/copy_symbols.py PATH/TO/mulberry, which copies the symbols the pages name")
    return None


# -- nodes ---------------------------------------------------------------------


class key_point_marker(nodes.Inline, nodes.Element):
    """The ``key-point`` role before the transform makes its paragraph a key point."""


class key_point(nodes.General, nodes.Element):
    """A key point: a picture on the left, words on the right."""


class key_point_picture(nodes.General, nodes.Element):
    """The picture of a key point (an image node, or nothing if the symbol was refused)."""


class key_point_words(nodes.General, nodes.Element):
    """The words of a key point."""


class card_set(nodes.General, nodes.Element):
    """An exercise's cut-out cards, each a key_point; ``title`` names the set."""


def _html_open(tag_class: str):
    def visit(self, node) -> None:
        attrs = {}
        if isinstance(node, card_set):
            attrs["data-card-set"] = node["title"]
        self.body.append(self.starttag(node, "div", CLASS=tag_class, **attrs))
        if isinstance(node, card_set):
            self.body.append(f'<p class="card-set-title"><strong>Cards to cut out: '
                             f'{self.encode(node["title"])}</strong></p>\n')
    return visit


def _html_close(self, node) -> None:
    self.body.append("</div>\n")


# LaTeX: the picture in a narrow box on the left, the words in a box beside it;
# both boxes hang from their top line, and a key point never breaks across pages.
PICTURE_WIDTH = "1.8cm"


@guarded
def visit_key_point_latex(self, node) -> None:
    self.body.append("\n\\par\\medskip\\noindent\n")


@guarded
def depart_key_point_latex(self, node) -> None:
    self.body.append("\\par\\medskip\n")


@guarded
def visit_picture_latex(self, node) -> None:
    self.body.append(f"\\begin{{minipage}}[t]{{{PICTURE_WIDTH}}}\\vspace{{0pt}}\\centering\n")


@guarded
def depart_picture_latex(self, node) -> None:
    self.body.append(f"\\end{{minipage}}\\hspace{{0.5cm}}%\n")


@guarded
def visit_words_latex(self, node) -> None:
    self.body.append(f"\\begin{{minipage}}[t]{{\\dimexpr\\linewidth-{PICTURE_WIDTH}-0.5cm\\relax}}"
                     "\\vspace{0pt}\\raggedright\n")


@guarded
def depart_words_latex(self, node) -> None:
    self.body.append("\n\\end{minipage}\n")


@guarded
def visit_card_set_latex(self, node) -> None:
    self.body.append(f"\n\\par\\medskip\\noindent\\textbf{{Cards to cut out: {self.encode(node['title'])}}}\\par\n")


@guarded
def visit_plain(self, node) -> None:
    pass


@guarded
def depart_plain(self, node) -> None:
    pass


# -- the role, the transform and the cards directive ---------------------------------


class KeyPointRole(SphinxRole):
    """``{key-point}`SYMBOL```, at the start of a paragraph: the paragraph is a key point with that picture."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        marker = key_point_marker(symbol=self.text.strip())
        self.set_source_info(marker)
        return [marker], []


def _problems(env) -> dict:
    if not hasattr(env, "symbol_problems"):
        env.symbol_problems = {}
    return env.symbol_problems


def _note(env, docname: str, line: int | None, message: str, subtype: str = "pictures") -> None:
    _problems(env).setdefault(docname, []).append((line, message, subtype))


def make_key_point(env, docname: str, symbol: str, line: int | None, words: list[nodes.Node],
                   source: str | None = None) -> key_point:
    """A key point with the picture *symbol* beside *words*; a refused symbol is noted, with no picture."""
    point = key_point(symbol=symbol)
    point.source, point.line = source, line
    picture = key_point_picture()
    folder = symbols_folder(env.config)
    problem = symbol_problem(symbol, folder)
    for ext in (".svg", ".pdf"):
        env.note_dependency(str(folder / f"{symbol}{ext}"))
    if problem:
        _note(env, docname, line, problem)
    else:
        # Relative to the page's own folder, as Sphinx reads an image's path; ".*": each
        # builder takes the file it can show (SVG in HTML, PDF in LaTeX).
        page_dir = (Path(env.srcdir) / env.doc2path(docname, base=False)).parent
        uri = os.path.relpath(folder / f"{symbol}.*", page_dir).replace(os.sep, "/")
        picture += nodes.image(uri=uri, alt="", classes=["key-point-symbol"])
    text = key_point_words()
    text.extend(words)
    point += [picture, text]
    return point


def _first_content(paragraph: nodes.paragraph) -> nodes.Node | None:
    for child in paragraph.children:
        if isinstance(child, nodes.Text) and not child.astext().strip():
            continue
        return child
    return None


class KeyPointTransform(SphinxTransform):
    """Make each paragraph that starts with the ``key-point`` role a key point.

    Runs while the page is read, before Sphinx collects the page's images.
    """

    default_priority = 500

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        for marker in list(self.document.findall(key_point_marker)):
            paragraph = marker.parent
            line = getattr(paragraph, "line", None) or marker.line
            if not isinstance(paragraph, nodes.paragraph) or _first_content(paragraph) is not marker:
                _note(self.env, docname, marker.line or line,
                      f"{{key-point}}`{marker['symbol']}` must start its paragraph: the paragraph is the key point")
                marker.parent.remove(marker)
                continue
            index = paragraph.index(marker)
            paragraph.remove(marker)
            if index < len(paragraph.children) and isinstance(paragraph[index], nodes.Text):
                paragraph[index] = nodes.Text(paragraph[index].astext().lstrip())
            holder = paragraph.parent
            position = holder.index(paragraph)
            point = make_key_point(self.env, docname, marker["symbol"], line, [], paragraph.source)
            holder[position] = point
            point[1] += paragraph


class CardsDirective(SphinxDirective):
    """``{cards} Title``: cut-out cards, one a line, ``SYMBOL | words``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"numbered": directives.flag}

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        node = card_set(title=self.arguments[0].strip(), numbered="numbered" in self.options)
        self.set_source_info(node)
        docname = self.env.docname
        number = 0
        for index, raw in enumerate(self.content):
            if not raw.strip():
                continue
            # MyST counts the content's offset from the directive's first line.
            line = self.lineno + self.content_offset + index + 1
            symbol, bar, words = raw.partition("|")
            if not bar or not words.strip():
                _note(self.env, docname, line, f"a card is one line, 'SYMBOL | words' (found '{raw.strip()[:40]}')",
                      "cards")
                continue
            number += 1
            paragraph = nodes.paragraph()
            paragraph.source, paragraph.line = self.get_source_info()[0], line
            if node["numbered"]:
                paragraph += nodes.inline(f"{number}.", f"{number}.", classes=["card-number"])
                paragraph += nodes.Text(" ")
            inline, messages = self.state.inline_text(words.strip(), line)
            paragraph.extend(inline)
            node += make_key_point(self.env, docname, symbol.strip(), line, [paragraph, *messages],
                                   self.get_source_info()[0])
        if not number:
            _note(self.env, docname, self.lineno, f"the cards block '{node['title']}' lists no cards", "cards")
        return [node]


# -- the checks over a read page ------------------------------------------------------


def _starts_key_point(paragraph: nodes.paragraph) -> bool:
    """A handout's key point: a paragraph that starts with bold words or an icon."""
    first = _first_content(paragraph)
    return isinstance(first, nodes.strong) or type(first).__name__ == "sd_icon"


def _inside(node: nodes.Node, kinds: tuple) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env, docname = app.env, app.env.docname
    required = pictures_required(app.config)
    for block in doctree.findall(handout):
        points = list(block.findall(key_point))
        if not points and not required:
            continue  # not converted yet: [pictures] required = false
        if not points:
            _note(env, docname, block.line, f"handout '{block['title']}' has no key point with a picture: "
                  "start each key point with {key-point}`SYMBOL` (page-kinds.toml [pictures] required)")
            continue
        for paragraph in block.findall(nodes.paragraph):
            # Tables hold curriculum wording; an admonition (a misplaced box) is named by its own rule.
            if (_inside(paragraph, (key_point, nodes.table, nodes.caption, nodes.Admonition))
                    or not _starts_key_point(paragraph)):
                continue
            _note(env, docname, paragraph.line or block.line,
                  f"handout key point without a picture ('{' '.join(paragraph.astext().split())[:50]}'): "
                  "start it with {key-point}`SYMBOL`")
        for icon in block.findall(lambda n: type(n).__name__ == "sd_icon"):
            paragraph = icon.parent
            if _starts_key_point(paragraph) and not _inside(paragraph, (key_point,)):
                continue  # already named above as a key point without a picture
            _note(env, docname, getattr(paragraph, "line", None) or block.line,
                  "an icon in a handout that has pictures: keep one style of picture, a Mulberry symbol "
                  "with {key-point}`SYMBOL`")
    spec = rules()["cards"]
    kind = _kind_for(load_schema(), docname)
    for block in doctree.findall(card_set):
        if kind not in spec.get("kinds", []) or _enclosing_section(block) != spec.get("section"):
            _note(env, docname, block.line,
                  f"a cards block belongs in the '{spec.get('section')}' section of a page of kind "
                  f"{', '.join(spec.get('kinds', []))}", "cards")


@guarded
def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _problems(env).pop(docname, None)


@guarded
def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "symbol_problems", {})
    _problems(env).update({d: theirs[d] for d in docnames if d in theirs})


@guarded
def on_check_consistency(app: Sphinx, env) -> None:
    """Every build: the problems noted when the pages were read (so a broken page fails each build)."""
    for docname, problems in sorted(_problems(env).items()):
        for line, message, subtype in problems:
            logger.warning("%s [%s]", message, subtype, location=(docname, line),
                           type="curriculum", subtype=subtype)


# -- the credit --------------------------------------------------------------------------


def credit_paragraph() -> nodes.paragraph:
    """The symbols' credit line, as declared: a plain paragraph, which every builder writes."""
    text = rules()["pictures"].get("credit", "")
    return nodes.paragraph(text, text, classes=["symbol-credit"])


@guarded
def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The credit at the end of each handout and card set that shows a picture, else of the page.

    Added once the page is read and checked, so that the easy-read checks leave it alone.
    """
    credited = set()
    for holder in [*doctree.findall(handout), *doctree.findall(card_set)]:
        if any(p[0].children for p in holder.findall(key_point)):
            holder += credit_paragraph()
            credited.update(id(p) for p in holder.findall(key_point))
    others = [p for p in doctree.findall(key_point) if id(p) not in credited and p[0].children]
    if others:
        section = next(iter(doctree.findall(nodes.section)), doctree)
        section += credit_paragraph()


class WordsWithoutPictures(SphinxPostTransform):
    """For a builder that can show neither an SVG nor a PDF picture (Texinfo), a key point keeps its words.

    The symbols are SVG (HTML) and PDF (LaTeX); Sphinx would otherwise warn that it
    has no picture of a kind such a builder can take, and the strict build would fail.
    """

    default_priority = 100

    def is_available(self) -> bool:
        usable = {"image/svg+xml", "application/pdf"}
        return not usable & set(getattr(self.app.builder, "supported_image_types", usable))

    def run(self, **kwargs) -> None:
        for picture in list(self.document.findall(key_point_picture)):
            picture.children = []


#: Visitors for the builders that draw nothing of their own for a key point.
PLAIN = {name: (visit_plain, depart_plain) for name in ("text", "man", "texinfo")}


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.add_config_value("pictures_folder", "", "env", types=[str])
    app.add_config_value("pictures_required", None, "env")
    for node, css in ((key_point, "key-point"), (key_point_picture, "key-point-picture"),
                      (key_point_words, "key-point-words"), (card_set, "card-set")):
        latex = {key_point: (visit_key_point_latex, depart_key_point_latex),
                 key_point_picture: (visit_picture_latex, depart_picture_latex),
                 key_point_words: (visit_words_latex, depart_words_latex),
                 card_set: (visit_card_set_latex, depart_plain)}[node]
        # The other builders (text, man, texinfo, ...) show the picture and words one after the other.
        app.add_node(node, html=(_html_open(css), _html_close), latex=latex, **PLAIN)
    app.add_node(key_point_marker, html=(visit_plain, depart_plain), latex=(visit_plain, depart_plain), **PLAIN)
    app.add_role("key-point", KeyPointRole())
    app.add_directive("cards", CardsDirective)
    app.add_transform(KeyPointTransform)
    app.add_post_transform(WordsWithoutPictures)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-check-consistency", on_check_consistency)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
