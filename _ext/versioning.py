"""Which revision of the manual this is, shown on every page and in the PDF.

What this adds:

* reads the change log (``CHANGELOG.md``): an ``## Unreleased`` section at the
  top, then one ``## VERSION — YYYY-MM-DD`` section a release.  A malformed
  release heading, a date in the future, or a version listed twice is a
  warning naming the file and line;
* decides the build's status (``decide_status``).  A build is a *release* only
  when the checkout's HEAD is exactly at the tag ``vVERSION``, the tracked
  files are unchanged, and the change log has a dated section for ``VERSION``.
  Any other build is a *development version, not for delivery*, of the next
  version: ``VERSION`` while that has no release tag, else the version after
  the newest release tag (1.0.0 released: 1.1.0).  That version, not
  ``VERSION``, then becomes ``release`` for the build, so the revision line,
  footers, handouts, PDF title page and artefact names (``1.1.0-dev``) agree.
  ``MANUAL_DEVELOPMENT_BUILD=1`` in the environment makes any build a
  development one (``make versions`` builds ``main`` so);
* HTML: a line at the top of every page with the version and release date
  (or the development warning), and the version and date in which the page
  (or a file it includes: the change history page dates ``CHANGELOG.md``)
  last changed.  Git is asked four questions a build (``read_git``; a fifth
  when a tag for ``VERSION`` is elsewhere), never one a page;
* drops an empty ``## Unreleased`` section from the change history page (and
  from the PDF), as a released manual has;
* LaTeX: the release date on the title page, and the version and date (or
  the development warning) in the running footer of every page.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from guard import guarded

logger = logging.getLogger(__name__)

RELEASE_HEADING = re.compile(r"^## (?P<version>\d+(?:\.\d+)+)\s+[—–-]\s+(?P<date>\d{4}-\d{2}-\d{2})\s*$")
DEVELOPMENT = "development version, not for delivery"
#: What VERSION holds: a version number, three whole numbers with dots.
VERSION_NUMBER = re.compile(r"\d+\.\d+\.\d+")


@dataclass
class Release:
    version: str
    date: dt.date
    line: int


class ChangelogError(ValueError):
    """A problem in the change log, with the line it is on."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def read_changelog(path: Path, today: dt.date | None = None) -> list[Release]:
    """The releases in the change log, newest first; raises ChangelogError on bad input."""
    today = today or dt.date.today()
    releases: list[Release] = []
    seen_unreleased = False
    for number, line in enumerate(_changelog_text(path).splitlines(), start=1):
        if not line.startswith("## "):
            continue
        if line.strip() == "## Unreleased":
            if releases or seen_unreleased:
                raise ChangelogError(path, number, "'## Unreleased' must come once, above every release: "
                                                   "keep the first, and move the notes under this one into it")
            seen_unreleased = True
            continue
        match = RELEASE_HEADING.match(line)
        if not match:
            raise ChangelogError(path, number, f"release heading {line!r} is not '## VERSION — YYYY-MM-DD': "
                                               "write it as '## 1.0.0 — 2026-11-25', or, if it is not a release, "
                                               "make it a '###' heading inside one")
        try:
            date = dt.date.fromisoformat(match["date"])
        except ValueError:
            raise ChangelogError(path, number, f"{match['date']!r} is not a real date: write the release "
                                               "date as year-month-day, such as 2026-11-25") from None
        if date > today:
            raise ChangelogError(path, number, f"release {match['version']} is dated {date}, in the future: "
                                               "date a release on the day it is published")
        if any(r.version == match["version"] for r in releases):
            raise ChangelogError(path, number, f"release {match['version']} is listed twice: keep one "
                                               "section for it")
        releases.append(Release(match["version"], date, number))
    if not seen_unreleased:
        raise ChangelogError(path, 1, "the change log has no '## Unreleased' section at the top: add the "
                                      "line '## Unreleased' above the first release")
    return releases


def _changelog_text(path: Path) -> str:
    """The change log's text; a file that cannot be read is a ChangelogError naming it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ChangelogError(path, 1, f"cannot read the change log ({error.strerror}): it must be "
                                      "CHANGELOG.md, at the top of the repository") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ChangelogError(path, raw[:error.start].count(b"\n") + 1,
                             "the change log is not saved as UTF-8: save it again as UTF-8 (in most "
                             "editors: Save As, then choose the encoding UTF-8)") from None


def release_of(version: str, releases: list[Release]) -> Release | None:
    """The change log's release of *version*; None while it is unreleased."""
    return next((r for r in releases if r.version == version), None)


