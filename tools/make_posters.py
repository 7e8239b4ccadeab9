"""Print every diagram of the manual as an A3 poster: vector, with its caption, for the group room.

Usage: python tools/make_posters.py HTML_DIR OUT_DIR

Takes each Mermaid diagram from the built HTML manual, in reading order (a
diagram shown on two pages is printed once), and prints it on an A3 sheet of
its own, upright or sideways to suit its shape: its caption as the title,
the diagram as large as the sheet allows (inline SVG, so Chromium prints it
as vector shapes and text), and a footer naming the page it comes from, the
manual's version and status.  Writes
OUT_DIR/internet-offending-module-<version>-posters.pdf.
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from group_materials import MODULE, document, footer, join, page_count, part_of, print_pdf, soup, stylesheets  # noqa: E402
from manual_tools import checked_version, launch, reading_order, release_info  # noqa: E402

NAME = "internet-offending-module-{version}-posters.pdf"
A3_MM = (297, 420)
MARGINS_MM = {"top": 15, "right": 15, "bottom": 22, "left": 15}

STYLE = """
body { margin: 0; font-family: "DejaVu Sans", Verdana, sans-serif; color: #000; background: #fff; }
.poster { display: flex; flex-direction: column; height: var(--height); width: 100%; }
.poster h1 { font-size: 36pt; line-height: 1.2; margin: 0 0 10mm; text-align: center; }
.poster .poster-diagram { flex: 1 1 auto; min-height: 0; display: flex; justify-content: center; }
.poster .poster-diagram svg { width: 100% !important; height: 100% !important; max-width: none !important; }
"""


def diagrams(html_dir: Path) -> list[dict]:
    """Every distinct diagram of the site, in reading order: caption, page title, SVG, shape."""
    found, seen = [], set()
    for page in reading_order(html_dir):
        title = soup(html_dir / page).select_one("h1")
        page_title = " ".join(title.get_text().replace("¶", "").split()) if title else page
        for figure in part_of(html_dir, page, "figure:has(.mermaid-diagram svg)"):
            svg = figure.select_one(".mermaid-diagram svg")
            key = re.sub(r"\s+", " ", str(svg))
            if key in seen:
                continue
            seen.add(key)
            caption = figure.select_one(".caption-text")
            box = [float(n) for n in svg.get("viewbox", svg.get("viewBox", "0 0 1 1")).split()]
            found.append({"caption": " ".join(caption.get_text().split()) if caption else page_title,
                          "page": page, "page_title": page_title, "svg": str(svg),
                          "landscape": box[2] > box[3]})
    return found


def make_posters(html_dir: Path, out_dir: Path, version: str, status: str) -> tuple[Path, list[dict]]:
    from playwright.sync_api import sync_playwright

    found = diagrams(html_dir)
    if not found:
        raise SystemExit(f"{html_dir} has no diagrams: is it a build of the manual?")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NAME.format(version=version)
    css = stylesheets(html_dir, found[0]["page"])
    with tempfile.TemporaryDirectory(prefix="posters-") as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        parts = []
        for number, diagram in enumerate(found, start=1):
            width, height = A3_MM[::-1] if diagram["landscape"] else A3_MM
            room = height - MARGINS_MM["top"] - MARGINS_MM["bottom"] - 1
            body = (f'<section class="poster" style="--height: {room}mm"><h1>{html.escape(diagram["caption"])}</h1>'
                    f'<div class="poster-diagram">{diagram["svg"]}</div></section>')
            source, part = Path(tmp) / f"{number:03d}.html", Path(tmp) / f"{number:03d}.pdf"
            source.write_text(document(diagram["caption"], css, STYLE, body), encoding="utf-8")
            foot = footer(f"From: {diagram['page_title']}", [f"{MODULE}. {status}."], MARGINS_MM["left"], 11)
            print_pdf(page, source, part, width=f"{width}mm", height=f"{height}mm", margins_mm=MARGINS_MM,
                      footer_html=foot)
            if page_count(part) != 1:
                raise SystemExit(f"the poster of '{diagram['caption']}' ({diagram['page']}) takes more than one sheet")
            parts.append(part)
        browser.close()
        join(parts, target)
    return target, found


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir = Path(argv[1]).resolve()  # pages open as file:// URLs, which are absolute
    checked_version(html_dir)
    target, found = make_posters(html_dir, Path(argv[2]), *release_info())
    print(f"{len(found)} diagrams as A3 posters ({page_count(target)} sheets) are at {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
