"""Shared fixtures: the real manual built once per test session, and a way to
build small fixture projects that each break one rule."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from manual_tools import launch, site_pages  # noqa: E402
DOCS = ROOT / "docs"
# Where the session's builds go; set MANUAL_TEST_BUILD to keep parallel runs apart.
BUILD = Path(os.environ.get("MANUAL_TEST_BUILD", ROOT / "_build" / "test"))
STRICT = ["-n", "-W", "--keep-going"]
# Tests read Sphinx's output, so it must be plain text even where the
# environment asks for colour (CI sets FORCE_COLOR, which Sphinx obeys).
PLAIN = ["--no-color"]
# For builds of a copy of the project made by a test: use this checkout's
# mermaid-cli and diagram cache, since the copy has no node_modules.
SHARED_RENDERER = ["-D", f"mermaid_cmd={ROOT / 'node_modules' / '.bin' / 'mmdc'}",
                   "-D", f"mermaid_build_node_modules={ROOT / 'node_modules'}",
                   "-D", f"mermaid_build_cache={ROOT / '.cache' / 'mermaid'}"]




@dataclass
class Build:
    """The result of one sphinx-build run."""

    outdir: Path
    returncode: int
    output: str  # stdout and stderr together
    warnings: str  # the -w file: only warnings and errors

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.warnings.strip()


# No build may hang a test run: one that takes longer is stopped, with its workers, and fails.
BUILD_TIMEOUT = 1200


def run_bounded(command: list[str], timeout: float, **options) -> tuple[int, str]:
    """Run *command* in its own process group; (exit status, stdout and stderr together).

    Past *timeout* seconds the whole group (a parallel build's workers too) is
    killed and the test fails, saying the command hung."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, **options)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"{' '.join(command[:6])} ... did not finish within {timeout} s: it hangs\n{output[-3000:]}")
    return process.returncode, output


def sphinx_build(srcdir: Path, outdir: Path, builder: str = "html", *extra: str,
                 confdir: Path = ROOT, timeout: float = BUILD_TIMEOUT) -> Build:
    """Run sphinx-build with the project's conf.py (or *confdir*'s) on *srcdir*, strictly."""
    outdir.mkdir(parents=True, exist_ok=True)
    warnings = outdir.parent / f"{outdir.name}-warnings.txt"
    returncode, output = run_bounded(
        [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(confdir), *STRICT, *PLAIN, "-j", "auto",
         "-w", str(warnings), *extra, str(srcdir), str(outdir)],
        timeout, cwd=confdir,
    )
    text = warnings.read_text(encoding="utf-8") if warnings.is_file() else ""
    return Build(outdir, returncode, output, text)


@pytest.fixture(scope="session")
def html_build() -> Build:
    """The real manual, built once, fresh, for the whole session.

    With MANUAL_TEST_INCREMENTAL set (`make check`), the last session's build is
    brought up to date instead, which takes seconds: the pages that warned last
    time are read again (_ext/stay_failed.py), so its warnings are still whole.
    """
    outdir = BUILD / "html"
    if os.environ.get("MANUAL_TEST_INCREMENTAL"):
        return sphinx_build(DOCS, outdir, "html")
    subprocess.run(["rm", "-rf", str(outdir), str(outdir) + "-warnings.txt"], check=True)
    return sphinx_build(DOCS, outdir, "html", "-E")


@pytest.fixture(scope="session")
def html_pages(html_build: Build) -> dict[str, str]:
    """Every built HTML page, by path relative to the output folder (the home page among them:
    a test looping over them has something to check)."""
    pages = {page: (html_build.outdir / page).read_text(encoding="utf-8") for page in site_pages(html_build.outdir)}
    assert "index.html" in pages, f"{html_build.outdir} holds no built manual\n{html_build.output[-2000:]}"
    return pages


# ---------------------------------------------------------------- a page's main text

QUOTES = {ord(c): "'" for c in "‘’‚‛′`´"} | {ord(c): '"' for c in "“”„‟″«»"}
DASHES = {ord(c): "-" for c in "‐‑‒–—―−"}


def normalise(text: str) -> str:
    """Fold the typographic differences Sphinx and LaTeX introduce, and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES).translate(DASHES)
    text = text.replace("\u00ad", "")  # soft hyphens
    return re.sub(r"\s+", " ", text).strip()


#: Elements whose words are not the page's text: code run or styles, and inline SVG (diagrams).
UNREAD = {"script", "style", "svg", "template"}
#: Elements that start a new line for the reader: their words never run into the next ones
#: (with a diagram's lines of label, title and description).
BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "table", "tr", "td", "th",
          "caption", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "blockquote",
          "pre", "aside", "nav", "header", "footer", "text", "tspan", "title", "desc"}


def _words(element: Tag, unread: set[str]) -> Iterator[str]:
    for child in element.children:
        if isinstance(child, Tag):
            if child.name in unread:
                continue
            block = child.name in BLOCKS
            yield " " if block else ""
            yield from _words(child, unread)
            yield " " if block else ""
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            yield str(child)  # text, not a comment, doctype or processing instruction


def text_of(element: Tag) -> str:
    """The words of *element* as a reader sees them, normalised: without scripts, styles or
    inline SVG; a block (paragraph, list item, heading) never runs into the next, and bold or
    italic words join the words around them as on the page.  For checks that words are there."""
    return normalise("".join(_words(element, UNREAD)))


def every_word_of(element: Tag) -> str:
    """As text_of(), with the words of its diagrams too (labels, title, description): what a
    reader may meet anywhere on it.  For checks that words are never there."""
    return normalise("".join(_words(element, UNREAD - {"svg"})))


@dataclass
class MainText:
    """A page's main content: Furo's <article role="main">."""

    article: Tag
    text: str  # text_of(article)
    ids: set[str]  # every element id inside it
    hrefs: list[str]  # every link's href inside it, in order


def main_text(html: str) -> MainText | None:
    """The main content of the page *html*, or None if it has none (a redirect, the search page's shell)."""
    article = BeautifulSoup(html, "html.parser").find("article", attrs={"role": "main"})
    if article is None:
        return None
    return MainText(article, text_of(article), {tag["id"] for tag in article.find_all(id=True)},
                    [a["href"].strip() for a in article.find_all("a", href=True)])


@pytest.fixture(scope="session")
def main_texts(html_pages: dict[str, str]) -> dict[str, MainText]:
    """Every built page's main content, by path; pages without one are left out."""
    found = {path: main_text(html) for path, html in html_pages.items()}
    return {path: content for path, content in found.items() if content is not None}


#: A page's label (AUTHORING.md: one label a page, before its title).
LABEL = re.compile(r"(mod|ex|guide|ref)-[a-z0-9-]+")


@pytest.fixture(scope="session")
def pages_by_label(main_texts: dict[str, MainText]) -> dict[str, tuple[str, MainText]]:
    """Every page with a label, by label: its path in the build and its main content.
    A label is an id in the main content (the anchor of the title, or of a section)."""
    found: dict[str, tuple[str, MainText]] = {}
    for path, content in sorted(main_texts.items()):
        for anchor in sorted(content.ids):
            if LABEL.fullmatch(anchor):
                found.setdefault(anchor, (path, content))
    assert found, "no built page has a label"
    return found


#: Fixtures that make a test slow, and the mark (pytest.ini) a test that uses one gets.
MARKED_FIXTURES = {"pdf_build": "pdf", "two_releases": "versions"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test that uses the PDF build or a git history of releases, wherever it is written."""
    for item in items:
        for fixture, mark in MARKED_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(scope="session")
def pdf_build() -> tuple[Build, Path]:
    """The real manual as LaTeX, then PDF through latexmk and XeLaTeX."""
    outdir = BUILD / "latex"
    subprocess.run(["rm", "-rf", str(outdir)], check=True)
    build = sphinx_build(DOCS, outdir, "latex")
    if build.returncode == 0:
        make = subprocess.run(["make", "-C", str(outdir), "all-pdf", "LATEXMKOPTS=-silent"],
                              capture_output=True, text=True, check=False)
        build.output += make.stdout + make.stderr
        build.returncode = make.returncode
    return build, outdir / "internet-offending-module.pdf"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, one for the whole session: every browser test module shares it
    (Playwright's sync API cannot start twice in one process)."""
    from manual_tools import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def print_pages_offline(browser, site: Path, pages: list[str], out: Path) -> dict[str, Path]:
    """Each of *pages* of *site* printed by Chromium, with the network blocked, as its print
    dialogue does (A4, the page's own @page margins): the PDF of each, by page."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    pdfs = {}
    for name in pages:
        page.goto((site / name).as_uri())
        pdf = out / (name.replace("/", "--") + ".pdf")
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        pdfs[name] = pdf
    context.close()
    return pdfs
