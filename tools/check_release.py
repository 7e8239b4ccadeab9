"""Check the release history, or (with --dist) that HEAD is a release ready to publish.

Usage: python3 tools/check_release.py [--dist] [REPOSITORY]

Always: the change log is well formed, and every release tag vX.Y.Z is a
release by its own tree (its VERSION says X.Y.Z; its CHANGELOG.md has the
dated '## X.Y.Z — YYYY-MM-DD' section).

With --dist (`make dist` runs it before building anything): HEAD is exactly
at a release tag, the tag names VERSION's version, the tag's tree has its
dated section and an approval line ('Approved by WHO on YYYY-MM-DD.', on or
before the release date), nothing is left under '## Unreleased', the tag is
annotated (it records who made it, and when), and the working tree is clean
(no changed and no untracked files).  Anything else is refused in one
message saying what to do; a build that is not a release is built with
`make pdf`, `make offline` or `make handouts`, and named as a development
build of the next version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from manual_tools import read_version  # noqa: E402
from releases import ROOT, ReleaseError, git, governance_problems, release_tags, tag_problems  # noqa: E402
from versioning import ChangelogError, read_changelog  # noqa: E402


def history_problems(root: Path) -> list[str]:
    try:
        read_changelog(root / "CHANGELOG.md")
    except ChangelogError as error:
        return [str(error)]
    return [problem for tag in release_tags(root) for problem in tag_problems(tag)]


def dist_problems(root: Path) -> list[str]:
    """Why HEAD is not a release `make dist` may publish ([] when it is)."""
    try:
        read_changelog(root / "CHANGELOG.md")
    except ChangelogError as error:
        return [str(error)]
    head = git(root, "rev-parse", "HEAD").strip()
    version = read_version(root)
    tags = [tag for tag in release_tags(root) if tag.commit == head]
    found = []
    if not tags:
        found.append(f"HEAD ({head[:10]}) is not at a release tag. `make dist` publishes releases only: "
                     f"follow RELEASE.md to make one (VERSION says {version}; its tag would be v{version})")
    else:
        tag = next((tag for tag in tags if tag.version == version), None)
        if tag is None:
            found.append(f"HEAD is tagged {', '.join(t.name for t in tags)}, but VERSION says {version}: "
                         "mend the tag (RELEASE.md, 'Mending a wrong tag')")
        else:
            found += tag_problems(tag) + governance_problems(tag)
    changed = git(root, "status", "--porcelain", "--untracked-files=normal").splitlines()
    if changed:
        shown = ", ".join(line[3:] for line in changed[:5]) + (", ..." if len(changed) > 5 else "")
        found.append(f"the working tree is not clean ({shown}): commit, stash or remove the changes, so that "
                     "what is built is what the tag holds")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", action="store_true", help="also check that HEAD is a release ready to publish")
    parser.add_argument("repository", nargs="?", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    try:
        found = dist_problems(args.repository) if args.dist else history_problems(args.repository)
    except ReleaseError as error:
        found = [str(error)]
    if found and args.dist:
        print("make dist refused: this is not a release ready to publish.\n"
              + "".join(f"  - {problem}\n" for problem in found)
              + "See RELEASE.md. To build the manual as it is, use make pdf, make offline or make handouts: "
                "their files are named as a development build.", file=sys.stderr)
    else:
        for problem in found:
            print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
