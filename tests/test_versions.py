"""Versions and change history: one version source, released or not, across revisions."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, sphinx_build

sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
from manual_tools import release_info  # noqa: E402
from versioning import ChangelogError, read_changelog  # noqa: E402

TODAY = dt.date.today()


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


# -- a repository with two releases -------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, released as v1.0.0 and then v1.1.0 with a change to the triggers topic."""
    repo = tmp_path_factory.mktemp("releases") / "manual"
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "tests@example.invalid")
    git(repo, "config", "user.name", "Tests")
    yesterday = str(TODAY - dt.timedelta(days=1))
    write_changelog(repo / "CHANGELOG.md", [("1.0.0", yesterday, "First release.")])
    (repo / "VERSION").write_text("1.0.0\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Release 1.0.0")
    git(repo, "tag", "v1.0.0")
    triggers = repo / "docs" / "modules" / "triggers.md"
    text = triggers.read_text(encoding="utf-8")
    text = text.replace("## Key messages\n", "## Key messages\n\n```{versionchanged} 1.1.0\n"
                        "A new key message: a trigger is a warning sign, not an excuse.\n```\n", 1)
    triggers.write_text(text, encoding="utf-8")
    write_changelog(repo / "CHANGELOG.md", [
        ("1.1.0", str(TODAY), "Triggers: a new key message, a trigger is a warning sign, not an excuse."),
        ("1.0.0", yesterday, "First release.")])
    (repo / "VERSION").write_text("1.1.0\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Release 1.1.0: a new key message on triggers")
    git(repo, "tag", "v1.1.0")
    return repo


@pytest.fixture(scope="module")
def versions_site(two_releases: Path) -> Path:
    out = two_releases / "_build" / "versions"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_versions.py"), "--repo", str(two_releases),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_every_revision_is_built_under_its_own_folder(versions_site: Path) -> None:
    for rev in ("v1.0.0", "v1.1.0", "main"):
        assert (versions_site / rev / "index.html").is_file()
    assert 'url=v1.1.0/index.html' in (versions_site / "index.html").read_text(encoding="utf-8")


def test_every_page_lists_every_version_in_its_switcher(versions_site: Path) -> None:
    for rev in ("v1.0.0", "v1.1.0", "main"):
        for page in (versions_site / rev).rglob("*.html"):
            if "_static" in page.parts:
                continue
            switcher = re.search(r'<details class="version-switcher">.*?</details>', page.read_text(encoding="utf-8"))
            assert switcher, page
            for other in ("v1.0.0", "v1.1.0", "main"):
                assert f"/{other}/" in switcher.group(0), (page, other)


def test_an_older_revision_links_to_the_same_page_in_the_current_one(versions_site: Path) -> None:
    old = (versions_site / "v1.0.0" / "modules" / "triggers.html").read_text(encoding="utf-8")
    banner = re.search(r'<div class="version-banner".*?</div>', old).group(0)
    assert "You are reading version v1.0.0; the current version is" in banner
    assert 'href="../../v1.1.0/modules/triggers.html"' in banner
    assert (versions_site / "v1.1.0" / "modules" / "triggers.html").is_file()
    current = (versions_site / "v1.1.0" / "modules" / "triggers.html").read_text(encoding="utf-8")
    assert '<div class="version-banner"' not in current


def test_the_change_shows_in_the_changelog_and_in_place(versions_site: Path) -> None:
    changelog = (versions_site / "v1.1.0" / "changelog.html").read_text(encoding="utf-8")
    assert "1.1.0" in changelog and "a trigger is a warning sign" in changelog
    page = (versions_site / "v1.1.0" / "modules" / "triggers.html").read_text(encoding="utf-8")
    assert re.search(r"Changed in version 1\.1\.0", page)
    assert "a trigger is a warning sign" not in (versions_site / "v1.0.0" / "modules" / "triggers.html").read_text(
        encoding="utf-8")


def test_each_revision_says_which_version_it_is(versions_site: Path) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    old = (versions_site / "v1.0.0" / "index.html").read_text(encoding="utf-8")
    assert f"Version 1.0.0, released {yesterday.day} {yesterday:%B %Y}" in old
    new = (versions_site / "v1.1.0" / "index.html").read_text(encoding="utf-8")
    assert f"Version 1.1.0, released {TODAY.day} {TODAY:%B %Y}" in new


def test_the_changes_builder_lists_the_note_for_the_version(two_releases: Path, tmp_path: Path) -> None:
    build = sphinx_build(two_releases / "docs", tmp_path / "changes", "changes", "-c", str(two_releases))
    assert build.ok, build.output[-2000:]
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "changes").rglob("*.html"))
    assert "a trigger is a warning sign" in text


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


def test_read_the_docs_config_names_this_machines_tools(two_releases: Path) -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((two_releases / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["build"]["tools"] == {"python": f"{sys.version_info.major}.{sys.version_info.minor}",
                                        "nodejs": "20"}


def test_read_the_docs_builds_html_pdf_and_offline_zip_for_a_tag(read_the_docs: Path) -> None:
    assert (read_the_docs / "html" / "index.html").is_file()
    assert [p.name for p in (read_the_docs / "pdf").iterdir()] == ["internet-offending-module.pdf"]
    assert [p.name for p in (read_the_docs / "htmlzip").iterdir()] == ["internet-offending-module-1.1.0-html.zip"]


def test_read_the_docs_renders_diagrams_with_the_browser_it_downloads(read_the_docs: Path) -> None:
    page = (read_the_docs / "html" / "modules" / "escalation-cycle.html").read_text(encoding="utf-8")
    assert re.search(r"<svg[^>]*role=\"img\"", page)


def test_the_site_pdf_and_zip_agree_on_the_version(read_the_docs: Path, versions_site: Path) -> None:
    status = f"Version 1.1.0, released {TODAY.day} {TODAY:%B %Y}"
    assert status in (versions_site / "v1.1.0" / "index.html").read_text(encoding="utf-8")
    assert status in (read_the_docs / "html" / "index.html").read_text(encoding="utf-8")
    text = subprocess.run(["pdftotext", str(read_the_docs / "pdf" / "internet-offending-module.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[1:-1]  # every page after the title page carries the footer
    assert pages and all(status in page for page in pages)
    with zipfile.ZipFile(read_the_docs / "htmlzip" / "internet-offending-module-1.1.0-html.zip") as archive:
        index = archive.read("internet-offending-module-1.1.0-html/index.html").decode("utf-8")
    assert status in index


def test_release_check_passes_on_the_two_releases(two_releases: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py"), str(two_releases)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_tag_without_a_changelog_entry_fails_the_release_check(two_releases: Path, tmp_path: Path) -> None:
    repo = tmp_path / "manual"
    shutil.copytree(two_releases, repo, ignore=shutil.ignore_patterns("_build"))
    git(repo, "tag", "v1.2.0")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py"), str(repo)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "release tag v1.2.0 has no '## 1.2.0 — YYYY-MM-DD' section" in done.stderr


def test_the_real_repository_passes_the_release_check() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
