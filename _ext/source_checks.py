"""Files an author saves wrongly are reported with their line, not as a crash.

Sphinx 9 reads every page strictly as UTF-8: a page saved in another encoding
(Windows-1252, Latin-1) stops the build with a ``UnicodeDecodeError`` that names
no file, and pybtex stops it with a traceback on a ``.bib`` file with an
unclosed brace.  What this adds:

* before Sphinx reads the pages that changed (``env-before-read-docs``), each
  is checked: a page that is not UTF-8, or is empty (saved with nothing in
  it), is a warning naming the file, the line and what to do, and is not read.  A page read before keeps what was read
  from it last time, so its links and the checks across pages stand and the
  one message is the only one; a new page is left out of the build (a link or
  a toctree entry to it then says so too).  The next build checks it again;
* each ``.bib`` file in ``bibtex_bibfiles`` is checked before
  sphinxcontrib-bibtex reads it: its encoding, its braces (an entry with a
  ``{`` never closed, or a ``}`` too many, is named with its line) and
  pybtex's own syntax errors, with their lines.  While the bibliography has a
  mistake, pybtex's errors are captured rather than raised (a file it cannot
  decode at all is not given to it), and citations of keys it could not read
  are not reported one by one: the one message says why.
"""

from __future__ import annotations

import contextlib
import logging as stdlib_logging
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
# Undocumented: Sphinx's logger namespace (also in stay_failed.py; tests/test_internals.py checks it).
from sphinx.util.logging import NAMESPACE

from guard import guarded

logger = logging.getLogger(__name__)

SAVE_AS_UTF8 = ("save the file again as UTF-8 (in most editors: Save As, then choose the "
                "encoding UTF-8), or type the character again")


# -- pages -----------------------------------------------------------------------


def not_utf8(raw: bytes, encoding: str = "utf-8-sig") -> tuple[int, str] | None:
    """(line, the line's text with the unreadable bytes shown as '?') of the first byte that
    is not *encoding*; None when all of *raw* is."""
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as error:
        start = raw.rfind(b"\n", 0, error.start) + 1
        stop = raw.find(b"\n", error.start)
        text = raw[start:stop if stop != -1 else len(raw)].decode(encoding, errors="replace")
        return raw.count(b"\n", 0, error.start) + 1, text.strip().replace("\ufffd", "?")
    return None


#: What an empty page may still hold: front matter, label lines, comments, white space.
NOTHING = re.compile(r"\A---\n.*?^---[ \t]*$|^\([^)\s]+\)=[ \t]*$|<!--.*?-->|^%.*$|\s+", re.S | re.M)


def is_empty(text: str) -> bool:
    """Whether a page holds nothing to read: no title, no text."""
    return not NOTHING.sub("", text)


@guarded
def on_before_read_docs(app: Sphinx, env, docnames: list[str]) -> None:
    """Leave out of this build, with a warning, each page to be read that is not UTF-8 or is empty."""
    for docname in list(docnames):
        try:
            raw = Path(env.doc2path(docname)).read_bytes()
        except OSError:
            continue  # Sphinx reports a file it cannot open
        found = not_utf8(raw, app.config.source_encoding)
        if found is not None:
            line, text = found
            logger.warning("this page is not saved as UTF-8: line %d has a character that cannot be read "
                           "('%s', shown here as '?'): %s [encoding]", line, text[:60], SAVE_AS_UTF8,
                           location=(docname, line), type="source", subtype="encoding")
        elif is_empty(raw.decode(app.config.source_encoding)):
            logger.warning("the page is empty: copy its template from templates/ and fill it in, or "
                           "delete the page and its line in the toctree of its folder's index.md [empty]",
                           location=(docname, 1), type="source", subtype="empty")
        else:
            continue
        docnames.remove(docname)
        if docname not in env.all_docs:
            # Never read: nothing to write for it, so it is not a page of this build.
            env.found_docs.discard(docname)


# -- the bibliography ----------------------------------------------------------

ENTRY = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)")
FIELD = re.compile(r"^\s*[\w-]+\s*=")


def brace_problems(text: str) -> list[tuple[int, str]]:
    """Unbalanced braces in a .bib text: (line, message) for each, at the line to correct.

    An entry is ``@type{key, field = {value}, ...}``: a field that starts while
    the one before it is still open points at that one, the usual mistake."""
    problems = []
    lines = text.splitlines()
    depth = 0
    entry = None  # (line, key) of the entry being read
    field = None  # the line of the last field that started at the entry's own depth
    culprit = None  # the line of a field still open when the next one started
    for number, line in enumerate(lines, start=1):
        match = ENTRY.match(line)
        if match and match[1].lower() != "comment":
            if depth > 0:
                problems.append(_unclosed(entry, culprit, lines))
            depth, entry, field, culprit = 0, (number, match[2]), None, None
        elif depth == 0 and line.lstrip().startswith("%"):
            continue  # a comment line between entries
        if FIELD.match(line) and entry is not None:
            if depth == 0 and field is not None:
                # The entry was closed by a field before this one: that field has a '}' too many.
                problems.append((field, f"in entry '{entry[1]}', the field '{lines[field - 1].strip()[:50]}' "
                                        "has a '}' too many, which ends the entry early: remove it"))
                entry = None
            if depth > 1 and culprit is None:
                culprit = field
            if depth == 1:
                field = number
        escaped = False
        for char in line:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0 and entry is not None:
                    key = f" in entry '{entry[1]}'" if entry else ""
                    problems.append((number, f"a '}}' too many{key}: remove it, or add the '{{' it closes"))
                if depth < 0:
                    depth = 0
    if depth > 0:
        problems.append(_unclosed(entry, culprit, lines))
    return problems


