"""Zip the built HTML manual for use in the room, with no network.

Usage: python tools/make_offline_zip.py HTML_DIR OUT_DIR

Writes OUT_DIR/internet-offending-module-<version>-html.zip (the version from
the VERSION file, with "-dev" until CHANGELOG.md has a dated release for it, as
`make dist` expects), holding HTML_DIR under one folder of the same name, so that
unzipping anywhere gives one folder whose index.html opens from file://.
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

from manual_tools import checked_version, release_info  # noqa: E402

NAME = "internet-offending-module-{version}-html"
#: Build bookkeeping that a reader never needs.
LEFT_OUT = {".buildinfo", ".buildinfo.bak", ".doctrees"}
#: A build without these is not one the manual can be used from offline.
REQUIRED = ["index.html", "search.html", "_static/search-index.js", "_static/section-search.js",
            "_static/search-highlight.js", "_static/language_data.js"]


def files_of(html_dir: Path) -> list[Path]:
    found = []
    for path in sorted(html_dir.rglob("*")):
        relative = path.relative_to(html_dir)
        if path.is_file() and not any(part in LEFT_OUT for part in relative.parts):
            found.append(path)
    return found


def make_zip(html_dir: Path, out_dir: Path, version: str) -> Path:
    missing = [name for name in REQUIRED if not (html_dir / name).is_file()]
    if missing:
        raise SystemExit(f"{html_dir} is not a finished HTML build of the manual: no {', '.join(missing)} "
                         "(run `make html`)")
    name = NAME.format(version=version)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    partial = target.with_suffix(".zip.part")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files_of(html_dir):
            stamp = int(epoch) if epoch else int(path.stat().st_mtime)
            # Zip times start in 1980.
            date_time = time.gmtime(max(stamp, 315532800))[:6]
            entry = zipfile.ZipInfo(f"{name}/{path.relative_to(html_dir).as_posix()}", date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    os.replace(partial, target)
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir = Path(argv[1])
    checked_version(html_dir)
    target = make_zip(html_dir, Path(argv[2]), release_info()[0])
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"The offline manual ({count} files, {target.stat().st_size // 1024} kB) is at {target}")
    print("Unzip it anywhere and open index.html in its folder; it needs no network.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
