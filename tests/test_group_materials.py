"""What group members hold: pictures beside key points, the workbook, cut-out cards and posters.

* The fixture project of tests/test_rules.py, with pictures and cut-out cards,
  in Chromium: each key point's picture on the left of its words, on screen
  and in print; its cards printed by tools/make_cards.py.
* The real manual (the session's build): the workbook (tools/make_workbook.py)
  and the posters (tools/make_posters.py), and its cut-out cards.
* The project's copy of the symbols (symbols/) and the tool that makes it.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DOCS, ROOT, Build, sphinx_build
from test_rules import CARDS, EXERCISE, PICTURES_ON, edit, write_fixture_with_cards

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))

from copy_symbols import named_symbols  # noqa: E402
from curriculum import load_schema  # noqa: E402
from manual_tools import read_version, release_info  # noqa: E402

CREDIT = load_schema()["pictures"]["credit"]
A4_POINTS, A3_POINTS = (595, 842), (842, 1191)
# Twelve cards more in a second set: two sheets of eight; each words line names its card.
MORE_CARDS = "\n:::{cards} Step cards\n\n" + "".join(
    f"{'good' if n % 2 else 'bad'} | Step {n} of the chain.\n" for n in range(1, 13)) + ":::\n"


def _pdf_pages(pdf: Path, layout: bool = True) -> list[str]:
    """Each page's text, whitespace collapsed; *layout* keeps columns side by side, else text flows by block."""
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def _has(page: str, words: str) -> bool:
    """Whether *words* are on *page*, however its lines broke them."""
    return re.sub(r"\s+", "", words) in re.sub(r"\s+", "", page)


def _page_sizes(pdf: Path) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    # Named sizes, within 2 points: Chromium's millimetres round differently from the standard's.
    named = {"A4": A4_POINTS, "A4 sideways": A4_POINTS[::-1], "A3": A3_POINTS, "A3 sideways": A3_POINTS[::-1]}
    return [next((name for name, (nw, nh) in named.items() if abs(w - nw) <= 2 and abs(h - nh) <= 2), (w, h))
            for w, h in sizes]


def _word_heights(pdf: Path, page: int) -> list[float]:
    """The height of each word's box on *page*, in points: about 1.16 times its type size (DejaVu Sans)."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', xml)]


def _run(script: str, html: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / script), str(html), str(out)],
                          capture_output=True, text=True, check=False)


# -- the fixture project, with pictures and cards -------------------------------------------


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Build:
    root = tmp_path_factory.mktemp("pictures")
    src = write_fixture_with_cards(root)
    edit(src, EXERCISE, CARDS, CARDS + MORE_CARDS)
    build = sphinx_build(src, root / "html", "html", *PICTURES_ON)
    assert build.ok, build.warnings or build.output[-2000:]
    return build


BOXES_JS = """() => [...document.querySelectorAll('.key-point')].map(point => {
    const img = point.querySelector('.key-point-picture img');
    const words = point.querySelector('.key-point-words');
    return {img: img.getBoundingClientRect().toJSON(), words: words.getBoundingClientRect().toJSON(),
            loaded: img.complete && img.naturalWidth > 0, visible: words.offsetParent !== null};
})"""
# Run in a process of its own: tests/test_browser.py keeps Playwright's sync API open for the
# whole session, and a second one cannot start beside it in the same process.
BOXES = """
import json, sys
sys.path.insert(0, sys.argv[1])
from manual_tools import VIEWPORT, launch, print_viewport
from playwright.sync_api import sync_playwright
with sync_playwright() as playwright:
    browser = launch(playwright)
    page = browser.new_page(viewport=print_viewport() if sys.argv[3] == "print" else VIEWPORT)
    page.emulate_media(media=sys.argv[3])
    page.goto(sys.argv[2], wait_until="load")
    print(json.dumps(page.evaluate(sys.argv[4])))
    browser.close()
