"""Print a group member's workbook: one A4 PDF, easy read, 16 pt, for black-and-white printing.

Usage: python tools/make_workbook.py HTML_DIR OUT_DIR

From the built HTML manual, in this order, each part starting a new page:

1. a cover: "My workbook", the module's name, a line for the group member's
   name, and the version;
2. "What is in my workbook": an easy-read contents, with each part's picture
   (its first key point's) and page number;
3. how to use the workbook (the handout on workbook/how-to-use-your-workbook);
4. every exercise's handout, in session order (the topics in teaching order,
   each with its exercises; see group_materials.session_order);
5. the words we use, with pictures (the handout on workbook/words-we-use);
6. the credit for the pictures.

The handouts are taken from their pages and printed with the site's own
print stylesheet (16 pt body text); every page has a footer with the page
number and the manual's version and status.  The PDF is printed twice: the
first time to find the page each part starts on, for the contents.  Writes
OUT_DIR/internet-offending-module-<version>-workbook.pdf.
"""

from __future__ import annotations

import html
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from group_materials import (  # noqa: E402
    MODULE,
    credit,
    document,
    footer,
    join,
    page_count,
    part_of,
    pdf_texts,
    print_pdf,
    session_order,
    stylesheets,
)
from manual_tools import checked_version, launch, release_info  # noqa: E402

NAME = "internet-offending-module-{version}-workbook.pdf"
#: The workbook's own easy-read pages: before the handouts, and after them.
FRONT = ["workbook/how-to-use-your-workbook.html"]
BACK = ["workbook/words-we-use.html"]
MARGINS_MM = {"top": 15, "right": 15, "bottom": 24, "left": 15}
CREDIT_TITLE = "The pictures in this workbook"

STYLE = """
@page { size: A4; }
html { font-size: 16pt; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #000; background: #fff; margin: 0; }
.workbook-part { break-before: page; }
.workbook-part:first-child { break-before: auto; }
/* The handouts as they print on their own (manual.css), without the version line: the footer has it. */
.handout .handout-footer { display: none !important; }
/* A handout longer than a page runs on to the next: only its key points, tables and diagrams keep together. */
.handout { break-inside: auto !important; }
.workbook-cover { text-align: center; padding-top: 25mm; }
.workbook-cover h1 { font-size: 40pt; margin: 0 0 8mm; }
.workbook-cover .workbook-module { font-size: 22pt; margin: 0 0 18mm; }
.workbook-cover img { width: 55mm; height: 55mm; }
.workbook-cover .workbook-name { font-size: 20pt; text-align: left; margin: 25mm 0 0; }
.workbook-cover .workbook-name span { display: inline-block; width: 125mm; border-bottom: 1.5pt solid #000; }
.workbook-cover .workbook-version { font-size: 14pt; margin-top: 30mm; text-align: left; }
.workbook-title { font-size: 22pt; font-weight: 700; margin: 0 0 8mm; }
.workbook-contents { list-style: none; padding: 0; margin: 0; }
.workbook-contents li { display: grid; grid-template-columns: 16mm minmax(0, 1fr) auto; column-gap: 5mm;
  align-items: center; min-height: 13mm; border-bottom: 0.5pt solid #999; font-size: 16pt; }
.workbook-contents img { width: 11mm; height: 11mm; display: block; }
.workbook-contents .workbook-page { font-weight: 700; white-space: nowrap; }
.workbook-credit p { font-size: 16pt; line-height: 1.5; }
"""


def _first_picture(part) -> str | None:
    image = part.select_one(".key-point-picture img")
    return image["src"] if image else None


def _title(part) -> str:
    title = part.select_one(".handout-title")
    return " ".join(title.get_text().split()) if title else ""


def collect(html_dir: Path) -> list[tuple[str, object]]:
    """(page, handout element) for each handout of the workbook, in order."""
    missing = [page for page in FRONT + BACK if not (html_dir / page).is_file()]
    if missing:
        raise SystemExit(f"{html_dir} has no {', '.join(missing)}: is it a build of the manual?")
    pages = FRONT + session_order(html_dir) + BACK
    parts = []
    for page in pages:
        found = part_of(html_dir, page, "section.handout")
        if len(found) != 1:
            raise SystemExit(f"{page} has {len(found)} handouts, not one")
        parts.append((page, found[0]))
    if len(parts) == len(FRONT + BACK):
        raise SystemExit(f"{html_dir} has no exercise handouts: is it a build of the manual?")
    return parts


