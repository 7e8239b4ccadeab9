"""Zip the built HTML manual for use in the room, with no network.

Usage: python tools/make_offline_zip.py HTML_DIR OUT_DIR [--slides SLIDES_DIR] [--handouts HANDOUTS_DIR]

Writes OUT_DIR/internet-offending-module-<version>-html.zip (the version from
the VERSION file, with "-dev" until CHANGELOG.md has a dated release for it, as
`make dist` expects), holding HTML_DIR under one folder of the same name, so that
unzipping anywhere gives one folder whose index.html opens from file://.
With --slides, the slides for the room (`make slides`) go in its slides/
folder, whose index.html lists the decks; the manual's pages do not change.
With --handouts, the handouts PDF of this version in HANDOUTS_DIR (`make
handouts`) goes beside index.html, to print in the room from the laptop.
Entries are in a fixed order; set SOURCE_DATE_EPOCH for fixed timestamps too.
Stops with a message if HTML_DIR is not a finished build of the manual (no
index.html, no search index, or no offline search texts) or was built from
another version.
"""

from __future__ import annotations

import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_handouts_pdf import NAME as HANDOUTS  # noqa: E402  (the handouts PDF of a version)
from manual_tools import checked_version, run_tool  # noqa: E402

NAME = "internet-offending-module-{version}-html"
#: Build bookkeeping that a reader never needs.
LEFT_OUT = {".buildinfo", ".buildinfo.bak", ".doctrees"}
#: A build without these is not one the manual can be used from offline.
REQUIRED = ["index.html", "search.html", "_static/search-index.js", "_static/section-search.js",
            "_static/search-highlight.js", "_static/language_data.js"]
#: Nor a build of the slides without these (tools/make_slides_zip.py).
SLIDES_REQUIRED = ["index.html", "_static/revealjs/dist/reveal.js", "_static/slides.css"]
#: Where the slides go in the manual's zip.
SLIDES_FOLDER = "slides"


def files_of(html_dir: Path) -> list[Path]:
    found = []
    for path in sorted(html_dir.rglob("*")):
        relative = path.relative_to(html_dir)
        if path.is_file() and not any(part in LEFT_OUT for part in relative.parts):
            found.append(path)
    return found


def check_built(folder: Path, required: list[str], what: str, command: str) -> None:
    """Stop with a message unless *folder* holds every file *required*."""
    missing = [name for name in required if not (folder / name).is_file()]
    if missing:
        raise SystemExit(f"{folder} is not a finished build of {what}: no {', '.join(missing)} (run `{command}`)")


def write_zip(target: Path, folders: list[tuple[Path, str]]) -> Path:
    """Zip each (folder or file, name in the zip) into *target*, in a fixed order, written whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.part")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for folder, prefix in folders:
            files = [(folder, prefix)] if folder.is_file() else [
                (path, f"{prefix}/{path.relative_to(folder).as_posix()}") for path in files_of(folder)]
            for path, name in files:
                stamp = int(epoch) if epoch else int(path.stat().st_mtime)
                # Zip times start in 1980.
                date_time = time.gmtime(max(stamp, 315532800))[:6]
                entry = zipfile.ZipInfo(name, date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, path.read_bytes())
    os.replace(partial, target)
    return target


def make_zip(html_dir: Path, out_dir: Path, version: str, slides: Path | None = None,
             handouts: Path | None = None) -> Path:
    """The offline zip of the manual built in *html_dir*, with the slides built in *slides* and
    the handouts PDF *handouts* if given."""
    check_built(html_dir, REQUIRED, "the HTML manual", "make html")
    name = NAME.format(version=version)
    folders = [(html_dir, name)]
    if slides is not None:
        check_built(slides, SLIDES_REQUIRED, "the slides", "make slides")
        folders.append((slides, f"{name}/{SLIDES_FOLDER}"))
    if handouts is not None:
        handouts = handouts / HANDOUTS.format(version=version) if handouts.is_dir() else handouts
        if not handouts.is_file():
            raise SystemExit(f"{handouts} is not there: run `make handouts`")
        folders.append((handouts, f"{name}/{handouts.name}"))
    return write_zip(out_dir / f"{name}.zip", folders)


def run(html_dir: Path, out_dir: Path, release: tuple[str, str], slides: Path | None = None,
        handouts: Path | None = None) -> None:
    if slides is not None:
        checked_version(slides)
    target = make_zip(html_dir, out_dir, release[0], slides, handouts)
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"The offline manual ({count} files, {target.stat().st_size // 1024} kB) is at {target}")
    print("Unzip it anywhere and open index.html in its folder; it needs no network.")
    if slides is not None:
        print(f"The slides for the room are in its {SLIDES_FOLDER}/ folder: open {SLIDES_FOLDER}/index.html.")
    if handouts is not None:
        print(f"The handouts to print are in {HANDOUTS.format(version=release[0])}, beside index.html.")


#: The options, each followed by a path: what else goes into the zip.
OPTIONS = {"--slides": "slides", "--handouts": "handouts"}


def main(argv: list[str]) -> int:
    positional, extra = argv[:3], argv[3:]
    if len(extra) % 2 or any(option not in OPTIONS for option in extra[::2]):
        print(__doc__, file=sys.stderr)
        return 2
    given = {OPTIONS[option]: Path(value) for option, value in zip(extra[::2], extra[1::2])}
    return run_tool(__doc__, positional, 2, lambda *args: run(*args, **given), absolute=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
