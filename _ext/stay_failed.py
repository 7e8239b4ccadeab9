"""A failed build stays failed: the pages that warned are read again by the next build.

Sphinx reads again only the pages that changed since the last build, so its
warnings about a page come once: a second ``make html`` with the mistake still
there would say "build succeeded" (Sphinx issue 725).  What this adds:

* every warning and error of a build is noted with the page it names
  (suppressed warnings, listed in ``suppress_warnings``, do not count);
* when the build ends, the pages that warned are kept in
  ``<doctrees>/warned-pages-<builder>.json``; a warning that names no page (a
  mistake in ``VERSION``, the change log, the bibliography, ``page-kinds.toml``)
  marks every page;
* at the start of the next build (``env-get-outdated``) those pages are read
  again, so their warnings, and the checks across pages, come again, with the
  same messages, until the mistake is fixed.  ``make html``, ``make pdf`` and
  ``make livehtml`` all build through this.

A build that stops on an exception needs nothing from here: Sphinx then drops
its saved environment, and the next build reads every page.
"""

from __future__ import annotations

import json
import logging as stdlib_logging
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
# Undocumented parts of sphinx.util.logging (its logger namespace, and how suppress_warnings is
# matched), relied on here and in source_checks.py; tests/test_internals.py fails if they change.
from sphinx.util.logging import NAMESPACE, is_suppressed_warning

from guard import guarded

logger = logging.getLogger(__name__)

EVERY_PAGE = "*"
LINE_SUFFIX = re.compile(r":\d+$")


class WarningNotes(stdlib_logging.Handler):
    """Notes where each warning of the build points (a page, a file, or nowhere)."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(level=stdlib_logging.WARNING)
        self.app = app
        self.locations: list = []

    def emit(self, record: stdlib_logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if is_suppressed_warning(kind, subtype, self.app.config.suppress_warnings):
            return
        location = getattr(record, "location", None)
        if isinstance(location, nodes.Node):
            location = (location.source, location.line)
        self.locations.append(location)


def _page(env, location) -> str:
    """The page a warning's *location* names, or EVERY_PAGE when it names none."""
    if isinstance(location, tuple):
        location = location[0]
    if not location:
        return EVERY_PAGE
    text = str(location)
    for candidate in (text, LINE_SUFFIX.sub("", text)):
        if candidate in env.found_docs:
            return candidate
        try:
            docname = env.path2doc(candidate)
        except (OSError, ValueError):
            docname = None
        if docname in env.found_docs:
            return docname
    return EVERY_PAGE


def _notes_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"warned-pages-{app.builder.name}.json"


@guarded(default=list)
def on_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Read again the pages that warned in the last build of this builder."""
    try:
        pages = json.loads(_notes_file(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(pages, list):
        return []
    if EVERY_PAGE in pages:
        return sorted(env.found_docs)
    return sorted(set(pages) & env.found_docs)


@guarded
def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    notes: WarningNotes = app.warning_notes
    stdlib_logging.getLogger(NAMESPACE).removeHandler(notes)
    path = _notes_file(app)
    if exception is not None or app.env is None:
        return
    pages = sorted({_page(app.env, location) for location in notes.locations})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pages), encoding="utf-8")
    if pages:
        which = "every page" if EVERY_PAGE in pages else f"{len(pages)} page(s) with warnings"
        logger.info("stay_failed: %s will be read again by the next build", which)


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.warning_notes = WarningNotes(app)
    stdlib_logging.getLogger(NAMESPACE).addHandler(app.warning_notes)
    app.connect("env-get-outdated", on_get_outdated)
    # Last: the warnings of other build-finished handlers count too.
    app.connect("build-finished", on_build_finished, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