def contents(parts: list[tuple[str, object]], starts: dict[int, int] | None) -> str:
    rows = []
    for index, (_, part) in enumerate(parts):
        picture = _first_picture(part)
        image = f'<img src="{html.escape(picture)}" alt="">' if picture else "<span></span>"
        number = str(starts[index]) if starts else "00"
        rows.append(f'<li>{image}<span>{html.escape(_title(part))}</span>'
                    f'<span class="workbook-page">page {number}</span></li>')
    rows.append(f'<li><span></span><span>{CREDIT_TITLE}</span><span class="workbook-page">page '
                f'{starts[len(parts)] if starts else "00"}</span></li>')
    return ('<section class="workbook-part workbook-contents-page"><p class="workbook-title">What is in my workbook</p>'
            f'<ul class="workbook-contents">{"".join(rows)}</ul></section>')


def body(parts, starts, status: str) -> str:
    cover_picture = _first_picture(parts[0][1])
    cover = ('<section class="workbook-part workbook-cover"><h1>My workbook</h1>'
             f'<p class="workbook-module">{MODULE}</p>'
             + (f'<img src="{html.escape(cover_picture)}" alt="">' if cover_picture else "")
             + '<p class="workbook-name">My name: <span>&nbsp;</span></p>'
             f'<p class="workbook-version">{html.escape(status)}.</p></section>')
    handouts = "".join(f'<section class="workbook-part">{part}</section>' for _, part in parts)
    last = (f'<section class="workbook-part workbook-credit"><p class="workbook-title">{CREDIT_TITLE}</p>'
            f"<p>{html.escape(credit())}</p>"
            "<p>The Mulberry Symbol Set is made for adults who use pictures to communicate.</p></section>")
    return cover + contents(parts, starts) + handouts + last


def find_starts(pdf: Path, titles: list[str]) -> dict[int, int]:
    """The page each part starts on: the first page, after the last part's, that shows its title."""
    pages = [" ".join(text.split()) for text in pdf_texts(pdf)]
    starts, page = {}, 2  # the cover is page 1; the contents start on page 2
    for index, title in enumerate(titles):
        wanted = " ".join(title.split())
        found = next((number for number in range(page + 1, len(pages) + 1) if wanted in pages[number - 1]), None)
        if found is None:
            raise SystemExit(f"the workbook's part {title!r} is not on any page after page {page}")
        starts[index], page = found, found
    return starts


def make_workbook(html_dir: Path, out_dir: Path, version: str, status: str) -> tuple[Path, int]:
    from playwright.sync_api import sync_playwright

    parts = collect(html_dir)
    css = stylesheets(html_dir, parts[0][0])
    titles = [_title(part) for _, part in parts] + [CREDIT_TITLE]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NAME.format(version=version)
    foot = footer("My workbook", [f"{MODULE}. {status}."], MARGINS_MM["left"], 11)
    with tempfile.TemporaryDirectory(prefix="workbook-") as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        source, draft, final = Path(tmp) / "workbook.html", Path(tmp) / "draft.pdf", Path(tmp) / "final.pdf"
        # First with "page 00" in the contents, to find where each part starts; then with the numbers.
        starts = None
        for out in (draft, final):
            source.write_text(document("My workbook", css, STYLE, body(parts, starts, status)), encoding="utf-8")
            print_pdf(page, source, out, width="210mm", height="297mm", margins_mm=MARGINS_MM, footer_html=foot)
            found = find_starts(out, titles)
            if starts is not None and found != starts:
                raise SystemExit("the workbook's page numbers moved when the contents were filled in")
            starts = found
        browser.close()
        join([final], target)
    return target, len(parts) - len(FRONT + BACK)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir = Path(argv[1]).resolve()  # pages open as file:// URLs, which are absolute
    checked_version(html_dir)
    target, handouts = make_workbook(html_dir, Path(argv[2]), *release_info())
    print(f"The workbook, with {handouts} handouts ({page_count(target)} A4 pages), is at {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
