"""Print the facilitator training course into one A4 PDF: the trainee's workbook and the trainer's pack.

Usage: python tools/make_training_pdf.py HTML_DIR OUT_DIR

Reads the parts of the course from the built training/index.html: each of its
toctrees is a part, named by its caption ("Trainee's workbook", "Trainer's
pack", "Answers"), holding its pages in order.  Opens each page in headless
Chromium (Debian's, through Playwright) and prints it with the site's print
styles (_static/training.css: no navigation; in the units, each model answer
gives way to a note, because the answers part, at the back, holds them all).
A cover with the contents comes first, and a title page before each part.
Every page has a footer with its part and title, its page number, and the
manual's version and status (released, or "development version, not for
delivery").  Poppler's pdfunite joins them into
OUT_DIR/internet-offending-module-<version>-training.pdf (with "-dev" until the
change log has a dated release for the version, as `make dist` expects).
"""

from __future__ import annotations

import html
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from manual_tools import MARGINS_MM, checked_version, launch, print_viewport, release_info  # noqa: E402

NAME = "internet-offending-module-{version}-training.pdf"
INDEX = "training/index.html"
TITLE = "Facilitator training"

# Chromium prints header and footer templates in their own tiny default font: size everything.
FOOTER = (
    '<div style="width: 100%; margin: 0 {left}mm 0 {left}mm; padding-top: 2mm; border-top: 0.5pt solid #666; '
    'font-family: DejaVu Sans, Verdana, sans-serif; font-size: 9pt; line-height: 1.4; color: #000;">'
    '<div style="display: flex; justify-content: space-between;"><span>{where}</span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    "<div>Internet Offending Module. {status}.</div>"
    "</div>"
)

# The cover and each part's title page: plain HTML, printed like the pages.
SHEET = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>
body {{ font-family: DejaVu Sans, Verdana, sans-serif; color: #000; background: #fff; margin: 0; }}
h1 {{ font-size: 24pt; margin: 10mm 0 5mm; }} h2 {{ font-size: 14pt; margin: 6mm 0 1mm; }}
p, li {{ font-size: 11pt; line-height: 1.35; }} ol {{ margin: 0; }} .status {{ font-weight: 700; }}
</style></head><body>{body}</body></html>"""


def course_parts(html_dir: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(caption, [(page, title), ...]), ...] from the toctrees of training/index.html."""
    from bs4 import BeautifulSoup

    index = html_dir / INDEX
    if not index.is_file():
        raise SystemExit(f"{html_dir} has no {INDEX}: is it a build of the manual with its training course?")
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    parts = []
    for wrapper in soup.select("article div.toctree-wrapper"):
        caption = wrapper.select_one(".caption-text")
        pages = []
        for link in wrapper.select(":scope > ul > li > a.reference.internal"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(INDEX), link["href"].split("#")[0]))
            pages.append((target, link.get_text(" ", strip=True)))
        if caption is None or not pages:
            raise SystemExit(f"{index}: each toctree of the training index needs a :caption: and its pages")
        parts.append((caption.get_text(strip=True), pages))
    if not parts:
        raise SystemExit(f"{index} lists no parts (toctrees with a :caption:)")
    return parts


def _cover(parts, status: str) -> str:
    body = [f"<h1>Internet Offending Module<br>{TITLE}</h1>",
            "<p>The trainee's workbook and the trainer's pack, with the answers to the knowledge checks at the back."
            "</p>", f'<p class="status">{html.escape(status)}.</p>',
            "<p>The same pages are in the manual, under “Facilitator training”; the manual is the authority.</p>"]
    for number, (caption, pages) in enumerate(parts, start=1):
        body.append(f"<h2>Part {number}: {html.escape(caption)}</h2><ol>")
        body += [f"<li>{html.escape(title)}</li>" for _, title in pages]
        body.append("</ol>")
    return SHEET.format(title=TITLE, body="".join(body))


def _part_title(number: int, caption: str, pages) -> str:
    items = "".join(f"<li>{html.escape(title)}</li>" for _, title in pages)
    body = f"<h1>Part {number}<br>{html.escape(caption)}</h1><ol>{items}</ol>"
    return SHEET.format(title=html.escape(caption), body=body)


def print_course(html_dir: Path, out_dir: Path, version: str, status: str) -> tuple[Path, int]:
    """Print the cover, each part's title page and each page; join them; return the PDF and the page count."""
    from playwright.sync_api import sync_playwright

    parts = course_parts(html_dir)
    missing = [page for _, pages in parts for page, _ in pages if not (html_dir / page).is_file()]
    if missing:
        raise SystemExit(f"{html_dir} lacks pages the training index lists: {', '.join(missing)} (run `make html`)")
    if shutil.which("pdfunite") is None:
        raise SystemExit("pdfunite not found: install the Debian package 'poppler-utils' (make setup)")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NAME.format(version=version)
    margins = {side: f"{mm}mm" for side, mm in MARGINS_MM.items()}
    printed = 0
    with tempfile.TemporaryDirectory(prefix="training-") as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=print_viewport())  # laid out at the width of the paper
        page.emulate_media(media="print", color_scheme="light")
        files = []

        def pdf(where: str) -> None:
            page.evaluate("document.fonts.ready")
            part = Path(tmp) / f"{len(files):03d}.pdf"
            page.pdf(path=str(part), format="A4", print_background=True, margin=margins,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER.format(where=html.escape(where), status=html.escape(status),
                                                   left=MARGINS_MM["left"]))
            files.append(str(part))

        page.set_content(_cover(parts, status))
        pdf(TITLE)
        page.goto((html_dir / INDEX).as_uri(), wait_until="load")  # the course: routes, units, sign-off
        pdf(f"{TITLE}: about the course")
        for number, (caption, pages) in enumerate(parts, start=1):
            page.set_content(_part_title(number, caption, pages))
            pdf(f"Part {number}: {caption}")
            for name, title in pages:
                page.goto((html_dir / name).as_uri(), wait_until="load")
                pdf(f"{caption}: {title}")
                printed += 1
        browser.close()
        partial = target.with_suffix(f".{os.getpid()}.part")
        subprocess.run(["pdfunite", *files, str(partial)], check=True)
        os.replace(partial, target)
    return target, printed


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir = Path(argv[1]).resolve()  # pages open as file:// URLs, which are absolute
    checked_version(html_dir)
    target, printed = print_course(html_dir, Path(argv[2]), *release_info())
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    count = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    print(f"The training course ({printed} pages of the manual, {count} A4 pages) is at {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
