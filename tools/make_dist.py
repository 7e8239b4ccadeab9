"""Gather the release artefacts, each named with the version, into dist/.

Usage: python3 tools/make_dist.py

Copies the PDF manual, the offline HTML zip, the handouts, workbook and posters
PDFs (built by `make pdf offline handouts workbook posters`) into dist/ as
  internet-offending-module-<version>.pdf
  internet-offending-module-<version>-html.zip
  internet-offending-module-<version>-handouts.pdf
  internet-offending-module-<version>-workbook.pdf
  internet-offending-module-<version>-posters.pdf
  internet-offending-module-<version>-training.pdf
where <version> is the VERSION file's, with '-dev' when the change log has
no dated release for it.  Runs the release check first, and stops naming any
artefact that is missing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_release  # noqa: E402
from manual_tools import release_info  # noqa: E402

BUILD = ROOT / "_build"
NAME = "internet-offending-module"


def main() -> int:
    if check_release.main([__file__, str(ROOT)]) != 0:
        return 1
    version = release_info()[0]
    wanted = {
        BUILD / "latex" / f"{NAME}.pdf": f"{NAME}-{version}.pdf",
        BUILD / "offline" / f"{NAME}-{version}-html.zip": f"{NAME}-{version}-html.zip",
        BUILD / "handouts" / f"{NAME}-{version}-handouts.pdf": f"{NAME}-{version}-handouts.pdf",
        BUILD / "workbook" / f"{NAME}-{version}-workbook.pdf": f"{NAME}-{version}-workbook.pdf",
        BUILD / "posters" / f"{NAME}-{version}-posters.pdf": f"{NAME}-{version}-posters.pdf",
        BUILD / "training" / f"{NAME}-{version}-training.pdf": f"{NAME}-{version}-training.pdf",
    }
    missing = [str(path) for path in wanted if not path.is_file()]
    if missing:
        print("Not built yet (run `make dist`, which builds them): " + ", ".join(missing), file=sys.stderr)
        return 1
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    for source, name in wanted.items():
        shutil.copyfile(source, dist / name)
        print(f"dist/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
