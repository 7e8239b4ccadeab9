"""The slides for the room (`make slides`, _ext/slides.py): one reveal.js deck a topic.

The decks are built once for this module, as `make slides` builds them (the
`slides` builder, `-t slides`, doctrees of their own), into the test build
folder.  Beautiful Soup reads every deck: one a topic page, each of the topic's
key messages on a slide of its own beside its picture, each diagram on a slide,
no web address anywhere, and no picture the rules never use (children).
With Playwright in .venv, Debian's Chromium opens each deck from file:// with
every request outside the deck's folder refused: no console error, the arrow
key moves on, nothing runs off a slide, and each diagram fits the 1280 x 720 slide.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from conftest import BUILD, BUILD_TIMEOUT, DOCS, PLAIN, ROOT, STRICT, Build, run_bounded
from test_group_member_words import words_not_on_a_handout

# Every test here builds the slides: `make check` leaves them out (pytest.ini).
pytestmark = pytest.mark.slides

RULES = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
KEY_POINT = re.compile(r"^\{key-point\}`([^`]+)`")
# An address on the web, in an attribute, a stylesheet or a script (namespace names are not fetched).
WEB = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


def _section(text: str, title: str) -> str:
    """The lines of a page's level-2 section *title*, up to the next level-2 heading."""
    body = text.split(f"\n## {title}\n", 1)[1]
    return body.split("\n## ", 1)[0]


