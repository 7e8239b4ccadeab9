"""An author's mistake fails the build fast, names the file and line, and fails again.

Each case copies the project (conf.py, _ext/, VERSION, CHANGELOG.md) with the
small valid fixture of tests/test_rules.py as its pages, makes one mistake an
author could make in a page, its front matter, the bibliography, the glossary,
a diagram, the change log, VERSION or page-kinds.toml, and builds it twice.
Each build must end within a bounded time (a subprocess timeout: a hang fails
the test), exit 1 with no traceback, and name the file and line with the
expected message; the second, with nothing changed, must fail the same way.

Then: a bug in one of the manual's own handlers, guarded or not, in a parallel
build, ends the build instead of hanging; every builder the README promises
builds the fixture; and ``make livehtml`` keeps failing while the mistake is there.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, SHARED_RENDERER, Build, sphinx_build
from test_rules import FIXTURE_TIMEOUT, assert_fails_again, assert_no_traceback, line_of, write_fixture

# Each case builds a copy of the project of its own: `make check` leaves them out (pytest.ini).
pytestmark = pytest.mark.fixtures

#: What a copy of the project takes from the real one; docs/ is the fixture.
PROJECT_FILES = ["conf.py", "VERSION", "CHANGELOG.md"]
# tools/: conf.py takes Chromium and its flags from tools/manual_tools.py.
PROJECT_DIRS = ["_ext", "_static", "_templates", "symbols", "tools"]
TOPIC, EXERCISE = "docs/modules/one-topic.md", "docs/exercises/one-exercise.md"
GLOSSARY, BIB = "docs/reference/glossary.md", "docs/reference/references.bib"

# The one entry the fixture cites, as an author writes it (the mistakes below break its fields).
FIXTURE_BIB = """\
@misc{soa2003,
  author = {{UK Parliament}},
  title = {Sexual Offences Act 2003},
  year = {2003},
  note = {https://www.legislation.gov.uk/ukpga/2003/42}
}
"""


@dataclass
class Project:
    """A copy of the project whose pages are the valid fixture."""

    root: Path

    @property
    def src(self) -> Path:
        return self.root / "docs"

    def build(self, builder: str = "html", *extra: str, timeout: float = FIXTURE_TIMEOUT) -> Build:
        # As `make BUILDER` does: the doctrees beside the output, not in it (an EPUB would take them in).
        return sphinx_build(self.src, self.root / "_build" / builder, builder, *SHARED_RENDERER,
                            "-d", str(self.root / "_build" / "doctrees" / builder), *extra,
                            confdir=self.root, timeout=timeout)


def copy_project(root: Path) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, root / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    write_fixture(root)
    # conf.py names the bibliography relative to itself: docs/reference/references.bib.  The
    # fixture's own holds only the entry its pages cite: every entry must be cited somewhere.
    (root / BIB).write_text(FIXTURE_BIB, encoding="utf-8")
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path / "project")


def warning_blocks(build: Build) -> list[str]:
    """Each warning or error of the -w file, with its continuation lines."""
    blocks: list[str] = []
    for line in build.warnings.splitlines():
        if re.search(r"\b(WARNING|ERROR|CRITICAL):", line) or not blocks:
            blocks.append(line)
        else:
            blocks[-1] += "\n" + line
    return blocks


def assert_reported(build: Build, path: Path, line: int | None, message: str, tag: str, only: bool) -> None:
    """The build failed (status 1: warnings, not a crash) with *message* at *path*:*line*, tagged *tag*.

    With *only*, it is the build's one warning; otherwise others may come with it.
    """
    assert build.returncode == 1, build.output[-3000:]
    assert_no_traceback(build)
    where = re.escape(str(path)) + (f":{line}" if line is not None else "")
    pattern = rf"^{where}: (WARNING|ERROR): {message}"
    blocks = warning_blocks(build)
    found = [b for b in blocks if re.match(pattern, b) and b.rstrip().endswith(f"[{tag}]")]
    assert len(found) == 1, f"expected one warning matching\n  {pattern} ... [{tag}]\ngot:\n{build.warnings}"
    if only:
        assert len(blocks) == 1, f"expected that warning alone, got:\n{build.warnings}"


# -- one mistake a case ---------------------------------------------------------


@dataclass
class Mistake:
    """In file *name* (relative to the project), replace *old* by *new* (no *old*: *new* is the file).

    The build must fail with *message* (a regular expression) tagged *tag*, at
    the line holding *at* (a needle, a line number, or None for no line), as its
    only warning unless *only* is False (what follows from the mistake is reported too).
    *encoding* saves the file in another encoding; *prebuild* builds the valid
    fixture first, so that the mistake is an edit of a page already built.
    """

    name: str
    old: str | None
    new: str
    tag: str
    message: str
    at: str | int | None
    only: bool = True
    encoding: str = "utf-8"
    prebuild: bool = False
    builder: str = "html"
    timeout: float = FIXTURE_TIMEOUT


def make(project: Project, mistake: Mistake) -> tuple[Path, int | None]:
    """Make *mistake* in *project*; return the file and the line the message must name."""
    path = project.root / mistake.name
    if mistake.old is None:
        text = mistake.new
    else:
        text = path.read_text(encoding="utf-8")
        assert mistake.old in text, f"{mistake.name} has no {mistake.old!r}: the fixture changed"
        text = text.replace(mistake.old, mistake.new, 1)
    path.write_bytes(text.encode(mistake.encoding))
    line = line_of(text, mistake.at) if isinstance(mistake.at, str) else mistake.at
    return path, line


DIAGRAM = ("```{mermaid}\n:caption: Two boxes\n:alt: Box A leads to box B.\n\n"
           "flowchart TD\n  A --> B\n  B -->> C[\n```\n\n## Key messages")

MISTAKES = {
    # -- pages
    "page-without-title": Mistake(
        TOPIC, "# One topic\n", "", "curriculum.title",
        r"the page has no '#' title \(its first heading, 'Aims', is a '##' section\): add the title line",
        "## Aims", only=False),  # MyST also says, at each '##' heading, that headings start at H2
    "page-without-label": Mistake(
        TOPIC, "(mod-one-topic)=\n", "", "curriculum.label",
        r"the page has no label: put the line \(mod-one-topic\)= above its title", "# One topic",
        only=False),  # the exercise's links to the label are reported too
    "page-emptied": Mistake(
        TOPIC, None, "", "source.empty", r"the page is empty: copy its template from templates/", 1,
        prebuild=True),
    "new-page-saved-empty": Mistake(
        TOPIC, None, "\n", "source.empty", r"the page is empty: copy its template from templates/", 1,
        only=False),  # never read: the toctree entry and links to it are reported too
    "page-saved-in-another-encoding": Mistake(
        TOPIC, "Keep to feelings and situations.", "Keep to the café feelings and situations.",
        "source.encoding", r"this page is not saved as UTF-8: line \d+ has a character that cannot be read "
        r"\('Keep to the caf\? feelings and situations\.', shown here as '\?'\): save the file again as UTF-8",
        "Keep to the caf", encoding="latin-1", prebuild=True),
    "new-page-in-another-encoding": Mistake(
        TOPIC, "Keep to feelings and situations.", "Keep to the café’s feelings and situations.",
        "source.encoding", r"this page is not saved as UTF-8: line \d+ has a character that cannot be read",
        "Keep to the caf", encoding="cp1252", only=False),
    # -- front matter
    "front-matter-list-holds-a-number": Mistake(
        EXERCISE, "topic: [mod-one-topic]", "topic: [mod-one-topic, 3]", "curriculum.front-matter",
        r"front matter field 'topic' is \['mod-one-topic', 3\]: it must be a list of labels", "topic:"),
    "front-matter-not-yaml": Mistake(
        EXERCISE, "time: 30\n", "time: 30\n  format: [group\n", "curriculum.front-matter",
        r"front matter is not valid YAML \(.*\): write one field a line as 'name: value'", "format: [group"),
    "front-matter-not-closed": Mistake(
        EXERCISE, "reads them back.\n---\n", "reads them back.\n", "curriculum.front-matter",
        r"the front matter that starts on line 1 has no closing '---' line: add one after its last field", 1,
        only=False),  # docutils also reads the lone '---' as a line across the page
    "front-matter-not-fields": Mistake(
        EXERCISE, "kind: exercise\ntopic: [mod-one-topic]\ntime: 30\nformat: group\ndestination: group-record\n"
        "cannot-read: |\n  Read the chain aloud, link by link, and let the group member point to each link.\n"
        "  A facilitator writes their words on the handout and reads them back.\n",
        "- exercise\n- group\n",
        "curriculum.front-matter", r"front matter must be fields, one a line as 'name: value'", 2),
    "front-matter-unknown-value": Mistake(
        EXERCISE, "format: group", "format: lecture", "curriculum.front-matter",
        r"front matter field 'format' is 'lecture': it must be one of group, pairs, individual, one-to-one",
        "format:"),
    # -- the glossary
    "glossary-definition-not-indented": Mistake(
        GLOSSARY, "trigger\n  Something", "trigger\nSomething", "curriculum.glossary",
        r"glossary entry 'trigger', 'Something that .*' has no definition: write each term on a line of its "
        r"own, and its definition on the next line, indented by two spaces", "trigger"),
    # -- the bibliography
    "bib-unclosed-brace": Mistake(
        BIB, "title = {Sexual Offences Act 2003},", "title = {Sexual Offences Act 2003,",
        "source.bibliography", r"in entry 'soa2003', the field 'title = \{Sexual Offences Act 2003,' has a "
        r"'\{' that is never closed: end its value with '\}'", "title = {Sexual Offences Act 2003,"),
    "bib-brace-too-many": Mistake(
        BIB, "year = {2003},", "year = {2003}},", "source.bibliography",
        r"in entry 'soa2003', the field 'year = \{2003\}\},' has a '\}' too many, which ends the entry early",
        "year = {2003}},"),
    "bib-missing-comma": Mistake(
        BIB, "title = {Sexual Offences Act 2003},", "title = {Sexual Offences Act 2003}",
        "source.bibliography", r"syntax error in line \d+: .* expected: check this line and the one before it",
        "year = {2003},"),
    "bib-in-another-encoding": Mistake(
        BIB, "{{UK Parliament}}", "{{UK Parliamént}}", "source.bibliography",
        r"the bibliography is not saved as UTF-8 \(line \d+\): save the file again as UTF-8", "Parliam",
        encoding="latin-1"),
    # -- diagrams
    "diagram-that-does-not-parse": Mistake(
        TOPIC, "## Key messages", DIAGRAM, "mermaid.syntax",
        r"Mermaid diagram 'Two boxes' could not be rendered: correct its code on this line", "B -->> C[",
        timeout=2 * FIXTURE_TIMEOUT),
    # -- the version and the change log
    "version-holds-words": Mistake(
        "VERSION", None, "one point oh\n", "versioning.version",
        r"VERSION holds 'one point oh': it must hold only the version number, such as 1\.0\.0", 1),
    "version-with-two-parts": Mistake(
        "VERSION", None, "1.0\n", "versioning.version", r"VERSION holds '1\.0': it must hold only", 1),
    "changelog-heading-not-a-release": Mistake(
        "CHANGELOG.md", "### Added", "## Added", "versioning.changelog",
        r"release heading '## Added' is not '## VERSION — YYYY-MM-DD': write it as", "## Added"),
    "changelog-without-unreleased": Mistake(
        "CHANGELOG.md", "## Unreleased", "## Not yet released", "versioning.changelog",
        r"release heading '## Not yet released' is not", "## Not yet released"),
    "changelog-in-another-encoding": Mistake(
        "CHANGELOG.md", "nothing has been released yet", "nothing has been released yet — café",
        "versioning.changelog", r"the change log is not saved as UTF-8: save it again as UTF-8", "café",
        encoding="cp1252"),
    # -- the page-kind rules
    "page-kinds-not-toml": Mistake(
        "_ext/page-kinds.toml", "[kind.topic]", "[kind.topic", "curriculum.page-kinds",
        r"not valid TOML \(.*\): correct it there", "[kind.topic"),
    "page-kinds-unknown-field-type": Mistake(
        "_ext/page-kinds.toml", 'time = "int"', 'time = "integer"', "curriculum.page-kinds",
        r"\[kind\.exercise\.fields\] time = 'integer' is not a field type the build knows", 'time = "integer"'),
    "page-kinds-kind-without-headings": Mistake(
        "_ext/page-kinds.toml", 'headings = ["Purpose", "Time", "Materials", "Steps", "Facilitator notes", '
        '"Handout"]\n', "", "curriculum.page-kinds",
        r"\[kind\.exercise\] needs 'headings' .*: the pages of this kind are not checked", "[kind.exercise]"),
    # -- the PDF's builder keeps failing too
    "pdf-front-matter-list-holds-a-number": Mistake(
        EXERCISE, "topic: [mod-one-topic]", "topic: [mod-one-topic, 3]", "curriculum.front-matter",
        r"front matter field 'topic' is \['mod-one-topic', 3\]: it must be a list of labels", "topic:",
        builder="latex"),
}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_fails_fast_naming_file_and_line_and_fails_again(mistake: Mistake, project: Project) -> None:
    if mistake.prebuild:
        first = project.build(mistake.builder)
        assert first.ok, first.warnings or first.output[-2000:]
    path, line = make(project, mistake)
    build = project.build(mistake.builder, timeout=mistake.timeout)
    assert_reported(build, path, line, mistake.message, mistake.tag, mistake.only)
    # Nothing changed: the same failure, with the same messages, until the mistake is fixed.
    again = project.build(mistake.builder, timeout=mistake.timeout)
    assert_no_traceback(again)
    assert_fails_again(build, again)


def test_fixing_the_mistake_makes_the_next_build_pass(project: Project) -> None:
    path, _ = make(project, MISTAKES["front-matter-list-holds-a-number"])
    assert project.build().returncode == 1
    path.write_text(path.read_text(encoding="utf-8").replace(", 3]", "]"), encoding="utf-8")
    fixed = project.build()
    assert fixed.ok, fixed.warnings or fixed.output[-2000:]


# -- a bug in the manual's own code ------------------------------------------------

#: A handler with a bug, for a copy of the project.  BOOM_PAGES=reference/ makes it raise
#: while those pages are resolved for writing, after the worker processes of a parallel
#: build have started; CHATTY makes each page written log enough to fill a worker's pipe.
BOOM = '''\
"""Test extension: a handler with a bug."""
import os

from sphinx.util import logging

from guard import guarded

logger = logging.getLogger(__name__)


def chatty(app, pagename, templatename, context, doctree):
    for _ in range(40):
        logger.info("x" * 2000)


def boom(app, doctree, docname):
    if docname.startswith("reference/"):
        raise KeyError("boom")


def setup(app):
    app.setup_extension("guard")
    app.connect("html-page-context", chatty)
    app.connect("doctree-resolved", guarded(boom) if os.environ.get("BOOM_GUARDED") else boom)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
'''


def add_buggy_extension(project: Project, pages: int = 30) -> None:
    """The test extension, and enough pages for several parallel write chunks."""
    (project.root / "_ext" / "boom.py").write_text(BOOM, encoding="utf-8")
    conf = project.root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace("\nextensions = [", '\nextensions = [\n    "boom",', 1),
                    encoding="utf-8")
    (project.src / "extra").mkdir()
    for number in range(pages):
        (project.src / "extra" / f"page-{number:02d}.md").write_text(f"# Extra {number}\n\nText.\n", encoding="utf-8")
    entries = "\n".join(f"extra/page-{number:02d}" for number in range(pages))
    index = project.src / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("reference/index", f"reference/index\n{entries}"),
                     encoding="utf-8")


def test_a_guarded_handler_that_fails_ends_the_build_with_one_clear_error_per_page(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    add_buggy_extension(project)
    monkeypatch.setenv("BOOM_GUARDED", "1")
    build = project.build("html", "-j", "3")
    assert build.returncode == 1, build.output[-3000:]
    errors = [b for b in warning_blocks(build) if "ERROR:" in b.splitlines()[0]]
    assert errors, build.warnings
    assert all(re.match(rf"^{re.escape(str(project.src / 'reference'))}/\w+\.md: ERROR: the manual's boom "
                        r"extension failed in boom \(KeyError: 'boom'\)\. This is a bug in _ext/boom\.py, not "
                        r"a mistake in this page", e) for e in errors), build.warnings


def test_an_unguarded_handler_that_fails_during_a_parallel_write_ends_the_build(project: Project) -> None:
    """Without guard.end_workers this build waits for its workers for ever: the timeout fails the test."""
    add_buggy_extension(project)
    build = project.build("html", "-j", "3")
    assert build.returncode == 2, build.output[-3000:]
    assert "threw an exception (exception: 'boom')" in build.output


# -- every builder the README promises ---------------------------------------------

#: `make <builder>` for these: each builds the fixture, handout and all, with no warning.
BUILDERS = ["text", "man", "texinfo", "singlehtml", "dirhtml", "epub", "latex", "xml", "changes",
            "gettext", "linkcheck"]


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_builder_builds_the_manual_strictly(builder: str, project: Project) -> None:
    build = project.build(builder)
    assert build.ok, build.warnings or build.output[-3000:]
    assert_no_traceback(build)


def test_text_and_man_pages_keep_each_handout_and_its_title(project: Project) -> None:
    for builder, name in (("text", "exercises/one-exercise.txt"), ("man", "internetoffendingmodule.1")):
        build = project.build(builder)
        assert build.ok, build.warnings or build.output[-2000:]
        outputs = list(build.outdir.rglob(name.rpartition("/")[2]))
        assert outputs, f"no {name} in {build.outdir}"
        text = outputs[0].read_text(encoding="utf-8")
        assert "My chain" in text and "I can break the chain at any step." in text


def test_texinfo_gives_a_diagram_its_text_alternative(project: Project) -> None:
    """Texinfo starts no browser of its own (sphinxcontrib-mermaid's would fail): it prints the alt text."""
    make(project, Mistake(TOPIC, "## Key messages", DIAGRAM.replace("\n  B -->> C[", ""), "", "", None))
    build = project.build("texinfo")
    assert build.ok, build.warnings or build.output[-2000:]
    [texi] = build.outdir.glob("*.texi")
    assert "[diagram: Box A leads to box B.]" in texi.read_text(encoding="utf-8")


# -- make livehtml -------------------------------------------------------------------


def livehtml(project: Project, timeout: float = FIXTURE_TIMEOUT) -> str:
    """Start `make livehtml`'s server on the project, wait for its first build, stop it; its output."""
    log = project.root / "livehtml.log"
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sphinx_autobuild", str(project.src), str(project.root / "_build" / "live"),
             "-c", str(project.root), "-n", "-W", "--keep-going", "--no-color", "-j", "auto", *SHARED_RENDERER,
             "--port", "0", "--host", "127.0.0.1"],
            stdout=out, stderr=subprocess.STDOUT, cwd=project.root, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while "Serving on" not in log.read_text(encoding="utf-8"):
            assert server.poll() is None, log.read_text(encoding="utf-8")[-3000:]
            assert time.monotonic() < deadline, "livehtml's first build did not finish: " + log.read_text()[-3000:]
            time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return log.read_text(encoding="utf-8")


def test_livehtml_keeps_failing_while_the_mistake_is_there(project: Project) -> None:
    path, line = make(project, MISTAKES["front-matter-list-holds-a-number"])
    expected = f"{path}:{line}: WARNING: front matter field 'topic' is ['mod-one-topic', 3]"
    for run in ("first", "second"):
        output = livehtml(project)
        assert expected in output, f"{run} run:\n{output[-3000:]}"
        assert "Sphinx exited with exit code: 1" in output, f"{run} run:\n{output[-3000:]}"
        assert "Traceback" not in output
