"""How readable each handout is, reported by every build, with limits declared in the rules.

Easy read asks for short sentences and short, everyday words.  For each
``handout`` block this measures, over its sentences outside tables (table
cells hold curriculum wording, kept as written):

* the average number of words in a sentence;
* the share of long words: words of three syllables or more, counted with
  Pyphen's English (UK) hyphenation patterns (a maintained library, with no
  data to download; textstat needs NLTK's, which the build cannot fetch).

Sentences end at a full stop, question or exclamation mark, and at the end
of a line (the manual is written one sentence a line); write-in lines
(``____``) are not words.  Every build logs one line a handout; a handout
over a limit declared in ``page-kinds.toml`` (``[handout.readability]``) is a
warning naming its file and line, so ``-W`` fails the build, and fails it
again on the next one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from curriculum import handout, load_schema
from guard import guarded

logger = logging.getLogger(__name__)

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


@lru_cache(maxsize=1)
def limits() -> dict:
    """The declared limits: ``[handout.readability]`` in page-kinds.toml."""
    return load_schema().get("handout", {}).get("readability", {})


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """Syllables in *word*, as English hyphenation splits it (at least one)."""
    return len(_hyphenator().positions(word.lower())) + 1


def measure(sentences: list[str]) -> dict:
    """Sentences, words, average words a sentence and the share of long words, in per cent."""
    counted = [WORD.findall(sentence) for sentence in sentences]
    counted = [words for words in counted if words]
    words = [word for sentence in counted for word in sentence]
    long_words = [word for word in words if syllables(word) >= 3]
    return {
        "sentences": len(counted),
        "words": len(words),
        "average_words": round(len(words) / len(counted), 1) if counted else 0.0,
        "long_words_percent": round(100 * len(long_words) / len(words), 1) if words else 0.0,
    }


def handout_sentences(block: nodes.Element) -> list[str]:
    """The sentences of a handout block, outside its tables and captions."""
    sentences = []
    for paragraph in block.findall(nodes.paragraph):
        parent, skip = paragraph.parent, False
        while parent is not None and parent is not block:
            if isinstance(parent, (nodes.table, nodes.caption)):
                skip = True
                break
            parent = parent.parent
        if not skip:
            # Words a reader sees: not the markup of an inline icon (a raw node).
            text = "".join(node.astext() for node in paragraph.findall(nodes.Text)
                           if not any(isinstance(a, nodes.raw) for a in _ancestors(node, paragraph)))
            text = text.replace("_", " ")
            sentences += [s for s in SENTENCE_END.split(text) if s.strip()]
    return sentences


def _ancestors(node: nodes.Node, stop: nodes.Node):
    """The ancestors of *node* up to, not including, *stop*."""
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent


def _store(env) -> dict:
    if not hasattr(env, "readability"):
        env.readability = {}
    return env.readability


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    found = []
    for block in doctree.findall(handout):
        found.append({"title": block["title"], "line": block.line, **measure(handout_sentences(block))})
    if found:
        _store(app.env)[app.env.docname] = found
    else:
        _store(app.env).pop(app.env.docname, None)


@guarded
def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _store(env).pop(docname, None)


@guarded
def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "readability", {})
    _store(env).update({d: theirs[d] for d in docnames if d in theirs})


@guarded
def on_check_consistency(app: Sphinx, env) -> None:
    """Report every handout's readability, and warn where one is over a declared limit."""
    most_words = limits().get("max_average_words")
    most_long = limits().get("max_long_words_percent")
    handouts = sorted(_store(env).items())
    if handouts:
        logger.info("")  # after Sphinx's "checking consistency... ", on a line of its own
        logger.info("Readability of the handouts (limits: %s words a sentence on average, %s%% long words):",
                    most_words, most_long)
    for docname, found in handouts:
        for entry in found:
            logger.info("  %s, '%s': %d sentences, %.1f words a sentence, %.1f%% long words",
                        env.doc2path(docname, base=False), entry["title"], entry["sentences"],
                        entry["average_words"], entry["long_words_percent"])
            over = []
            if most_words is not None and entry["average_words"] > most_words:
                over.append(f"{entry['average_words']} words a sentence on average (at most {most_words}): "
                            "split long sentences")
            if most_long is not None and entry["long_words_percent"] > most_long:
                over.append(f"{entry['long_words_percent']}% long words (at most {most_long}%): "
                            "use shorter, everyday words")
            for problem in over:
                logger.warning("handout '%s' is hard to read: %s [readability]", entry["title"], problem,
                               location=(docname, entry["line"]), type="curriculum", subtype="readability")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-check-consistency", on_check_consistency)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
