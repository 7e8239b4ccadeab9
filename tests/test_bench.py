"""`make bench`'s generated manual (tools/bench.py's make_copy) is a valid manual, so the benchmark cannot rot unseen.

`make bench` itself never runs in the tests: timings are never asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bench import check, growth, make_copy, report
from conftest import SHARED_RENDERER, sphinx_build

COPY = re.compile(r"-copy-(\d+)\.(?:md|html)$")


def _copy_set(name: str) -> int:
    found = COPY.search(name)
    return int(found.group(1)) if found else 1


@pytest.mark.fixtures
def test_the_four_times_copy_builds_strictly_with_links_inside_each_copy_set(tmp_path: Path) -> None:
    info = make_copy(tmp_path / "x4", 4)
    build = sphinx_build(tmp_path / "x4" / "docs", tmp_path / "html", "html", *SHARED_RENDERER)
    assert build.ok, build.output[-3000:]
    copied = sorted((tmp_path / "html").rglob("*-copy-4.html"))
    assert len(copied) >= 30 and info["pages"] > 4 * len(copied)
    for page in copied:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for overview in soup.select("#module-sessions"):  # the whole module's sessions, every copy set's
            overview.decompose()
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


# -- the budget and the report, on made-up figures (no build, no timing) -----------



def _result(**changes) -> dict:
    """A bench result at 1x and 10x within budget: (wall s, CPU s) pairs for times."""
    figures = {
        "pages": {1: 50, 10: 500}, "source_kb": {1: 400, 10: 4000}, "diagrams": {1: 10, 10: 100},
        "html_cold_empty_cache": {1: (20.0, 30.0), 10: (150.0, 250.0)},
        "html_cold_warm_cache": {1: (10.0, 12.0), 10: (90.0, 110.0)},
        "nochange_rebuild": {1: (1.0, 1.0), 10: (1.5, 1.2)},
        "topic_edit_rebuild": {1: (2.0, 2.0), 10: (3.0, 3.0)},
        "exercise_edit_rebuild": {1: (2.0, 2.0), 10: (3.5, 3.9)},
        "offline_zip_kb": {1: 1000, 10: 9000},
        "git_commands_cold_build": {1: 4, 10: 4},
    }
    for name, values in changes.items():
        figures[name] = values
    versions = [{"tags": 1, "first": {"wall_s": 40.0, "cpu_s": 40.0, "built": ["v1.0.0", "main"], "releases_built": 1},
                 "second": {"wall_s": 3.0, "cpu_s": 2.0, "built": [], "releases_built": 0}}]
    return {"scales": [1, 10], "figures": figures, "versions": versions}


def test_growth_of_a_time_is_judged_on_its_cpu_seconds_and_a_size_on_its_value() -> None:
    assert growth({1: (1.0, 2.0), 10: (5.0, 3.0)}, 1, 10, cpu=True) == 1.5
    assert growth({1: (1.0, 2.0), 10: (5.0, 3.0)}, 1, 10) == 5.0
    assert growth({1: 50, 10: 500}, 1, 10) == 10.0


def test_figures_within_budget_are_not_reported_over_it() -> None:
    assert check(_result()) == []


def test_a_one_page_edit_that_grows_with_the_manual_is_named_over_budget() -> None:
    over = check(_result(topic_edit_rebuild={1: (2.0, 2.0), 10: (9.0, 9.0)}))
    assert len(over) == 1 and over[0].startswith("topic_edit_rebuild: grew 4.50x") and "budget 2.00x" in over[0]


def test_a_cold_build_growing_more_than_1_2_times_the_markdown_is_named_over_budget() -> None:
    assert check(_result(html_cold_warm_cache={1: (10.0, 10.0), 10: (100.0, 120.0)})) == []
    over = check(_result(html_cold_warm_cache={1: (10.0, 10.0), 10: (100.0, 130.0)}))
    assert over == ["html_cold_warm_cache: grew 13.00x from 1x to 10x content (budget 12.00x)"]


def test_the_cold_build_budget_follows_the_markdown_not_the_page_count() -> None:
    """Pages 10x, Markdown 5x: a cold build 7x is over a budget of 1.2 times the Markdown's growth."""
    over = check(_result(source_kb={1: 400, 10: 2000}, html_cold_warm_cache={1: (10.0, 10.0), 10: (70.0, 70.0)},
                         html_cold_empty_cache={1: (20.0, 20.0), 10: (100.0, 100.0)},
                         offline_zip_kb={1: 1000, 10: 5000}))
    assert over == ["html_cold_warm_cache: grew 7.00x from 1x to 10x content (budget 6.00x)"]