def status_line(version: str, release: Release | None) -> str:
    if release is None:
        return f"Version {version}: {DEVELOPMENT}"
    return f"Version {version}, released {release.date.day} {release.date:%B %Y}"


def artefact_version(version: str, release: Release | None) -> str:
    """The version as artefact file names carry it: '-dev' marks an unreleased build."""
    return version if release is not None else f"{version}-dev"


# -- versions and tags -----------------------------------------------------------

#: A release tag: "v" and the version ("v1.1.0").
RELEASE_TAG = re.compile(r"v(?P<version>\d+(?:\.\d+)+)")
#: Set to 1 to make a build a development one whatever its checkout (make versions, for main).
FORCE_DEVELOPMENT = "MANUAL_DEVELOPMENT_BUILD"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def next_version(version: str) -> str:
    """The version after a release: the second number up, the rest zero (1.0.0 -> 1.1.0)."""
    parts = [int(part) for part in version.split(".")]
    at = 1 if len(parts) > 1 else 0
    parts[at] += 1
    return ".".join(str(part) for part in parts[:at + 1] + [0] * (len(parts) - at - 1))


@dataclass
class GitFacts:
    """What git says about a checkout, asked once a build."""

    toplevel: Path
    head: str
    #: Release tags ("v1.0.0") and the commit each points at.
    tags: dict[str, str]
    #: Tracked files differ from HEAD.
    dirty: bool
    #: Commits reachable from HEAD, newest first: (commit, date, parents, files it changed).
    log: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)

    def released_versions(self) -> set[str]:
        return {RELEASE_TAG.fullmatch(tag)["version"] for tag in self.tags}


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout if done.returncode == 0 else None


def read_git(root: Path, with_log: bool = True) -> GitFacts | None:
    """HEAD, the release tags, whether tracked files changed and (with_log) the history: four git commands.

    None outside a git checkout (or without git)."""
    found = _git(root, "rev-parse", "--show-toplevel", "HEAD")
    if not found or len(found.split("\n")) < 2:
        return None
    toplevel, head = found.split("\n")[:2]
    refs = _git(root, "for-each-ref", "--format=%(refname:strip=2) %(objectname) %(*objectname)", "refs/tags") or ""
    tags = {}
    for line in refs.splitlines():
        name, commit, *peeled = line.split()
        if RELEASE_TAG.fullmatch(name):
            tags[name] = peeled[0] if peeled else commit  # an annotated tag: the commit it points at
    dirty = bool((_git(root, "status", "--porcelain", "--untracked-files=no") or "").strip())
    log = []
    if with_log:
        for entry in (_git(root, "log", "--format=%x00%H %cs %P", "--name-only", "--no-renames", "HEAD") or "").split("\0"):
            lines = [line for line in entry.splitlines() if line.strip()]
            if lines:
                commit, date, *parents = lines[0].split()
                log.append((commit, date, parents, lines[1:]))
    return GitFacts(Path(toplevel), head.strip(), tags, dirty, log)


@dataclass(frozen=True)
class Status:
    """What a build is: a release, or a development version of *version*."""

    version: str
    release: Release | None
    #: Why it is not a release ("" for a release).
    reason: str = ""

    @property
    def development(self) -> bool:
        return self.release is None

    @property
    def line(self) -> str:
        """"Version 1.1.0, released 30 November 2026" or "Version 1.2.0: development version, not for delivery"."""
        return status_line(self.version, self.release)

    @property
    def artefact(self) -> str:
        """The version as file names carry it: "1.1.0", or "1.2.0-dev"."""
        return artefact_version(self.version, self.release)


def forget_unreleased_tag(root: Path, facts: GitFacts | None, version: str) -> None:
    """A tag vVERSION elsewhere whose own change log has no dated section for it is no release:
    forget it, so that the build is still called VERSION, not the version after (one git command)."""
    tag = f"v{version}"
    if facts is None or tag not in facts.tags or facts.tags[tag] == facts.head:
        return
    text = _git(root, "show", f"{tag}:CHANGELOG.md") or ""
    dated = (RELEASE_HEADING.match(line) for line in text.splitlines())
    if not any(match and match["version"] == version for match in dated):
        del facts.tags[tag]