"""


@pytest.mark.browser
@pytest.mark.parametrize("media", ["screen", "print"])
def test_each_key_points_picture_is_on_the_left_of_its_words(fixture_site: Build, media: str) -> None:
    url = (fixture_site.outdir / EXERCISE.replace(".md", ".html")).as_uri()
    done = subprocess.run([sys.executable, "-c", BOXES, str(ROOT / "tools"), url, media, BOXES_JS],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    boxes = json.loads(done.stdout)
    shown = [box for box in boxes if box["visible"]]
    # The handout's key point and where the sheet goes; on screen, the 14 cards too (printed, the handout only).
    assert len(shown) == (2 if media == "print" else 16)
    for box in shown:
        img, words = box["img"], box["words"]
        assert box["loaded"] and img["width"] >= 40 and img["height"] >= 40, box
        assert img["right"] <= words["left"], box  # the picture on the left, the words on the right
        assert img["top"] < words["bottom"] and words["top"] < img["bottom"], box  # side by side


@pytest.fixture(scope="module")
def cards_pdf(fixture_site: Build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cards")
    done = _run("make_cards.py", fixture_site.outdir, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "14 cards in 2 sets (3 A4 sheets)" in done.stdout
    return out / f"internet-offending-module-{release_info()[0]}-cards.pdf"


@pytest.mark.browser
@pytest.mark.pdf
def test_the_cards_print_eight_to_an_a4_sheet_each_set_on_sheets_of_its_own(cards_pdf: Path) -> None:
    assert _page_sizes(cards_pdf) == ["A4"] * (1 + math.ceil(12 / 8))
    first, second, third = _pdf_pages(cards_pdf, layout=False)
    assert "I can stop and think." in first and "I keep going." in first and "Step" not in first
    assert [n for n in range(1, 13) if f"Step {n} of the chain." in second] == list(range(1, 9))
    assert [n for n in range(1, 13) if f"Step {n} of the chain." in third] == list(range(9, 13))
    assert "Chain cards · card 1" in first and "Chain cards · card 2" in first  # numbered: :numbered:
    assert "card 1" not in second  # not numbered


@pytest.mark.browser
@pytest.mark.pdf
def test_every_card_sheet_carries_the_version_and_the_symbols_credit(cards_pdf: Path) -> None:
    status = release_info()[1]
    for text in _pdf_pages(cards_pdf):
        assert _has(text, status) and _has(text, CREDIT)


@pytest.mark.browser
@pytest.mark.pdf
def test_card_words_are_large_print(cards_pdf: Path) -> None:
    heights = [h for h in _word_heights(cards_pdf, 1) if h > 15]  # the words, not the small labels
    assert heights and min(heights) >= 16 * 1.1, heights  # 16 pt or more


def _gray_pixels(pdf: Path, page: int, dpi: int, tmp: Path) -> tuple[int, int, bytes]:
    """Page *page* of *pdf* as 8-bit grey pixels (PGM from pdftoppm): width, height, data."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(tmp / "page")], check=True)
    data = (tmp / "page.pgm").read_bytes()
    magic, width, height, depth, rest = data.split(maxsplit=4)
    assert magic == b"P5" and depth == b"255"
    return int(width), int(height), rest


@pytest.mark.browser
@pytest.mark.pdf
def test_crop_marks_are_printed_outside_each_card_corner(cards_pdf: Path, tmp_path: Path) -> None:
    """Dark pixels where each mark of the first card's top-left corner should be, none inside the card's corner."""
    from make_cards import CARD_MM, MARGINS_MM, PADDING_MM

    dpi = 150
    width, _, pixels = _gray_pixels(cards_pdf, 1, dpi, tmp_path)

    def dark(x_mm: float, y_mm: float) -> bool:
        x, y = round(x_mm / 25.4 * dpi), round(y_mm / 25.4 * dpi)
        return min(pixels[(y + dy) * width + x + dx] for dx in (-1, 0, 1) for dy in (-1, 0, 1)) < 100

    left, top = MARGINS_MM["left"] + PADDING_MM, MARGINS_MM["top"] + PADDING_MM  # the first card's corner
    assert dark(left - 2.5, top), "no horizontal mark left of the first card's top edge"
    assert dark(left, top - 2.5), "no vertical mark above the first card's left edge"
    right = left + CARD_MM[0]
    assert dark(right + 2.5, top) and dark(right, top - 2.5), "no marks at the first card's top-right corner"
    assert not dark(left + 2, top + 2), "the card itself has no border: it is cut at the marks"