def _topics() -> dict[str, list[str]]:
    """Each topic page (it has a Key messages section), by its deck's path: its key points' symbols."""
    found = {}
    for source in sorted(DOCS.rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        if f"\n## {RULES['key_messages']['section']}\n" in text:
            symbols = [m.group(1) for line in _section(text, RULES["key_messages"]["section"]).splitlines()
                       if (m := KEY_POINT.match(line))]
            found[source.relative_to(DOCS).with_suffix(".html").as_posix()] = symbols
    return found


TOPICS = _topics()
DIAGRAMS = {deck: (DOCS / deck).with_suffix(".md").read_text(encoding="utf-8").count("```{mermaid}")
            for deck in TOPICS}


@pytest.fixture(scope="module")
def slides_build() -> Build:
    """The decks, built once, fresh, as `make slides` builds them (no -j: sphinx-revealjs reads serially)."""
    outdir, doctrees = BUILD / "slides", BUILD / "slides-doctrees"
    warnings = BUILD / "slides-warnings.txt"
    subprocess.run(["rm", "-rf", str(outdir), str(doctrees), str(warnings)], check=True)
    outdir.mkdir(parents=True)
    returncode, output = run_bounded(
        [sys.executable, "-m", "sphinx", "-b", "slides", "-t", "slides", "-d", str(doctrees), "-c", str(ROOT),
         *STRICT, *PLAIN, "-w", str(warnings), str(DOCS), str(outdir)],
        BUILD_TIMEOUT, cwd=ROOT)
    return Build(outdir, returncode, output, warnings.read_text(encoding="utf-8") if warnings.is_file() else "")


@pytest.fixture(scope="module")
def decks(slides_build: Build) -> dict[str, BeautifulSoup]:
    assert slides_build.returncode == 0, slides_build.output[-3000:]
    return {deck: BeautifulSoup((slides_build.outdir / deck).read_text(encoding="utf-8"), "html.parser")
            for deck in TOPICS if (slides_build.outdir / deck).is_file()}


def _slides(soup: BeautifulSoup, kind: str) -> list:
    return soup.select(f'section[data-slide="{kind}"]')


def test_the_slides_build_strictly_with_no_warning(slides_build: Build) -> None:
    assert slides_build.ok, slides_build.warnings or slides_build.output[-3000:]


def test_there_are_topics_to_make_decks_of() -> None:
    assert len(TOPICS) >= 10 and all(TOPICS.values()), TOPICS


@pytest.mark.parametrize("deck", TOPICS)
def test_each_topic_has_a_deck(decks: dict[str, BeautifulSoup], deck: str) -> None:
    assert deck in decks
    assert _slides(decks[deck], "title") and _slides(decks[deck], "end")


def test_the_list_of_decks_links_every_deck_and_nothing_else(slides_build: Build) -> None:
    index = BeautifulSoup((slides_build.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in index.select(".deck-list a")]
    assert sorted(links) == sorted(TOPICS)
    assert not {"search.html", "genindex.html"} & {p.name for p in slides_build.outdir.iterdir()}


@pytest.mark.parametrize("deck", TOPICS)
def test_each_key_message_is_a_slide_with_its_picture_on_the_left(decks: dict[str, BeautifulSoup],
                                                                   slides_build: Build, deck: str) -> None:
    slides = _slides(decks[deck], "key-message")
    pictures = []
    for slide in slides:
        [point] = slide.select(".key-point")
        picture, words = [child for child in point.children if getattr(child, "name", None)]
        assert picture["class"] == ["key-point-picture"] and words["class"] == ["key-point-words"]
        [img] = picture.select("img")
        # The picture repeats the words beside it, so its alt text is empty, as on the handouts
        # (an image with no alt attribute at all is one a screen reader spells out by file name).
        assert img.has_attr("alt") and img["alt"] == "", img
        src = unquote(img["src"])
        assert (slides_build.outdir / deck).parent.joinpath(src).resolve().is_file(), src
        assert words.select("strong"), f"no bold key words: {words.get_text()}"
        pictures.append(Path(src).stem)
    assert pictures == TOPICS[deck]


@pytest.mark.parametrize("deck", TOPICS)
def test_each_diagram_has_a_slide_of_its_own(decks: dict[str, BeautifulSoup], deck: str) -> None:
    slides = _slides(decks[deck], "diagram")
    assert len(slides) == DIAGRAMS[deck]
    for slide in slides:
        assert len(slide.select("svg[role=img]")) == 1 and slide.h1.get_text(strip=True)


@pytest.mark.parametrize("deck", TOPICS)
def test_each_slide_has_speaker_notes_not_shown_on_it(decks: dict[str, BeautifulSoup], deck: str) -> None:
    for slide in decks[deck].select("section[data-slide]"):
        assert slide.select_one("aside.notes").get_text(strip=True)


@pytest.mark.parametrize("deck", TOPICS)
def test_what_group_members_read_on_a_slide_uses_their_words(decks: dict[str, BeautifulSoup], deck: str) -> None:
    """The key messages and prompts say what the handouts say ("pictures", "the leaders")."""
    found = []
    for slide in decks[deck].select('section[data-slide="key-message"], section[data-slide="prompt"]'):
        text = " ".join(slide.select_one(".slide-body").get_text(" ").split())
        found += [f"{text}: {word}" for word in words_not_on_a_handout(text)]
    assert not found, found


def test_no_deck_refers_to_the_web(slides_build: Build) -> None:
    found = []
    for page in slides_build.outdir.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                if name in ("xmlns", "xmlns:xlink"):
                    continue
                if any(WEB.search(v) for v in (value if isinstance(value, list) else [value])):
                    found.append(f"{page.name}: <{tag.name} {name}={value!r}>")
        found += [f"{page.name}: script {m.group(0)}" for script in soup.find_all("script")
                  for m in WEB.finditer(script.get_text())]
    for sheet in slides_build.outdir.rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{sheet.name}: {m.group(0)}" for m in re.finditer(r"(?:url\(|@import)\s*['\"]?https?:[^)]*", text)]
    assert not found, found


def test_no_deck_shows_a_picture_the_rules_never_use(slides_build: Build) -> None:
    """Never a picture of a child: no symbol the rules never use, nor one of their categories."""
    pictures = RULES["pictures"]
    with (ROOT / "symbols" / "symbol-info-en.csv").open(encoding="utf-8") as table:
        category = {row["symbol"]: row["category"] for row in csv.DictReader(table)}
    shown = {Path(unquote(img["src"])).stem for page in slides_build.outdir.rglob("*.html")
             for img in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("img")}
    assert shown, "no pictures on the slides"
    assert not shown & set(pictures["never_use"])
    assert not {s for s in shown if category.get(s) in pictures["never_use_categories"]}
    assert shown <= set(category), shown - set(category)


def test_the_manuals_html_build_is_not_the_slides(slides_build: Build) -> None:
    """The slides have their own output and doctrees: the manual's build folder is never written."""
    assert slides_build.outdir != BUILD / "html"
    assert (BUILD / "slides-doctrees" / "environment.pickle").is_file()
    assert not (slides_build.outdir / ".doctrees").exists()


# -- in Chromium, from file://, with no network ------------------------------------------


def _playwright_missing() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return True
    return False


no_playwright = pytest.mark.skipif(_playwright_missing(), reason="Playwright is not installed in .venv")


@pytest.fixture(scope="module")
def deck_tab(browser, slides_build: Build):
    """Open a deck from file:// in a 1280 x 720 window; every request outside the decks' folder is refused."""
    page = browser.new_page(viewport={"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT})
    root = slides_build.outdir.resolve().as_uri()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))

    def refuse(route):
        problems.append(f"request outside the decks: {route.request.url}")
        route.abort()

    page.route(lambda url: not url.startswith(root), refuse)

    def open_deck(deck: str):
        problems.clear()
        page.goto(f"{root}/{deck}")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        return page, problems

    yield open_deck
    page.close()


@pytest.mark.browser
@no_playwright
@pytest.mark.parametrize("deck", TOPICS)
def test_a_deck_opens_from_file_with_no_error_and_moves_on_the_arrow_key(deck_tab, deck: str) -> None:
    page, problems = deck_tab(deck)
    assert page.evaluate("Reveal.getIndices().h") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    assert not problems, problems


# Where each slide's content sits, in the slide's own 1280 x 720 pixels (reveal.js scales the slide).
FIT = """() => {
  const slide = document.querySelector('.reveal .slides > section.present section.present[data-slide]')
             || document.querySelector('.reveal .slides > section.present[data-slide]');
  const box = document.querySelector('.reveal .slides').getBoundingClientRect();
  const scale = box.width / Reveal.getConfig().width;
  const rect = el => { const r = el.getBoundingClientRect();
    return {left: (r.left - box.left) / scale, top: (r.top - box.top) / scale,
            right: (r.right - box.left) / scale, bottom: (r.bottom - box.top) / scale}; };
  const svg = slide.querySelector('svg[role=img]');
  const parts = [...slide.querySelectorAll('h1, .slide-body > *, .slide-body p, .slide-body li, .slide-body img')]
                .map(rect);
  return {kind: slide.dataset.slide, svg: svg ? rect(svg) : null, parts,
          drawn: svg ? rect(svg.querySelector('g')) : null};
}"""


def _slide_count(page) -> int:
    return page.evaluate("Reveal.getTotalSlides()")


@pytest.mark.browser
@no_playwright
@pytest.mark.parametrize("deck", TOPICS)
def test_every_slide_fits_and_each_diagram_fills_the_slide(deck_tab, deck: str) -> None:
    page, problems = deck_tab(deck)
    overflow, diagrams = [], 0
    for number in range(_slide_count(page)):
        page.evaluate(f"Reveal.slide({number}, 0)")
        found = page.evaluate(FIT)
        for part in found["parts"] + ([found["svg"], found["drawn"]] if found["svg"] else []):
            if part["left"] < -1 or part["top"] < -1 or part["right"] > SLIDE_WIDTH + 1 \
                    or part["bottom"] > SLIDE_HEIGHT + 1:
                overflow.append((number + 1, found["kind"], part))
        if found["kind"] == "diagram":
            diagrams += 1
            drawn = found["drawn"]
            # Sized to fit: the drawing takes the slide's full width or most of its height.
            assert drawn["right"] - drawn["left"] > 0.9 * SLIDE_WIDTH - 60 \
                or drawn["bottom"] - drawn["top"] > 0.7 * SLIDE_HEIGHT, (number + 1, drawn)
    assert not overflow, overflow
    assert diagrams == DIAGRAMS[deck]
    assert not problems, problems


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""


@pytest.mark.browser
@no_playwright
@pytest.mark.parametrize("deck", TOPICS)
def test_axe_finds_nothing_serious_on_any_kind_of_slide(deck_tab, deck: str) -> None:
    assert AXE.is_file(), "node_modules/axe-core is missing: run `make setup` (npm ci)"
    page, problems = deck_tab(deck)
    # axe-core reads the stylesheets itself, which Chromium refuses from file:// with a console
    # error of axe's own: the deck's console is checked by the test above.
    page.add_script_tag(path=str(AXE))
    kinds = page.eval_on_selector_all("section[data-slide]", "slides => slides.map(s => s.dataset.slide)")
    serious = []
    for kind in dict.fromkeys(kinds):  # the first slide of each kind
        page.evaluate(f"Reveal.slide({kinds.index(kind)}, 0)")
        serious += [f"{kind} slide: {finding}" for finding in page.evaluate(AXE_RUN)]
    assert not serious, "\n".join(serious)


@pytest.mark.browser
@no_playwright
def test_the_speaker_view_shows_the_facilitator_notes_with_no_network(browser, slides_build: Build) -> None:
    """S opens reveal.js's speaker view (a window of the deck's own, written by its notes plugin)."""
    context = browser.new_context(viewport={"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT})
    outside: list[str] = []
    context.route(lambda url: not url.startswith(("file://", "about:", "data:")),
                  lambda route: (outside.append(route.request.url), route.abort()))
    try:
        page = context.new_page()
        page.goto((slides_build.outdir / "modules" / "triggers.html").resolve().as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.keyboard.press("ArrowRight")
        with context.expect_page() as opened:
            page.keyboard.press("s")
        notes = opened.value.locator(".speaker-controls-notes")
        notes.get_by_text("Facilitator notes").wait_for()
        assert "Key message 1 of" in notes.inner_text()
        assert not outside, outside
    finally:
        context.close()
