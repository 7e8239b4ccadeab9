"""Versions and change history: one version source, released or not, across revisions."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, sphinx_build
from release_steps import TODAY, YESTERDAY, add_unreleased_entry, git, init, publish, start_next

sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
from manual_tools import reading_order, release_info, site_pages  # noqa: E402
from versioning import ChangelogError, read_changelog  # noqa: E402


def test_every_page_shows_the_version_and_its_status(html_pages: dict[str, str]) -> None:
    status = release_info()[1]
    missing = [name for name, text in html_pages.items()
               if name != "search.html" and status not in text]
    assert missing == []


def test_the_changelog_page_is_in_the_site(html_pages: dict[str, str]) -> None:
    assert "Unreleased" in html_pages["changelog.html"]


def write_changelog(path: Path, releases: list[tuple[str, str, str]]) -> None:
    parts = ["(changelog)=\n# Change history\n\n## Unreleased\n\n- Nothing yet.\n"]
    for version, date, change in releases:
        parts.append(f"\n## {version} — {date}\n\n### Changed\n\n- {change}\n")
    path.write_text("".join(parts), encoding="utf-8")


@pytest.mark.parametrize(("heading", "message"), [
    ("## 1.0 - 2026-02-30", "is not a real date"),
    ("## 1.0 on the first of May", "is not '## VERSION — YYYY-MM-DD'"),
    (f"## 1.0 — {TODAY + dt.timedelta(days=2)}", "in the future"),
], ids=["impossible-date", "malformed-heading", "future-date"])
def test_a_bad_release_heading_is_refused_with_its_line(tmp_path: Path, heading: str, message: str) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(f"# Change history\n\n## Unreleased\n\n{heading}\n", encoding="utf-8")
    with pytest.raises(ChangelogError) as error:
        read_changelog(changelog)
    assert error.value.line == 5 and message in str(error.value)


def test_a_changelog_without_unreleased_is_refused(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Change history\n\n## 1.0 — 2026-01-05\n", encoding="utf-8")
    with pytest.raises(ChangelogError, match="no '## Unreleased'"):
        read_changelog(changelog)


def test_a_future_dated_release_fails_the_build(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    write_changelog(changelog, [("1.0.0", str(TODAY + dt.timedelta(days=30)), "Soon.")])
    src = tmp_path / "docs"
    src.mkdir()
    (src / "index.md").write_text("(home)=\n# Home\n\nText.\n", encoding="utf-8")
    build = sphinx_build(src, tmp_path / "html", "html", "-D", f"versioning_changelog={changelog}")
    assert build.returncode != 0
    assert re.search(r"CHANGELOG\.md:8: WARNING: release 1\.0\.0 is dated .* in the future", build.warnings)


# -- a repository with two releases, published by RELEASE.md -------------------------------

#: The words the 1.1.0 revision adds to one sentence of the triggers topic.
ADDED = "and each group member can learn to stop sooner"
ENTRY = "- **Triggers**: a key message adds that each group member can learn to stop sooner."


def first_key_message(text: str) -> tuple[str, str]:
    """A topic page's first key message: its line (a key point, {key-point}`SYMBOL` words), and its
    words as they read, with no role or bold, so that a note can quote them."""
    section = text.split("## Key messages\n", 1)[1]
    line = next(line for line in section.splitlines() if line.startswith("{key-point}"))
    return line, re.sub(r"^\{key-point\}`[^`]*`\s*", "", line).replace("**", "")


def revise_one_sentence(repo: Path) -> str:
    """AUTHORING.md, "Revising a page": one sentence of a key message, a note quoting it, a change-log line.

    Returns the sentence as it was."""
    triggers = repo / "docs" / "modules" / "triggers.md"
    text = triggers.read_text(encoding="utf-8")
    section = text.index("## Key messages\n")
    line, sentence = first_key_message(text)
    revised = line.rstrip(".") + ", " + ADDED + "."
    text = text[:section] + text[section:].replace(line, revised, 1)
    note = f'```{{versionchanged}} 1.1.0\nWas: "{sentence}"\n```\n\n'
    text = text.replace("## Key messages\n\n", "## Key messages\n\n" + note, 1)
    triggers.write_text(text, encoding="utf-8")
    add_unreleased_entry(repo, ENTRY)
    git(repo, "commit", "-q", "-am", "Triggers: one key message revised")
    return sentence


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, published as 1.0.0 and then 1.1.0 (one sentence revised) by RELEASE.md.

    main ends at the tag v1.1.0, as it is just after publishing."""
    repo = tmp_path_factory.mktemp("releases") / "manual"
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    (repo / "VERSION").write_text("1.0.0\n", encoding="utf-8")
    init(repo)
    publish(repo, "1.0.0", released=YESTERDAY, approved=YESTERDAY)
    start_next(repo, "1.1.0")
    revise_one_sentence(repo)
    publish(repo, "1.1.0")
    return repo


