"""Zip the slides for the room, built by `make slides`, for use with no network.

Usage: python tools/make_slides_zip.py SLIDES_DIR OUT_DIR

Writes OUT_DIR/internet-offending-module-<version>-slides.zip (named for the
version as the offline zip is, and as `make dist` expects), holding SLIDES_DIR
under one folder of the same name: unzipped anywhere, its index.html lists one
deck a session, and every deck opens from file://.  Stops with a message if
SLIDES_DIR is not a finished build of the slides, or was built from another
version.  The same slides are in the offline zip (tools/make_offline_zip.py
--slides), in its slides/ folder.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_offline_zip import SLIDES_REQUIRED, check_built, write_zip  # noqa: E402
from manual_tools import checked_version, release_info  # noqa: E402

NAME = "internet-offending-module-{version}-slides"


def make_slides_zip(slides: Path, out_dir: Path, version: str) -> Path:
    check_built(slides, SLIDES_REQUIRED, "the slides", "make slides")
    name = NAME.format(version=version)
    return write_zip(out_dir / f"{name}.zip", [(slides, name)])


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    slides = Path(argv[1])
    checked_version(slides)
    target = make_slides_zip(slides, Path(argv[2]), release_info()[0])
    with zipfile.ZipFile(target) as archive:
        decks = [n for n in archive.namelist() if n.endswith(".html") and "/_static/" not in n]
    print(f"The slides ({len(decks) - 1} decks and their list, {target.stat().st_size // 1024} kB) are at {target}")
    print("Unzip it anywhere and open index.html in its folder; it needs no network.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
