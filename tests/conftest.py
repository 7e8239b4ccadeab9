"""Shared fixtures: the real manual built once per test session, and a way to
build small fixture projects that each break one rule."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from manual_tools import site_pages  # noqa: E402
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


def sphinx_build(srcdir: Path, outdir: Path, builder: str = "html", *extra: str) -> Build:
    """Run sphinx-build with the project's conf.py on *srcdir*, strictly."""
    outdir.mkdir(parents=True, exist_ok=True)
    warnings = outdir.parent / f"{outdir.name}-warnings.txt"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(ROOT), *STRICT, *PLAIN, "-j", "auto",
         "-w", str(warnings), *extra, str(srcdir), str(outdir)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    return Build(outdir, done.returncode, done.stdout + done.stderr, warnings.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def html_build() -> Build:
    """The real manual, built once, fresh, for the whole session."""
    outdir = BUILD / "html"
    subprocess.run(["rm", "-rf", str(outdir), str(outdir) + "-warnings.txt"], check=True)
    return sphinx_build(DOCS, outdir, "html", "-E")


@pytest.fixture(scope="session")
def html_pages(html_build: Build) -> dict[str, str]:
    """Every built HTML page, by path relative to the output folder."""
    return {page: (html_build.outdir / page).read_text(encoding="utf-8") for page in site_pages(html_build.outdir)}


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


def pytest_configure(config) -> None:
    # Registered here until a shared place for markers exists; registering twice is harmless.
    config.addinivalue_line("markers", "browser: drives Debian's Chromium on the built manual")