def decide_status(version: str, releases: list[Release], facts: GitFacts | None,
                  force_development: bool = False) -> Status:
    """A release only at the tag vVERSION, tracked files unchanged, with its dated section; else development."""
    tag = f"v{version}"
    at_tag = facts is not None and facts.tags.get(tag) == facts.head
    dated = release_of(version, releases)
    if force_development:
        reason = "a development build was asked for"
    elif facts is None:
        reason = "not a git checkout: only a checkout of a release tag is a release"
    elif not at_tag:
        reason = (f"HEAD is not at the release tag {tag}" if tag in facts.tags
                  else f"there is no release tag {tag}")
    elif facts.dirty:
        reason = "tracked files have changes not committed"
    elif dated is None:
        reason = f"the change log has no dated '## {version} — YYYY-MM-DD' section"
    else:
        return Status(version, dated)
    released = facts.released_versions() if facts is not None else set()
    # VERSION is the version being prepared until it is tagged; once its tag is
    # elsewhere (or this is a development build of the tagged commit), the next one is.
    if version in released and (not at_tag or force_development):
        version = next_version(max(released | {version}, key=version_key))
    return Status(version, None, reason)


def build_status(root: Path, changelog: Path | None = None, force_development: bool | None = None) -> Status:
    """The status a build of the checkout at *root* gets (what tools and tests ask for).

    Raises ChangelogError for a malformed change log."""
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    releases = read_changelog(changelog or root / "CHANGELOG.md")
    if force_development is None:
        force_development = os.environ.get(FORCE_DEVELOPMENT) == "1"
    facts = read_git(root, with_log=False)
    forget_unreleased_tag(root, facts, version)
    return decide_status(version, releases, facts, force_development)


# -- when each page last changed ---------------------------------------------------

def first_release_of_commits(facts: GitFacts) -> dict[str, str]:
    """Commit -> the lowest release tag that contains it, from the history read once."""
    parents = {commit: commit_parents for commit, _, commit_parents, _ in facts.log}
    owner: dict[str, str] = {}
    for tag in sorted(facts.tags, key=version_key):
        stack = [facts.tags[tag]]
        while stack:
            commit = stack.pop()
            if commit in owner or commit not in parents:
                continue  # a lower tag holds it, and so all before it; or outside HEAD's history
            owner[commit] = tag
            stack.extend(parents[commit])
    return owner


class LastChanges:
    """When each file last changed, and in which release, from GitFacts.log."""

    def __init__(self, facts: GitFacts):
        self.toplevel = facts.toplevel.resolve()
        self.latest: dict[str, tuple[int, str, str]] = {}  # path -> (age order, commit, date)
        for order, (commit, date, _, files) in enumerate(facts.log):
            for name in files:
                self.latest.setdefault(name, (order, commit, date))
        self.owner = first_release_of_commits(facts)
        self.any_release = bool(facts.tags)

    def of(self, paths: list[Path]) -> tuple[str, str] | None:
        """(version or "unreleased", date) of the newest commit that changed any of *paths*."""
        found = []
        for path in paths:
            try:
                name = path.resolve().relative_to(self.toplevel).as_posix()
            except ValueError:
                continue
            if name in self.latest:
                found.append(self.latest[name])
        if not found:
            return None
        _, commit, date = min(found)
        tag = self.owner.get(commit)
        return (RELEASE_TAG.fullmatch(tag)["version"] if tag else "unreleased"), date


# -- Sphinx ------------------------------------------------------------------------

