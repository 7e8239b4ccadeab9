"""Every page prints cleanly from Chromium: the PDF of each topic, guide and law
page holds the page's text and nothing of the site around it, inside margins of at
least 15 mm, with each diagram and table on one sheet and no sheet ending on a heading.
Search marks, the search-match control and the version switcher never print."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from test_browser import Visit, offline_zip, site, tab  # noqa: F401
from conftest import DOCS, print_pages_offline

MM = 72 / 25.4  # PDF points in a millimetre
PRINTED = sorted(
    [f"modules/{p.stem}.html" for p in (DOCS / "modules").glob("*.md") if p.stem != "index"]
    + [f"facilitator-guide/{p.stem}.html" for p in (DOCS / "facilitator-guide").glob("*.md") if p.stem != "index"]
    + ["reference/law.html", "reference/bibliography.html"])
SITE_FURNITURE = ["Skip to content", "On this page", "Back to top", "Hide search matches", "Version: "]


@pytest.fixture(scope="module")
def printed(browser, site: Path, tmp_path_factory) -> dict[str, Path]:
    """Each page printed by Chromium as the print dialog does (A4, the page's own @page margins)."""
    return print_pages_offline(browser, site, PRINTED, tmp_path_factory.mktemp("printed"))


def _words(pdf: Path) -> list[list[dict]]:
    """The words of each sheet with their boxes, and each sheet's size, from pdftotext -bbox."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml).replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    sheets = []
    for sheet in root.iter("page"):
        words = [{"text": w.text or "", **{k: float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")}}
                 for w in sheet.iter("word")]
        sheets.append({"width": float(sheet.get("width")), "height": float(sheet.get("height")), "words": words})
    return sheets


def _text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(sheet.split()) for sheet in out.split("\f")[:-1]]


@pytest.mark.browser
@pytest.mark.parametrize("name", PRINTED)
def test_a_printed_page_holds_its_text_and_nothing_of_the_site(printed: dict, site: Path, name: str) -> None:
    sheets = _text(printed[name])
    text = " ".join(sheets)
    heading = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser").select_one("article h1")
    heading.select_one("a.headerlink").decompose()
    title = " ".join(heading.get_text().split())
    assert title in text, f"the title {title!r} is not printed"
    for furniture in SITE_FURNITURE:
        assert furniture not in text, f"{furniture!r} printed"
    # The footer's revision line says which revision was printed.
    assert "Version" in sheets[-1]


@pytest.mark.browser
@pytest.mark.parametrize("name", PRINTED)
def test_a_printed_page_is_a4_with_margins_of_at_least_15_mm(printed: dict, name: str) -> None:
    sheets = _words(printed[name])
    assert any(sheet["words"] for sheet in sheets), f"{name}: no words printed to check"
    for number, sheet in enumerate(sheets, start=1):
        assert abs(sheet["width"] - 210 * MM) < 2 and abs(sheet["height"] - 297 * MM) < 2, "not A4"
        for word in sheet["words"]:
            assert word["xMin"] >= 15 * MM - 0.5 and word["yMin"] >= 15 * MM - 0.5, (number, word)
            assert sheet["width"] - word["xMax"] >= 15 * MM - 0.5, (number, word)
            assert sheet["height"] - word["yMax"] >= 15 * MM - 0.5, (number, word)


@pytest.mark.browser
@pytest.mark.parametrize("name", PRINTED)
def test_no_diagram_or_table_is_split_across_sheets(printed: dict, tab: Visit, name: str) -> None:
    tab.open(name)
    blocks = tab.page.evaluate("""() => [
      ...[...document.querySelectorAll('article .mermaid-diagram svg')].map(svg =>
        [...svg.querySelectorAll('text')].map(t => [...t.querySelectorAll('tspan:not(:has(tspan))')]
          .map(span => span.textContent).join(' ') || t.textContent)),
      ...[...document.querySelectorAll('article table')].map(table => {
        const cells = [...table.querySelectorAll('th, td')].map(c => c.textContent.trim()).filter(Boolean);
        return [cells[0], cells[cells.length - 1]];
      })]""")
    if not blocks:
        pytest.skip(f"{name} has no diagram or table")
    # Every word of a diagram's labels (or of a table's first and last cells) on one sheet.
    sheets = [set(re.findall(r"\w+", sheet)) for sheet in _text(printed[name])]
    for pieces in blocks:
        words = set(re.findall(r"\w+", " ".join(pieces)))
        assert any(words <= sheet for sheet in sheets), f"split across sheets: {pieces[:3]}"


@pytest.mark.browser
@pytest.mark.parametrize("name", PRINTED)
def test_no_printed_sheet_ends_with_a_heading(printed: dict, tab: Visit, name: str) -> None:
    tab.open(name)
    headings = set(tab.page.eval_on_selector_all(
        "article :is(h2, h3, h4)", "hs => hs.map(h => h.textContent.replace('¶', '').trim())"))
    out = subprocess.run(["pdftotext", "-layout", str(printed[name]), "-"], capture_output=True, text=True,
                         check=True).stdout
    if len(out.split("\f")) < 3:
        pytest.skip(f"{name} prints on one sheet, which may end anywhere")
    if not headings:
        pytest.skip(f"{name} has no section headings")
    for number, sheet in enumerate(out.split("\f")[:-2], start=1):  # the last sheet may end anywhere
        lines = [line.strip() for line in sheet.splitlines() if line.strip()]
        assert lines and lines[-1] not in headings, f"sheet {number} ends with the heading {lines[-1]!r}"


@pytest.mark.browser
def test_search_marks_the_switcher_and_the_skip_link_do_not_print(tab: Visit) -> None:
    tab.open("reference/law.html", "?highlight=register+notification#notification-requirements")
    tab.page.wait_for_selector("mark.search-match")
    # The versions site (tools/build_versions.py) puts its switcher into the revision bar.
    tab.page.evaluate("""() => document.querySelector('.announcement-content').insertAdjacentHTML('beforeend',
      '<div class="version-bar"><details class="version-switcher" open><summary>Version: v1.0.0</summary>'
      + '<ul><li><a href="#">main</a></li></ul></details></div>')""")
    tab.page.emulate_media(media="print")
    found = tab.page.evaluate("""() => ({
      marks: [...document.querySelectorAll('mark.search-match')].map(m => getComputedStyle(m).backgroundColor),
      hidden: ['.search-matches', '.version-switcher', '.skip-to-content', '.announcement', '.back-to-top',
               '.sidebar-drawer', '.toc-drawer', '.mobile-header'].filter(s => document.querySelector(s)?.checkVisibility())
    })""")
    tab.page.emulate_media(media="screen")
    assert found["marks"] and set(found["marks"]) <= {"rgba(0, 0, 0, 0)"}
    assert found["hidden"] == [], "shown in print"
