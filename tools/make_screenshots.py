"""Take screenshots of the built manual, to look at before a release.

Usage: python tools/make_screenshots.py HTML_DIR HANDOUTS_DIR OUT_DIR

Writes PNGs into OUT_DIR, from headless Chromium (Debian's, through Playwright):

* home.png: the home page, on screen;
* topic.png and topic-dark.png: a topic page with a diagram, in light and dark mode;
* exercise-print.png: an exercise page with a diagram as it prints (only its handout);
* handout-pdf.png: the first page of the handouts PDF in HANDOUTS_DIR, the one
  tools/make_handouts_pdf.py writes for this version (pdftoppm, 60 dpi).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_handouts_pdf import NAME as HANDOUTS_NAME  # noqa: E402
from manual_tools import VIEWPORT, exercise_pages, launch, print_viewport, reading_order, run_tool  # noqa: E402

DIAGRAM = re.compile(r'<div class="mermaid-diagram">')


def _with_diagram(html_dir: Path, pages: list[str]) -> str:
    """The first of *pages* that holds a diagram (else the first page)."""
    for page in pages:
        if DIAGRAM.search((html_dir / page).read_text(encoding="utf-8")):
            return page
    return pages[0]


def take(html_dir: Path, handouts_dir: Path, out_dir: Path, version: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    topics = [p for p in reading_order(html_dir) if p.startswith("modules/") and not p.endswith("index.html")]
    exercises = [page for page, _ in exercise_pages(html_dir)]
    if not topics or not exercises:
        raise SystemExit(f"{html_dir} has no topic or exercise pages: is it a build of the manual?")
    topic, exercise = _with_diagram(html_dir, topics), _with_diagram(html_dir, exercises)
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for name, page_name, scheme in [("home", "index.html", "light"), ("topic", topic, "light"),
                                        ("topic-dark", topic, "dark")]:
            page = browser.new_page(viewport=VIEWPORT, color_scheme=scheme)
            page.goto((html_dir / page_name).as_uri(), wait_until="load")
            if name.startswith("topic"):
                page.locator(".mermaid-diagram").first.scroll_into_view_if_needed()
            shots.append(out_dir / f"{name}.png")
            page.screenshot(path=str(shots[-1]))
            page.close()
        page = browser.new_page(viewport=print_viewport())
        page.emulate_media(media="print")
        page.goto((html_dir / exercise).as_uri(), wait_until="load")
        shots.append(out_dir / "exercise-print.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        browser.close()
    handouts_pdf = handouts_dir / HANDOUTS_NAME.format(version=version)
    if not handouts_pdf.is_file():
        raise SystemExit(f"{handouts_pdf} not found: run `make handouts`")
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: install the Debian package 'poppler-utils' (make setup)")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(handouts_pdf),
                    str(out_dir / "handout-pdf")], check=True)
    shots.append(out_dir / "handout-pdf.png")
    return shots


def run(html_dir: Path, handouts_dir: Path, out_dir: Path, release: tuple[str, str]) -> None:
    for shot in take(html_dir, handouts_dir, out_dir, release[0]):
        print(f"  {shot}")


def main(argv: list[str]) -> int:
    return run_tool(__doc__, argv, 3, run, check_site=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
