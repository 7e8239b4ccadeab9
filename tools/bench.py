"""How the manual's build cost grows with its content: `make bench`.

Usage: .venv/bin/python tools/bench.py [--quick | --full] [--pdf] [--keep]

In a temporary folder, copies of this checkout whose topic, exercise, guide and
workbook pages are N times today's (``make_copy``: each page copied under a new
name and label, its cross-references pointing into its own copy set; the one
glossary, bibliography and training course are not copied, the course's units
list the copies as pre-reading).  Each copy is a git repository with this
checkout's ``node_modules``.  Side by side, with the Makefile's strict options:

* HTML cold with an empty diagram cache, then cold with a warm one;
* rebuilds: with nothing changed, after a sentence is added to one topic page,
  and after one is added to one exercise page;
* the cold builds with a warm cache and the rebuilds are medians, taken in turns
  across the sizes, so that other work on the machine slows each alike;
* the offline zip's size and the git commands a cold build runs; with
  ``--pdf``, the PDF (``-M latexpdf`` after the HTML);
* ``make versions`` on a copy at today's size with one, then three release
  tags: once, then a second time with nothing new.

Sizes: by default 1, 2 and 4 times, the copies' diagrams today's ones from a
warm cache (the empty cache measured at 1x: rendering costs the same for each
diagram), so that it runs in about ten minutes on two busy cores.  ``--full``
is the whole measure, for a quiet machine: 1, 4 and 10 times, every copied
diagram new content rendered afresh, medians of three, versions with 1, 3 and 6
tags, and the PDF.  ``--quick``: 1 and 2 times, once, one tag.

Each time is wall-clock, with the CPU time of the build's own processes
beside it; budgets are judged on CPU time, which other work on the machine
changes less.  Budget (``check``), as growth from the smallest size to the
largest: rebuilds at most 2x; cold builds, the PDF and the offline zip grow
no faster than the content, the Markdown (``source_kb``), within a fifth
(6.6 times the Markdown in at most 7.9 times the time); a second `make versions` rebuilds no release and takes
at most a quarter of the first.  Prints a table and writes ``_build/bench.json``.
Exit status: 0 within budget, 1 with each figure over budget named, 2 when a
build fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_offline_zip import make_zip  # noqa: E402

RESULT = ROOT / "_build" / "bench.json"
#: Folders of docs/ that are not copied: the manual keeps one glossary, bibliography and words list.
#: The training course is one course: its units' pre-reading lists the copies instead (``_cover_copies``).
NOT_COPIED = {"reference", "training"}
#: Where a training unit lists the manual pages it covers (_ext/page-kinds.toml, [unit] prereading_section).
PREREADING = re.compile(r"^## Pre-reading\n.*?(?=^## |\Z)", re.M | re.S)
#: The Makefile's strict options, quiet: only warnings and errors are printed.
SPHINXOPTS = ["-n", "-W", "--keep-going", "-j", "auto", "-q"]
LABEL = re.compile(r"^\(([^)\s]+)\)=\s*$", re.M)
FENCE = re.compile(r"^([`:]{3,})\{mermaid\}")
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false",
       "-c", "tag.gpgsign=false"]


class BenchError(Exception):
    """A build failed: no figure can be trusted."""


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.1f}] {message}", file=sys.stderr, flush=True)


def run(command: list, cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """Run *command*; return (wall seconds, CPU seconds of it and its children, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(map(str, command))} failed in {cwd}:\n{(done.stdout + done.stderr)[-3000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, done.stdout


# -- the generated manual ---------------------------------------------------------


def project_files(root: Path = ROOT) -> list[str]:
    """The checkout's files as a clone has them, with work not yet committed."""
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout
    return sorted(name for name in set(listed.split("\0")) if name and (root / name).is_file())


def _mark_diagrams(text: str, mark: str) -> str:
    """Add a comment line to the end of every Mermaid diagram: new content, the same drawing."""
    lines, out, fence = text.splitlines(keepends=True), [], None
    for line in lines:
        if fence is None and (opening := FENCE.match(line)):
            fence = opening.group(1)
        elif fence is not None and line.strip() == fence:
            out.append(f"%% {mark}\n")
            fence = None
        out.append(line)
    return "".join(out)


def _cover_copies(unit: Path, mention: re.Pattern, times: int) -> None:
    """Add to a training unit's pre-reading the copies of the pages it lists (every page must be covered)."""
    text = unit.read_text(encoding="utf-8")
    section = PREREADING.search(text)
    if section is None:
        return
    labels = dict.fromkeys(mention.findall(section.group(0)))
    extra = "".join(f"- {{ref}}`{label}-copy-{k}`\n" for k in range(2, times + 1) for label in labels)
    body = section.group(0).rstrip("\n") + "\n" + extra + "\n"
    unit.write_text(text[:section.start()] + body + text[section.end():], encoding="utf-8")


def make_copy(dest: Path, times: int, new_diagrams: bool = True) -> dict:
    """A copy of this checkout at *dest* whose copied pages and diagrams are *times* today's.

    Copy set k (2..times) of a page NAME.md labelled (LABEL)= is NAME-copy-k.md labelled
    (LABEL-copy-k)=; every label of a copied page it mentions (references, front matter)
    becomes that label's copy k; each folder's toctree lists the copies after its pages.
    With *new_diagrams*, every copied diagram gets a comment line of its own (new content,
    rendered afresh); without, the copies' diagrams are today's, drawn from a warm cache.
    Returns the numbers of pages and diagrams, and a topic and an exercise page to edit.
    """
    for name in project_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, dest / name)
    docs = dest / "docs"
    folders = [f for f in sorted(docs.iterdir())
               if f.is_dir() and f.name not in NOT_COPIED and (f / "index.md").is_file()]
    pages = {page: page.read_text(encoding="utf-8") for folder in folders
             for page in sorted(folder.glob("*.md")) if page.name != "index.md"}
    labels = [label for text in pages.values() for label in LABEL.findall(text)]  # a page's and its sections'
    mention = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))
                         + r")(?![\w-])")
    for k in range(2, times + 1):
        suffix = f"-copy-{k}"
        for page, text in pages.items():
            text = mention.sub(lambda m: m.group(1) + suffix, text)
            text = _mark_diagrams(text, f"copy {k}") if new_diagrams else text
            page.with_name(page.stem + suffix + ".md").write_text(text, encoding="utf-8")
    for folder in folders:
        index = folder / "index.md"
        stems = {page.stem for page in pages if page.parent == folder}
        lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
        start = next((i for i, line in enumerate(lines) if re.match(r"^[`:]{3,}\{toctree\}", line)), None)
        if start is None:
            continue
        fence = re.match(r"^[`:]{3,}", lines[start]).group(0)
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == fence)
        listed = [line.strip() for line in lines[start + 1:end] if line.strip() in stems]
        copies = [f"{stem}-copy-{k}\n" for k in range(2, times + 1) for stem in listed]
        index.write_text("".join(lines[:end] + copies + lines[end:]), encoding="utf-8")
    for unit in (docs / "training").rglob("*.md"):
        _cover_copies(unit, mention, times)
    kinds = tomllib.loads((dest / "_ext" / "page-kinds.toml").read_text(encoding="utf-8"))["kind"]
    # The first topic, and the first exercise that names a topic: a page the session plans show.
    edit = {kind: min(str(p.relative_to(dest)) for p, text in pages.items() if p.parent.name == kinds[kind]["folder"]
                      and (kind == "topic" or re.search(r"^topic: \[\S", text, re.M)))
            for kind in ("topic", "exercise")}
    all_pages = list(docs.rglob("*.md"))
    diagrams = sum(1 for page in all_pages for line in page.read_text(encoding="utf-8").splitlines()
                   if FENCE.match(line))
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", f"The manual, {times}x"]):
        subprocess.run(GIT + ["-C", str(dest), *command], check=True, capture_output=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")  # after the commit: a clone has none
    source_kb = round(sum(page.stat().st_size for page in all_pages) / 1024)
    return {"pages": len(all_pages), "source_kb": source_kb, "diagrams": diagrams, "edit": edit}


# -- measuring --------------------------------------------------------------------


class Copy:
    """One generated manual and the Makefile's builds of it."""

    def __init__(self, tmp: Path, times: int, new_diagrams: bool):
        self.times, self.dir = times, tmp / f"x{times}"
        self.info = make_copy(self.dir, times, new_diagrams)
        self.trace = tmp / f"git-trace-{times}.txt"
        self.edits = 0

    def sphinx(self, target: str, env: dict | None = None) -> tuple[float, float]:
        command = [sys.executable, "-m", "sphinx", "-M", target, "docs", "_build", "-c", ".", *SPHINXOPTS]
        return run(command, self.dir, env)[:2]

    def cold(self, empty_cache: bool) -> tuple[float, float]:
        shutil.rmtree(self.dir / "_build", ignore_errors=True)
        if empty_cache:
            shutil.rmtree(self.dir / ".cache", ignore_errors=True)
        self.trace.unlink(missing_ok=True)
        # git's own trace: one "start" line for each git command the build runs.
        figures = self.sphinx("html", dict(os.environ, GIT_TRACE2=str(self.trace)))
        self.git_commands = sum(" start " in line for line in self.trace.read_text(encoding="utf-8").splitlines())
        return figures

    def edit(self, kind: str) -> tuple[float, float]:
        self.edits += 1
        with open(self.dir / self.info["edit"][kind], "a", encoding="utf-8") as page:
            page.write(f"\nThis is sentence {self.edits} added by the benchmark.\n")
        return self.sphinx("html")

    def pdf(self) -> tuple[float, float]:
        return self.sphinx("latexpdf")

    def zip_bytes(self) -> int:
        return make_zip(self.dir / "_build" / "html", self.dir / "_build" / "offline", "bench").stat().st_size


def tag_release(repo: Path, version: str, today: str) -> None:
    """Commit a release of *version*: its VERSION, its dated change-log section, a changed page; tag it."""
    (repo / "VERSION").write_text(version + "\n", encoding="utf-8")
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace(
        "## Unreleased\n", f"## Unreleased\n\n## {version} — {today}\n\nApproved by Bench on {today}.\n", 1),
        encoding="utf-8")
    with open(repo / "docs" / "about.md", "a", encoding="utf-8") as page:
        page.write(f"\nThis sentence was added in version {version}.\n")
    subprocess.run(GIT + ["-C", str(repo), "commit", "-q", "-am", f"Release {version}"], check=True)
    subprocess.run(GIT + ["-C", str(repo), "tag", "-a", f"v{version}", "-m", f"Release {version}"], check=True)