@pytest.mark.browser
def test_the_real_manual_prints_the_card_sort_step_and_trigger_cards(html_build: Build, tmp_path: Path) -> None:
    """The card sort's 22 cards, the escalation cycle's 6 step and 5 step-out cards, the trigger chain's 8 cards."""
    done = _run("make_cards.py", html_build.outdir, tmp_path / "cards")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "41 cards in 5 sets" in done.stdout
    pdf = tmp_path / "cards" / f"internet-offending-module-{release_info()[0]}-cards.pdf"
    text = " ".join(_pdf_pages(pdf, layout=False))
    for words in ("Truth statement", "The child did not mind.", "I can step out here.", "Sexual feelings", "Bored",
                  "Making it OK card sort: cards · card 20", "The cycle that can get worse: step cards · card 6"):
        assert _has(text, words), words


# -- the workbook, from the real manual ------------------------------------------------------------


def _handout_title(source: Path) -> str:
    return re.search(r"^:{3,}\{handout\}\s+(.+)$", source.read_text(encoding="utf-8"), re.M).group(1).strip()


def _session_order() -> list[str]:
    """The exercises' handout titles in session order, from the sources: the topics in
    teaching order (docs/modules/index.md), each with its exercises in toctree order."""
    def toctree(index: Path) -> list[str]:
        block = re.search(r"```\{toctree\}(.*?)```", index.read_text(encoding="utf-8"), re.S).group(1)
        return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith(":")]

    topics = toctree(DOCS / "modules" / "index.md")
    exercises = toctree(DOCS / "exercises" / "index.md")
    topic_of = {}
    for name in exercises:
        found = re.search(r"^topic:\s*\[([^\]]*)\]", (DOCS / "exercises" / f"{name}.md").read_text(encoding="utf-8"),
                          re.M)
        labels = [label.strip().removeprefix("mod-") for label in found.group(1).split(",")] if found else []
        topic_of[name] = min((topics.index(t) for t in labels if t in topics), default=len(topics))
    ordered = sorted(exercises, key=lambda name: (topic_of[name], exercises.index(name)))
    return [_handout_title(DOCS / "exercises" / f"{name}.md") for name in ordered]


