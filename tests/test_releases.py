"""Releases cannot be mislabelled, and tracked changes show exactly the changed words.

Fast: no Sphinx build.  Each release rule is tried on a throwaway repository
holding only VERSION and CHANGELOG.md, taken through RELEASE.md's steps
(tests/release_steps.py); the comparison of rendered text on small built
pages written here.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from release_steps import COMMITTEE, TODAY, YESTERDAY, add_unreleased_entry, git, publish, start_next, tiny_repo

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import build_versions  # noqa: E402
import make_dist as dist_tool  # noqa: E402
import release_diff  # noqa: E402
import releases as release_tools  # noqa: E402
from manual_tools import release_info  # noqa: E402
from versioning import build_status, next_version  # noqa: E402

RELEASED_TODAY = f"released {TODAY.day} {TODAY:%B %Y}"


def check_dist(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py"), "--dist", str(repo)],
                          capture_output=True, text=True, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """VERSION 1.0.0 and an Unreleased entry; _build/ and dist/ ignored, as in the project."""
    repo = tmp_path / "manual"
    repo.mkdir()
    (repo / ".gitignore").write_text("/_build/\n/dist/\n", encoding="utf-8")
    return tiny_repo(repo)


@pytest.fixture
def released(repo: Path) -> Path:
    """1.0.0 published by RELEASE.md: dated section with its approval line, annotated tag."""
    publish(repo, "1.0.0")
    return repo


# -- what a build is called ----------------------------------------------------------

def test_the_next_version_after_a_release_raises_the_middle_number() -> None:
    assert [next_version(v) for v in ("1.0.0", "1.1.3", "2.9", "3")] == ["1.1.0", "1.2.0", "2.10", "4"]


def test_a_build_of_the_release_tag_is_the_release(released: Path) -> None:
    assert release_info(released) == ("1.0.0", f"Version 1.0.0, {RELEASED_TODAY}")


def test_an_edit_after_a_release_builds_as_the_next_versions_development_build(released: Path) -> None:
    """The trap: VERSION still 1.0.0 after an edit; the build must not call itself 1.0.0, released."""
    (released / "notes.txt").write_text("A one-sentence revision.\n", encoding="utf-8")
    git(released, "add", "notes.txt")
    git(released, "commit", "-q", "-m", "Revise")
    assert release_info(released) == ("1.1.0-dev", "Version 1.1.0: development version, not for delivery")


def test_before_its_tag_a_dated_version_is_still_a_development_build(repo: Path) -> None:
    publish(repo, "1.0.0")
    git(repo, "tag", "-d", "v1.0.0")
    assert release_info(repo) == ("1.0.0-dev", "Version 1.0.0: development version, not for delivery")


def test_a_tag_made_before_its_changelog_section_builds_as_development(repo: Path) -> None:
    git(repo, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0")
    status = build_status(repo)
    assert (status.artefact, status.reason) == ("1.0.0-dev", "the change log has no dated '## 1.0.0 — "
                                                             "YYYY-MM-DD' section")


def test_a_tag_made_too_early_elsewhere_does_not_move_the_build_on_a_version(released: Path) -> None:
    """v1.1.0 tagged before its section, the section committed after: still 1.1.0, not 1.2.0."""
    start_next(released, "1.1.0")
    git(released, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0, too early")
    publish(released, "1.1.0", tag=None)
    assert release_info(released) == ("1.1.0-dev", "Version 1.1.0: development version, not for delivery")


def test_changed_tracked_files_at_the_tag_make_a_development_build(released: Path) -> None:
    (released / "CHANGELOG.md").write_text((released / "CHANGELOG.md").read_text() + "\nMore.\n")
    status = build_status(released)
    assert status.development and status.version == "1.0.0"


def test_main_built_for_the_versions_site_is_the_next_development_version(released: Path) -> None:
    status = build_status(released, force_development=True)
    assert status.line == "Version 1.1.0: development version, not for delivery"


# -- make dist refuses anything but a release ------------------------------------------

def test_make_dist_accepts_a_release_made_by_release_md(released: Path) -> None:
    done = check_dist(released)
    assert (done.returncode, done.stderr) == (0, "")


def test_make_dist_checks_before_it_builds_anything() -> None:
    """The Makefile's dist target: the release check is its first command, before clean-html and the builds."""
    done = subprocess.run(["make", "-n", "-C", str(ROOT), "dist", "VENV=.venv"], capture_output=True, text=True)
    steps = [line for line in done.stdout.splitlines()
             if any(word in line for word in ("check_release", "clean-html", "rm -rf", "sphinx-build", "make_dist"))]
    assert steps[0].endswith("tools/check_release.py --dist"), steps[:3]
    assert steps[-1].endswith("tools/make_dist.py")


