"""RELEASE.md's steps, as the tests take them on throwaway repositories.

Each function is one step of RELEASE.md (or AUTHORING.md's "Revising a page"),
done the way the documents say, so that a test of a release is a test of the
documents too.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
COMMITTEE = "the test governance committee"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def init(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "lead@example.invalid")
    git(repo, "config", "user.name", "Curriculum Lead")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The manual")


def tiny_repo(repo: Path, version: str = "1.0.0", entry: str = "- The first version.") -> Path:
    """A repository with only what the release checks read: VERSION and CHANGELOG.md."""
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "VERSION").write_text(f"{version}\n", encoding="utf-8")
    (repo / "CHANGELOG.md").write_text(f"(changelog)=\n# Change history\n\n## Unreleased\n\n### Added\n\n{entry}\n",
                                       encoding="utf-8")
    init(repo)
    return repo


def write_release_section(repo: Path, version: str, released: dt.date = TODAY,
                          approved: dt.date | None = YESTERDAY) -> None:
    """Step 4: move what is under '## Unreleased' into '## X.Y.Z — date', with the approval line first."""
    path = repo / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("## Unreleased\n") + len("## Unreleased\n")
    following = re.search(r"^## ", text[start:], re.M)
    end = start + following.start() if following else len(text)
    body = text[start:end].strip()
    approval = f"Approved by {COMMITTEE} on {approved}.\n\n" if approved else ""
    section = f"\n## {version} — {released}\n\n{approval}{body}\n\n" if body else f"\n## {version} — {released}\n\n{approval}"
    path.write_text(text[:start] + section + text[end:].lstrip("\n"), encoding="utf-8")


def publish(repo: Path, version: str, released: dt.date = TODAY, approved: dt.date | None = YESTERDAY,
            tag: str | None = "annotated") -> None:
    """Steps 4 to 6: the release section, VERSION, the commit and an annotated tag
    (tag="lightweight" for a tag that records nobody, None for no tag)."""
    write_release_section(repo, version, released, approved)
    (repo / "VERSION").write_text(f"{version}\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", f"Release {version}")
    if tag == "annotated":
        git(repo, "tag", "-a", f"v{version}", "-m", f"Release {version}, approved by {COMMITTEE} on {approved}")
    elif tag == "lightweight":
        git(repo, "tag", f"v{version}")


def start_next(repo: Path, version: str) -> None:
    """Step 10: open the next version."""
    (repo / "VERSION").write_text(f"{version}\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", f"Start {version}")


def add_unreleased_entry(repo: Path, entry: str, heading: str = "### Changed") -> None:
    """'Revising a page', step 3: a line under '## Unreleased'."""
    path = repo / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Unreleased\n", f"## Unreleased\n\n{heading}\n\n{entry}\n", 1), encoding="utf-8")
