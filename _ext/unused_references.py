"""Every entry of the manual's bibliography is cited on some page.

sphinxcontrib-bibtex's ``{bibliography}`` directive lists only the entries
that pages cite, so an entry cited nowhere disappears from the manual without
a word: a source nobody checks, that may be wrong, and that nobody will see.
This extension warns about each such entry, naming the ``.bib`` file and the
line where the entry starts, so that the strict build fails until the entry is
cited or removed.

It reads what sphinxcontrib-bibtex already knows, through its ``cite`` domain:
the parsed bib files (``bibdata``) and every citation on every page
(``citation_refs``).  The check runs on ``env-updated``, which Sphinx emits on
every build, a no-change rebuild included, so the warning comes back until the
entry is fixed.

Only bib files inside the source folder are checked.  A bib file from outside
it may be shared with other projects, which cite the rest; the small test
projects in ``tests/test_rules.py`` borrow the manual's own in that way.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
from guard import guarded

logger = logging.getLogger(__name__)

# "@article{key," at the start of an entry; @comment, @string and @preamble are not entries.
ENTRY = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,", re.M)
NOT_ENTRIES = {"comment", "string", "preamble"}


def entry_lines(text: str) -> dict[str, int]:
    """The 1-based line where each entry starts, by its key in lower case (keys ignore case)."""
    lines: dict[str, int] = {}
    for match in ENTRY.finditer(text):
        if match.group(1).lower() not in NOT_ENTRIES:
            lines.setdefault(match.group(2).lower(), text.count("\n", 0, match.start(2)) + 1)
    return lines


@guarded
def check_unused(app: Sphinx, env) -> list[str]:
    """Warn once for each entry of a bib file in the source folder that no page cites."""
    domain = env.get_domain("cite")
    cited = {target.key.lower() for ref in domain.citation_refs for target in ref.targets}
    srcdir = Path(app.srcdir).resolve()
    for bibfile, info in domain.bibdata.bibfiles.items():
        path = Path(bibfile).resolve()
        if srcdir not in path.parents:
            continue
        lines = entry_lines(path.read_text(encoding=app.config.bibtex_encoding))
        for key in info.keys:
            if key.lower() in cited:
                continue
            line = lines.get(key.lower(), 0)  # 0: the entry's line could not be found
            logger.warning(
                "bibliography entry %r is cited nowhere: cite it on a page with {cite:p}`%s`, "
                "or remove it from %s", key, key, path.name,
                location=f"{path}:{line}",
                type="references", subtype="unused")
    return []


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("env-updated", check_unused)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
