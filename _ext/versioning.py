"""Which revision of the manual this is, shown on every page and in the PDF.

What this adds:

* reads the change log (``CHANGELOG.md``): an ``## Unreleased`` section at the
  top, then one ``## VERSION — YYYY-MM-DD`` section a release.  A malformed
  release heading, a date in the future, or a version listed twice is a
  warning naming the file and line;
* decides the build's status from the one version source, ``VERSION``: a
  *release* when the change log has a dated section for it, otherwise a
  *development version, not for delivery*;
* HTML: a line at the top of every page with the version and release date
  (or the development warning), and the version and date in which the page
  last changed, from git history;
* LaTeX: the release date on the title page, and the version and date (or
  the development warning) in the running footer of every page.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

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


@guarded
def on_config_inited(app: Sphinx, config: Config) -> None:
    path = Path(config.versioning_changelog)
    try:
        releases = read_changelog(path)
    except ChangelogError as error:
        logger.warning(error.message, location=f"{error.path}:{error.line}",
                       type="versioning", subtype="changelog")
        releases = []
    release = release_of(config.release, releases)
    app.manual_release = release
    app.manual_status = status_line(config.release, release)
    if release is not None:
        config.today = f"{release.date.day} {release.date:%B %Y}"
    else:
        config.today = DEVELOPMENT.capitalize()
    footer = app.manual_status.replace("_", r"\_")
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


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def last_revised(root: Path, path: Path) -> tuple[str, str] | None:
    """(version, date) of the last commit that changed *path*; None outside git."""
    found = _git(root, "log", "-1", "--format=%H %cs", "--", str(path))
    if not found:
        return None
    commit, date = found.split()
    # The first release tag that contains the commit; none means not yet released.
    tags = _git(root, "tag", "--contains", commit, "--list", "v*", "--sort=version:refname")
    version = tags.splitlines()[0].removeprefix("v") if tags else "unreleased"
    return version, date


@guarded
def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give the page template the revision line (_templates/page.html shows it)."""
    context["manual_status"] = app.manual_status
    context["manual_development"] = app.manual_release is None
    context["manual_last_revised"] = ""
    source = Path(app.env.doc2path(pagename)) if pagename in app.env.all_docs else None
    found = last_revised(Path(app.confdir), source) if source is not None and source.exists() else None
    if found:
        version, date = found
        when = (f"after the latest release, on {date}" if version == "unreleased"
                else f"in version {version}, on {date}")
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
    app.connect("html-page-context", on_html_page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
