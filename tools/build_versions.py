"""Build every published revision of the manual into one HTML tree.

Usage: python3 tools/build_versions.py [--repo DIR] [--out DIR] [--branch main]

Each release tag (v1.0.0, v1.1.0, ...) and the branch (main) is checked out
into a temporary git worktree and built, strictly, into OUT/<tag or branch>/.
Then every page of every revision gets, as plain HTML written now (no script,
no JSON fetch, so it works from file://):

* a version switcher listing every revision, each entry linking to the same
  page in that revision where it exists (else to that revision's home page);
* on every revision but the current one (the newest release tag), a banner:
  "You are reading version X; the current version is Y", linking to the same
  page in the current version.

OUT/index.html sends the reader to the current version.  Diagrams come from
this checkout's diagram cache, so unchanged diagrams are not rendered again.
A small script of our own was chosen over sphinx-multiversion (unmaintained)
and sphinx-polyversion (its switcher data is fetched or templated at runtime):
the switcher here is written into each page, which is what offline use needs.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from manual_tools import site_pages  # beside this script

ROOT = Path(__file__).resolve().parent.parent
# Where the version bar goes: after the revision line in furo's announcement
# bar (filled by _templates/page.html), above the page and outside <article>,
# so the banner never starts a search snippet or a printed page.
REVISION_LINE = re.compile(r'<aside class="announcement-content"[^>]*>\s*<p class="manual-version[^"]*">.*?</p>', re.S)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def version_key(tag: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", tag))


def revisions(repo: Path, branch: str) -> list[str]:
    """Release tags, oldest first, then the branch."""
    tags = sorted((t for t in git(repo, "tag", "--list", "v*").split() if re.fullmatch(r"v\d+(\.\d+)+", t)),
                  key=version_key)
    return [*tags, branch]


def build(repo: Path, ref: str, outdir: Path, work: Path) -> None:
    tree = work / ref
    git(repo, "worktree", "add", "--detach", "--force", str(tree), ref)
    try:
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(tree), "-n", "-W", "--keep-going",
                   "-j", "auto", "-q",
                   # Share this checkout's renderer and diagram cache.
                   "-D", f"mermaid_cmd={ROOT / 'node_modules' / '.bin' / 'mmdc'}",
                   "-D", f"mermaid_build_node_modules={ROOT / 'node_modules'}",
                   "-D", f"mermaid_build_cache={ROOT / '.cache' / 'mermaid'}",
                   str(tree / "docs"), str(outdir)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"building {ref} failed:\n{done.stdout}{done.stderr}")
    finally:
        git(repo, "worktree", "remove", "--force", str(tree))


def link(page: str, target_rev: str, target_page: str) -> str:
    """Relative URL from OUT/<rev>/<page> to OUT/<target_rev>/<target_page>."""
    up = "../" * (page.count("/") + 1)
    return f"{up}{target_rev}/{target_page}"


def decorate(out: Path, revs: list[str], current: str) -> None:
    available = {rev: set(site_pages(out / rev)) for rev in revs}
    for rev in revs:
        for page in sorted(available[rev]):
            path = out / rev / page
            text = path.read_text(encoding="utf-8")
            match = REVISION_LINE.search(text)
            if match is None:
                raise SystemExit(f"{path}: no revision line (announcement bar) to put the version switcher after")
            items = []
            for other in reversed(revs):
                target = page if page in available[other] else "index.html"
                label = other + (" (current)" if other == current else "")
                attrs = ' aria-current="page"' if other == rev else ""
                items.append(f'<li><a href="{link(page, other, target)}"{attrs}>{html.escape(label)}</a></li>')
            switcher = ('<details class="version-switcher"><summary>Version: '
                        f"{html.escape(rev)}</summary><ul>{''.join(items)}</ul></details>")
            banner = ""
            if rev != current:
                target = page if page in available[current] else "index.html"
                reading = "the development version" if not rev.startswith("v") else f"version {rev}"
                banner = (f'<div class="version-banner" role="note">You are reading {html.escape(reading)}; '
                          f'the current version is <a href="{link(page, current, target)}">{current}</a>.</div>')
            insert = f'<div class="version-bar">{banner}{switcher}</div>'
            text = text[:match.end()] + insert + text[match.end():]
            text = text.replace("</head>", f"<style>{STYLE}</style></head>", 1)
            path.write_text(text, encoding="utf-8")
    links = "".join(f'<li><a href="{rev}/index.html">{html.escape(rev)}</a></li>' for rev in reversed(revs))
    (out / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={current}/index.html">'
        f"<title>Internet Offending Module: versions</title></head><body>"
        f'<p>Opening the current version, <a href="{current}/index.html">{current}</a>.</p>'
        f"<p>All versions:</p><ul>{links}</ul></body></html>\n", encoding="utf-8")


# The first rule repeats _static/manual.css's wrapping of the announcement
# bar, for revisions built before it had that rule.
STYLE = (".announcement{height:auto}.announcement-content{white-space:normal}"
         ".version-bar{margin:.4rem 0 0}.version-banner{display:inline-block;background:#fff3cd;color:#3d2600;"
         "border-left:4px solid #b35900;padding:.2rem .7rem;margin:0 0 .3rem}"
         ".announcement-content .version-banner a{color:#0b3d91}"
         ".version-switcher summary{cursor:pointer;font-size:.9rem}"
         ".version-switcher ul{list-style:none;margin:.3rem 0 0;padding:0;display:flex;"
         "flex-wrap:wrap;justify-content:center;gap:.2rem 1.2rem}"
         "@media print{.version-bar{display:none}}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "versions")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    revs = revisions(repo, args.branch)
    tags = [r for r in revs if r.startswith("v")]
    current = tags[-1] if tags else args.branch
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="manual-versions-") as work:
        for rev in revs:
            print(f"building {rev}", flush=True)
            build(repo, rev, args.out / rev, Path(work))
    decorate(args.out, revs, current)
    print(f"All versions are in {args.out}; open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
