"""Slides for the room: one reveal.js deck a topic, made from the topic pages themselves.

``make slides`` runs the ``slides`` builder (sphinx-revealjs's builder, whose
reveal.js ships inside the package) with ``-t slides``: conf.py loads this
extension, and with it sphinx-revealjs, for that build only, which writes
into its own folder with its own doctrees.  The manual's HTML and PDF builds
never load either, so what they write is the same with or without the slides.

A topic is one session.  Its page becomes one deck (``[slides]`` and
``[key_messages]`` in ``page-kinds.toml`` name the sections):

* a title slide: the topic, its session number in teaching order ("one-to-one"
  for the topics worked on one-to-one), the module and its version;
* each key message on a slide of its own, its picture on the left, its words
  on the right, one sentence a line (the Key messages section: easy-read key
  points, checked by ``_ext/key_messages.py``);
* each diagram of the page full screen, its caption as the slide's title;
* each discussion prompt on a slide of its own, beside the prompt picture
  (not for a one-to-one topic: its prompts are a facilitator's questions);
* an end slide, with the pictures' credit.

Every slide carries the topic's Facilitator notes as speaker notes (press S);
a diagram's slide adds its text alternative, a prompt's slide its number.
Nothing else of the page is shown: not the background, the activities, the
notes of what changed, nor any programme-wording box.  Links become plain
words: a deck stands alone.  The root page becomes the list of decks.

At the end of the build, the parts of reveal.js the decks do not use (other
themes, some of which load fonts from the web, and plugins) are removed from
the output, so that nothing in it refers to the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx_revealjs.builders import RevealjsHTMLBuilder
from sphinx_revealjs.nodes import revealjs_section
from sphinxcontrib.mermaid import mermaid

from curriculum import _in_toctree_order, _kind_for, _section_title, _store, load_schema
from guard import guarded
from key_messages import key_message_section
from symbols import credit_paragraph, key_point, key_point_picture, key_point_words, symbol_problem, symbols_folder

logger = logging.getLogger(__name__)

PROGRAMME_WORDING = "programme-wording"
#: What of _static/ the decks load (the rest is removed from the output): reveal.js, its white
#: theme with its fonts, the speaker notes plugin, the decks' stylesheet, and the version
#: (documentation_options.js, which tools/manual_tools.py checks).
STATIC_KEPT = ("revealjs/dist/reveal.js", "revealjs/dist/reveal.css", "revealjs/dist/theme/white.css",
               "revealjs/dist/theme/fonts/source-sans-pro/", "revealjs/plugin/notes/", "revealjs/LICENSE",
               "slides.css", "documentation_options.js")


def rules() -> dict:
    schema = load_schema()
    return {**schema.get("slides", {}), "key_messages": schema.get("key_messages", {})}


class slide_notes(nodes.General, nodes.Element):
    """A slide's speaker notes: reveal.js shows them in its speaker view, never on the slide."""


@guarded
def visit_slide_notes(self, node) -> None:
    self.body.append('<aside class="notes">\n')


@guarded
def depart_slide_notes(self, node) -> None:
    self.body.append("</aside>\n")


class SlidesBuilder(RevealjsHTMLBuilder):
    """sphinx-revealjs's builder, writing only the decks: the topic pages and the list of decks."""

    name = "slides"

    def write_documents(self, docnames) -> None:
        wanted = set(deck_pages(self.app)) | {self.config.root_doc}
        super().write_documents({docname for docname in docnames if docname in wanted})


def deck_pages(app: Sphinx) -> list[str]:
    """The topic pages in teaching order: one deck each."""
    schema = load_schema()
    pages = _store(app.env)
    topics = [doc for doc, page in pages.items()
              if _kind_for(schema, doc) == "topic" and not page.get("problem") and page.get("label")]
    return _in_toctree_order(app, topics)


# -- building a deck ----------------------------------------------------------------


