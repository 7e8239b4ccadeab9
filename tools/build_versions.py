"""Build every release of the manual, and main, into one site with a version switcher.

Usage: python3 tools/build_versions.py [--repo DIR] [--out DIR] [--branch main] [--cache DIR] [--no-pdf]

Releases are the tags vX.Y.Z whose *own* tree is a release: its VERSION says
X.Y.Z and its CHANGELOG.md has the dated '## X.Y.Z — YYYY-MM-DD' section.  A
tag that is not (made before its change-log section, say) is left out, with a
message saying how to mend it, and is never the current version.  The current
version is the newest release.  The branch (main) is built as the development
version of the next release, and labelled so everywhere.

Each revision is built from its own tree, strictly, by tools/releases.py,
which keeps every build by its commit: a second run with no new release
rebuilds no release (and not main either, if main has not moved).  The site:

* OUT/<version>/ for each release (OUT/1.0.0/, OUT/1.1.0/) and OUT/main/;
* on every page, as plain HTML written now (no script, no JSON fetch, so it
  works from file://), a version switcher listing every version, each entry
  linking to the same page in that version where it exists (else its home
  page); on every version but the current one a banner saying which version
  this is, linking to the same page in the current one; and a link to the
  tracked changes of this version;
* OUT/changes/<version>.html (and .pdf): the tracked changes since the
  release before (tools/release_diff.py); OUT/changes/main.html, the changes
  in development since the current release;
* OUT/index.html, which opens the current version and lists them all, and
  OUT/versions.json, what was built, what was reused, and what was left out.

A small script of our own was chosen over sphinx-multiversion (unmaintained)
and sphinx-polyversion (its switcher data is fetched or templated at runtime):
the switcher here is written into each page, which is what offline use needs.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from manual_tools import site_pages  # noqa: E402
from release_diff import compare_sites, kept_site_text, site_label, write_comparison  # noqa: E402
from releases import ROOT, BuildCache, Built, ReleaseError, Tag, release_tags, tag_problems  # noqa: E402

# Where the version bar goes: after the revision line in furo's announcement
# bar (filled by _templates/page.html), above the page and outside <article>,
# so the banner never starts a search snippet or a printed page.
REVISION_LINE = re.compile(r'<aside class="announcement-content"[^>]*>\s*<p class="manual-version[^"]*">.*?</p>', re.S)


@dataclass
class Revision:
    folder: str  # "1.0.0", or the branch: "main"
    ref: str  # "v1.0.0", or "main"
    built: Built
    version: str = ""  # as its own pages say: "1.0.0", "1.2.0"
    development: bool = False

    @property
    def label(self) -> str:
        return f"{self.version} in development" if self.development else self.version


def plan(repo: Path) -> tuple[list[Tag], list[tuple[Tag, list[str]]]]:
    """(release tags, oldest first; tags left out, with why), each tag judged by its own tree."""
    releases, left_out = [], []
    for tag in release_tags(repo):
        problems = tag_problems(tag)
        if problems:
            left_out.append((tag, problems))
        else:
            releases.append(tag)
    return releases, left_out


def link(page: str, target_folder: str, target_page: str) -> str:
    """Relative URL from OUT/<folder>/<page> to OUT/<target_folder>/<target_page>."""
    return "../" * (page.count("/") + 1) + f"{target_folder}/{target_page}"


def up(page: str) -> str:
    return "../" * (page.count("/") + 1)


def version_bar(rev: Revision, page: str, revs: list[Revision], current: Revision | None,
                available: dict[str, set[str]], changes: dict[str, str]) -> str:
    e = html.escape
    items = []
    for other in revs:
        target = page if page in available[other.folder] else "index.html"
        label = other.label + (", the current release" if other is current else "")
        attrs = ' aria-current="page"' if other is rev else ""
        items.append(f'<li><a href="{link(page, other.folder, target)}"{attrs}>{e(label)}</a></li>')
    switcher = (f'<details class="version-switcher"><summary>Version {e(rev.label)}: other versions</summary>'
                f'<ul aria-label="Versions of the manual">{"".join(items)}</ul></details>')
    banner = ""
    if rev is not current:
        if rev.development:
            reading = f"You are reading version {e(rev.version)} in development, not for delivery."
        else:
            reading = f"You are reading version {e(rev.version)}, an older release."
        if current is not None:
            target = page if page in available[current.folder] else "index.html"
            then = (f' The current release is <a href="{link(page, current.folder, target)}">'
                    f"version {e(current.version)}</a>.")
        else:
            then = ""  # the revision line says no version has been released yet
        banner = f'<p class="version-banner">{reading}{then}</p>'
    tracked = ""
    if rev.folder in changes:
        tracked = (f'<a class="version-changes" href="{up(page)}changes/{e(rev.folder)}.html">'
                   f"{e(changes[rev.folder])}</a>")
    return f'<div class="version-bar">{banner}{switcher}{tracked}</div>'


def decorate(out: Path, revs: list[Revision], current: Revision | None, changes: dict[str, str]) -> None:
    available = {rev.folder: set(site_pages(out / rev.folder)) for rev in revs}
    for rev in revs:
        for page in sorted(available[rev.folder]):
            path = out / rev.folder / page
            text = path.read_text(encoding="utf-8")
            match = REVISION_LINE.search(text)
            if match is None:
                raise ReleaseError(f"{path}: no revision line (announcement bar) to put the version switcher after")
            insert = version_bar(rev, page, revs, current, available, changes)
            text = text[:match.end()] + insert + text[match.end():]
            text = text.replace("</head>", f"<style>{STYLE}</style></head>", 1)
            path.write_text(text, encoding="utf-8")


# The bar's own colours, whatever the theme: it sits in the announcement bar,
# which _static/manual.css keeps light (blue-grey; amber for a development
# version) in light and dark themes alike.  The first rules repeat manual.css's
# wrapping of that bar, for releases built before it had them.
STYLE = (".announcement{height:auto}.announcement-content{white-space:normal}"
         ".version-bar{margin:.3rem 0 0;text-align:center;color:#1a1a1a}"
         ".version-bar a{color:#0b3d91;text-decoration:underline}"
         ".version-bar a:focus-visible,.version-switcher summary:focus-visible{outline:3px solid #0b3d91;"
         "outline-offset:2px}"
         ".version-banner{display:table;margin:0 auto .3rem;padding:.2rem .7rem;background:#fff3cd;color:#3d2600;"
         "border-left:4px solid #8a4b00;text-align:left}"
         ".version-banner a{color:#0b3d91}"
         ".version-switcher,.version-changes{display:inline-block;vertical-align:top;margin:0 .8rem;font-size:.9rem}"
         ".version-switcher summary{cursor:pointer;color:#1a1a1a}"
         ".version-switcher ul{list-style:none;margin:.3rem 0;padding:.3rem .6rem;display:flex;flex-wrap:wrap;"
         "justify-content:center;gap:.2rem 1.2rem;background:#ffffff;color:#1a1a1a;border:1px solid #5a6b80;"
         "border-radius:.3rem}"
         ".version-switcher a[aria-current]{font-weight:700;text-decoration:none;color:#1a1a1a}"
         "@media print{.version-bar{display:none}}")


def nav(revs: list[Revision], current: Revision | None) -> str:
    """Links from a page in OUT/changes/ to every version, newest first."""
    e = html.escape
    items = ['<li><a href="../index.html">All versions</a></li>']
    for rev in revs:
        label = rev.label + (", the current release" if rev is current else "")
        items.append(f'<li><a href="../{e(rev.folder)}/index.html">Version {e(label)}</a></li>')
    return "<ul>" + "".join(items) + "</ul>"


def diff_key(old: Built, new: Built) -> str:
    code = (Path(__file__).resolve().parent / "release_diff.py").read_bytes()
    return "diff-" + hashlib.sha256(old.key.encode() + new.key.encode() + code).hexdigest()[:20]


def write_changes(out: Path, cache: BuildCache, revs: list[Revision], current: Revision | None,
                  pdf: bool) -> dict[str, str]:
    """OUT/changes/<folder>.html (and a PDF) for each release and the branch; returns each one's link text.

    *revs* newest first.  PDFs are kept with the builds, by the two builds compared."""
    links: dict[str, str] = {}
    oldest_first = list(reversed(revs))
    releases = [rev for rev in oldest_first if not rev.development]
    pairs = list(zip([None, *releases], releases))
    pairs += [(releases[-1] if releases else None, rev) for rev in oldest_first if rev.development]
    for before, rev in pairs:
        if before is None:
            if not rev.development:
                links[rev.folder] = "The first release"
            continue
        links[rev.folder] = f"Changes since version {before.version}"
    folder = out / "changes"
    folder.mkdir(parents=True, exist_ok=True)
    for before, rev in pairs:
        page = folder / f"{rev.folder}.html"
        if before is None:
            if not rev.development:
                page.write_text(first_release_page(rev, revs, current), encoding="utf-8")
            continue
        comparison = compare_sites(before.built.html, rev.built.html)
        name = f"tracked-changes-{before.version}-to-{rev.version}{'-dev' if rev.development else ''}.pdf"
        kept = None
        if pdf:
            key = diff_key(before.built, rev.built)
            cache.used.add(key)
            kept = cache.cache / key / "tracked-changes.pdf"
        write_comparison(comparison, page, f"../{before.folder}/", f"../{rev.folder}/", nav(revs, current),
                         pdf_link=name if kept else "", pdf=kept if kept and not kept.is_file() else None)
        if kept:
            shutil.copyfile(kept, folder / name)
    return links


def first_release_page(rev: Revision, revs: list[Revision], current: Revision | None) -> str:
    e = html.escape
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Version {e(rev.version)}: the first release</title>"
            f'<style>{FIRST_STYLE}</style></head><body>'
            f'<nav class="versions" aria-label="Versions of the manual">{nav(revs, current)}</nav>'
            f"<main><h1>Version {e(rev.version)}: the first release</h1>"
            f"<p>Version {e(rev.version)} is the first release of the manual: there is no earlier release to "
            f'compare it with. Its <a href="../{e(rev.folder)}/changelog.html">change history</a> says what it '
            "holds.</p></main></body></html>\n")


FIRST_STYLE = (":root{color-scheme:light dark}body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:0;"
               "color:#1a1a1a;background:#fff}main,nav{max-width:60rem;margin:0 auto;padding:1rem 1.5rem}"
               "a{color:#0b4fa8}nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}"
               "@media (prefers-color-scheme: dark){body{color:#e8e8e8;background:#16181c}a{color:#8cc4ff}}")


def write_index(out: Path, revs: list[Revision], current: Revision | None, changes: dict[str, str]) -> None:
    e = html.escape
    home = current or (revs[0] if revs else None)
    items = []
    for rev in revs:
        label = rev.label + (", the current release" if rev is current else "")
        extra = (f' (<a href="changes/{e(rev.folder)}.html">{e(changes[rev.folder].lower())}</a>)'
                 if rev.folder in changes else "")
        items.append(f'<li><a href="{e(rev.folder)}/index.html">Version {e(label)}</a>{extra}</li>')
    refresh = f'<meta http-equiv="refresh" content="0; url={e(home.folder)}/index.html">' if home else ""
    opening = (f'<p>Opening version {e(home.label)}: <a href="{e(home.folder)}/index.html">go there now</a>.</p>'
               if home else "<p>No version has been built.</p>")
    (out / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">{refresh}'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Internet Offending Module: every version</title><style>{FIRST_STYLE}</style></head><body><main>"
        f"<h1>Internet Offending Module facilitator manual: every version</h1>{opening}"
        f"<ul>{''.join(items)}</ul></main></body></html>\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "versions")
    parser.add_argument("--branch", default="main", help="the development branch, built as the next version")
    parser.add_argument("--cache", type=Path, default=None, help="kept builds (default REPO/.cache/versions)")
    parser.add_argument("--no-pdf", action="store_true", help="no PDF of each version's tracked changes")
    args = parser.parse_args(argv)
    try:
        return build_site(args)
    except ReleaseError as error:
        print(f"make versions: {error}", file=sys.stderr)
        return 1


def build_site(args) -> int:
    repo = args.repo.resolve()
    cache = BuildCache(repo, args.cache)
    releases, left_out = plan(repo)
    for tag, problems in left_out:
        print(f"make versions: left out {tag.name}, which is not a release: {'; '.join(problems)}. "
              "If it is meant to be one, mend the tag (RELEASE.md, 'Mending a wrong tag').", file=sys.stderr)
    branch = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{args.branch}^{{commit}}"],
                            capture_output=True, text=True, check=False)
    if branch.returncode != 0:
        raise ReleaseError(f"there is no branch {args.branch!r} in {repo}: name the development branch with "
                           "--branch (make versions BRANCH=...)")
    revs = [Revision(tag.version, tag.name, cache.get(tag.name)) for tag in releases]
    revs.append(Revision(args.branch, args.branch, cache.get(args.branch, development=True)))
    for rev in revs:
        rev.version, rev.development = site_label(rev.built.html)
        # The branch is the development line, even where its own tree (older code) says otherwise.
        rev.development = rev.development or rev.ref == args.branch
        kept_site_text(rev.built.html)  # read once, kept beside the build
    revs.reverse()  # newest first, as the switcher lists them
    current = next((rev for rev in revs if not rev.development), None)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for rev in revs:
        shutil.copytree(rev.built.html, args.out / rev.folder)
    changes = write_changes(args.out, cache, revs, current, pdf=not args.no_pdf)
    decorate(args.out, revs, current, changes)
    write_index(args.out, revs, current, changes)
    manifest = {
        "current": current.version if current else None,
        "revisions": [{"folder": rev.folder, "ref": rev.ref, "commit": rev.built.commit, "version": rev.version,
                       "development": rev.development, "built": rev.built.fresh, "kept_as": rev.built.key}
                      for rev in revs],
        "left_out": [{"tag": tag.name, "problems": problems} for tag, problems in left_out],
    }
    (args.out / "versions.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    gone = cache.prune()
    built = [rev.folder for rev in revs if rev.built.fresh]
    print(f"Built {', '.join(built) if built else 'nothing'}; reused "
          f"{', '.join(rev.folder for rev in revs if not rev.built.fresh) or 'nothing'}"
          + (f"; forgot {len(gone)} kept build(s) no longer used" if gone else "") + ".")
    print(f"All versions are in {args.out}; open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