def make_versions(repo: Path, pdf: bool) -> dict:
    """`make versions` in *repo*, timed; with the revisions it built (not taken from kept builds)."""
    out = repo / "_build" / "versions"
    command = [sys.executable, "tools/build_versions.py", "--out", out, "--branch", "main"]
    wall, cpu, output = run(command + ([] if pdf else ["--no-pdf"]), repo)
    manifest = out / "versions.json"
    if manifest.is_file():
        built = [r["ref"] for r in json.loads(manifest.read_text(encoding="utf-8"))["revisions"] if r["built"]]
    else:  # a build_versions.py that keeps nothing says "building REF" for each build
        built = re.findall(r"^building (\S+)", output, re.M)
    return {"wall_s": wall, "cpu_s": cpu, "built": built, "releases_built": sum(r.startswith("v") for r in built)}


def bench_versions(tmp: Path, tag_counts: list[int], pdf: bool) -> list[dict]:
    repo = tmp / "versions-repo"
    make_copy(repo, 1)
    if (ROOT / ".cache" / "mermaid").is_dir():  # a developer's checkout: the diagrams are rendered
        shutil.copytree(ROOT / ".cache" / "mermaid", repo / ".cache" / "mermaid")
    today, tags, results = datetime.date.today().isoformat(), 0, []
    for count in tag_counts:
        while tags < count:
            tags += 1
            tag_release(repo, f"1.{tags - 1}.0", today)
        say(f"make versions with {count} release tag(s)")
        first, second = make_versions(repo, pdf), make_versions(repo, pdf)
        results.append({"tags": count, "first": first, "second": second})
    return results


