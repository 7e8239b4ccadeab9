"""Print the version that artefact file names carry, e.g. 1.1.0 or 1.0.0-dev.

Usage: python3 tools/manual_version.py

One source: the VERSION file; '-dev' is added when CHANGELOG.md has no dated
release section for it.  Exits non-zero, naming the file and line, when the
change log is malformed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from versioning import ChangelogError, artefact_version, read_changelog  # noqa: E402


def main() -> int:
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    try:
        releases = read_changelog(ROOT / "CHANGELOG.md")
    except ChangelogError as error:
        print(error, file=sys.stderr)
        return 1
    print(artefact_version(version, next((r for r in releases if r.version == version), None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
