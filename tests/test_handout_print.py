"""Every handout prints on one A4 sheet, or two well-filled ones (issue 19, point 1).

Each page with a handout (every exercise, and the workbook pages that have one) is
printed by Chromium from the offline site, as its print dialogue does (the page's
own @page size and margins), and the PDF is read with pdfinfo and pdftotext:
one or two A4 sheets, every sheet more than a quarter full, all the text inside
margins of at least 15 mm, nothing from the site around it.  On screen, each such
page has a "Print handout" button that prints (and is not itself printed), and the
handout's body text is 16 pt in print.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import DOCS, print_pages_offline
from test_browser import offline_zip, site  # noqa: F401
from test_print import MM, SITE_FURNITURE, _words

HANDOUT_PAGES = sorted(
    f"{path.parent.name}/{path.stem}.html"
    for folder in ("exercises", "workbook") for path in (DOCS / folder).glob("*.md")
    if ":::{handout}" in path.read_text(encoding="utf-8") or "::::{handout}" in path.read_text(encoding="utf-8"))
A4_MM = (210, 297)
MARGIN_MM = 15


@pytest.fixture(scope="module")
def printed_handouts(browser, site: Path, tmp_path_factory) -> dict[str, Path]:  # noqa: F811
    """Each page with a handout printed by Chromium, offline, as its print dialogue does."""
    return print_pages_offline(browser, site, HANDOUT_PAGES, tmp_path_factory.mktemp("handouts-printed"))


def test_there_are_handouts_to_print() -> None:
    assert len(HANDOUT_PAGES) >= 15, HANDOUT_PAGES


@pytest.mark.browser
@pytest.mark.parametrize("name", HANDOUT_PAGES)
def test_each_handout_prints_on_one_or_two_a4_sheets(printed_handouts: dict[str, Path], name: str) -> None:
    info = subprocess.run(["pdfinfo", str(printed_handouts[name])], capture_output=True, text=True, check=True).stdout
    sheets = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    assert 1 <= sheets <= 2, f"{name} prints on {sheets} sheets"
    for sheet in _words(printed_handouts[name]):
        size = (sheet["width"] / MM, sheet["height"] / MM)
        assert all(abs(got - want) < 1 for got, want in zip(size, A4_MM)), f"{name}: a sheet of {size} mm, not A4"


@pytest.mark.browser
@pytest.mark.parametrize("name", HANDOUT_PAGES)
def test_every_printed_sheet_is_more_than_a_quarter_full(printed_handouts: dict[str, Path], name: str) -> None:
    """No sheet holds only a line or two: its text reaches more than a quarter of the way down."""
    for number, sheet in enumerate(_words(printed_handouts[name]), start=1):
        assert sheet["words"], f"{name}: sheet {number} is empty"
        top = min(w["yMin"] for w in sheet["words"])
        bottom = max(w["yMax"] for w in sheet["words"])
        printable = sheet["height"] - 2 * MARGIN_MM * MM
        assert bottom - top > printable / 4, f"{name}: sheet {number} is less than a quarter full"


@pytest.mark.browser
@pytest.mark.parametrize("name", HANDOUT_PAGES)
def test_printed_text_stays_inside_margins_of_15_mm(printed_handouts: dict[str, Path], name: str) -> None:
    edge = MARGIN_MM * MM - 0.5
    for number, sheet in enumerate(_words(printed_handouts[name]), start=1):
        for word in sheet["words"]:
            assert word["xMin"] >= edge and word["yMin"] >= edge, f"{name}: '{word['text']}' on sheet {number}"
            assert word["xMax"] <= sheet["width"] - edge and word["yMax"] <= sheet["height"] - edge, \
                f"{name}: '{word['text']}' on sheet {number} is in the margin"


@pytest.mark.browser
@pytest.mark.parametrize("name", HANDOUT_PAGES)
def test_a_printed_handout_holds_nothing_from_the_site(printed_handouts: dict[str, Path], name: str) -> None:
    text = " ".join(w["text"] for sheet in _words(printed_handouts[name]) for w in sheet["words"])
    for furniture in [*SITE_FURNITURE, "Print handout", "Purpose", "Facilitator notes"]:
        assert furniture not in text, f"{name}: '{furniture}' is printed"
    assert re.search(r"Internet Offending Module, version \S+", text), f"{name}: no version line"


@pytest.mark.browser
def test_each_page_with_a_handout_has_a_print_handout_button_that_prints(browser, site: Path) -> None:  # noqa: F811
    """The button sits before the handout, works from file:// with no network, and calls the print dialogue."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    try:
        for name in HANDOUT_PAGES:
            page.goto((site / name).as_uri())
            page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
            button = page.get_by_role("button", name="Print handout")
            assert button.count() == page.locator("section.handout").count() >= 1, name
            assert page.evaluate(
                "document.querySelector('.print-handout').nextElementSibling.classList.contains('handout')"), name
            button.first.click()
            assert page.evaluate("window.__printed") == 1, f"{name}: the button did not print"
    finally:
        context.close()


@pytest.mark.browser
def test_handout_body_text_is_16_pt_in_print(browser, site: Path) -> None:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto((site / HANDOUT_PAGES[0]).as_uri())
        page.emulate_media(media="print")
        size = page.evaluate("getComputedStyle(document.querySelector('section.handout')).fontSize")
        assert abs(float(size.removesuffix("px")) - 16 * 96 / 72) < 0.1, size
    finally:
        context.close()