@guarded
def on_config_inited(app: Sphinx, config: Config) -> None:
    path = Path(config.versioning_changelog)
    try:
        releases = read_changelog(path)
    except ChangelogError as error:
        logger.warning(error.message, location=f"{error.path}:{error.line}",
                       type="versioning", subtype="changelog")
        releases = []
    facts = read_git(Path(app.confdir))
    forget_unreleased_tag(Path(app.confdir), facts, config.release)
    status = decide_status(config.release, releases, facts, os.environ.get(FORCE_DEVELOPMENT) == "1")
    app.manual_build_status = status
    app.manual_last_changes = LastChanges(facts) if facts is not None else None
    # Kept for templates and tools written against the earlier names.
    app.manual_release = status.release
    app.manual_status = status.line
    if status.version != config.release:
        # A development build after a release names the next version everywhere, title included.
        if config.html_title and config.release in config.html_title:
            config.html_title = config.html_title.replace(config.release, status.version)
        config.release = config.version = status.version
    if status.release is not None:
        config.today = f"{status.release.date.day} {status.release.date:%B %Y}"
    else:
        config.today = DEVELOPMENT.capitalize()
    footer = status.line.replace("_", r"\_")
    config.latex_elements["preamble"] = config.latex_elements.get("preamble", "") + (
        "\n\\makeatletter"
        "\n\\fancypagestyle{normal}{\\fancyhf{}\\fancyhead[R]{\\py@HeaderFamily\\@title}"
        f"\\fancyfoot[L]{{\\py@HeaderFamily {footer}}}\\fancyfoot[R]{{\\py@HeaderFamily\\thepage}}"
        "\\renewcommand{\\headrulewidth}{0.4pt}\\renewcommand{\\footrulewidth}{0.4pt}}"
        "\n\\fancypagestyle{plain}{\\fancyhf{}"
        f"\\fancyfoot[L]{{\\py@HeaderFamily {footer}}}\\fancyfoot[R]{{\\py@HeaderFamily\\thepage}}"
        "\\renewcommand{\\headrulewidth}{0pt}\\renewcommand{\\footrulewidth}{0.4pt}}"
        "\n\\makeatother\n"
    )


@guarded
def drop_empty_unreleased(app: Sphinx, doctree: nodes.document) -> None:
    """Remove the change log's '## Unreleased' section when nothing is under it.

    Runs before the table-of-contents collector, so the page's contents and the
    PDF's lose the heading too."""
    changelog = Path(app.config.versioning_changelog).resolve()
    for section in list(doctree.findall(nodes.section)):
        title = section.next_node(nodes.title)
        if title is None or title.astext().strip() != "Unreleased":
            continue
        source = section.source or title.source or ""
        if source and Path(source).resolve() != changelog:
            continue
        if all(isinstance(child, (nodes.title, nodes.comment, nodes.target)) for child in section.children):
            section.parent.remove(section)


@guarded
def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give the page template the revision line (_templates/page.html shows it)."""
    status = app.manual_build_status
    context["manual_status"] = status.line
    context["manual_development"] = status.development
    context["manual_last_revised"] = ""
    changes = app.manual_last_changes
    if changes is None or pagename not in app.env.all_docs:
        return
    # The page's source and what it includes (the change history page includes CHANGELOG.md).
    paths = [Path(app.env.doc2path(pagename)), *map(Path, app.env.dependencies.get(pagename, ()))]
    found = changes.of(paths)
    if found:
        version, date = found
        if version != "unreleased":
            when = f"in version {version}, on {date}"
        elif changes.any_release:
            when = f"after the latest release, on {date}"
        else:
            when = f"on {date}; no version has been released yet"
        context["manual_last_revised"] = f"This page last changed {when}."


@guarded
def check_version(app: Sphinx, config: Config) -> None:
    """VERSION holds a version number such as 1.0.0, and nothing else: otherwise a warning naming it."""
    path = Path(app.confdir) / "VERSION"
    if not path.is_file():
        logger.warning("there is no VERSION file: create it, holding the version number, such as 1.0.0",
                       location=str(path), type="versioning", subtype="version")
    elif not VERSION_NUMBER.fullmatch(config.release):
        logger.warning("VERSION holds %r: it must hold only the version number, such as 1.0.0 (three "
                       "whole numbers with dots), on one line; see RELEASE.md", config.release[:60],
                       location=f"{path}:1", type="versioning", subtype="version")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guard")
    app.connect("config-inited", check_version, priority=400)
    app.add_config_value("versioning_changelog", "CHANGELOG.md", "env", types=[str])
    app.connect("config-inited", on_config_inited)
    # Before the table-of-contents collector (priority 500) reads the page's sections.
    app.connect("doctree-read", drop_empty_unreleased, priority=400)
    app.connect("html-page-context", on_html_page_context)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