def run_versions(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "build_versions.py"), "--repo", str(repo),
                           "--out", str(repo / "_build" / "versions")], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def versions_site(two_releases: Path) -> Path:
    done = run_versions(two_releases)
    assert done.returncode == 0, done.stdout + done.stderr
    return two_releases / "_build" / "versions"


@pytest.fixture(scope="module")
def versions_again(versions_site: Path, two_releases: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """`make versions` a second time, nothing new: (its run, its versions.json)."""
    done = run_versions(two_releases)
    assert done.returncode == 0, done.stdout + done.stderr
    return done, json.loads((versions_site / "versions.json").read_text(encoding="utf-8"))


FOLDERS = ("main", "1.1.0", "1.0.0")


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def version_bar(path: Path) -> BeautifulSoup:
    """The version bar alone (parsing only it keeps the many-page tests fast)."""
    found = re.search(r'<div class="version-bar">.*?</details>(?:<a class="version-changes"[^>]*>[^<]*</a>)?</div>',
                      path.read_text(encoding="utf-8"), re.S)
    assert found, f"{path}: no version bar"
    return BeautifulSoup(found.group(0), "html.parser")


def revision_line(path: Path) -> str:
    return " ".join(soup_of(path).select_one("p.manual-version").get_text().split())


@pytest.mark.versions
def test_every_release_and_main_is_built_under_its_own_folder(versions_site: Path) -> None:
    assert sorted(p.name for p in versions_site.iterdir() if p.is_dir()) == ["1.0.0", "1.1.0", "changes", "main"]
    for folder in FOLDERS:
        assert (versions_site / folder / "modules" / "triggers.html").is_file()


@pytest.mark.versions
def test_the_site_opens_the_current_release(versions_site: Path) -> None:
    refresh = soup_of(versions_site / "index.html").find("meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"] == "0; url=1.1.0/index.html"


@pytest.mark.versions
def test_every_page_lists_every_version_in_its_switcher(versions_site: Path) -> None:
    for folder in FOLDERS:
        pages = site_pages(versions_site / folder)
        assert pages, f"{folder} holds no pages"
        for page in pages:
            items = version_bar(versions_site / folder / page).select(".version-switcher li a")
            labels = [" ".join(a.get_text().split()) for a in items]
            assert labels == ["1.2.0 in development", "1.1.0, the current release", "1.0.0"], (folder, page)
            for a in items:
                target = (versions_site / folder / page).parent / a["href"]
                assert target.resolve().is_file(), (folder, page, a["href"])


@pytest.mark.versions
def test_an_older_release_links_to_the_same_page_in_the_current_one(versions_site: Path) -> None:
    banner = version_bar(versions_site / "1.0.0" / "modules" / "triggers.html").select_one(".version-banner")
    assert banner.get_text() == "You are reading version 1.0.0, an older release. The current release is version 1.1.0."
    assert banner.a["href"] == "../../1.1.0/modules/triggers.html"
    assert version_bar(versions_site / "1.1.0" / "modules" / "triggers.html").select_one(".version-banner") is None


@pytest.mark.versions
def test_each_release_says_which_version_it_is(versions_site: Path) -> None:
    assert revision_line(versions_site / "1.0.0" / "index.html").startswith(
        f"Version 1.0.0, released {YESTERDAY.day} {YESTERDAY:%B %Y}.")
    assert revision_line(versions_site / "1.1.0" / "index.html").startswith(
        f"Version 1.1.0, released {TODAY.day} {TODAY:%B %Y}.")


@pytest.mark.versions
def test_main_is_labelled_the_next_development_version_everywhere(versions_site: Path) -> None:
    """main is at the tag v1.1.0, yet is the development line: 1.2.0, never "released"."""
    development = "Version 1.2.0: development version, not for delivery"
    index = soup_of(versions_site / "main" / "index.html")
    assert revision_line(versions_site / "main" / "index.html").startswith(development + ".")
    assert index.select_one(".manual-revision").get_text().strip() == development
    assert index.select_one(".version-banner").get_text().startswith(
        "You are reading version 1.2.0 in development, not for delivery.")
    assert index.select_one(".version-switcher summary").get_text() == "Version 1.2.0 in development: other versions"
    assert "Internet Offending Module 1.2.0" in index.select_one(".sidebar-brand-text").get_text()
    handout = soup_of(versions_site / "main" / "exercises" / "my-trigger-chain.html").select_one(".handout-footer")
    assert handout.get_text() == "Internet Offending Module, version 1.2.0"
    assert [page for page in site_pages(versions_site / "main")
            if "released" in revision_line(versions_site / "main" / page)] == []


@pytest.mark.versions
def test_versions_are_named_one_way_on_the_site(versions_site: Path) -> None:
    """"1.1.0" or "version 1.1.0", never the tag's "v1.1.0" nor the branch's "main" as a version's name."""
    texts = [version_bar(versions_site / folder / "modules" / "triggers.html").get_text(" ") for folder in FOLDERS]
    texts += [soup_of(path).get_text(" ") for path in [versions_site / "index.html",
                                                       *sorted((versions_site / "changes").glob("*.html"))]]
    found = [text for text in texts if re.search(r"\bv\d+\.\d+|\bmain\b", text)]
    assert found == []


@pytest.mark.versions
def test_the_change_history_page_dates_the_changelog_not_its_include_file(versions_site: Path) -> None:
    assert "This page last changed in version 1.1.0" in revision_line(versions_site / "1.1.0" / "changelog.html")
    # A page untouched since the first release says so.
    assert "This page last changed in version 1.0.0" in revision_line(versions_site / "1.1.0" / "about.html")


@pytest.mark.versions
def test_a_release_has_no_empty_unreleased_heading(versions_site: Path) -> None:
    for folder in ("1.0.0", "1.1.0"):
        changelog = soup_of(versions_site / folder / "changelog.html")
        headings = [" ".join(h.get_text().split()) for h in changelog.select("article h2")]
        assert "Unreleased" not in " ".join(headings), folder
        assert headings[0].startswith(folder), folder
        assert "Unreleased" not in changelog.select_one(".toc-drawer").get_text()


@pytest.mark.versions
def test_no_doctrees_or_build_bookkeeping_in_the_versions_site(versions_site: Path) -> None:
    assert [p for p in versions_site.rglob("*") if p.name in (".doctrees", ".buildinfo", "environment.pickle")
            or p.suffix == ".doctree"] == []


@pytest.mark.versions
def test_a_second_make_versions_with_no_new_release_rebuilds_nothing(versions_again) -> None:
    done, manifest = versions_again
    assert [(r["folder"], r["built"]) for r in manifest["revisions"]] == [
        ("main", False), ("1.1.0", False), ("1.0.0", False)]
    assert "building" not in done.stdout
    assert done.stdout.startswith("Built nothing; reused main, 1.1.0, 1.0.0.")


# -- tracked changes ---------------------------------------------------------------------------

@pytest.mark.versions
def test_every_release_has_a_changes_page_and_each_revision_a_pdf(versions_site: Path) -> None:
    changes = versions_site / "changes"
    assert sorted(p.name for p in changes.iterdir()) == [
        "1.0.0.html", "1.1.0.html", "main.html", "tracked-changes-1.0.0-to-1.1.0.pdf",
        "tracked-changes-1.1.0-to-1.2.0-dev.pdf"]
    assert soup_of(changes / "1.0.0.html").h1.get_text() == "Version 1.0.0: the first release"
    bar = version_bar(versions_site / "1.1.0" / "index.html").select_one("a.version-changes")
    assert (bar.get_text(), bar["href"]) == ("Changes since version 1.0.0", "../changes/1.1.0.html")


@pytest.fixture(scope="module")
def tracked(versions_site: Path) -> BeautifulSoup:
    return soup_of(versions_site / "changes" / "1.1.0.html")


@pytest.mark.versions
def test_the_tracked_changes_show_exactly_the_changed_words(tracked: BeautifulSoup, two_releases: Path) -> None:
    changed = [section["id"] for section in tracked.select("section.page")]
    assert changed == ["page-modules-triggers-html", "page-changelog-html"]
    triggers = tracked.find(id="page-modules-triggers-html")
    sentence = first_key_message(git(two_releases, "show", "v1.0.0:docs/modules/triggers.md"))[1]
    sentence = sentence.replace("'", "’")  # as Sphinx's smart quotes print it
    assert [" ".join(ins.get_text().split()) for ins in triggers.select("ins")] == [
        f"Changed in version 1.1.0: Was: “{sentence}”", ", " + ADDED]
    assert triggers.select("del") == []
    assert [p.get_text() for p in triggers.select("p.trail")] == ["Key messages"]


@pytest.mark.versions
def test_the_tracked_changes_list_unchanged_pages_in_reading_order(tracked: BeautifulSoup, versions_site) -> None:
    changed = [li.a.get_text() for li in tracked.select("ol.changed li")]
    unchanged = [li.a["href"].removeprefix("../1.1.0/") for li in tracked.select("ol.unchanged li")]
    assert changed == ["Triggers", "Change history"]
    order = reading_order(versions_site / "1.1.0")
    assert unchanged == [page for page in order if page not in ("modules/triggers.html", "changelog.html")]
    assert len(order) == len(site_pages(versions_site / "1.1.0")) - 1  # every page but search is in it


@pytest.mark.versions
def test_the_tracked_changes_put_the_changelog_entry_beside_the_page(tracked: BeautifulSoup) -> None:
    aside = tracked.find(id="page-modules-triggers-html").find("aside")
    assert " ".join(aside.li.get_text().split()) == ENTRY[2:].replace("**", "")


@pytest.mark.versions
def test_the_tracked_changes_link_the_page_in_both_versions(tracked: BeautifulSoup, versions_site: Path) -> None:
    links = [a["href"] for a in tracked.find(id="page-modules-triggers-html").select(".where a")]
    assert links == ["../1.0.0/modules/triggers.html", "../1.1.0/modules/triggers.html"]
    assert all((versions_site / "changes" / link).resolve().is_file() for link in links)


def pdf_text(path: Path) -> str:
    # -raw: in the order it was written, each paragraph whole; -layout would interleave a changed
    # paragraph with the change-log box printed beside it.
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.versions
def test_the_tracked_changes_pdf_shows_the_changed_words(versions_site: Path) -> None:
    text = " ".join(pdf_text(versions_site / "changes" / "tracked-changes-1.0.0-to-1.1.0.pdf").split())
    assert "Changes from version 1.0.0 to version 1.1.0" in text
    assert ADDED in text and "Triggers (changed)" in text and "Unchanged pages" in text


@pytest.mark.versions
def test_make_diff_compares_two_releases_from_the_kept_builds(versions_site: Path, two_releases: Path,
                                                              tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "release_diff.py"), "--repo", str(two_releases),
                           "--from", "1.0.0", "--to", "1.1.0", "--out", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "building" not in done.stdout
    assert "{+, " + ADDED + "+}" in done.stdout
    out = tmp_path / "1.0.0-to-1.1.0"
    assert (out / "index.html").is_file() and (out / "tracked-changes-1.0.0-to-1.1.0.pdf").is_file()
    links = [a["href"] for a in soup_of(out / "index.html").find(id="page-modules-triggers-html").select(".where a")]
    assert all((out / link).is_file() for link in links)


@pytest.mark.versions
def test_make_diff_names_an_unknown_version_in_one_message(two_releases: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "release_diff.py"), "--repo", str(two_releases),
                           "--from", "0.9.0", "--to", "1.1.0", "--out", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (1, f"make diff: '0.9.0' is neither a release nor a git revision in "
                                                 f"{two_releases} (releases: 1.0.0, 1.1.0)\n")


@pytest.mark.versions
def test_make_changes_prints_this_versions_changes_by_topic(versions_site: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "version_changes.py"),
                           str(versions_site / "1.1.0")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert lines[0] == "Changes in version 1.1.0 (released), by topic"
    assert ENTRY.replace("**", "") in lines
    assert "Triggers (modules/triggers.html)" in lines
    assert any(line.startswith('- Key messages: Changed in version 1.1.0: Was: “') for line in lines)
    assert "C API" not in done.stdout and "Library changes" not in done.stdout


# -- the versions site in a browser: axe and contrast, light and dark ------------------------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = [("light", "light", "auto"), ("dark", "dark", "auto"), ("data-theme=dark", "light", "dark"),
           ("data-theme=light", "dark", "light")]
