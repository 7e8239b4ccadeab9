"""Check the release history: every release tag has its change-log entry.

Usage: python3 tools/check_release.py [REPOSITORY]

Fails, naming the tag or the file and line, when
* a tag vX.Y.Z has no '## X.Y.Z — YYYY-MM-DD' section in CHANGELOG.md,
* the change log is malformed or has a release dated in the future,
* HEAD carries a release tag but VERSION says another version.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from manual_tools import read_version  # noqa: E402
from versioning import ChangelogError, read_changelog  # noqa: E402


def git(root: Path, *args: str) -> list[str]:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


def problems(root: Path) -> list[str]:
    changelog = root / "CHANGELOG.md"
    try:
        releases = {r.version: r for r in read_changelog(changelog)}
    except ChangelogError as error:
        return [str(error)]
    found = []
    for tag in git(root, "tag", "--list", "v*"):
        if tag[1:] not in releases:
            found.append(f"release tag {tag} has no '## {tag[1:]} — YYYY-MM-DD' section in {changelog}")
    version = read_version(root)
    for tag in git(root, "tag", "--points-at", "HEAD", "--list", "v*"):
        if tag[1:] != version:
            found.append(f"HEAD is tagged {tag}, but {root / 'VERSION'} says {version}")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = problems(root)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
