"""The PDF manual: built with XeLaTeX, with a table of contents and cropped vector diagrams."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import DOCS, Build
from test_build import MERMAID_FENCE

# Every test here reads the PDF manual: `make check` leaves them out (pytest.ini).
pytestmark = pytest.mark.pdf

A4_POINTS = (595, 842)


def pdftotext_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_pdf_is_built(pdf_build: tuple[Build, Path]) -> None:
    build, pdf = pdf_build
    assert build.returncode == 0, build.output[-3000:]
    assert build.warnings.strip() == ""
    assert pdf.is_file() and pdf.stat().st_size > 50_000


def test_pdf_has_a_table_of_contents(pdf_build: tuple[Build, Path]) -> None:
    pages = pdftotext_pages(pdf_build[1])
    contents = [i for i, page in enumerate(pages[:8]) if "CONTENTS" in page.upper()]
    assert contents, "no Contents page near the start"
    toc = "".join(pages[contents[0]:contents[0] + 4])
    for title in ("Facilitator guide", "Topics", "Triggers", "Exercises and handouts", "Reference"):
        assert title in toc


def test_pdf_prints_curly_quotes_and_dashes(pdf_build: tuple[Build, Path]) -> None:
    text = "".join(pdftotext_pages(pdf_build[1]))
    assert "’" in text or "“" in text
    assert "–" in text or "—" in text


def _diagram_pdfs(outdir: Path) -> list[Path]:
    return sorted(outdir.glob("mermaid-*.pdf"))


def test_every_diagram_is_a_cropped_vector_pdf(pdf_build: tuple[Build, Path]) -> None:
    outdir = pdf_build[1].parent
    count = sum(len(MERMAID_FENCE.findall(p.read_text(encoding="utf-8"))) for p in DOCS.rglob("*.md"))
    diagrams = _diagram_pdfs(outdir)
    assert len(diagrams) == count
    tex = (outdir / "internet-offending-module.tex").read_text(encoding="utf-8")
    assert len(re.findall(r"\\sphinxincludegraphics\{mermaid-[0-9a-f]+\.pdf\}", tex)) == count
    for diagram in diagrams:
        info = subprocess.run(["pdfinfo", str(diagram)], capture_output=True, text=True, check=True).stdout
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert re.search(r"^Pages:\s+1$", info, re.M)
        assert (width, height) != A4_POINTS and width < 2000 and height < 2000, diagram.name
        assert subprocess.run(["pdftotext", str(diagram), "-"], capture_output=True, text=True).stdout.strip(), \
            f"{diagram.name} has no text: labels must be vector text"


def test_diagram_labels_print_on_the_page_of_their_section(pdf_build: tuple[Build, Path]) -> None:
    pages = pdftotext_pages(pdf_build[1])
    heading = "How the module fits together"  # on the About page, with the route diagram
    # The heading itself, not its line in the table of contents (which ends in a page number).
    title_line = re.compile(rf"^\s*[\d.]+\s+{heading}\s*$", re.M)
    on_page = [page for page in pages if title_line.search(page)]
    assert on_page, f"no page has the heading {heading!r}"
    assert "Understanding" in on_page[0] and "relapse prevention" in on_page[0]


def test_no_page_of_the_pdf_is_blank(pdf_build: tuple[Build, Path]) -> None:
    pages = pdftotext_pages(pdf_build[1])[:-1]  # the text ends with a form feed
    blank = [i + 1 for i, page in enumerate(pages) if not page.strip()]
    # LaTeX leaves a blank verso before a chapter that must start on a right-hand page;
    # the manual is one-sided, so there are none.
    assert blank == []
