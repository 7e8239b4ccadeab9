"""Every handout says where the sheet goes afterwards, and its tick boxes print.

The destination comes from an exercise's front matter (``destination``) and
its words from ``_ext/page-kinds.toml``; the rule fixtures for a missing or
wrong field are in tests/test_rules.py.  Here: the words end each handout, in
the HTML and in the PDF; the handouts that hold offence detail stay in the
group record; the guide's table agrees with the handouts; tick boxes are
drawn, never typed brackets.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, Build, sphinx_build
from test_rules import EXERCISE, edit, write_fixture

SCHEMA = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))
WORDS: dict[str, list[str]] = {value: spec["words"] for value, spec in SCHEMA["handout"]["destination"].items()}
ALLOWED = SCHEMA["kind"]["exercise"]["fields"]["destination"]
# Sheets about images, triggers or planning: a clinician keeps them out of a shared house.
MUST_STAY = ["images-i-targeted", "my-trigger-chain", "how-i-planned-it", "my-escalation-cycle",
             "making-it-ok-card-sort"]


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def _destination(html: str) -> tuple[str | None, list[str], bool]:
    """The handout's destination value, the sentences of its block, and whether it is the handout's last part
    (before the small print)."""
    handout = BeautifulSoup(html, "html.parser").select_one("section.handout")
    assert handout is not None, "no handout on the page"
    blocks = handout.select(".handout-destination")
    if len(blocks) != 1:
        return None, [], False
    block = blocks[0]
    value = next((c.removeprefix("handout-destination-") for c in block["class"]
                  if c.startswith("handout-destination-")), None)
    # Only the small print may follow it: the pictures' credit and the version footer.
    small_print = {"handout-footer", "symbol-credit"}
    after = [el for el in block.find_next_siblings() if not small_print & set(el.get("class", []))]
    return value, [_text(p) for p in block.find_all("p")], not after


def test_every_destination_value_has_its_words() -> None:
    assert sorted(WORDS) == sorted(ALLOWED)
    assert all(len(words) >= 2 for words in WORDS.values())


# -- a fixture project ----------------------------------------------------------


@pytest.fixture(scope="module")
def home_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The valid fixture, its exercise's sheet able to go home, with a tick box in its handout."""
    root = tmp_path_factory.mktemp("home")
    src = write_fixture(root)
    edit(src, EXERCISE, "destination: group-record", "destination: home")
    edit(src, EXERCISE, "It is OK to ask for help.\n", "It is OK to ask for help.\n\n{tick-box}`done` I asked.\n")
    return sphinx_build(src, root / "html")


def test_a_home_handout_ends_with_the_words_for_home(home_build: Build) -> None:
    assert home_build.ok, home_build.warnings or home_build.output[-2000:]
    html = (home_build.outdir / "exercises" / "one-exercise.html").read_text(encoding="utf-8")
    value, sentences, last = _destination(html)
    assert (value, sentences, last) == ("home", WORDS["home"], True)


def test_a_group_record_handout_ends_with_the_words_for_the_group_record(tmp_path: Path) -> None:
    build = sphinx_build(write_fixture(tmp_path), tmp_path / "html")
    assert build.ok, build.warnings or build.output[-2000:]
    html = (build.outdir / "exercises" / "one-exercise.html").read_text(encoding="utf-8")
    assert _destination(html) == ("group-record", WORDS["group-record"], True)


def test_a_tick_box_is_a_drawn_box_named_for_screen_readers(home_build: Build) -> None:
    html = (home_build.outdir / "exercises" / "one-exercise.html").read_text(encoding="utf-8")
    boxes = BeautifulSoup(html, "html.parser").select("section.handout span.tick-box")
    assert [(box.get("role"), box.get("aria-label"), box.get_text()) for box in boxes] == [
        ("img", "box to tick: done", "")]


def test_a_tick_box_is_a_framed_box_in_latex(tmp_path: Path) -> None:
    src = write_fixture(tmp_path)
    edit(src, EXERCISE, "It is OK to ask for help.\n", "It is OK to ask for help.\n\n{tick-box}`done` I asked.\n")
    build = sphinx_build(src, tmp_path / "latex", "latex")
    assert build.ok, build.warnings or build.output[-2000:]
    tex = next(build.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert re.search(r"\\fbox\{\\rule\{0pt\}\{[\d.]+em\}\\hspace\{[\d.]+em\}\}\} I asked\.", tex)
    # The destination words are in the handout's LaTeX, before the handout's closing version line.
    handout = tex[tex.index("My chain"):]
    assert handout.index(WORDS["group-record"][-1]) < handout.index("Internet Offending Module, version")


# -- the real manual --------------------------------------------------------------


def _exercise_pages(html_pages: dict[str, str]) -> dict[str, str]:
    """Every exercise page (one handout each), by name; the tests below loop over them."""
    pages = {Path(path).stem: html for path, html in html_pages.items()
             if path.startswith("exercises/") and Path(path).stem != "index"}
    assert len(pages) >= 12, f"only {len(pages)} exercise pages were built"
    return pages


def test_every_handout_in_the_manual_ends_with_where_the_sheet_goes(html_pages: dict[str, str]) -> None:
    pages = _exercise_pages(html_pages)
    for name, html in pages.items():
        value, sentences, last = _destination(html)
        assert value in ALLOWED and sentences == WORDS[value] and last, f"{name}: {value!r}, {sentences}"


def test_handouts_about_images_triggers_or_planning_stay_in_the_group_record(html_pages: dict[str, str]) -> None:
    pages = _exercise_pages(html_pages)
    assert {name: _destination(pages[name])[0] for name in MUST_STAY} == dict.fromkeys(MUST_STAY, "group-record")


def test_the_guide_lists_each_handout_where_its_own_sheet_says_it_goes(html_pages: dict[str, str]) -> None:
    words = {"stays in the group record": "group-record", "can go home": "home"}
    guide = BeautifulSoup(html_pages["facilitator-guide/records.html"], "html.parser")
    listed = {}
    for row in guide.select("table tbody tr"):
        link, where = row.find_all("td")
        listed[Path(link.a["href"].split("#")[0]).stem] = words[_text(where)]
    pages = _exercise_pages(html_pages)
    assert listed == {name: _destination(html)[0] for name, html in pages.items()}


def test_no_handout_types_brackets_for_a_tick_box(html_pages: dict[str, str]) -> None:
    for name, html in _exercise_pages(html_pages).items():
        handout = BeautifulSoup(html, "html.parser").select_one("section.handout")
        assert not re.search(r"\[\s?\]", handout.get_text()), name


def test_the_pdf_ends_each_handout_with_where_the_sheet_goes(pdf_build: tuple[Build, Path],
                                                             html_pages: dict[str, str]) -> None:
    build, pdf = pdf_build
    assert build.returncode == 0 and pdf.is_file(), build.output[-3000:]
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                              capture_output=True, text=True, check=True).stdout)
    counts = {}
    # Every page with a handout: the exercises and the workbook's own sheets.
    with_handouts = [html for html in html_pages.values()
                     if BeautifulSoup(html, "html.parser").select_one("section.handout") is not None]
    assert len(with_handouts) > len(_exercise_pages(html_pages))
    for html in with_handouts:
        value = _destination(html)[0]
        counts[value] = counts.get(value, 0) + 1
    for value, count in counts.items():
        assert text.count(" ".join(WORDS[value])) == count, value