def _inside_box(node: nodes.Node) -> bool:
    parent = node.parent
    while isinstance(parent, nodes.Element):
        if PROGRAMME_WORDING in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def _kept(relative: str) -> bool:
    """Whether a file of _static/ (its path under it) is one the decks load."""
    return any(relative.startswith(keep) if keep.endswith("/") else relative == keep for keep in STATIC_KEPT)


def _plain(node: nodes.Node) -> nodes.Node:
    """A copy of *node* for a slide: links become their words, no ids, no notes of change or boxes."""
    copy = node.deepcopy()
    for ref in list(copy.findall(nodes.reference)):
        ref.replace_self(nodes.inline("", "", *ref.children))
    for gone in list(copy.findall(lambda n: isinstance(n, (addnodes.versionmodified, nodes.target))
                                  or (isinstance(n, nodes.Element) and PROGRAMME_WORDING in n.get("classes", [])))):
        gone.parent.remove(gone)
    for element in copy.findall(nodes.Element):
        element["ids"] = []
    return copy


def _slide(kind: str, title: str, body: list[nodes.Node], notes: list[nodes.Node]) -> nodes.section:
    section = nodes.section(ids=[f"slide-{kind}"])
    marker = revealjs_section()
    marker["data-slide"] = kind
    section += marker
    section += nodes.title(title, title)
    box = nodes.container(classes=["slide-body"])
    box.extend(body)
    section += box
    section += slide_notes("", *notes)
    return section


def _para(text: str, *classes: str) -> nodes.paragraph:
    return nodes.paragraph(text, text, classes=list(classes))


def _prompt_point(builder, docname: str, item: nodes.list_item, picture: str) -> key_point:
    """A prompt beside the prompt picture, drawn as a key point (its image copied at the end of the build)."""
    depth = "../" * docname.count("/")
    point = key_point(symbol=picture)
    holder = key_point_picture()
    holder += nodes.raw("", f'<img alt="" class="key-point-symbol" src="{depth}_images/{picture}.svg" />',
                        format="html")
    words = key_point_words()
    words.extend(_plain(child) for child in item.children)
    point += [holder, words]
    return point


