"""Print this version's changes by topic: what `make changes` shows.

Usage: python3 tools/version_changes.py HTML_DIR

Reads a built HTML manual (`make changes` builds it first) and prints, for the
version it was built as (a release, or the development version being
prepared):

1. its change-log section, by topic: the dated section of a release, or
   '## Unreleased' (and the version's own section, if already dated) while in
   development;
2. every `{versionadded}`, `{versionchanged}` and `{deprecated}` note for that
   version, page by page in reading order, each under the heading it is in.

A page changed without a note, or a note without a change-log line, shows up
here before a release; `make diff` shows the changed words themselves.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))

from manual_tools import reading_order, site_pages  # noqa: E402
from release_diff import site_label  # noqa: E402

NOTES = ["versionadded", "versionchanged", "deprecated", "versionremoved"]
WIDTH = 100


def clean(text: str) -> str:
    return " ".join(text.split())


def article(path: Path) -> BeautifulSoup:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for link in soup.select("a.headerlink"):
        link.decompose()
    return soup.find("article") or soup


def changelog_lines(html_dir: Path, version: str, development: bool) -> list[str]:
    page = html_dir / "changelog.html"
    if not page.is_file():
        return ["  (this build has no change history page)"]
    lines = []
    for h2 in article(page).select("section > h2"):
        title = clean(h2.get_text())
        if not ((development and title == "Unreleased") or title.split(" ")[0] == version):
            continue
        lines.append(f"  {title}")
        for element in h2.parent.find_all(["h3", "li", "p"]):
            if element.find_parent("li") or (element.name == "p" and element.find_parent("li")):
                continue
            text = clean(element.get_text())
            if element.name == "h3":
                lines.append(f"    {text}")
            elif element.name == "li":
                lines += textwrap.wrap(text, WIDTH, initial_indent="      - ", subsequent_indent="        ")
            elif text:
                lines += textwrap.wrap(text, WIDTH, initial_indent="    ", subsequent_indent="    ")
    return lines or [f"  The change log has no section for {version}" + (" and nothing under Unreleased."
                                                                          if development else ".")]


def note_lines(html_dir: Path, version: str) -> list[str]:
    order = reading_order(html_dir)
    order += [page for page in site_pages(html_dir) if page not in order]
    lines = []
    for page in order:
        body = article(html_dir / page)
        found = []
        for note in body.find_all("div", class_=NOTES):
            label = note.find(class_="versionmodified")
            said = re.search(r"\d+(?:\.\d+)+", label.get_text()) if label else None
            if not said or said.group(0) != version:
                continue
            heading = note.find_previous(["h2", "h3", "h4"])
            where = clean(heading.get_text()) if heading else ""
            found.append((where, clean(note.get_text())))
        if found:
            h1 = body.find("h1")
            lines.append(f"  {clean(h1.get_text()) if h1 else page} ({page})")
            for where, text in found:
                lines += textwrap.wrap(f"{where}: {text}" if where else text, WIDTH,
                                       initial_indent="    - ", subsequent_indent="      ")
    return lines or [f"  No page has a note for version {version}."]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir = Path(argv[1])
    if not (html_dir / "index.html").is_file():
        print(f"{html_dir} is not a built HTML manual: run `make html` (make changes does)", file=sys.stderr)
        return 1
    version, development = site_label(html_dir)
    state = "in development, not for delivery" if development else "released"
    print(f"Changes in version {version} ({state}), by topic\n")
    print("From the change log (CHANGELOG.md):")
    print("\n".join(changelog_lines(html_dir, version, development)))
    print(f"\nNotes in the pages ({{versionadded}}, {{versionchanged}} {version}), in reading order:")
    print("\n".join(note_lines(html_dir, version)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
