"""The marked box for programme wording that is no longer used as written.

The programme's lists are curriculum: facilitators must still see them.
Where a line is no longer safe or current to use with group members, a topic
page keeps it in one kind of box, declared in ``page-kinds.toml``
(``[programme_wording]``)::

    ::::{programme-wording}
    :reason: Why it is no longer used as written.

    The programme's wording, as written.

    :::{say-instead}
    What facilitators say instead.
    :::
    ::::

What this adds:

* the ``programme-wording`` and ``say-instead`` directives.  The box is a
  generic admonition titled as declared ("Programme wording, revised"), with
  the class ``programme-wording``; the programme's words sit in a container
  with the class ``programme-original``, the revised words in one with the
  class ``say-instead``.  Plain docutils nodes: every builder can write them;
* the checks: a box needs its reason, the programme's wording and exactly one
  ``say-instead``; ``say-instead`` belongs inside a box; a box never goes
  inside group-member material (the declared ``never_inside`` classes, such as
  a handout).  Each failure is a warning naming the file and line, so ``-W``
  fails the build.

Other checks and tools (the terminology rule, handouts, slides) find the
programme's words by the ``programme-original`` class and leave them out of
anything a group member reads.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from curriculum import load_schema
from guard import guarded

logger = logging.getLogger(__name__)

BOX = "programme-wording"
ORIGINAL = "programme-original"
INSTEAD = "say-instead"


def rules() -> dict:
    """The declared rules: ``[programme_wording]`` in page-kinds.toml."""
    return load_schema().get("programme_wording", {})


def _warn(location, message: str) -> None:
    logger.warning("%s [programme-wording]", message, location=location,
                   type="curriculum", subtype="programme-wording")


class ProgrammeWordingDirective(SphinxDirective):
    """``{programme-wording}``: the programme's words, why not as written, and what to say instead."""

    has_content = True
    option_spec = {"reason": directives.unchanged}

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        title = rules().get("title", "Programme wording, revised")
        box = nodes.admonition(classes=[BOX])
        self.set_source_info(box)
        box += nodes.title(title, title)
        original = nodes.container(classes=[ORIGINAL])
        self.set_source_info(original)
        self.state.nested_parse(self.content, self.content_offset, original)
        instead = [child for child in original.children if INSTEAD in child.get("classes", [])]
        for child in instead:
            original.remove(child)
        reason = (self.options.get("reason") or "").strip()
        location = self.get_location()
        if not reason:
            _warn(location, "a programme-wording box needs ':reason:', saying why the programme's "
                            "wording is no longer used as written")
        if not original.children:
            _warn(location, "a programme-wording box needs the programme's own wording, as written")
        if len(instead) != 1:
            _warn(location, "a programme-wording box needs exactly one {say-instead} block, with what "
                            f"facilitators say instead (found {len(instead)})")
        box += nodes.paragraph("", "", nodes.strong(text="The programme's wording"))
        box += original
        if reason:
            para = nodes.paragraph("", "", nodes.strong(text="Why it is no longer used as written: "))
            para += nodes.Text(reason)
            box += para
        for block in instead:
            box += nodes.paragraph("", "", nodes.strong(text="Say instead"))
            box += block
        return [box]


class SayInsteadDirective(SphinxDirective):
    """``{say-instead}``: inside a programme-wording box, the wording facilitators use."""

    has_content = True

    @guarded(default=list)
    def run(self) -> list[nodes.Node]:
        block = nodes.container(classes=[INSTEAD])
        self.set_source_info(block)
        self.state.nested_parse(self.content, self.content_offset, block)
        if not block.children:
            _warn(self.get_location(), "a {say-instead} block is empty: write what facilitators say instead")
        return [block]


def _inside(node: nodes.Node, names: set[str]) -> bool:
    """Whether an ancestor of *node* has one of *names* as a class or as its kind of node."""
    parent = node.parent
    while isinstance(parent, nodes.Element):
        if names & {*parent.get("classes", []), type(parent).__name__}:
            return True
        parent = parent.parent
    return False


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Where the boxes may go: never inside group-member material; say-instead only in a box."""
    never = set(rules().get("never_inside", []))
    for node in doctree.findall(nodes.Element):
        classes = set(node.get("classes", []))
        if BOX in classes and _inside(node, never):
            _warn((app.env.docname, node.line),
                  "programme wording is for facilitators: a programme-wording box cannot go inside "
                  f"group-member material ({', '.join(sorted(never))}); put it in a facilitator section")
        elif INSTEAD in classes and not _inside(node, {BOX}):
            _warn((app.env.docname, node.line),
                  "a {say-instead} block belongs inside a {programme-wording} box")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.add_directive("programme-wording", ProgrammeWordingDirective)
    app.add_directive("say-instead", SayInsteadDirective)
    app.connect("doctree-read", on_doctree_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