def _unclosed(entry, culprit: int | None, lines: list[str]) -> tuple[int, str]:
    key = f"entry '{entry[1]}'" if entry else "the file"
    if culprit is not None:
        return culprit, (f"in {key}, the field '{lines[culprit - 1].strip()[:50]}' has a '{{' that is never "
                         "closed: end its value with '}' (every field is written name = {value},)")
    line = entry[0] if entry else 1
    return line, (f"{key} is never closed: end it with a '}}' on a line of its own, after its last field")


def _syntax_problems(path: Path, encoding: str) -> list[tuple[int | None, str]]:
    """pybtex's own complaints about the file, with their lines and what to do."""
    import pybtex.errors
    from pybtex.database.input.bibtex import Parser

    with pybtex.errors.capture() as captured:
        Parser(encoding).parse_file(str(path))
    text = path.read_text(encoding=encoding, errors="replace")
    problems = []
    for error in captured:
        line = getattr(error, "lineno", None)
        repeated = re.match(r"repeated bibliography entry: (.+)", str(error))
        if repeated:  # point at its second entry
            key = repeated[1]
            found = list(re.finditer(rf"^\s*@\s*\w+\s*[{{(]\s*{re.escape(key)}\s*,", text, re.M | re.I))
            line = text.count("\n", 0, found[-1].start()) + 1 if found else None
            problems.append((line, f"the entry '{key}' is there twice: keep one, or give this one another key"))
        else:
            problems.append((line, f"{error}: check this line and the one before it (each field is "
                                   "name = {value} and ends with a comma; each entry is @type{key, ...})"))
    return problems


def bib_problems(path: Path, encoding: str) -> list[tuple[int | None, str]]:
    """Every mistake found in one .bib file, as (line, message)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [(None, f"cannot read the bibliography ({error.strerror}): check bibtex_bibfiles in conf.py")]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        return [(line, f"the bibliography is not saved as UTF-8 (line {line}): {SAVE_AS_UTF8}")]
    return brace_problems(text) or _syntax_problems(path, encoding)


def _bibfiles(app: Sphinx) -> list[Path]:
    # As sphinxcontrib-bibtex reads them: relative to the folder of conf.py.
    return [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles or []]


@guarded
def before_bibtex(app: Sphinx) -> None:
    """Check each .bib file; while one has a mistake, keep pybtex from raising on it."""
    import pybtex.errors

    broken, unreadable = False, set()
    for name, path in zip(app.config.bibtex_bibfiles or [], _bibfiles(app)):
        for line, message in bib_problems(path, app.config.bibtex_encoding):
            broken = True
            if "not saved as UTF-8" in message or "cannot read" in message:
                unreadable.add(name)
            logger.warning("%s [bibliography]", message, location=f"{path}:{line}" if line else str(path),
                           type="source", subtype="bibliography")
    if unreadable:
        # pybtex would stop on the first byte it cannot read: sphinxcontrib-bibtex reads the others
        # only, this once (after_bibtex puts the list back, so the configuration is unchanged).
        app.bib_all_files = list(app.config.bibtex_bibfiles)
        app.config.bibtex_bibfiles = [name for name in app.bib_all_files if name not in unreadable]
    if broken:
        app.bib_capture = contextlib.ExitStack()
        app.bib_capture.enter_context(pybtex.errors.capture())
        # The keys after the mistake cannot be read: the message above says why.  (On the
        # handlers: a logger's own filters do not see the records of the loggers below it.)
        for handler in stdlib_logging.getLogger(NAMESPACE).handlers:
            handler.addFilter(_without_unread_keys)


#: What follows from a broken .bib file, said already by its one message: keys after the
#: mistake cannot be found, and an entry cut short by it lacks the fields after the break.
CONSEQUENCES = {("bibtex", "key_not_found"), ("bibtex", "missing_field")}


def _without_unread_keys(record: stdlib_logging.LogRecord) -> bool:
    """Leave out what follows from the mistake while the bibliography cannot be read."""
    return (getattr(record, "type", None), getattr(record, "subtype", None)) not in CONSEQUENCES


@guarded
def after_bibtex(app: Sphinx) -> None:
    capture = getattr(app, "bib_capture", None)
    if capture is not None:
        capture.close()
        app.bib_capture = None
    if getattr(app, "bib_all_files", None) is not None:
        app.config.bibtex_bibfiles = app.bib_all_files
        app.bib_all_files = None


@guarded
def on_build_finished(app: Sphinx, exception) -> None:
    for handler in stdlib_logging.getLogger(NAMESPACE).handlers:
        handler.removeFilter(_without_unread_keys)


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.connect("env-before-read-docs", on_before_read_docs)
    if "sphinxcontrib.bibtex" in app.extensions or "bibtex_bibfiles" in app.config:
        # sphinxcontrib-bibtex reads the .bib files at builder-inited, priority 500.
        app.connect("builder-inited", before_bibtex, priority=499)
        app.connect("builder-inited", after_bibtex, priority=501)
        app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
