"""Print every exercise's easy-read handout into one PDF, for the group room.

Usage: python tools/make_handouts_pdf.py HTML_DIR OUT_DIR

Opens each exercise page of the built HTML manual, in reading order, in
headless Chromium (Debian's, through Playwright) and prints it with the site's
own print stylesheet, which leaves the handout alone on the paper: A4, large
print, dark on light.  Every page gets a footer with the handout's title, the
page number and the manual's version and status (released, or "development
version, not for delivery").  Each exercise starts on a new page and takes as
many as it needs.  Poppler's pdfunite joins them into
OUT_DIR/internet-offending-module-<version>-handouts.pdf (with "-dev" in the
version until the change log has a dated release for it, as `make dist` expects).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from manual_tools import (  # noqa: E402
    MARGINS_MM,
    exercise_pages,
    launch,
    print_viewport,
    run_tool,
)

NAME = "internet-offending-module-{version}-handouts.pdf"

# Chromium prints header and footer templates in their own tiny default font: size everything.
FOOTER = (
    '<div style="width: 100%; margin: 0 {left}mm 0 {left}mm; padding-top: 2mm; border-top: 0.5pt solid #666; '
    'font-family: DejaVu Sans, Verdana, sans-serif; font-size: 11pt; line-height: 1.4; color: #000;">'
    '<div style="display: flex; justify-content: space-between;"><span>{title}</span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    "<div>Internet Offending Module. {status}.</div>"
    "</div>"
)


def print_handouts(html_dir: Path, out_dir: Path, version: str, status: str) -> tuple[Path, list[str]]:
    """Print each exercise page to its own PDF, join them, and return the PDF and the titles."""
    from playwright.sync_api import sync_playwright

    pages = exercise_pages(html_dir)
    if not pages:
        raise SystemExit(f"{html_dir} has no page with a handout: is it a build of the manual?")
    if shutil.which("pdfunite") is None:
        raise SystemExit("pdfunite not found: install the Debian package 'poppler-utils' (make setup)")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NAME.format(version=version)
    margins = {side: f"{mm}mm" for side, mm in MARGINS_MM.items()}
    with tempfile.TemporaryDirectory(prefix="handouts-") as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        # Laid out at the width of the paper, as printing does.
        page = browser.new_page(viewport=print_viewport())
        page.emulate_media(media="print", color_scheme="light")
        parts = []
        for number, (name, title) in enumerate(pages, start=1):
            page.goto((html_dir / name).as_uri(), wait_until="load")
            # Every sheet's own footer names the manual and its version: the handout's
            # closing version line (for printing from the browser) would repeat it.
            page.add_style_tag(content=".handout .handout-footer { display: none !important; }")
            page.evaluate("document.fonts.ready")
            part = Path(tmp) / f"{number:03d}.pdf"
            page.pdf(
                path=str(part), format="A4", print_background=True, margin=margins,
                display_header_footer=True, header_template="<span></span>",
                footer_template=FOOTER.format(title=html.escape(title), status=html.escape(status),
                                              left=MARGINS_MM["left"]),
            )
            parts.append(str(part))
        browser.close()
        partial = target.with_suffix(f".{os.getpid()}.part")
        subprocess.run(["pdfunite", *parts, str(partial)], check=True)
        os.replace(partial, target)
    return target, [title for _, title in pages]


def run(html_dir: Path, out_dir: Path, release: tuple[str, str]) -> None:
    target, titles = print_handouts(html_dir, out_dir, *release)
    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
    print(f"The handouts of {len(titles)} exercises ({count} A4 pages) are at {target}")


def main(argv: list[str]) -> int:
    return run_tool(__doc__, argv, 2, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