def test_make_dist_refuses_an_edit_after_the_release(released: Path) -> None:
    (released / "VERSION").write_text("1.0.0\n")
    (released / "CHANGELOG.md").write_text((released / "CHANGELOG.md").read_text() + "\nA fix.\n")
    git(released, "commit", "-q", "-am", "Revise, VERSION still 1.0.0")
    done = check_dist(released)
    assert done.returncode == 1
    assert done.stderr.startswith("make dist refused: this is not a release ready to publish.\n")
    assert "is not at a release tag" in done.stderr


def test_make_dist_refuses_a_tag_that_is_not_versions_version(released: Path) -> None:
    git(released, "tag", "-a", "v1.1.0", "-m", "Wrong")
    git(released, "tag", "-d", "v1.0.0")
    done = check_dist(released)
    assert done.returncode == 1 and "HEAD is tagged v1.1.0, but VERSION says 1.0.0" in done.stderr


def test_make_dist_refuses_a_tag_made_before_its_changelog_section(repo: Path) -> None:
    git(repo, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0, too early")
    done = check_dist(repo)
    assert done.returncode == 1
    assert "tag v1.0.0: its own CHANGELOG.md has no dated '## 1.0.0 — YYYY-MM-DD' section" in done.stderr


def test_make_dist_refuses_a_section_added_after_the_tag(repo: Path) -> None:
    """The tag's own tree counts, not a later commit's change log."""
    git(repo, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0, too early")
    publish(repo, "1.0.0", tag=None)  # the section, committed after; the tag is not moved
    done = check_dist(repo)
    assert done.returncode == 1 and "is not at a release tag" in done.stderr


def test_make_dist_refuses_a_release_without_an_approval_line(repo: Path) -> None:
    publish(repo, "1.0.0", approved=None)
    done = check_dist(repo)
    assert done.returncode == 1 and "has no approval line, 'Approved by WHO on YYYY-MM-DD.'" in done.stderr


def test_make_dist_refuses_an_approval_dated_after_the_release(repo: Path) -> None:
    publish(repo, "1.0.0", released=YESTERDAY, approved=TODAY)
    done = check_dist(repo)
    assert done.returncode == 1 and f"approved on {TODAY}, after the release date {YESTERDAY}" in done.stderr


def test_make_dist_refuses_a_lightweight_tag(repo: Path) -> None:
    publish(repo, "1.0.0", tag="lightweight")
    done = check_dist(repo)
    assert done.returncode == 1 and "tag v1.0.0 is a lightweight tag, which records nobody" in done.stderr


def test_make_dist_refuses_entries_left_under_unreleased(repo: Path) -> None:
    publish(repo, "1.0.0", tag=None)
    add_unreleased_entry(repo, "- **Triggers**: left behind.")
    git(repo, "commit", "-q", "-am", "Release 1.0.0 with an entry left behind")
    git(repo, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0")
    done = check_dist(repo)
    assert done.returncode == 1 and "still has entries under '## Unreleased'" in done.stderr


@pytest.mark.parametrize("change", ["tracked", "untracked"])
def test_make_dist_refuses_a_tree_that_is_not_clean(released: Path, change: str) -> None:
    if change == "tracked":
        (released / "VERSION").write_text("1.0.0\n\n", encoding="utf-8")
    else:
        (released / "stray.md").write_text("Not committed.\n", encoding="utf-8")
    done = check_dist(released)
    assert done.returncode == 1 and "the working tree is not clean" in done.stderr


def test_the_release_check_names_a_broken_tag_in_the_history(released: Path) -> None:
    start_next(released, "1.1.0")
    git(released, "tag", "v1.1.0")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py"), str(released)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "tag v1.1.0: its own CHANGELOG.md has no dated '## 1.1.0 — YYYY-MM-DD' section" in done.stderr


def test_the_real_repository_passes_the_release_check() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_release.py")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- what make dist writes ------------------------------------------------------------------

def fake_artefacts(root: Path, version: str, extra_in_zip: str = "") -> None:
    for built, _ in dist_tool.ARTEFACTS:
        path = root / built.format(version=version)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".zip":
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("site/index.html", "<p>Home</p>")
                if extra_in_zip:
                    archive.writestr(extra_in_zip, "x")
        else:
            path.write_bytes(f"%PDF {path.name}".encode())


def make_dist(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "make_dist.py"), "--root", str(root)],
                          capture_output=True, text=True, check=False)


def test_dist_gets_checksums_of_its_artefacts_and_the_approval_record(released: Path) -> None:
    fake_artefacts(released, "1.0.0")
    done = make_dist(released)
    assert done.returncode == 0, done.stderr
    dist = released / "dist"
    artefacts = [name.format(version="1.0.0") for _, name in dist_tool.ARTEFACTS]
    assert {"internet-offending-module-1.0.0.pdf", "internet-offending-module-1.0.0-html.zip",
            "internet-offending-module-1.0.0-slides.zip", "internet-offending-module-1.0.0-handouts.pdf"} <= set(artefacts)
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [*artefacts, "internet-offending-module-1.0.0-SHA256SUMS", "internet-offending-module-1.0.0-release.txt"])
    check = subprocess.run(["sha256sum", "-c", "internet-offending-module-1.0.0-SHA256SUMS"], cwd=dist,
                           capture_output=True, text=True)
    # Each artefact and the release record.
    assert check.returncode == 0 and check.stdout.count(": OK") == len(artefacts) + 1, check.stdout + check.stderr
    record = (dist / "internet-offending-module-1.0.0-release.txt").read_text(encoding="utf-8")
    assert f"Approved by {COMMITTEE} on {YESTERDAY}" in record
    assert f"Tag: v1.0.0, made by Curriculum Lead <lead@example.invalid> on {TODAY}" in record