@pytest.fixture(scope="session")
def workbook_pdf(html_build: Build, tmp_path_factory) -> Path:
    assert html_build.returncode == 0, html_build.output[-3000:]
    out = tmp_path_factory.mktemp("workbook")
    done = _run("make_workbook.py", html_build.outdir, out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / f"internet-offending-module-{release_info()[0]}-workbook.pdf"


@pytest.mark.browser
@pytest.mark.pdf
def test_the_workbook_is_one_a4_pdf_with_a_cover(workbook_pdf: Path) -> None:
    assert set(_page_sizes(workbook_pdf)) == {"A4"}
    cover = _pdf_pages(workbook_pdf)[0]
    for words in ("My workbook", "Internet Offending Module", "My name:", release_info()[1]):
        assert words in cover


@pytest.mark.browser
@pytest.mark.pdf
def test_the_workbooks_contents_list_its_parts_in_session_order_with_their_pages(workbook_pdf: Path) -> None:
    pages = _pdf_pages(workbook_pdf)
    contents = pages[1]
    assert contents.startswith("What is in my workbook")
    wanted = ["How to use my workbook", *_session_order(), "Words we use", "The pictures in this workbook"]
    listed = re.findall(r"(.+?) page (\d+)", contents.removeprefix("What is in my workbook").split(" My workbook page")[0])
    assert [title.strip() for title, _ in listed] == wanted
    starts = [int(number) for _, number in listed]
    assert starts == sorted(starts) and starts[0] == 3 and starts[-1] == len(pages)
    for title, start in zip(wanted, starts):
        assert title in pages[start - 1], f"{title!r} is not on page {start}"


@pytest.mark.browser
@pytest.mark.pdf
def test_the_workbook_ends_with_the_words_we_use_and_the_symbols_credit(workbook_pdf: Path) -> None:
    pages = _pdf_pages(workbook_pdf)
    words = next(i for i, page in enumerate(pages) if "Words we use" in page and i > 1)
    assert "Trigger: something that starts a chain" in " ".join(pages[words:])
    assert pages[-1].startswith("The pictures in this workbook") and _has(pages[-1], CREDIT)


@pytest.mark.browser
@pytest.mark.pdf
def test_every_page_of_the_workbook_is_numbered_and_carries_the_version(workbook_pdf: Path) -> None:
    pages = _pdf_pages(workbook_pdf)
    status = release_info()[1]
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text and status in text, number


@pytest.mark.browser
@pytest.mark.pdf
def test_the_workbooks_body_text_is_16_pt(workbook_pdf: Path) -> None:
    """Words on the how-to page (page 3) and on a handout (page 4): boxes of 16 pt type, 18.6 pt high."""
    for page in (3, 4):
        heights = sorted(_word_heights(workbook_pdf, page))
        body = heights[len(heights) // 2]  # the median word: body text
        assert 16 * 1.1 <= body <= 16 * 1.3, (page, body)


# -- the posters, from the real manual ----------------------------------------------------------------

MERMAID = re.compile(r"^```\{mermaid\}\n(.*?)^```", re.S | re.M)


def _diagrams() -> list[tuple[str, str]]:
    """(caption, diagram code) of every distinct diagram in the sources."""
    found = {}
    for page in sorted(DOCS.rglob("*.md")):
        for block in MERMAID.findall(page.read_text(encoding="utf-8")):
            caption = re.search(r"^:caption:\s*(.+)$", block, re.M).group(1).strip()
            code = "\n".join(line for line in block.splitlines() if not line.startswith(":")).strip()
            found.setdefault(code, caption)
    return [(caption, code) for code, caption in found.items()]


@pytest.fixture(scope="session")
def posters_pdf(html_build: Build, tmp_path_factory) -> Path:
    assert html_build.returncode == 0, html_build.output[-3000:]
    out = tmp_path_factory.mktemp("posters")
    done = _run("make_posters.py", html_build.outdir, out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / f"internet-offending-module-{release_info()[0]}-posters.pdf"


@pytest.mark.browser
@pytest.mark.pdf
def test_every_diagram_is_an_a3_poster_with_its_caption(posters_pdf: Path) -> None:
    diagrams = _diagrams()
    sizes = _page_sizes(posters_pdf)
    assert len(sizes) == len(diagrams)
    assert set(sizes) <= {"A3", "A3 sideways"}, sizes
    pages = _pdf_pages(posters_pdf)
    for caption, _ in diagrams:
        assert sum(1 for page in pages if page.startswith(" ".join(caption.split()))) == 1, caption


@pytest.mark.browser
@pytest.mark.pdf
def test_the_posters_are_vector_with_their_labels_as_text(posters_pdf: Path) -> None:
    images = subprocess.run(["pdfimages", "-list", str(posters_pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert images[2:] == [], "a poster holds a raster image"
    text = " ".join(_pdf_pages(posters_pdf))
    for label in ("Thoughts and feelings", "Negative mood", "My trigger"):  # node labels of three diagrams
        assert label in text
    assert all(read_version() in page for page in _pdf_pages(posters_pdf))


# -- the project's copy of the symbols -------------------------------------------------------------


def test_the_project_holds_exactly_the_symbols_its_pages_and_templates_name() -> None:
    folder = ROOT / "symbols"
    named = set(named_symbols(ROOT))
    assert named, "no page or template names a symbol"
    assert {p.stem for p in folder.glob("*.svg")} == named
    assert {p.stem for p in folder.glob("*.pdf")} == named
    assert (folder / "LICENSE.txt").read_text(encoding="utf-8").count("Steve Lee") == 1
    assert "creativecommons.org/licenses/by-sa/4.0" in (folder / "LICENSE.txt").read_text(encoding="utf-8")


def test_nothing_in_the_build_reads_outside_the_project() -> None:
    for path in [ROOT / "conf.py", *(ROOT / "_ext").glob("*.py"), *(ROOT / "_ext").glob("*.toml")]:
        text = path.read_text(encoding="utf-8")
        assert "/work/" not in text and "../shared" not in text, path


def _fake_mulberry(root: Path) -> Path:
    """A Mulberry folder in miniature: three pictures, one of them rated, the list and the licence."""
    folder = root / "mulberry"
    (folder / "EN").mkdir(parents=True)
    for name, colour in (("good", "green"), ("bad", "red"), ("chest_male", "black"), ("sad_man", "blue")):
        (folder / "EN" / f"{name}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" '
            f'fill="{colour}"/></svg>', encoding="utf-8")
    (folder / "symbol-info-en.csv").write_text(
        "symbol-id,symbol,grammar,category-id,category,rated,tags\n1,good,Adjective,1,Descriptive,0,\n"
        "2,bad,Adjective,1,Descriptive,0,\n3,chest_male,Noun,2,Body,1,\n4,sad_man,Noun,3,People Feelings,0,\n",
        encoding="utf-8")
    (folder / "LICENSE.txt").write_text("The Mulberry Symbol set\nCopyright Steve Lee\n", encoding="utf-8")
    return folder


def _fake_project(root: Path, page: str) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "docs" / "page.md").write_text(page, encoding="utf-8")
    (root / "templates" / "page.md").write_text("{key-point}`good` **Words.**\n", encoding="utf-8")
    (root / "symbols").mkdir()
    (root / "symbols" / "sad_man.svg").write_text("<svg/>", encoding="utf-8")  # no longer named
    return root


@pytest.mark.browser
def test_copy_symbols_copies_the_named_symbols_as_svg_and_vector_pdf_and_removes_the_rest(tmp_path: Path) -> None:
    mulberry = _fake_mulberry(tmp_path / "set")
    project = _fake_project(tmp_path / "project", "# Page\n\n::::{cards} Two\n:numbered:\n\nbad | Words.\n::::\n")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "copy_symbols.py"), str(mulberry), str(project)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = project / "symbols"
    assert sorted(p.name for p in folder.iterdir()) == ["LICENSE.txt", "bad.pdf", "bad.svg", "good.pdf", "good.svg",
                                                         "symbol-info-en.csv"]
    assert (folder / "good.svg").read_bytes() == (mulberry / "EN" / "good.svg").read_bytes()
    for pdf in folder.glob("*.pdf"):
        [(width, height)] = _page_sizes(pdf)
        assert abs(width - 85) < 1 and abs(height - 85) < 1  # 30 mm square
        images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
        assert images.splitlines()[2:] == [], "the picture is not vector"
    assert "Removed, as no page names them: sad_man.svg" in done.stdout


def test_copy_symbols_refuses_a_rated_symbol_naming_file_and_line(tmp_path: Path) -> None:
    mulberry = _fake_mulberry(tmp_path / "set")
    project = _fake_project(tmp_path / "project", "# Page\n\nText.\n\n{key-point}`chest_male` **No.**\n")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "copy_symbols.py"), str(mulberry), str(project)],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "docs/page.md:5: symbol 'chest_male' is marked rated" in done.stderr
    assert sorted(p.name for p in (project / "symbols").iterdir()) == ["sad_man.svg"]  # nothing copied
