"""`make bench`'s generated manual (tools/bench.py's make_copy) is a valid manual, so the benchmark cannot rot unseen.

`make bench` itself never runs in the tests: timings are never asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from bench import make_copy
from conftest import SHARED_RENDERER, sphinx_build

COPY = re.compile(r"-copy-(\d+)\.(?:md|html)$")


def _copy_set(name: str) -> int:
    found = COPY.search(name)
    return int(found.group(1)) if found else 1


def test_the_four_times_copy_builds_strictly_with_links_inside_each_copy_set(tmp_path: Path) -> None:
    info = make_copy(tmp_path / "x4", 4)
    build = sphinx_build(tmp_path / "x4" / "docs", tmp_path / "html", "html", *SHARED_RENDERER)
    assert build.ok, build.output[-3000:]
    copied = sorted((tmp_path / "html").rglob("*-copy-4.html"))
    assert len(copied) >= 30 and info["pages"] > 4 * len(copied)
    for page in copied:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = [a["href"].split("#")[0] for a in soup.select("article a.reference.internal[href]")]
        strays = [link for link in links if "-copy-" in link and _copy_set(link) != 4]
        strays += [link for link in links if (page.parent / link).with_name(
            Path(link).stem + "-copy-4.html").is_file()]
        assert not strays, f"{page.name} links outside its copy set: {strays[:3]}"


def test_each_copy_set_has_diagrams_of_its_own(tmp_path: Path) -> None:
    make_copy(tmp_path / "x4", 4)
    by_set: dict[int, set[str]] = {}
    for page in (tmp_path / "x4" / "docs").rglob("*.md"):
        blocks = re.findall(r"^([`:]{3,})\{mermaid\}.*?\n(.*?)^\1\s*$", page.read_text(encoding="utf-8"), re.M | re.S)
        by_set.setdefault(_copy_set(page.name), set()).update(code for _, code in blocks)
    assert sorted(by_set) == [1, 2, 3, 4] and all(by_set.values())
    for k in (2, 3, 4):
        for j in range(1, k):
            assert not by_set[k] & by_set[j], f"copy set {k} has a diagram identical to one of copy set {j}"
