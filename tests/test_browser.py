"""The offline manual in a real browser: unzipped anywhere, opened from file://, no network.

Debian's Chromium, driven by Playwright for Python (no browser is downloaded).
The session's HTML build is zipped with tools/make_offline_zip.py and unzipped
into a temporary folder; every page opens from file:// with each request that
is not for a file: URL aborted and recorded.  Then: search with snippets,
diagrams, keyboard access, axe-core in light and dark mode, printed handouts,
and the handouts PDF from tools/make_handouts_pdf.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from conftest import DOCS, ROOT, Build

sys.path.insert(0, str(ROOT / "tools"))

from manual_tools import VIEWPORT, print_viewport, read_version, release_info, site_pages  # noqa: E402

# Every test here opens the site in Chromium: `make check` leaves them out (pytest.ini).
pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# 14 pt in CSS pixels is 18.67 px.
MIN_PRINT_PX = 18.66


# -- the pages, known from the sources so that each gets its own test ---------

def _page_of(source: Path) -> str:
    return source.relative_to(DOCS).with_suffix(".html").as_posix()


SOURCE_PAGES = sorted(_page_of(p) for p in DOCS.rglob("*.md"))
ALL_PAGES = SOURCE_PAGES + ["search.html"]
EXERCISE_PAGES = sorted(_page_of(p) for p in (DOCS / "exercises").glob("*.md") if p.name != "index.md")
DIAGRAM_PAGES = sorted(_page_of(p) for p in DOCS.rglob("*.md") if "{mermaid}" in p.read_text(encoding="utf-8"))
FACILITATOR_HEADINGS = tomllib.loads((ROOT / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))[
    "kind"]["exercise"]["headings"]

# What each search should find among its first three results: the page about it.
SEARCHES = {
    "triggers": "modules/triggers.html",
    "making it OK": "modules/making-it-ok.html",
    "relapse prevention": "modules/relapse-prevention.html",
    "victim empathy": "modules/victim-empathy.html",
    "grooming": "reference/law-england-and-wales.html",  # its section "Contacting and grooming children"
    "Y-BOCS": "reference/screening-tools.html",
    "pie chart": "exercises/time-pie-chart.html",
    "collecting": "modules/collecting-and-compulsivity.html",
}


# -- fixtures ------------------------------------------------------------------

def run_tool(script: str, html_build: Build, out: Path) -> Path:
    """Run one of tools/ on the session's build, as its make target does; return *out*."""
    assert html_build.returncode == 0, html_build.output[-3000:]
    done = subprocess.run([sys.executable, str(ROOT / "tools" / script), str(html_build.outdir), str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="session")
def offline_zip(html_build: Build, tmp_path_factory) -> Path:
    """The offline zip, made from the session's build by the same tool as `make offline`."""
    out = run_tool("make_offline_zip.py", html_build, tmp_path_factory.mktemp("offline"))
    [archive] = out.glob("*.zip")
    return archive


@pytest.fixture(scope="session")
def site(offline_zip: Path, tmp_path_factory) -> Path:
    """The zip unzipped in a folder of its own: the folder holding index.html."""
    where = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(where)
    [index] = where.glob("*/index.html")
    return index.parent


@dataclass
class Visit:
    """One browser tab on the offline site, with what it tried to fetch from outside."""

    page: object
    site: Path
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        return (self.site / name).as_uri()

    def open(self, name: str, query: str = "", settle: bool = False) -> None:
        """Open a page; with *settle*, also wait until it has made no request for half a second."""
        self.page.goto(self.url(name) + query, wait_until="networkidle" if settle else "load")


def _tab(browser, site: Path) -> Visit:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    visit = Visit(page, site)

    def handle(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            visit.blocked.append(f"{page.url}: {route.request.url}")
            route.abort()

    page.route("**/*", handle)
    page.on("requestfailed", lambda request: visit.failed.append(
        f"{page.url}: {request.url} ({request.failure})") if request.url.startswith("file:") else None)
    page.on("pageerror", lambda error: visit.errors.append(f"{page.url}: {error}"))
    return visit


@pytest.fixture
def tab(browser, site: Path):
    visit = _tab(browser, site)
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="module")
def shared_tab(browser, site: Path):
    """One tab for the many page-by-page checks (axe, print), reloaded for each page."""
    visit = _tab(browser, site)
    yield visit
    visit.page.context.close()


@pytest.fixture(scope="session")
def axe_findings(request):
    """Minor and moderate axe findings, gathered from every page and printed at the end."""
    findings: dict[tuple[str, str], dict] = {}
    yield findings
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not findings:
        return
    with capture.global_and_fixture_disabled():  # to the terminal, not to a test's captured output
        reporter.write_line("")
        reporter.write_sep("-", "axe-core: minor and moderate findings (reported, not failures)")
        for (rule, impact), found in sorted(findings.items()):
            pages = sorted(found["pages"])
            reporter.write_line(f"{rule} ({impact}): {found['help']}; on {len(pages)} page(s), "
                                f"e.g. {pages[0]} {found['target']}")


# -- the zip -------------------------------------------------------------------

def test_offline_zip_is_named_for_the_version_and_holds_the_site(offline_zip: Path) -> None:
    version = release_info()[0]  # "-dev" until the change log has a dated release for it
    assert offline_zip.name == f"internet-offending-module-{version}-html.zip"
    with zipfile.ZipFile(offline_zip) as archive:
        names = set(archive.namelist())
    top = f"internet-offending-module-{version}-html/"
    assert all(name.startswith(top) for name in names)
    for needed in ["index.html", "search.html", "_static/search-index.js", "_static/section-search.js",
                   "_static/search-highlight.js", "_static/language_data.js", *SOURCE_PAGES]:
        assert top + needed in names, needed


# -- every page, offline -------------------------------------------------------

def test_every_built_page_is_known_from_the_sources(site: Path) -> None:
    assert site_pages(site) == sorted(ALL_PAGES)


def test_no_page_makes_a_request_outside_the_zip(tab: Visit, site: Path) -> None:
    """Every page, opened from file://: nothing from the network, no missing file, no script error."""
    pages = site_pages(site)
    assert pages, f"{site} holds no pages"
    for name in pages:
        tab.open(name, settle=True)
    tab.open("search.html", "?q=" + quote("triggers"), settle=True)
    tab.page.wait_for_selector("ul.search li p.context")
    assert tab.blocked == []
    assert tab.failed == []
    assert tab.errors == []


# -- search --------------------------------------------------------------------

def _search(tab: Visit, query: str) -> list[dict]:
    tab.open("search.html", "?q=" + quote(query))
    # The status line is written when every result is listed.
    tab.page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.length > 0")
    return tab.page.eval_on_selector_all(
        "ul.search > li",
        "items => items.map(li => ({href: li.querySelector('a').getAttribute('href'),"
        " title: li.querySelector('a').textContent}))")


@pytest.mark.browser
def test_search_results_show_a_snippet_of_matching_text_offline(tab: Visit) -> None:
    results = _search(tab, "triggers")
    assert results
    first_three = min(3, len(results))
    tab.page.wait_for_function(
        f"[...document.querySelectorAll('ul.search > li')].slice(0, {first_three})"
        ".every(li => li.querySelector('p.context'))")
    shown = tab.page.eval_on_selector_all(
        "ul.search > li", "lis => lis.map(li => [li.querySelector('a').textContent, li.querySelector('p.context').textContent])")
    for heading, snippet in shown[:first_three]:
        # The word is in the section's heading (a glossary term, a page title) or in its snippet.
        assert "trigger" in (heading + " " + snippet).lower(), (heading, snippet)
        assert len(snippet) > 40
    # The words found are marked in the snippet.
    assert tab.page.locator("ul.search p.context mark.highlighted").count() > 0
    assert tab.errors == [] and tab.blocked == []


@pytest.mark.browser
def test_a_result_that_points_at_a_glossary_term_shows_that_terms_text(tab: Visit) -> None:
    """A glossary entry is a result of its own: its snippet is its definition, not the page top."""
    _search(tab, "grooming")
    item = tab.page.locator("ul.search > li", has=tab.page.locator('a[href*="#term-grooming"]')).first
    snippet = item.locator("p.context")
    snippet.wait_for()
    link = item.locator("a").first.text_content()
    assert link.lower() == "grooming", link
    # The definition, not the glossary page's opening lines.
    assert "child" in snippet.text_content().lower() and not snippet.text_content().startswith("Glossary")


@pytest.mark.browser
@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds_the_page_about_it_in_the_first_three_results(tab: Visit, query: str) -> None:
    results = _search(tab, query)
    first = [result["href"].split("#")[0].split("?")[0] for result in results[:3]]
    assert SEARCHES[query] in first, f"{query!r}: first results {results[:5]}"


# -- diagrams ------------------------------------------------------------------

@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_every_diagram_is_visible_fits_and_has_a_text_alternative(tab: Visit, name: str) -> None:
    tab.open(name)
    diagrams = tab.page.locator(".mermaid-diagram svg")
    assert diagrams.count() > 0
    for i in range(diagrams.count()):
        svg = diagrams.nth(i)
        svg.scroll_into_view_if_needed()
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        column = tab.page.evaluate("svg => svg.closest('article').getBoundingClientRect().width", svg.element_handle())
        assert box["width"] <= column + 1, f"diagram {i + 1} overflows the column"
        title = svg.locator("title").first.text_content().strip()
        desc = svg.locator("desc").first.text_content().strip()
        assert title and desc
        # What a screen reader announces: the image role, named by its caption and alt text.
        expect(svg).to_have_role("img")
        expect(svg).to_have_accessible_name(f"{title} {desc}")


# -- keyboard ------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), cls: el.className && el.className.baseVal === undefined ? el.className : "",
          name: el.getAttribute('name') || '', text: (el.textContent || '').trim().slice(0, 40),
          inMain: !!el.closest('[role=main]'), visible: el.checkVisibility()};
}"""


def test_the_first_tab_is_a_skip_link_to_the_main_content(tab: Visit) -> None:
    tab.open("modules/triggers.html")
    tab.page.keyboard.press("Tab")
    first = tab.page.evaluate(FOCUSED)
    assert first["tag"] == "a" and "skip-to-content" in first["cls"], first
    assert first["visible"]
    tab.page.keyboard.press("Enter")
    tab.page.keyboard.press("Tab")
    after = tab.page.evaluate(FOCUSED)
    assert after["inMain"], after


def test_tab_reaches_the_search_box_and_the_main_content(tab: Visit) -> None:
    tab.open("modules/triggers.html")
    seen = []
    for _ in range(60):
        tab.page.keyboard.press("Tab")
        seen.append(tab.page.evaluate(FOCUSED))
    search = [i for i, f in enumerate(seen) if f["tag"] == "input" and f["name"] == "q"]
    main = [i for i, f in enumerate(seen) if f["inMain"]]
    assert search, seen[:10]
    assert main, seen
    assert all(f["visible"] for f in seen[: max(search[0], main[0]) + 1])
    # Typing in the search box and pressing Enter searches, offline.
    tab.open("modules/triggers.html")
    for _ in range(search[0] + 1):
        tab.page.keyboard.press("Tab")
    tab.page.keyboard.type("coping")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(r"search\.html\?q=coping"))
    tab.page.wait_for_selector("ul.search li p.context")


# -- accessibility: axe-core -------------------------------------------------------

# The rules whose outcome depends on colours; every other rule runs once, in light mode.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# (label, prefers-color-scheme, furo's data-theme, rules): furo follows the system's scheme
# ("auto"), or the reader's choice with its toggle, which wins over the system's.
SCHEMES = [
    ("light", "light", "auto", None),
    ("dark", "dark", "auto", COLOUR_RULES),
    ("data-theme=dark", "light", "dark", COLOUR_RULES),
    ("data-theme=light", "dark", "light", COLOUR_RULES),
]


def _axe(page, rules: list[str] | None) -> list[dict]:
    options = "{resultTypes: ['violations']" + (f", runOnly: {{type: 'rule', values: {rules!r}}}" if rules else "") + "}"
    return page.evaluate(
        f"async () => (await axe.run(document, {options})).violations.map(v => ({{id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))")


#: Moderate findings the manual has mended, which must stay mended.
MENDED = {"landmark-unique",  # furo's three <aside>s are named in _templates/page.html
          "page-has-heading-one",  # _templates/search.html gives the search page its heading
          }


@pytest.mark.parametrize("name", ALL_PAGES)
def test_axe_finds_nothing_serious_in_light_or_dark_mode(shared_tab: Visit, axe_findings: dict, name: str) -> None:
    assert AXE.is_file(), "node_modules/axe-core is missing: run `make setup` (npm ci)"
    page = shared_tab.page
    page.emulate_media(color_scheme="light")
    shared_tab.open(name)
    page.add_script_tag(path=str(AXE))
    serious = []
    for label, scheme, theme, rules in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        page.evaluate("theme => { document.body.dataset.theme = theme; }", theme)
        for violation in _axe(page, rules):
            for node in violation["nodes"]:
                if violation["impact"] in ("serious", "critical") or violation["id"] in MENDED:
                    serious.append(f"[{label}] {violation['id']} ({violation['impact']}) {node['target']}: "
                                   f"{node['summary']}")
                else:
                    found = axe_findings.setdefault((violation["id"], violation["impact"]), {
                        "help": violation["help"], "pages": set(), "target": node["target"]})
                    found["pages"].add(name)
    assert serious == [], "\n".join(serious)


# -- printed handouts --------------------------------------------------------------

PRINT_CHECK = """() => {
  const handouts = [...document.querySelectorAll('.handout')];
  const visible = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const outside = [], small = [], faint = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const lum = rgb => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      const alpha = bg.match(/[\\d.]+/g).length === 4 ? Number(bg.match(/[\\d.]+/g)[3]) : 1;
      if (alpha > 0) return bg;
    }
    return 'rgb(255, 255, 255)';  // the paper
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || !visible(el) || el.closest('style, script, title, desc')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    if (!el.closest('.handout')) { outside.push(text.slice(0, 60)); continue; }
    if (el.closest('svg')) continue;  // diagram labels: checked below, at their printed size
    const style = getComputedStyle(el);
    if (parseFloat(style.fontSize) < MIN) small.push(`${style.fontSize}: ${text.slice(0, 40)}`);
    const fg = lum(style.color), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (fg > bg || ratio < 7) faint.push(`${style.color} on ${background(el)}: ${text.slice(0, 40)}`);
  }
  const diagrams = [...document.querySelectorAll('.handout .mermaid-diagram svg')].map(svg => {
    const label = svg.querySelector('text');
    const width = svg.getBoundingClientRect().width;
    const scale = width / svg.viewBox.baseVal.width;
    return {label: label ? parseFloat(getComputedStyle(label).fontSize) * scale : 0,
            width, room: svg.closest('.handout').getBoundingClientRect().width};
  });
  const chrome = ['.sidebar-drawer', '.toc-drawer', '.mobile-header', 'footer', '.related-pages',
                  '.skip-to-content', 'h1', '.content-icon-container']
    .filter(sel => [...document.querySelectorAll(sel)].some(el => visible(el) && !el.closest('.handout')));
  return {handouts: handouts.filter(visible).length, outside, small, faint, diagrams, chrome};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", EXERCISE_PAGES)
