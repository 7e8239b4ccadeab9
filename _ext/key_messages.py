"""Key messages for group members: easy read, a picture beside each, checked on every build.

A topic's Key messages section (``[key_messages]`` in ``page-kinds.toml``) is
what group members take away, shown to them on the slides for the room
(``make slides``, ``_ext/slides.py``).  It is written as handouts are: each
message a key point that starts with its picture (the ``key-point`` role of
``_ext/symbols.py``), words on the right::

    ## Key messages

    {key-point}`warning_light` Offending started with **a trigger**.
    It started long before I switched on the computer.

The checks, each a warning naming the file and line (so ``-W`` fails the
build, and ``_ext/stay_failed.py`` fails the next one too):

* the section holds key points only: no list, no plain paragraph, and no
  programme-wording box (facilitators' words; group members never see them).
  A ``versionchanged`` or ``versionadded`` note may follow them;
* each key point bolds its key words;
* the easy-read rules of ``[handout]``: sentences of at most ``max_words``
  words (one sentence a line), no italics, no capitals for emphasis.

The pictures themselves (a known symbol, in the project, never a child) are
checked by ``_ext/symbols.py``, as for every key point.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from curriculum import SENTENCE_END, WORD, _kind_for, _line_at, _section_title, load_schema
from guard import guarded
from symbols import key_point

logger = logging.getLogger(__name__)

#: What may sit between key messages besides them: notes of what changed, labels, comments.
ALLOWED = (key_point, addnodes.versionmodified, nodes.target, nodes.comment)


def rules() -> dict:
    """The declared rules: ``[key_messages]`` and the word rules of ``[handout]``."""
    schema = load_schema()
    return {**schema.get("key_messages", {}), "handout": schema.get("handout", {})}


def key_message_section(doctree: nodes.document, section_title: str) -> nodes.section | None:
    """The page's second-level section titled *section_title*, or None."""
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return None
    return next((child for child in top.children
                 if isinstance(child, nodes.section) and _section_title(child) == section_title), None)


def _line(node: nodes.Node) -> int | None:
    """The node's line, or its first descendant's (a list has none of its own)."""
    return next((n.line for n in node.findall(nodes.Element) if n.line), None)


def _warn(docname: str, line: int | None, message: str) -> None:
    logger.warning("%s [key-messages]", message, location=(docname, line),
                   type="curriculum", subtype="key-messages")


def _sentence_problems(point: key_point, spec: dict) -> list[tuple[int | None, str]]:
    """The easy-read word rules, with each problem's own line."""
    problems = []
    words_node = point[1] if len(point.children) > 1 else point
    for emphasis in words_node.findall(nodes.emphasis):
        problems.append((point.line, f"italics in a key message ('{emphasis.astext()}'): use bold"))
    allowed = set(spec.get("allowed_capitals", []))
    limit = spec.get("max_words", 15)
    for block in words_node.findall(nodes.paragraph):
        text = block.astext()
        for word in WORD.finditer(text):
            if len(word[0]) >= 2 and word[0].isupper() and word[0] not in allowed:
                problems.append((_line_at(block, word.start()) or point.line,
                                 f"capitals for emphasis in a key message ('{word[0]}'): use bold"))
        bounds = [0] + [end.end() for end in SENTENCE_END.finditer(text)] + [len(text)]
        for start, stop in zip(bounds, bounds[1:]):
            sentence = " ".join(text[start:stop].split())
            count = len([w for w in WORD.findall(sentence) if not set(w) <= set("_-")])
            if count > limit:
                problems.append((_line_at(block, start) or point.line,
                                 f"key message sentence of {count} words (at most {limit}): split it, "
                                 f"one idea a sentence: '{sentence[:60]}...'"))
    return problems


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    spec = rules()
    docname = app.env.docname
    title = spec.get("section")
    if not title or _kind_for(load_schema(), docname) not in spec.get("kinds", []):
        return
    section = key_message_section(doctree, title)
    if section is None:
        return  # the missing heading is curriculum.py's message
    points, reported = 0, False
    for child in section.children[1:]:
        if isinstance(child, key_point):
            points += 1
            if next(iter(child.findall(nodes.strong)), None) is None:
                _warn(docname, child.line,
                      "a key message bolds its key words: put ** around the words that matter most")
            for line, message in _sentence_problems(child, spec["handout"]):
                _warn(docname, line, message)
        elif "programme-wording" in child.get("classes", []):
            reported = True
            _warn(docname, child.line,
                  f"a programme-wording box cannot go in '{title}': group members see the key messages "
                  "(on the slides); put the box in 'Background for facilitators'")
        elif not isinstance(child, ALLOWED):
            reported = True
            kind = "a list" if isinstance(child, (nodes.bullet_list, nodes.enumerated_list)) else "text"
            _warn(docname, _line(child) or section[0].line,
                  f"'{title}' holds {kind} that is not a key point: write each message for group members "
                  "as a paragraph that starts with its picture, {key-point}`SYMBOL` **key words** ..., "
                  "in easy read (see AUTHORING.md, 'Key messages')")
    if not points and not reported:
        _warn(docname, section[0].line,
              f"'{title}' has no key point: write each message as {{key-point}}`SYMBOL` **key words** ...")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.setup_extension("symbols")
    app.connect("doctree-read", on_doctree_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