SITE_PAGES = ["1.0.0/modules/triggers.html", "main/index.html", "1.1.0/exercises/my-trigger-chain.html",
              "changes/1.1.0.html", "changes/main.html", "changes/1.0.0.html", "index.html"]
CONTRAST = """() => {
  const lum = rgb => { const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { for (; el; el = el.parentElement) { const bg = getComputedStyle(el).backgroundColor;
      const parts = bg.match(/[\\d.]+/g); if (parts.length < 4 || Number(parts[3]) > 0) return bg; }
    return getComputedStyle(document.documentElement).backgroundColor || 'rgb(255, 255, 255)'; };
  const found = [];
  for (const el of document.querySelectorAll('.version-bar *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility()) continue;
    const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    found.push([el.textContent.trim().slice(0, 40), Math.round(ratio * 100) / 100]);
  }
  return found;
}"""


CONTRAST_PAGES = ["1.0.0/modules/triggers.html", "main/index.html", "1.1.0/index.html"]
OPEN = """theme => { if (theme !== 'auto') document.body.dataset.theme = theme;
  document.querySelectorAll('details.version-switcher').forEach(d => d.open = true); }"""
AXE_RUN = ("async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ("
           "{id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")


def check_in_browser(site: Path, scratch: Path) -> dict:
    """axe on every page of SITE_PAGES and the version bar's contrast on CONTRAST_PAGES, in each scheme.

    Runs in a thread of its own: the browser tests' session may hold Playwright's sync API in this one."""
    from playwright.sync_api import sync_playwright

    from manual_tools import launch
    found: dict = {"axe": {}, "contrast": {}}
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            for name in dict.fromkeys(SITE_PAGES + CONTRAST_PAGES):
                target = site / name
                if name == "index.html":  # it opens the current version at once: read it without that
                    target = scratch / "index.html"
                    target.write_text(re.sub(r'<meta http-equiv="refresh"[^>]*>', "",
                                             (site / name).read_text(encoding="utf-8")), encoding="utf-8")
                for label, scheme, theme in SCHEMES:
                    page = chromium.new_page()
                    page.emulate_media(color_scheme=scheme)
                    page.goto(target.as_uri(), wait_until="load")
                    page.evaluate(OPEN, theme)
                    if name in SITE_PAGES:
                        page.add_script_tag(path=str(AXE))
                        found["axe"][name, label] = page.evaluate(AXE_RUN)
                    if name in CONTRAST_PAGES:
                        found["contrast"][name, label] = page.evaluate(CONTRAST)
                    page.close()
        finally:
            chromium.close()
    return found