def test_make_dist_does_not_overwrite_a_release_with_a_later_edit(released: Path) -> None:
    fake_artefacts(released, "1.0.0")
    assert make_dist(released).returncode == 0
    before = (released / "dist" / "internet-offending-module-1.0.0.pdf").read_bytes()
    (released / "_build" / "latex" / "internet-offending-module.pdf").write_bytes(b"%PDF new wording")
    (released / "VERSION").write_text("1.0.0\n")
    (released / "CHANGELOG.md").write_text((released / "CHANGELOG.md").read_text() + "\nNew wording.\n")
    git(released, "commit", "-q", "-am", "New wording, VERSION still 1.0.0")
    done = make_dist(released)
    assert done.returncode == 1 and "make dist refused" in done.stderr
    assert (released / "dist" / "internet-offending-module-1.0.0.pdf").read_bytes() == before


def test_make_dist_refuses_a_zip_holding_doctrees(released: Path) -> None:
    fake_artefacts(released, "1.0.0", extra_in_zip="site/.doctrees/index.doctree")
    done = make_dist(released)
    assert done.returncode == 1 and "holds build bookkeeping (site/.doctrees/index.doctree)" in done.stderr


# -- make versions judges each tag by its own tree ---------------------------------------------

def test_make_versions_leaves_out_a_tag_made_before_its_changelog_section(released: Path) -> None:
    start_next(released, "1.1.0")
    git(released, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0, too early")
    publish(released, "1.1.0", tag=None)  # the section, a commit after the tag
    releases, left_out = build_versions.plan(released)
    assert [tag.name for tag in releases] == ["v1.0.0"]  # the newest release, so the current one
    assert [(tag.name, problems) for tag, problems in left_out] == [("v1.1.0", [
        "tag v1.1.0: its own CHANGELOG.md has no dated '## 1.1.0 — YYYY-MM-DD' section "
        "(the section was added after the tag was made?)"])]


def test_make_versions_leaves_out_a_tag_whose_version_file_says_another(released: Path) -> None:
    git(released, "tag", "-a", "v1.0.1", "-m", "Wrong commit")
    releases, left_out = build_versions.plan(released)
    assert [tag.name for tag in releases] == ["v1.0.0"]
    assert left_out[0][1] == ["tag v1.0.1: its own VERSION says 1.0.0, not 1.0.1"]


# -- tracked changes: the rendered text --------------------------------------------------------

def page(title: str, body: str, dev: bool = False) -> str:
    status = "manual-version manual-development" if dev else "manual-version"
    return (f'<html><body><aside class="announcement-content"><p class="{status}">Version</p></aside>'
            f'<article role="main"><section><h1>{title}<a class="headerlink" href="#x">¶</a></h1>{body}'
            "</section></article></body></html>")


HANDOUT = ('<section class="handout"><p class="handout-title">My chain</p>'
           '<p><svg class="sd-octicon" aria-hidden="true"></svg> <strong>I can stop.</strong></p>'
           '<figure><div class="mermaid-diagram"><svg role="img"><title>A chain</title><desc>Two boxes.</desc>'
           '<style>.node{{fill:red}}</style><g><text><tspan class="row"><tspan>My</tspan><tspan> trigger</tspan>'
           '</tspan><tspan class="row"><tspan>{label}</tspan></tspan></text></g></svg></div></figure>'
           '<p class="handout-footer">Internet Offending Module, version {version}</p></section>')


def test_the_text_compared_is_what_a_reader_sees_handouts_and_diagrams_included() -> None:
    text = release_diff.page_text(page("Triggers", "<h2>Handout</h2>" + HANDOUT.format(label="now", version="1.0.0")),
                                  "t.html")
    assert [(b.kind, b.trail, b.text) for b in text.blocks] == [
        ("heading", "", "Triggers"), ("heading", "", "Handout"), ("text", "Handout", "My chain"),
        ("text", "Handout", "I can stop."), ("diagram", "Handout", "Diagram: A chain. Two boxes."),
        ("diagram", "Handout", "Diagram labels: My trigger now")]


def test_inserted_and_deleted_words_are_marked_and_nothing_else() -> None:
    pieces = release_diff.diff_words("The earlier you stop, the easier it is.",
                                     "The sooner you stop, the easier it is to stop.")
    html = release_diff._pieces_html(pieces)
    assert html == "The <del>earlier</del><ins>sooner</ins> you stop, the easier it is <ins>to stop</ins>."


def fake_site(folder: Path, version: str, pages: dict[str, tuple[str, str]], dev: bool = False) -> Path:
    """A built site: pages in the order given, each with a next link, and its documentation options."""
    (folder / "_static").mkdir(parents=True)
    (folder / "_static" / "documentation_options.js").write_text(f"const DOCUMENTATION_OPTIONS = {{VERSION: "
                                                                 f"'{version}'}};")
    names = list(pages)
    for at, name in enumerate(names):
        title, body = pages[name]
        nxt = f'<link rel="next" title="n" href="{names[at + 1]}">' if at + 1 < len(names) else ""
        (folder / name).write_text(page(title, body, dev).replace("<html>", f"<html><head>{nxt}</head>"),
                                   encoding="utf-8")
    return folder


CHANGELOG_PAGE = ('<section><h2>Unreleased</h2></section><section><h2>1.1.0 — 2026-12-01</h2><p>Approved by A on '
                  '2026-11-30.</p><ul><li><p><strong>Triggers</strong>: a sharper key message.</p></li>'
                  '<li><p>The <a href="exercises.html">exercise page</a> changed too.</p></li></ul></section>'
                  '<section><h2>1.0.0 — 2026-11-01</h2><ul><li><p><strong>Home</strong>: first.</p></li></ul></section>')


@pytest.fixture
def comparison(tmp_path: Path) -> release_diff.Comparison:
    old = fake_site(tmp_path / "old", "1.0.0", {
        "index.html": ("Home", "<p>Welcome.</p>"),
        "triggers.html": ("Triggers", "<h2>Key messages</h2><ul><li><p>The earlier you stop, the easier it is.</p>"
                                      "</li><li><p>Some triggers can be avoided.</p></li></ul>"),
        "exercises.html": ("Exercises", "<h2>Handout</h2>" + HANDOUT.format(label="then", version="1.0.0")),
        "changelog.html": ("Change history", CHANGELOG_PAGE.split("<section><h2>1.1.0")[0]
                           + "<section><h2>1.0.0" + CHANGELOG_PAGE.split("<section><h2>1.0.0")[1]),
        "old-page.html": ("Gone", "<p>Removed in 1.1.0.</p>")})
    new = fake_site(tmp_path / "new", "1.1.0", {
        "index.html": ("Home", "<p>Welcome.</p>"),
        "triggers.html": ("Triggers", "<h2>Key messages</h2><ul><li><p>The earlier you stop, the easier it is to "
                                      "stop.</p></li><li><p>Some triggers can be avoided.</p></li></ul>"),
        "exercises.html": ("Exercises", "<h2>Handout</h2>" + HANDOUT.format(label="now", version="1.1.0")),
        "changelog.html": ("Change history", CHANGELOG_PAGE)})
    return release_diff.compare_sites(old, new)


def test_every_page_is_listed_in_reading_order_with_what_happened_to_it(comparison) -> None:
    assert [(p.path, p.status) for p in comparison.pages] == [
        ("index.html", "unchanged"), ("triggers.html", "changed"), ("exercises.html", "changed"),
        ("changelog.html", "changed"), ("old-page.html", "removed")]


def test_a_changed_page_shows_only_its_changed_words_under_their_heading(comparison) -> None:
    triggers = comparison.pages[1]
    assert [(c.kind, c.trail, release_diff._pieces_html(c.pieces)) for c in triggers.changes] == [
        ("changed", "Key messages", "The earlier you stop, the easier it is <ins>to stop</ins>.")]


def test_a_handouts_diagram_label_change_is_tracked_and_its_version_line_is_not(comparison) -> None:
    exercises = comparison.pages[2]
    assert [release_diff._pieces_html(c.pieces) for c in exercises.changes] == [
        "Diagram labels: My trigger <del>then</del><ins>now</ins>"]


def test_each_changed_page_carries_the_changelog_entries_that_name_it(comparison) -> None:
    named = {p.path: [BeautifulSoup(e.html, "html.parser").get_text() for e in p.entries] for p in comparison.pages}
    assert named["triggers.html"] == ["Triggers: a sharper key message."]
    assert named["exercises.html"] == ["The exercise page changed too."]  # by its link
    assert comparison.sections == ["1.1.0 — 2026-12-01"]


def test_the_tracked_changes_page_links_both_versions_and_lists_unchanged_pages(comparison) -> None:
    soup = BeautifulSoup(release_diff.render_html(comparison, "../1.0.0/", "../1.1.0/"), "html.parser")
    section = soup.find(id="page-triggers-html")
    assert [a["href"] for a in section.select(".where a")] == ["../1.0.0/triggers.html", "../1.1.0/triggers.html"]
    assert section.find("aside").get_text(" ", strip=True) == "In the change log Triggers : a sharper key message."
    assert [li.a.get_text() for li in soup.select("ol.unchanged li")] == ["Home"]
    assert [li.a["href"] for li in soup.select("ol.changed li")] == [
        "#page-triggers-html", "#page-exercises-html", "#page-changelog-html", "#page-old-page-html"]
    assert soup.find("h1").get_text() == "Changes from version 1.0.0 to version 1.1.0"


def test_a_note_quoting_the_old_sentence_is_not_taken_for_the_sentence() -> None:
    """The revised sentence is compared with the sentence it was, not with the note quoting it."""
    old = [release_diff.Block("item", "The earlier you stop, the easier it is.", "Key messages")]
    new = [release_diff.Block("text", "Changed in version 1.1.0: Was: “The earlier you stop, the easier it is.”",
                              "Key messages"),
           release_diff.Block("item", "The earlier you stop, the easier it is to stop.", "Key messages")]
    changes = release_diff.compare_blocks(old, new)
    assert [(c.kind, release_diff._pieces_html(c.pieces)) for c in changes] == [
        ("inserted", "<ins>Changed in version 1.1.0: Was: “The earlier you stop, the easier it is.”</ins>"),
        ("changed", "The earlier you stop, the easier it is <ins>to stop</ins>.")]


def test_kept_builds_are_keyed_by_commit(released: Path) -> None:
    cache = release_tools.BuildCache(released)
    first = git(released, "rev-parse", "v1.0.0^{commit}").strip()
    assert cache.key("v1.0.0", first, False) == cache.key("v1.0.0", first, False)
    start_next(released, "1.1.0")
    second = git(released, "rev-parse", "HEAD").strip()
    assert cache.key("v1.0.0", first, False) != cache.key("main", second, True)
    # A new tag changes nothing for a release's build, but does for the development line's labels.
    before = cache.key("main", second, True), cache.key("v1.0.0", first, False)
    git(released, "tag", "-a", "v0.9.0", "-m", "x", "v1.0.0")
    assert cache.key("v1.0.0", first, False) == before[1] and cache.key("main", second, True) != before[0]


# -- git is asked a few questions a build, not two a page ----------------------------------------

def git_calls_of_a_build(tmp_path: Path, pages: int) -> int:
    """Build a project of *pages* pages with a git that logs each call; return how many calls."""
    import os
    import shutil
    shim = tmp_path / "bin"
    shim.mkdir(parents=True)
    log = tmp_path / "git-calls.txt"
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    src = tmp_path / "docs"
    src.mkdir()
    names = [f"page-{n}" for n in range(pages)]
    (src / "index.md").write_text("(home)=\n# Home\n\n```{toctree}\n" + "\n".join(names) + "\n```\n")
    for name in names:
        (src / f"{name}.md").write_text(f"# Page {name}\n\nText.\n")
    env = {**os.environ, "PATH": f"{shim}:{os.environ['PATH']}"}
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-q", "-D",
                    "suppress_warnings=curriculum", str(src), str(tmp_path / "html")],
                   capture_output=True, text=True, env=env, check=False, cwd=ROOT)
    assert (tmp_path / "html" / "page-0.html").is_file()
    return len(log.read_text().splitlines())


def test_git_is_asked_the_same_few_questions_however_many_pages(tmp_path: Path) -> None:
    few, many = git_calls_of_a_build(tmp_path / "few", 2), git_calls_of_a_build(tmp_path / "many", 12)
    assert 1 <= few == many <= 4