def test_an_offline_zip_growing_more_than_1_2_times_the_markdown_is_named_over_budget() -> None:
    assert [o.split(":")[0] for o in check(_result(offline_zip_kb={1: 100, 10: 1300}))] == ["offline_zip_kb"]


def test_a_second_make_versions_that_rebuilds_a_release_is_over_budget() -> None:
    result = _result()
    result["versions"][0]["second"].update(built=["v1.0.0"], releases_built=1, cpu_s=39.0)
    over = check(result)
    assert len(over) == 2
    assert "rebuilt 1 release(s)" in over[0] and "0.97 of the first run (budget 0.25)" in over[1]


def test_the_report_gives_each_figure_its_growth_and_budget() -> None:
    lines = report(_result()).splitlines()
    row = next(line for line in lines if line.startswith("topic_edit_rebuild (s)"))
    assert row.split() == ["topic_edit_rebuild", "(s)", "2.0", "3.0", "1.50x", "1.50x", "<=", "2.00x"]
    pages = next(line for line in lines if line.startswith("pages"))
    assert pages.split() == ["pages", "50", "500", "10.00x"]
    versions = next(line for line in lines if line.startswith("1 release tags"))
    assert versions.split()[3:8] == ["40.0", "40.0", "3.0", "2.0", "0.05"]


def test_without_new_diagrams_the_copies_reuse_todays_diagrams(tmp_path: Path) -> None:
    make_copy(tmp_path / "x2", 2, new_diagrams=False)
    pages = (tmp_path / "x2" / "docs").rglob("*-copy-2.md")
    with_diagrams = [p for p in pages if "{mermaid}" in p.read_text(encoding="utf-8")]
    assert with_diagrams
    for page in with_diagrams:
        original = page.with_name(page.name.replace("-copy-2", ""))
        assert _diagrams(page) == _diagrams(original), f"{page.name}'s diagrams differ from {original.name}'s"


def test_each_training_unit_lists_the_copies_of_its_pre_reading(tmp_path: Path) -> None:
    make_copy(tmp_path / "x3", 3)
    copied = {re.search(r"^\(([^)]+)-copy-2\)=", page.read_text(encoding="utf-8"), re.M).group(1)
              for page in (tmp_path / "x3" / "docs").rglob("*-copy-2.md")}
    for unit in (tmp_path / "x3" / "docs" / "training" / "units").glob("*.md"):
        section = re.search(r"^## Pre-reading\n(.*?)(?=^## |\Z)", unit.read_text(encoding="utf-8"), re.M | re.S)
        labels = set(re.findall(r"\{ref\}`([^`]+)`", section.group(1)))
        originals = labels & copied
        assert originals, f"{unit.name} lists no pre-reading"
        missing = {f"{label}-copy-{k}" for label in originals for k in (2, 3)} - labels
        assert not missing, f"{unit.name}'s pre-reading leaves out {sorted(missing)[:3]}"


def _diagrams(page: Path) -> list[str]:
    return re.findall(r"^([`:]{3,})\{mermaid\}.*?\n(.*?)^\1\s*$", page.read_text(encoding="utf-8"), re.M | re.S)


def test_a_figure_measured_at_the_first_size_only_is_shown_without_growth_or_budget() -> None:
    result = _result(html_cold_empty_cache={1: (20.0, 30.0)})
    assert check(result) == []
    row = next(line for line in report(result).splitlines() if line.startswith("html_cold_empty_cache"))
    assert row.split() == ["html_cold_empty_cache", "(s)", "20.0", "-", "-", "(first", "size", "only)"]


def test_the_edited_exercise_names_a_topic_so_session_plans_show_it(tmp_path: Path) -> None:
    edit = make_copy(tmp_path / "x1", 1, new_diagrams=False)["edit"]
    text = (tmp_path / "x1" / edit["exercise"]).read_text(encoding="utf-8")
    assert edit["exercise"].startswith("docs/exercises/") and re.search(r"^topic: \[mod-", text, re.M)
    assert edit["topic"].startswith("docs/modules/")