def test_a_printed_exercise_page_shows_only_its_handout_in_large_dark_print(
        shared_tab: Visit, name: str, scheme: str) -> None:
    page = shared_tab.page
    page.set_viewport_size(print_viewport())  # laid out on A4, as printed
    try:
        page.emulate_media(media="print", color_scheme=scheme)
        shared_tab.open(name)
        page.evaluate("theme => { document.body.dataset.theme = theme; }", "auto" if scheme == "light" else "dark")
        found = page.evaluate(PRINT_CHECK.replace("MIN", str(MIN_PRINT_PX)))
    finally:
        page.emulate_media(media="screen", color_scheme="light")
        page.set_viewport_size(VIEWPORT)
    assert found["handouts"] == 1
    assert found["chrome"] == [], "the site's navigation prints"
    assert found["outside"] == [], "text other than the handout prints"
    assert found["small"] == [], "handout text below 14 pt"
    assert found["faint"] == [], "handout text not dark on light"
    for diagram in found["diagrams"]:
        # Labels at 14 pt or more, or the diagram as wide as the paper allows.
        assert diagram["label"] >= MIN_PRINT_PX or diagram["width"] >= diagram["room"] - 1, diagram


# -- the handouts PDF --------------------------------------------------------------

@pytest.fixture(scope="session")
def handouts_pdf(html_build: Build, tmp_path_factory) -> Path:
    """All handouts in one PDF, by the same tool as `make handouts`."""
    out = run_tool("make_handouts_pdf.py", html_build, tmp_path_factory.mktemp("handouts"))
    return out / f"internet-offending-module-{release_info()[0]}-handouts.pdf"


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")[:-1]  # the text ends with a form feed
    assert pages, f"{pdf.name} has no pages"
    return pages


