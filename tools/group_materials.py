"""What the workbook, cards and posters tools share: parts of the built site, printed by Chromium.

Each tool reads the built HTML manual (never the sources): the handouts, the
card sets (``.card-set``, from ``_ext/symbols.py``) and the diagrams are
taken out of their pages with Beautiful Soup, their links made absolute
(``file://``), and laid out in a document of the tool's own, styled by the
site's own stylesheets, which Debian's Chromium prints to PDF.

* :func:`session_order`: the exercises in the order they are taught;
* :func:`part_of`: an element of a built page, ready to move into another document;
* :func:`document`: a printable HTML document with the site's stylesheets;
* :func:`print_pdf`: prints it, with a footer on every page;
* :func:`pdf_texts`, :func:`join`: the text of each page of a PDF, and joining PDFs.
"""

from __future__ import annotations

import html
import os
import posixpath
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from manual_tools import EXERCISES, PROJECT, exercise_pages  # noqa: E402

MODULE = PROJECT

# Chromium prints header and footer templates in their own tiny default font: size everything.
FOOTER = (
    '<div style="width: 100%; margin: 0 {left}mm; padding-top: 1.5mm; border-top: 0.5pt solid #666; '
    'font-family: DejaVu Sans, Verdana, sans-serif; font-size: {size}pt; line-height: 1.35; color: #000;">'
    '<div style="display: flex; justify-content: space-between;"><span>{title}</span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    "<div>{lines}</div>"
    "</div>"
)


def soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def credit() -> str:
    """The symbols' credit, as page-kinds.toml declares it."""
    rules = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))
    return rules["pictures"]["credit"]


def session_order(html_dir: Path) -> list[str]:
    """Exercise pages in the order they are taught: each topic's exercises, topic by topic.

    From the topic overview on modules/index.html (generated from the exercises'
    front matter); an exercise of two topics comes with the first.  Exercises in
    no topic follow, in reading order.
    """
    order: list[str] = []
    overview = html_dir / "modules" / "index.html"
    if overview.is_file():
        for topic in soup(overview).select(".topic-overview > section"):
            for link in topic.select("p a[href]"):
                page = posixpath.normpath(posixpath.join("modules", link["href"].split("#")[0]))
                if page.startswith(EXERCISES) and page not in order:
                    order.append(page)
    rest = [page for page, _ in exercise_pages(html_dir) if page not in order]
    return [page for page in order if (html_dir / page).is_file()] + rest


def part_of(html_dir: Path, page: str, selector: str):
    """The elements matching *selector* on *page*, with every link made an absolute file:// URL."""
    path = html_dir / page
    found = soup(path).select(selector)
    for element in found:
        for tag in element.find_all(True):
            for attr in ("src", "href", "xlink:href"):
                value = tag.get(attr)
                if value and not value.startswith(("#", "data:", "file:", "http:", "https:", "mailto:")):
                    target = (path.parent / unquote(value.split("#")[0])).resolve()
                    tag[attr] = target.as_uri() + (("#" + value.split("#", 1)[1]) if "#" in value else "")
    return found


def stylesheets(html_dir: Path, page: str) -> list[str]:
    """The site's stylesheets, as a page links them, as absolute file:// URLs."""
    path = html_dir / page
    return [(path.parent / unquote(link["href"].split("?")[0])).resolve().as_uri()
            for link in soup(path).select('link[rel="stylesheet"]')]


def document(title: str, css: list[str], style: str, body: str) -> str:
    """A printable page: the site's stylesheets, the tool's own style, and *body*."""
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in css)
    # The site prints its pages on a named A4 page (manual.css); a tool's sheet has the size it prints at.
    own_size = "body { page: auto !important; }\n"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
            f"{links}\n<style>{own_size}{style}</style></head>\n<body>{body}</body></html>\n")


def footer(title: str, lines: list[str], left_mm: float, size: float = 10) -> str:
    return FOOTER.format(title=html.escape(title), lines="<br>".join(html.escape(line) for line in lines),
                         left=left_mm, size=size)


def print_pdf(page, html_file: Path, pdf: Path, *, width: str, height: str, margins_mm: dict,
              footer_html: str) -> None:
    """Open *html_file* in the Playwright *page* (print media) and print it to *pdf*."""
    page.emulate_media(media="print", color_scheme="light")
    page.goto(html_file.resolve().as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    page.pdf(path=str(pdf), width=width, height=height, print_background=True,
             margin={side: f"{mm}mm" for side, mm in margins_mm.items()},
             display_header_footer=True, header_template="<span></span>", footer_template=footer_html)


def pdf_texts(pdf: Path) -> list[str]:
    """The text of each page of *pdf* (pdftotext), one string a page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def join(parts: list[Path], target: Path) -> None:
    """Join *parts* into *target* (pdfunite), replacing it only when done."""
    if shutil.which("pdfunite") is None:
        raise SystemExit("pdfunite not found: install the Debian package 'poppler-utils' (make setup)")
    partial = target.with_suffix(f".{os.getpid()}.part")
    if len(parts) == 1:
        shutil.copyfile(parts[0], partial)
    else:
        subprocess.run(["pdfunite", *map(str, parts), str(partial)], check=True)
    os.replace(partial, target)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