@pytest.fixture(scope="module")
def in_browser(versions_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    assert AXE.is_file(), "node_modules/axe-core is missing: run `make setup` (npm ci)"
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(check_in_browser, versions_site, tmp_path_factory.mktemp("axe")).result()


@pytest.mark.versions
@pytest.mark.browser
@pytest.mark.parametrize("name", SITE_PAGES)
def test_the_versions_site_passes_axe_in_light_and_dark(in_browser: dict, name: str) -> None:
    serious = [f"[{label}] {v['id']} ({v['impact']}): {v['nodes'][:3]}"
               for label, _, _ in SCHEMES for v in in_browser["axe"][name, label]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(serious)


@pytest.mark.versions
@pytest.mark.browser
@pytest.mark.parametrize("name", CONTRAST_PAGES)
def test_every_word_of_the_version_bar_has_enough_contrast(in_browser: dict, name: str) -> None:
    low = []
    for label, _, _ in SCHEMES:
        found = in_browser["contrast"][name, label]
        assert len(found) >= 4, found  # the switcher's summary and entries at least
        low += [f"[{label}] {text!r}: {ratio}" for text, ratio in found if ratio < 4.5]
    assert low == []


# -- Read the Docs: its commands, run here on the tagged release ---------------

#: .readthedocs.yaml's set-up steps, which `make setup` has done here already
#: (the last downloads a browser, which this machine cannot reach).
READ_THE_DOCS_SETUP = ["python -m pip install -r requirements.txt", "npm ci --no-audit --no-fund",
                       "npx puppeteer browsers install chrome-headless-shell"]


@pytest.fixture(scope="module")
def read_the_docs(two_releases: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """$READTHEDOCS_OUTPUT after running .readthedocs.yaml's build commands on the v1.1.0 checkout.

    As on Read the Docs: the project's own Python and Node tools, an empty
    diagram cache, and the browser found where puppeteer puts it in $HOME
    (here Debian's Chromium, linked there)."""
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((two_releases / ".readthedocs.yaml").read_text(encoding="utf-8"))
    commands = config["build"]["commands"]
    assert commands[:len(READ_THE_DOCS_SETUP)] == READ_THE_DOCS_SETUP
    home = tmp_path_factory.mktemp("rtd-home")
    shell = home / ".cache" / "puppeteer" / "chrome-headless-shell" / "linux-1" / "chrome-headless-shell-linux64"
    shell.mkdir(parents=True)
    (shell / "chrome-headless-shell").symlink_to("/usr/bin/chromium")
    (two_releases / "node_modules").symlink_to(ROOT / "node_modules")
    output = tmp_path_factory.mktemp("rtd-output")
    env = {**os.environ, "HOME": str(home), "READTHEDOCS_OUTPUT": str(output),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    try:
        for command in commands[len(READ_THE_DOCS_SETUP):]:
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=two_releases, env=env,
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    finally:
        (two_releases / "node_modules").unlink()
    return output


@pytest.mark.versions
def test_read_the_docs_config_names_this_machines_tools(two_releases: Path) -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((two_releases / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["build"]["tools"] == {"python": f"{sys.version_info.major}.{sys.version_info.minor}",
                                        "nodejs": "20"}


@pytest.mark.versions
def test_read_the_docs_builds_html_pdf_and_offline_zip_for_a_tag(read_the_docs: Path) -> None:
    assert (read_the_docs / "html" / "index.html").is_file()
    assert [p.name for p in (read_the_docs / "pdf").iterdir()] == ["internet-offending-module.pdf"]
    assert [p.name for p in (read_the_docs / "htmlzip").iterdir()] == ["internet-offending-module-1.1.0-html.zip"]


@pytest.mark.versions
def test_read_the_docs_renders_diagrams_with_the_browser_it_downloads(read_the_docs: Path) -> None:
    page = (read_the_docs / "html" / "modules" / "escalation-cycle.html").read_text(encoding="utf-8")
    assert re.search(r"<svg[^>]*role=\"img\"", page)


@pytest.mark.versions
def test_the_site_pdf_and_zip_agree_on_the_version(read_the_docs: Path, versions_site: Path) -> None:
    status = f"Version 1.1.0, released {TODAY.day} {TODAY:%B %Y}"
    assert status in (versions_site / "1.1.0" / "index.html").read_text(encoding="utf-8")
    assert status in (read_the_docs / "html" / "index.html").read_text(encoding="utf-8")
    text = subprocess.run(["pdftotext", str(read_the_docs / "pdf" / "internet-offending-module.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[1:-1]  # every page after the title page carries the footer
    assert pages and all(status in page for page in pages)
    with zipfile.ZipFile(read_the_docs / "htmlzip" / "internet-offending-module-1.1.0-html.zip") as archive:
        index = archive.read("internet-offending-module-1.1.0-html/index.html").decode("utf-8")
    assert status in index


@pytest.mark.versions
def test_a_released_pdf_has_no_empty_unreleased_heading(read_the_docs: Path) -> None:
    text = subprocess.run(["pdftotext", str(read_the_docs / "pdf" / "internet-offending-module.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "1.1.0 — " in text and "Unreleased" not in text


@pytest.mark.versions
def test_a_release_made_by_release_md_passes_make_dists_check(two_releases: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py"), "--dist", str(two_releases)],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
