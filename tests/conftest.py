"""Shared fixtures: the real manual built once per test session, and a way to
build small fixture projects that each break one rule."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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
    """Every built HTML page, by path relative to the output folder."""
    return {page: (html_build.outdir / page).read_text(encoding="utf-8") for page in site_pages(html_build.outdir)}


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
