"""What the offline, handout and screenshot tools (and the browser tests) share.

* Debian's Chromium under Playwright: no browser is ever downloaded; Playwright
  drives /usr/bin/chromium (the Debian package in tools/debian-packages.txt),
  headless, with nothing that reaches out to the network on its own.
* The version: the one source is the VERSION file, and _ext/versioning.py
  decides what a build of this checkout is called (a release only at its tag;
  else a development version, of the next version once VERSION's is tagged).
  A built site must carry that version, or it is stale; file names carry it,
  with "-dev" for a development build.
* The built site's pages in reading order, and the exercise pages among them.
"""

from __future__ import annotations

import posixpath
import re
import sys
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def config_value(name: str, root: Path = ROOT):
    """A literal value of conf.py (``project = "..."``), read without running the configuration."""
    import ast

    for node in ast.parse((root / "conf.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"conf.py sets no {name}")


#: The manual's name, as the configuration gives it (conf.py ``project``).
PROJECT = config_value("project")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and developers run as root
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no network
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# conf.py gives Mermaid's Chromium (puppeteer) these same flags.
#: Wide enough for furo's three columns (sidebar, content, table of contents).
VIEWPORT = {"width": 1280, "height": 900}


def launch(playwright, extra_args: list[str] = ()):
    """Start headless Chromium; stop with a clear message if it is not installed."""
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"{CHROMIUM} not found: install the Debian package 'chromium' (make setup)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args])


def read_version(root: Path = ROOT) -> str:
    """The manual's version, from the VERSION file."""
    return (root / "VERSION").read_text(encoding="utf-8").strip()


def release_info(root: Path = ROOT) -> tuple[str, str]:
    """(version as artefact names carry it, status line), decided by _ext/versioning.py.

    From VERSION, CHANGELOG.md and git: "1.0.0" and "Version 1.0.0, released 25 November 2026"
    for a build of the release tag v1.0.0; "1.1.0-dev" and "Version 1.1.0: development version,
    not for delivery" for anything else (the next version once 1.0.0 is tagged).  The same
    names `make dist` (tools/make_dist.py) collects.
    """
    status = build_status(root)
    return status.artefact, status.line


def build_status(root: Path = ROOT):
    """_ext/versioning.py's Status of a build of the checkout at *root*; stops on a malformed change log."""
    if str(root / "_ext") not in sys.path:
        sys.path.insert(0, str(root / "_ext"))
    from versioning import ChangelogError, build_status as status_of

    try:
        return status_of(root)
    except ChangelogError as error:
        raise SystemExit(str(error)) from None


def built_version(html_dir: Path) -> str | None:
    """The version a built HTML site was made with (Sphinx writes it into documentation_options.js)."""
    options = html_dir / "_static" / "documentation_options.js"
    if not options.is_file():
        return None
    found = re.search(r"VERSION:\s*'([^']*)'", options.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def checked_version(html_dir: Path, root: Path = ROOT) -> str:
    """The version the build is of (VERSION, or the next after a release), after checking
    that *html_dir* was built as it; stops if the build is stale."""
    version = build_status(root).version
    built = built_version(html_dir)
    if built != version:
        raise SystemExit(f"{html_dir} was built as version {built!r}, but this checkout is version {version!r}: "
                         "run `make html` again")
    return version


#: Folders of a built site that hold no pages of the manual.
NOT_PAGES = {"_static", "_sources", "_images"}


def site_pages(html_dir: Path) -> list[str]:
    """Every page of a built site, as sorted paths relative to it ("modules/triggers.html")."""
    return sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html")
                  if not NOT_PAGES & set(p.relative_to(html_dir).parts))


NEXT_LINK = re.compile(r'<link rel="next" title="[^"]*" href="([^"]+)"')
HANDOUT = re.compile(r'<section\b[^>]*\bclass="handout"[^>]*>')
HANDOUT_TITLE = re.compile(r'<p class="handout-title">(.*?)</p>', re.S)


def reading_order(html_dir: Path) -> list[str]:
    """The site's pages from index.html, following each page's "next" link (the toctree order)."""
    order, page = [], "index.html"
    while page not in order and (html_dir / page).is_file():
        order.append(page)
        found = NEXT_LINK.search((html_dir / page).read_text(encoding="utf-8"))
        if not found:
            break
        page = posixpath.normpath(posixpath.join(posixpath.dirname(page), found.group(1).split("#")[0]))
    return order


#: The folder of the exercise pages (page-kinds.toml, [kind.exercise] folder); the workbook's
#: own easy-read pages (workbook/) hold handouts too, and are not exercises.
EXERCISES = "exercises/"


def exercise_pages(html_dir: Path) -> list[tuple[str, str]]:
    """(page, handout title) for every exercise page with a handout, in reading order."""
    pages = reading_order(html_dir)
    pages += [page for page in site_pages(html_dir) if page not in pages]
    found = []
    for page in pages:
        if not page.startswith(EXERCISES):
            continue
        text = (html_dir / page).read_text(encoding="utf-8")
        if HANDOUT.search(text):
            title = HANDOUT_TITLE.search(text)
            found.append((page, unescape(re.sub(r"<[^>]+>", "", title.group(1))).strip() if title else page))
    return found


# -- printing ----------------------------------------------------------------

#: Handouts print on A4 with these margins; the bottom one holds the footer line.
A4 = {"width_mm": 210, "height_mm": 297}
MARGINS_MM = {"top": 15, "right": 15, "bottom": 22, "left": 15}
PX_PER_MM = 96 / 25.4  # CSS pixels: 96 to the inch


def print_viewport() -> dict:
    """The printable area of an A4 page, in CSS pixels: what a handout is laid out in."""
    width = (A4["width_mm"] - MARGINS_MM["left"] - MARGINS_MM["right"]) * PX_PER_MM
    height = (A4["height_mm"] - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * PX_PER_MM
    return {"width": int(width), "height": int(height)}