def test_the_handouts_pdf_has_every_exercise_on_a_page_of_its_own(handouts_pdf: Path) -> None:
    assert handouts_pdf.is_file()
    info = subprocess.run(["pdfinfo", str(handouts_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= len(EXERCISE_PAGES)
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), "not A4"
    texts = _pdf_pages(handouts_pdf)
    assert len(texts) == pages
    # Each exercise starts a new page: its footer says "page 1 of N".
    assert sum(1 for text in texts if re.search(r"\bpage 1 of \d+", text)) == len(EXERCISE_PAGES)


def test_no_page_of_the_handouts_is_empty_but_for_its_footer(handouts_pdf: Path) -> None:
    empty = []
    for number, text in enumerate(_pdf_pages(handouts_pdf), start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = [line for line in lines
                if not re.search(r"\bpage \d+ of \d+$", line)          # the page footer: title, page number
                and not line.startswith("Internet Offending Module")]  # the page footer's version line
        if not body:
            empty.append(number)
    assert empty == [], "pages with nothing on them but a footer"


def test_every_page_of_the_handouts_carries_the_version(handouts_pdf: Path) -> None:
    version, status = read_version(), release_info()[1]  # e.g. "Version 1.0.0: development version, ..."
    pages = [" ".join(text.split()) for text in _pdf_pages(handouts_pdf)]
    assert [number for number, text in enumerate(pages, start=1) if version not in text] == []
    assert [number for number, text in enumerate(pages, start=1) if status not in text] == []


def test_the_handouts_hold_nothing_for_facilitators_only(handouts_pdf: Path) -> None:
    lines = {line.strip() for text in _pdf_pages(handouts_pdf) for line in text.splitlines()}
    assert [heading for heading in FACILITATOR_HEADINGS if heading in lines] == []
    text = "\n".join(_pdf_pages(handouts_pdf))
    for chrome in ("Skip to content", "Exercises and handouts", "Copyright", "On this page", "Made with"):
        assert chrome not in text


def test_the_handouts_hold_no_programme_wording_revised_for_safety(handouts_pdf: Path,
                                                                   main_texts: dict) -> None:
    """tests/programme-wording.toml: no programme line or retired phrase is printed for group
    members, and the revised wording that replaced them on a handout is (so the text read is the
    handouts'; revised wording on the cut-out cards prints with the cards)."""
    from test_programme_wording import DECLARED, PROGRAMME_LINES, retired_in, text_of
    from conftest import normalise

    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(handouts_pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    text = normalise(raw)
    assert [line for line in PROGRAMME_LINES if line in text] == []
    assert retired_in(text) == []
    on_handouts = " ".join(text_of(handout) for content in main_texts.values()
                           for handout in content.article.select(".handout"))
    revised = [line for entry in DECLARED for line in entry.get("revised", []) if line in on_handouts]
    assert revised, "no revised wording is on a handout"
    assert [line for line in revised if line not in text] == []


def test_the_offline_zip_can_hold_the_handouts_pdf_beside_the_manual(
        html_build: Build, handouts_pdf: Path, tmp_path: Path) -> None:
    """`make offline` puts the handouts PDF in the zip, to print in the room from the laptop."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "make_offline_zip.py"), str(html_build.outdir),
                           str(tmp_path), "--handouts", str(handouts_pdf.parent)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    [made] = tmp_path.glob("*.zip")
    with zipfile.ZipFile(made) as archive:
        names = archive.namelist()
        folder = made.stem
        assert f"{folder}/index.html" in names
        assert archive.read(f"{folder}/{handouts_pdf.name}") == handouts_pdf.read_bytes()


def test_the_offline_zip_refuses_a_handouts_folder_without_this_versions_pdf(
        html_build: Build, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "make_offline_zip.py"), str(html_build.outdir),
                           str(tmp_path / "out"), "--handouts", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "run `make handouts`" in done.stderr, done.stderr
    assert not list((tmp_path / "out").glob("*.zip"))