def build_deck(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    spec = rules()
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    sections = {_section_title(s): s for s in top.children if isinstance(s, nodes.section)}
    topic = _section_title(top)
    label = _store(app.env).get(docname, {}).get("label")
    one_to_one = label in spec.get("one_to_one", [])
    decks = deck_pages(app)
    session = f"Session {decks.index(docname) + 1} of {len(decks)}" + (", one-to-one" if one_to_one else "")
    status = getattr(getattr(app, "manual_build_status", None), "line", f"Version {app.config.release}")

    notes_section = sections.get(spec.get("notes_section", ""))
    facilitator = [_para("Facilitator notes", "notes-heading")]
    if notes_section is not None:
        facilitator += [_plain(child) for child in notes_section.children[1:]
                        if not isinstance(child, (addnodes.versionmodified, nodes.target))]

    def notes(*first: nodes.Node) -> list[nodes.Node]:
        return [*first, *(n.deepcopy() for n in facilitator)]

    slides = []
    aims = sections.get(load_schema()["kind"]["topic"].get("aims_section", "Aims"))
    slides.append(_slide("title", topic, [
        _para(session, "slide-session"),
        _para(f"{app.config.project}. {status}.", "slide-module"),
    ], notes(_para(f"{topic}: {session.lower()}.  Aims:"),
             *([_plain(aims[1])] if aims is not None and len(aims.children) > 1 else []))))

    key_section = key_message_section(doctree, spec["key_messages"].get("section", ""))
    points = [child for child in key_section.children if isinstance(child, key_point)] if key_section else []
    for number, point in enumerate(points, start=1):
        slides.append(_slide("key-message", topic, [_plain(point)],
                             notes(_para(f"Key message {number} of {len(points)}."))))

    for figure in top.findall(nodes.figure):
        diagram = next(iter(figure.findall(mermaid)), None)
        if diagram is None or _inside_box(figure):
            continue
        caption = next((c.astext() for c in figure.children if isinstance(c, nodes.caption)), topic)
        slides.append(_slide("diagram", caption, [diagram.deepcopy()],
                             notes(_para(f"The diagram in words: {diagram.get('alt', '')}"))))

    prompts_section = sections.get(spec.get("prompts_section", ""))
    if prompts_section is not None and not one_to_one:
        items = [item for child in prompts_section.children if isinstance(child, nodes.bullet_list)
                 for item in child.children if isinstance(item, nodes.list_item)]
        for number, item in enumerate(items, start=1):
            slides.append(_slide("prompt", "Let’s talk",
                                 [_prompt_point(app.builder, docname, item, spec["prompt_picture"])],
                                 notes(_para(f"Discussion prompt {number} of {len(items)}."))))

    slides.append(_slide("end", topic, [_para("End of this session.", "slide-end"), credit_paragraph()],
                         notes(_para("Close with the check-out and a grounding activity, as the session plan says."))))
    doctree.children = []
    doctree.extend(slides)


def build_index(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The root page: the list of decks, one a session, in teaching order."""
    status = getattr(getattr(app, "manual_build_status", None), "line", f"Version {app.config.release}")
    pages = _store(app.env)
    one_to_one = rules().get("one_to_one", [])
    items = nodes.bullet_list(classes=["deck-list"])
    decks = deck_pages(app)
    for number, deck in enumerate(decks, start=1):
        title = pages[deck]["title"]
        words = f"Session {number}: {title}" + (" (one-to-one)" if pages[deck]["label"] in one_to_one else "")
        link = nodes.reference(words, words, internal=True, refuri=app.builder.get_relative_uri(docname, deck))
        items += nodes.list_item("", nodes.paragraph("", "", link))
    how = ("Open the deck of the session.  The right arrow key moves on and the left arrow key goes back; "
           "F shows it full screen, Esc shows every slide, and S opens the speaker notes in a window of their own.")
    doctree.children = []
    doctree += _slide("index", "Slides for the room", [
        _para(f"{app.config.project}. {status}.", "slide-module"),
        items,
    ], [_para(how)])


@guarded
def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not isinstance(app.builder, SlidesBuilder):
        return
    if docname == app.config.root_doc:
        build_index(app, doctree, docname)
    elif docname in deck_pages(app):
        build_deck(app, doctree, docname)


@guarded
def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """A deck loads reveal.js and its own stylesheet only: not the other extensions' files."""
    if not isinstance(app.builder, SlidesBuilder):
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [f for f in context[key]
                            if _kept(str(getattr(f, "filename", f)).removeprefix("_static/").split("?")[0])]


@guarded
def on_builder_inited(app: Sphinx) -> None:
    """The prompt picture is a symbol in the project, or the build names page-kinds.toml."""
    if not isinstance(app.builder, SlidesBuilder):
        return
    picture = rules().get("prompt_picture", "")
    problem = symbol_problem(picture, symbols_folder(app.config))
    if problem:
        logger.warning("[slides] prompt_picture: %s", problem, location=str(Path(__file__).with_name("page-kinds.toml")),
                       type="slides", subtype="prompt-picture")


@guarded
def on_build_finished(app: Sphinx, exception) -> None:
    """Copy the prompt picture; remove what of reveal.js the decks do not use."""
    if exception is not None or not isinstance(app.builder, SlidesBuilder):
        return
    out = Path(app.outdir)
    picture = symbols_folder(app.config) / f"{rules().get('prompt_picture', '')}.svg"
    if picture.is_file():
        (out / "_images").mkdir(exist_ok=True)
        shutil.copyfile(picture, out / "_images" / picture.name)
    sources = out / "_sources"  # html_copy_source is off: the folder is left empty
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()
    static = out / "_static"
    for path in sorted(static.rglob("*"), reverse=True):
        relative = path.relative_to(static).as_posix()
        if path.is_file() and not _kept(relative):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.setup_extension("sphinx_revealjs")
    app.add_builder(SlidesBuilder)
    app.add_node(slide_notes, html=(visit_slide_notes, depart_slide_notes))
    app.connect("builder-inited", on_builder_inited)
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
