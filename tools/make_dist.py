"""Gather a release's artefacts, each named with the version, into dist/, with checksums and a record.

Usage: python3 tools/make_dist.py [--root DIR]

`make dist` runs tools/check_release.py --dist, builds the artefacts (the
Makefile's DIST_TARGETS), then this.  It checks again that HEAD is the
release (so it never names a development build as one), then copies each
artefact in ARTEFACTS into dist/ and writes beside them:

  internet-offending-module-<version>-release.txt   the record for governance: the version, its release
                                                     date, who approved it and when, who made the tag and
                                                     when, the commit, and each artefact's SHA-256;
  internet-offending-module-<version>-SHA256SUMS    the artefacts' and the record's checksums, as
                                                     `sha256sum -c` reads them (run it in dist/).

It stops, naming what is wrong, when an artefact is missing, or a zip holds
build bookkeeping (.doctrees, .buildinfo).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_release  # noqa: E402
from manual_tools import PROJECT, build_status  # noqa: E402
from releases import ROOT, git, release_tags  # noqa: E402

NAME = "internet-offending-module"
#: Each artefact: where `make dist`'s builds leave it (under the checkout), and its name in dist/.
#: {version} is the release's.  A new artefact is one line here, and its make target in the
#: Makefile's DIST_TARGETS.
ARTEFACTS: list[tuple[str, str]] = [
    ("_build/latex/internet-offending-module.pdf", "internet-offending-module-{version}.pdf"),
    ("_build/offline/internet-offending-module-{version}-html.zip", "internet-offending-module-{version}-html.zip"),
    ("_build/slides/internet-offending-module-{version}-slides.zip", "internet-offending-module-{version}-slides.zip"),
    ("_build/handouts/internet-offending-module-{version}-handouts.pdf",
     "internet-offending-module-{version}-handouts.pdf"),
    ("_build/workbook/internet-offending-module-{version}-workbook.pdf",
     "internet-offending-module-{version}-workbook.pdf"),
    ("_build/posters/internet-offending-module-{version}-posters.pdf",
     "internet-offending-module-{version}-posters.pdf"),
    ("_build/training/internet-offending-module-{version}-training.pdf",
     "internet-offending-module-{version}-training.pdf"),
]
#: Never in a published zip.
BOOKKEEPING = (".doctrees", ".buildinfo")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bookkeeping_in(path: Path) -> list[str]:
    if path.suffix != ".zip":
        return []
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist() if any(part in BOOKKEEPING for part in name.split("/"))]


def release_record(root: Path, version: str, sums: list[tuple[str, str]]) -> str:
    tag = next(tag for tag in release_tags(root) if tag.version == version)
    section = tag.section()
    who, when = section.approval()
    commit = git(root, "rev-parse", "HEAD").strip()
    lines = [f"{PROJECT} facilitator manual, version {version}",
             f"Release: {section.title} (CHANGELOG.md)",
             f"Approved by {who} on {when}",
             f"Tag: {tag.name}, made by {tag.tagger} on {tag.tagged}",
             f"Commit: {commit}",
             "Artefacts (SHA-256):"]
    lines += [f"  {digest}  {name}" for digest, name in sums]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (its _build/ and dist/)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if check_release.main(["--dist", str(root)]) != 0:
        return 1
    status = build_status(root)
    if status.development:
        print(f"make dist refused: this checkout builds as a development version ({status.reason}).",
              file=sys.stderr)
        return 1
    version = status.version
    wanted = {root / built.format(version=version): name.format(version=version) for built, name in ARTEFACTS}
    missing = [str(path) for path in wanted if not path.is_file()]
    if missing:
        print("Not built yet (run `make dist`, which builds them): " + ", ".join(missing), file=sys.stderr)
        return 1
    for path in wanted:
        if bookkeeping_in(path):
            print(f"{path} holds build bookkeeping ({', '.join(bookkeeping_in(path)[:3])}): rebuild it with "
                  "`make dist`", file=sys.stderr)
            return 1
    dist = root / "dist"
    dist.mkdir(exist_ok=True)
    sums = []
    for source, name in wanted.items():
        shutil.copyfile(source, dist / name)
        sums.append((sha256(dist / name), name))
        print(f"dist/{name}")
    record = f"{NAME}-{version}-release.txt"
    (dist / record).write_text(release_record(root, version, sums), encoding="utf-8")
    sums.append((sha256(dist / record), record))
    checksums = f"{NAME}-{version}-SHA256SUMS"
    (dist / checksums).write_text("".join(f"{digest}  {name}\n" for digest, name in sums), encoding="utf-8")
    print(f"dist/{record}\ndist/{checksums}  (check with: cd dist && sha256sum -c {checksums})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
