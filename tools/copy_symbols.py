"""Copy into the project the Mulberry symbols its pages and templates name, and only those.

Usage: python3 tools/copy_symbols.py MULBERRY_FOLDER [PROJECT]

Run by hand after adding or changing a picture, with the path of a copy of
the Mulberry Symbol Set (the folder holding EN/, LICENSE.txt and
symbol-info-en.csv).  The build never reads that folder: it reads the
project's own copy, symbols/ (page-kinds.toml, [pictures] folder).

It finds every symbol named in docs/ and templates/ ({key-point}`NAME` at the
start of a paragraph, and "NAME | words" lines of a {cards} block) and the
slides' picture beside each discussion prompt (_ext/page-kinds.toml,
[slides] prompt_picture), refuses
an unknown, rated or never-used one (naming file and line), and then writes
into symbols/:

* NAME.svg, copied as it is (the HTML manual shows it);
* NAME.pdf, the same picture as a vector PDF, printed by Debian's Chromium
  (the LaTeX manual includes it), for a new or changed picture only;
* LICENSE.txt and symbol-info-en.csv, the set's licence and list of symbols.

Symbols no page names any more are removed, so the copy holds the symbols in use.
"""

from __future__ import annotations

import base64
import re
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))

from manual_tools import launch  # noqa: E402

ROLE = re.compile(r"\{key-point\}`([^`]*)`")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{cards\}")
#: A picture's PDF: a square this size; LaTeX scales it to the key point's picture box.
PDF_SIZE = "30mm"


def named_symbols(project: Path) -> dict[str, list[str]]:
    """Every symbol the project's pages and templates name, with where ("docs/x.md:12")."""
    found: dict[str, list[str]] = {}
    for path in sorted([*(project / "docs").rglob("*.md"), *(project / "templates").glob("*.md")]):
        where = path.relative_to(project).as_posix()
        fence = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if fence:
                if line.strip() == fence:
                    fence = None
                elif "|" in line and not line.lstrip().startswith(":"):
                    found.setdefault(line.split("|", 1)[0].strip(), []).append(f"{where}:{number}")
                continue
            opening = FENCE.match(line)
            if opening:
                fence = opening["fence"]
                continue
            for name in ROLE.findall(line):
                found.setdefault(name.strip(), []).append(f"{where}:{number}")
    rules = project / "_ext" / "page-kinds.toml"
    if rules.is_file():
        text = rules.read_text(encoding="utf-8")
        picture = tomllib.loads(text).get("slides", {}).get("prompt_picture")
        if isinstance(picture, str) and picture.strip():
            line = next((n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("prompt_picture")), 1)
            found.setdefault(picture.strip(), []).append(f"_ext/page-kinds.toml:{line}")
    return found


def to_pdf(svgs: list[Path]) -> None:
    """Print each SVG to a PDF beside it, a vector picture filling a square page of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        for svg in svgs:
            # As an <img> scaled to the page: some of the set's SVGs have a size of their own, some none.
            data = base64.b64encode(svg.read_bytes()).decode("ascii")
            page.set_content(f"<style>@page {{ size: {PDF_SIZE} {PDF_SIZE}; margin: 0 }} html, body {{ margin: 0 }}"
                             f" img {{ display: block; width: {PDF_SIZE}; height: {PDF_SIZE} }}</style>"
                             f'<img src="data:image/svg+xml;base64,{data}">', wait_until="load")
            page.pdf(path=str(svg.with_suffix(".pdf")), prefer_css_page_size=True, page_ranges="1")
        browser.close()


def copy_symbols(mulberry: Path, project: Path) -> tuple[list[str], list[str]]:
    """Copy the named symbols from *mulberry* into *project*'s folder; return (copied, removed)."""
    from symbols import catalogue, refusal, rules

    if (mulberry / "mulberry").is_dir():
        mulberry = mulberry / "mulberry"
    spec = rules()["pictures"]
    listing = mulberry / spec.get("catalogue", "symbol-info-en.csv")
    for needed in (mulberry / "EN", mulberry / "LICENSE.txt", listing):
        if not needed.exists():
            raise SystemExit(f"{mulberry} is not a Mulberry folder: it has no {needed.name}")
    known = catalogue(listing)
    named = named_symbols(project)
    refused = []
    for name, places in sorted(named.items()):
        problem = refusal(name, known) or (None if (mulberry / "EN" / f"{name}.svg").is_file()
                                           else f"symbol '{name}' is listed but {mulberry}/EN has no {name}.svg")
        if problem:
            refused.append(f"{places[0]}: {problem}")
    if refused:
        raise SystemExit("Nothing copied:\n" + "\n".join(refused))
    folder = project / spec.get("folder", "symbols")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mulberry / "LICENSE.txt", folder / "LICENSE.txt")
    shutil.copyfile(listing, folder / listing.name)
    removed = []
    for old in sorted([*folder.glob("*.svg"), *folder.glob("*.pdf")]):
        if old.stem not in named:
            old.unlink()
            removed.append(old.name)
    copied, changed = [], []
    for name in sorted(named):
        source, svg = mulberry / "EN" / f"{name}.svg", folder / f"{name}.svg"
        # A PDF is printed again only for a new or changed picture: Chromium stamps each PDF
        # with the time it was made, and a rerun must not change every file in symbols/.
        if not (svg.is_file() and svg.with_suffix(".pdf").is_file() and svg.read_bytes() == source.read_bytes()):
            shutil.copyfile(source, svg)
            changed.append(svg)
        copied.append(name)
    if changed:
        to_pdf(changed)
    return copied, removed


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    project = Path(argv[2]).resolve() if len(argv) == 3 else ROOT
    copied, removed = copy_symbols(Path(argv[1]).resolve(), project)
    print(f"{len(copied)} symbols in {project.name}/symbols: {', '.join(copied) or 'none'}")
    if removed:
        print(f"Removed, as no page names them: {', '.join(removed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