def median_pair(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def measure(scales: list[int], runs: int, tag_counts: list[int], tmp: Path, pdf: bool, new_diagrams: bool) -> dict:
    """Every figure at every size in *scales*; the empty diagram cache at the first size only
    unless *new_diagrams* (else the larger copies' diagrams are the first's, rendered by then)."""
    copies = {}
    for times in scales:
        say(f"generating the manual at {times}x")
        copies[times] = Copy(tmp, times, new_diagrams)
    figures: dict[str, dict[int, object]] = {name: {} for name in (
        "html_cold_empty_cache", "html_cold_warm_cache", "nochange_rebuild", "topic_edit_rebuild",
        "exercise_edit_rebuild", "offline_zip_kb", "git_commands_cold_build", "pages", "source_kb",
        "diagrams")}
    if pdf:
        figures["pdf"] = {}
    for times, copy in copies.items():
        for name in ("pages", "source_kb", "diagrams"):
            figures[name][times] = copy.info[name]
        if new_diagrams or times == scales[0]:
            say(f"{times}x: cold build with an empty diagram cache")
            figures["html_cold_empty_cache"][times] = copy.cold(empty_cache=True)
        else:
            shutil.copytree(copies[scales[0]].dir / ".cache", copy.dir / ".cache")
    # One cold build at today's size varies by a fifth from run to run: the median of *runs*, in turns.
    cold = {times: [] for times in scales}
    for round_ in range(runs):
        for times, copy in copies.items():
            say(f"{times}x: cold build with a warm diagram cache ({round_ + 1} of {runs})")
            cold[times].append(copy.cold(empty_cache=False))
            figures["git_commands_cold_build"][times] = copy.git_commands
    figures["html_cold_warm_cache"] = {times: median_pair(cold[times]) for times in scales}
    samples = {name: {times: [] for times in scales} for name in ("nochange", "topic", "exercise")}
    for round_ in range(runs):
        say(f"rebuilds, round {round_ + 1} of {runs}")
        for times, copy in copies.items():
            samples["nochange"][times].append(copy.sphinx("html"))
            samples["topic"][times].append(copy.edit("topic"))
            samples["exercise"][times].append(copy.edit("exercise"))
    for name, figure in (("nochange", "nochange_rebuild"), ("topic", "topic_edit_rebuild"),
                         ("exercise", "exercise_edit_rebuild")):
        figures[figure] = {times: median_pair(samples[name][times]) for times in scales}
    for times, copy in copies.items():
        figures["offline_zip_kb"][times] = round(copy.zip_bytes() / 1024)
        if pdf:
            say(f"{times}x: PDF")
            figures["pdf"][times] = copy.pdf()
    return {"figures": figures, "versions": bench_versions(tmp, tag_counts, pdf)}


# -- budget and report --------------------------------------------------------------

TIMES = ["html_cold_empty_cache", "html_cold_warm_cache", "nochange_rebuild", "topic_edit_rebuild",
         "exercise_edit_rebuild", "pdf"]
#: figure -> its growth limit: a number, or "content": the growth of the Markdown (``source_kb``,
#: the diagrams' text included; the copied pages are the longer ones, so it grows faster than the
#: page count), times SLACK: a build that grows with its content, measured on a shared machine,
#: lands within a fifth of it either side.
SLACK = 1.2
BUDGET = {"html_cold_empty_cache": "content", "html_cold_warm_cache": "content", "pdf": "content",
          "nochange_rebuild": 2.0, "topic_edit_rebuild": 2.0, "exercise_edit_rebuild": 2.0,
          "offline_zip_kb": "content"}


def growth(values: dict, first: int, last: int, cpu: bool = False) -> float:
    pick = (lambda v: v[1] if cpu else v[0]) if isinstance(values[first], tuple) else (lambda v: v)
    return pick(values[last]) / pick(values[first])


def check(result: dict) -> list[str]:
    """Each figure over budget, in words."""
    figures, scales = result["figures"], result["scales"]
    first, last = scales[0], scales[-1]
    content = growth(figures["source_kb"], first, last) * SLACK
    over = []
    for name, limit in BUDGET.items():
        if last not in figures.get(name, {}):  # not measured at this size in this run
            continue
        limit = content if limit == "content" else limit
        grew = growth(figures[name], first, last, cpu=name in TIMES)
        if grew > limit:
            over.append(f"{name}: grew {grew:.2f}x from {first}x to {last}x content (budget {limit:.2f}x)")
    for stage in result["versions"]:
        first_run, second = stage["first"], stage["second"]
        if second["releases_built"]:
            over.append(f"versions_second_run ({stage['tags']} tags): rebuilt {second['releases_built']} release(s) "
                        "with nothing new (budget: none)")
        if second["cpu_s"] > first_run["cpu_s"] / 4:
            over.append(f"versions_second_run ({stage['tags']} tags): {second['cpu_s']:.1f} CPU s, "
                        f"{second['cpu_s'] / first_run['cpu_s']:.2f} of the first run (budget 0.25)")
    return over


def report(result: dict) -> str:
    figures, scales = result["figures"], result["scales"]
    first, last = scales[0], scales[-1]
    head = f"{'figure':<32}" + "".join(f"{str(s) + 'x':>9}" for s in scales) + f"{'growth':>9}{'cpu':>8}  budget"
    lines = [head, "-" * len(head)]
    content = growth(figures["source_kb"], first, last) * SLACK
    for name, values in figures.items():
        is_time = name in TIMES
        cells = "".join("-".rjust(9) if s not in values else f"{values[s][0]:>9.1f}" if is_time
                        else f"{values[s]:>9}" for s in scales)
        if first in values and last in values:
            grew = f"{growth(values, first, last):>8.2f}x"
            cpu = f"{growth(values, first, last, cpu=True):>7.2f}x" if is_time else " " * 8
            limit = BUDGET.get(name)
            budget = "" if limit is None else f"<= {content if limit == 'content' else limit:.2f}x"
        else:
            grew, cpu, budget = "-".rjust(9), " " * 8, "(first size only)"
        lines.append(f"{name + (' (s)' if is_time else ''):<32}{cells}{grew}{cpu}  {budget}".rstrip())
    lines += ["", f"{'make versions':<16}{'first (s)':>11}{'cpu':>8}{'second (s)':>12}{'cpu':>8}"
              f"{'second/first':>14}  revisions built (first; second)"]
    for stage in result["versions"]:
        one, two = stage["first"], stage["second"]
        lines.append(f"{str(stage['tags']) + ' release tags':<16}{one['wall_s']:>11.1f}{one['cpu_s']:>8.1f}"
                     f"{two['wall_s']:>12.1f}{two['cpu_s']:>8.1f}{two['cpu_s'] / one['cpu_s']:>14.2f}"
                     f"  {', '.join(one['built']) or 'none'}; {', '.join(two['built']) or 'none'}")
    return "\n".join(lines)


#: (sizes, runs of each rebuild, release tags for make versions, new diagrams at every size) of each mode.
#: The default fits in about ten minutes on two cores shared with other work.
MODES = {"default": ([1, 2, 4], 2, [1, 3], False), "full": ([1, 4, 10], 3, [1, 3, 6], True),
         "quick": ([1, 2], 1, [1], False)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--full", action="store_true", help="1x, 4x and 10x with new diagrams at every size, "
                       "medians of three; the PDF; versions with 1, 3 and 6 tags (for a quiet machine; "
                       "about a quarter of an hour)")
    sizes.add_argument("--quick", action="store_true", help="1x and 2x, once; versions with 1 tag (a smoke test)")
    parser.add_argument("--pdf", action="store_true",
                        help="measure the PDF too, and the tracked-changes PDFs of make versions (--full does)")
    parser.add_argument("--keep", action="store_true", help="keep the generated copies (their folder is printed)")
    args = parser.parse_args(argv)
    scales, runs, tag_counts, new_diagrams = MODES["full" if args.full else "quick" if args.quick else "default"]
    tmp = Path(tempfile.mkdtemp(prefix="manual-bench-"))
    started = time.perf_counter()
    try:
        result = {"scales": scales, **measure(scales, runs, tag_counts, tmp, args.pdf or args.full, new_diagrams)}
    except BenchError as error:
        print(f"make bench: a build failed, so no figure is reported:\n{error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"The generated copies are in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    over = check(result)
    result.update({"date": datetime.datetime.now().isoformat(timespec="seconds"), "runs": runs,
                   "machine": {"cpus": os.cpu_count(), "system": platform.platform(), "python": platform.python_version(),
                               "load_at_end": os.getloadavg()[0]},
                   "minutes": round((time.perf_counter() - started) / 60, 1), "over_budget": over})
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(report(result))
    print(f"\n{result['minutes']} minutes; the figures are in {RESULT.relative_to(ROOT)}.")
    for problem in over:
        print(f"OVER BUDGET {problem}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
