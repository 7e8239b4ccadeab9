"""The manual's benchmark: build times, page weight and page speed, against a budget.

Usage: .venv/bin/python tools/bench.py [--runs N] [--quick] [--keep]

Everything is measured on the real manual, in a temporary folder: the real
``docs/``, ``.cache/mermaid`` and ``_build/`` are never written; the only file
written in the checkout is ``_build/bench.json``.  Each figure is the median
of N runs (``--runs``, default 3; the two rebuilds and the browser timings,
which take seconds or less, take max(N, 7)), shown with its min and max;
``--quick`` does one run of everything, for trying it out.

What is measured:

* HTML builds (``sphinx -b html -c . -n -W --keep-going -j auto -q``): cold
  (fresh output folder) with an empty diagram cache and with a warm one; a
  rebuild with nothing changed; a rebuild after one sentence is appended to one
  topic page (in a copy of ``docs/``).  This machine's speed swings from one
  minute to the next, so the rebuilds' samples are spread over the run (one of
  each per round, and a no-change rebuild after each PDF build), and Python
  starting and importing Sphinx, the floor of any rebuild, is timed before
  each, for scale.  Every build's ``mermaid_cmd`` is
  ``tools/bench_mmdc.py``, which counts mermaid-cli runs, i.e. browser starts.
* The PDF (``sphinx -b latex`` then ``make -C <dir> all-pdf LATEXMKOPTS=-silent``),
  with an empty diagram cache and with a warm one.
* In Chromium (Playwright, Debian's /usr/bin/chromium), every page opened from
  file://: its weight (the page and every file it loads, summed as sizes on disk);
  then, for the heaviest and the median page, N more loads.  Time from opening a
  page (a new browser context each load, in a browser already running) to every
  diagram drawn with a size, for every page with diagrams (the slowest page
  counts; each page is opened three times the browser timings' runs, 21 by
  default, since with fewer, which page comes out slowest is mostly chance);
  time from opening ``search.html?q=triggers`` to the first result.
* The offline zip (tools/make_offline_zip.py, ZIP_DEFLATED).
* Side by side: the same manual built with ordinary client-side Mermaid
  (sphinxcontrib-mermaid's ``raw`` output, mermaid.js served from the build
  itself, this project's ``mermaid_build`` extension left out), built and timed
  taking turns with this project's, so that other work on the machine slows
  both alike.  Browsers refuse ES modules from file:// (CORS), so that build
  draws no diagram from file:// at all; it is measured in a Chromium started
  with ``--allow-file-access-from-files``.

Exit status: 0 when every figure is within the budget (BUDGET below), 1 when
any is over (each is named), 2 when a build fails or a tool is missing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_offline_zip import make_zip  # noqa: E402
from manual_tools import CHROMIUM, VIEWPORT, launch, read_version, site_pages  # noqa: E402

DOCS = ROOT / "docs"
RESULT = ROOT / "_build" / "bench.json"
WRAPPER = ROOT / "tools" / "bench_mmdc.py"
MMDC = ROOT / "node_modules" / ".bin" / "mmdc"
MERMAID_DIST = ROOT / "node_modules" / "mermaid" / "dist"
#: The project's strict options, quiet: only warnings and errors are printed.
SPHINX_OPTS = ["-c", str(ROOT), "-n", "-W", "--keep-going", "-j", "auto", "-q"]
#: The topic page the edit rebuild appends a sentence to (in a copy of docs/).
EDITED_PAGE = "modules/triggers.md"
SEARCH_QUERY = "triggers"
KB = 1024  # the project's kB, as in make_offline_zip.py

#: figure -> (limit, what it is compared with).  Medians are compared.
BUDGET = {
    "html_cold_empty_cache_s": (60.0, "<= 60 s"),
    "nochange_rebuild_s": (1.5, "<= 1.5 s"),
    "nochange_rebuild_browser_starts": (0, "0"),
    "edit_rebuild_s": (3.0, "<= 3 s"),
    "pdf_warm_cache_s": (60.0, "<= 60 s"),
    "heaviest_page_bytes": (None, "<= 1/8 of client-side"),  # limit set from the client-side build
    "median_page_bytes": (300 * KB, "<= 300 kB"),
    "diagrams_visible_ms": (300.0, "<= 300 ms"),
    "search_results_ms": (300.0, "<= 300 ms"),
}

#: Installed before any script of every page: notes, on each animation frame,
#: when all the page's diagrams have an SVG with a size, and when the first
#: search result is there; the mark is taken just after that frame is painted
#: (a task queued from the frame's callback).  Times are performance.now(): ms
#: since the navigation started.  Nothing is on screen before the first
#: contentful paint, so the figure is the later of the mark and that paint.
MARKS_SCRIPT = """
(() => {
  const expected = %(expected)d, box = %(box)s;
  const marks = {};
  window.__bench = marks;
  const drawn = () => {
    const boxes = document.querySelectorAll(box);
    if (boxes.length < expected) return false;
    for (const b of boxes) {
      const svg = b.querySelector("svg");
      if (!svg) return false;
      const r = svg.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) return false;
    }
    return true;
  };
  const afterPaint = (name) => setTimeout(() => { marks[name] = performance.now(); }, 0);
  const tick = () => {
    const now = performance.now();
    if (marks.diagrams_frame === undefined && expected > 0 && drawn()) {
      marks.diagrams_frame = now;
      marks.diagram_errors = document.querySelectorAll(box + ' svg[aria-roledescription="error"]').length;
      afterPaint("diagrams");
    }
    if (marks.search_frame === undefined && document.querySelector("#search-results li")) {
      marks.search_frame = now;
      afterPaint("search");
    }
    if (now < 60000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""
NAV_TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {responseEnd: n.responseEnd, domInteractive: n.domInteractive,
          domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd,
          firstContentfulPaint: paint ? paint.startTime : null};
}"""


class BenchError(Exception):
    """A build failed or a tool is missing: no figure can be trusted."""


#: The 1-minute load average at each progress line: was the machine quiet (other work slows every figure)?
LOADS: list[float] = []


def say(message: str) -> None:
    LOADS.append(round(os.getloadavg()[0], 2))
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stats(values: list[float], **extra) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "values": [], **extra}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "values": values, **extra}


#: This machine's speed, sampled before each rebuild: seconds for Python to start and import
#: Sphinx's application and HTML builder, which no rebuild can do without.
SPEED: list[float] = []


def speed_sample() -> None:
    """Time Python starting and importing Sphinx (no build): how fast the machine is just now."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sphinx.application, sphinx.builders.html"], check=True)
    SPEED.append(time.perf_counter() - started)


# -- builds ------------------------------------------------------------------


class Builds:
    """sphinx-build runs with the project's options, each timed, with mermaid-cli counted."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.counter = tmp / "mmdc-runs.txt"
        self.counter.touch()

    def _mmdc_lines(self) -> list[str]:
        return self.counter.read_text(encoding="utf-8").splitlines()

    def _env(self) -> dict:
        return dict(os.environ, BENCH_MMDC_COUNTER=str(self.counter), BENCH_MMDC_REAL=str(MMDC))

    def run(self, command: list[str], what: str) -> tuple[float, dict]:
        """Run *command*; return (seconds, mermaid-cli runs and their seconds)."""
        before = len(self._mmdc_lines())
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=self._env(), capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchError(f"{what} failed (exit {done.returncode}):\n{' '.join(command)}\n"
                             f"{(done.stdout + done.stderr)[-4000:]}")
        new = self._mmdc_lines()[before:]
        mmdc_seconds = sum(float(m.group(1)) for line in new
                           if (m := re.search(r"seconds=([\d.]+)", line)))
        return seconds, {"browser_starts": sum(line.startswith("start") for line in new),
                         "mermaid_cli_s": round(mmdc_seconds, 3)}

    def sphinx(self, builder: str, srcdir: Path, outdir: Path, cache: Path | None,
               extra: list[str] = (), what: str = "") -> tuple[float, dict]:
        defines = []
        if cache is not None:  # this project's renderer: counted mermaid-cli, this cache
            defines = ["-D", f"mermaid_cmd={WRAPPER}", "-D", f"mermaid_build_cache={cache}"]
        command = [sys.executable, "-m", "sphinx", "-b", builder, *SPHINX_OPTS, *defines, *extra,
                   str(srcdir), str(outdir)]
        return self.run(command, what or f"sphinx -b {builder} {outdir}")

    def pdf(self, outdir: Path, cache: Path) -> tuple[float, dict]:
        sphinx_s, info = self.sphinx("latex", DOCS, outdir, cache, what="sphinx -b latex")
        latex_s, _ = self.run(["make", "-C", str(outdir), "all-pdf", "LATEXMKOPTS=-silent"], "make all-pdf")
        pdfs = list(outdir.glob("internet-offending-module.pdf"))
        if not pdfs:
            raise BenchError(f"make all-pdf made no PDF in {outdir}")
        return sphinx_s + latex_s, dict(info, sphinx_s=round(sphinx_s, 3), latex_s=round(latex_s, 3),
                                        pdf_bytes=pdfs[0].stat().st_size)


def copy_docs(folder: Path) -> Path:
    """A copy of docs/ in *folder*, with the files its pages include from beside it (../CHANGELOG.md)."""
    copy = Path(shutil.copytree(DOCS, folder / "docs"))
    for page in copy.rglob("*.md"):
        for name in re.findall(r"^[`:]{3,}\{include\}\s+\.\./([^\s/]+)\s*$",
                               page.read_text(encoding="utf-8"), re.M):
            if page.parent == copy and (ROOT / name).is_file():
                shutil.copyfile(ROOT / name, folder / name)
    return copy


def client_side_options(tmp: Path) -> list[str]:
    """-D options for the comparison build: sphinxcontrib-mermaid's raw output, mermaid.js local.

    The project's conf.py is read for its extension list; ``mermaid_build`` (which
    overrides the HTML visitor and renders at build time) is left out.
    """
    static = tmp / "client-static"
    target = static / "mermaid"
    if not target.is_dir():
        (target / "chunks").mkdir(parents=True)
        shutil.copyfile(MERMAID_DIST / "mermaid.esm.min.mjs", target / "mermaid.esm.min.mjs")
        # The chunks the ES module imports; no source maps (a browser loads none unless asked).
        shutil.copytree(MERMAID_DIST / "chunks" / "mermaid.esm.min", target / "chunks" / "mermaid.esm.min",
                        ignore=shutil.ignore_patterns("*.map"))
    conf = runpy.run_path(str(ROOT / "conf.py"))
    extensions = [e for e in conf["extensions"] if e != "mermaid_build"]
    static_path = [*conf.get("html_static_path", []), str(static)]
    return ["-D", "extensions=" + ",".join(extensions),
            "-D", "mermaid_output_format=raw",
            "-D", "mermaid_use_local=mermaid/mermaid.esm.min.mjs",
            "-D", "html_static_path=" + ",".join(static_path)]


# -- pages -------------------------------------------------------------------


PROJECT_BOX = ".mermaid-diagram"
#: This build's pages with diagrams are each opened this many times the browser timings' runs.
DIAGRAM_LOADS = 3
CLIENT_BOX = "pre.mermaid"


def diagram_counts(html_dir: Path, box: str) -> dict[str, int]:
    """page -> number of diagrams in it, from the built HTML."""
    pattern = (re.compile(r'<div class="mermaid-diagram">') if box == PROJECT_BOX
               else re.compile(r'<pre\b[^>]*\bclass="mermaid\b'))
    counts = {}
    for page in site_pages(html_dir):
        found = len(pattern.findall((html_dir / page).read_text(encoding="utf-8")))
        if found:
            counts[page] = found
    return counts


class Browser:
    """One running Chromium; each load gets a new browser context (no cache, no cookies)."""

    def __init__(self, playwright, extra_args: list[str] = ()):
        self.browser = launch(playwright, extra_args)

    def close(self) -> None:
        self.browser.close()

    def load(self, url: str, box: str, expected: int, *, weigh: bool = False,
             wait_search: bool = False, timeout_ms: int = 30000) -> dict:
        context = self.browser.new_context(viewport=VIEWPORT)
        try:
            context.add_init_script(MARKS_SCRIPT % {"expected": expected, "box": json.dumps(box)})
            page = context.new_page()
            requested: list[str] = []
            failed: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto(url, wait_until="load", timeout=timeout_ms)
            result: dict = {}
            try:
                if expected:
                    page.wait_for_function("() => window.__bench.diagrams !== undefined", timeout=timeout_ms)
                if wait_search:
                    page.wait_for_function("() => window.__bench.search !== undefined", timeout=timeout_ms)
            except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the figure is None
                result["timed_out"] = True
            if weigh:
                page.wait_for_load_state("networkidle", timeout=timeout_ms)
            try:  # a small page can finish loading before its first paint
                page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length",
                                       timeout=5000)
            except Exception:  # noqa: BLE001 - no paint: its time is None
                pass
            marks = page.evaluate("() => window.__bench")
            timing = page.evaluate(NAV_TIMING)
            painted = timing["firstContentfulPaint"] or 0

            def shown(name: str) -> float | None:
                return None if marks.get(name) is None else max(marks[name], painted)

            result.update(diagrams_ms=shown("diagrams"), search_ms=shown("search"),
                          diagram_errors=marks.get("diagram_errors", 0), timing=timing)
            if weigh:
                result.update(weigh_requests(requested), failed=sorted(set(failed)))
            return result
        finally:
            context.close()


def weigh_requests(urls: list[str]) -> dict:
    """Sum, once each, the sizes on disk of every file:// URL loaded; list any other URL."""
    files, other = set(), set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme == "file":
            files.add(Path(url2pathname(parts.path)))  # it undoes the %-escapes
        elif parts.scheme not in ("data", "blob", "about"):
            other.add(url)
    sizes = {str(path): path.stat().st_size for path in files if path.is_file()}
    return {"bytes": sum(sizes.values()), "files": sizes, "network_requests": sorted(other)}


def file_url(path: Path, query: str = "") -> str:
    return path.resolve().as_uri() + (f"?{query}" if query else "")


def weigh_site(browser: Browser, html_dir: Path, box: str, runs: int) -> dict:
    """Every page's weight; then the heaviest and the median page loaded *runs* more times."""
    counts = diagram_counts(html_dir, box)
    with_diagrams = set(counts)
    weights, files, network, failed = {}, {}, set(), set()
    for page in site_pages(html_dir):
        loaded = browser.load(file_url(html_dir / page), box, counts.get(page, 0), weigh=True,
                              timeout_ms=15000)
        if loaded.get("timed_out"):  # diagrams that never draw: stop waiting for them
            counts = {}
        weights[page] = loaded["bytes"]
        files[page] = {str(Path(f).relative_to(html_dir)) if Path(f).is_relative_to(html_dir) else f: size
                       for f, size in sorted(loaded["files"].items(), key=lambda item: -item[1])}
        network.update(loaded["network_requests"])
        failed.update(loaded["failed"])
    ranked = sorted(weights, key=weights.get)
    heaviest, median = ranked[-1], ranked[(len(ranked) - 1) // 2]
    heaviest_with_diagrams = max(with_diagrams, key=weights.get)
    chosen = {}
    for name, page in (("heaviest", heaviest), ("median", median), ("with_diagrams", heaviest_with_diagrams)):
        values = [weights[page]]
        if runs > 1:
            values = [browser.load(file_url(html_dir / page), box, counts.get(page, 0), weigh=True)["bytes"]
                      for _ in range(runs)]
        chosen[name] = stats(values, page=page, files=files[page])
    return {"pages": weights, "heaviest": chosen["heaviest"], "median": chosen["median"],
            "heaviest_with_diagrams": chosen["with_diagrams"],
            "network_requests": sorted(network), "failed_requests": sorted(failed)}


def time_diagrams(sites: dict[str, tuple[Browser, Path, str, int]]) -> dict[str, dict]:
    """For every page with diagrams: ms from opening it to every diagram drawn; the slowest page counts.

    *sites* maps a name to (browser, built HTML, diagram selector, loads of each page).  The sites
    take turns, one load of each of their pages per round while they have loads left, so that the
    machine's ups and downs fall on all alike.
    """
    counts = {name: diagram_counts(html_dir, box) for name, (_, html_dir, box, _) in sites.items()}
    per_page = {name: {page: [] for page in counts[name]} for name in sites}
    timings = {name: {page: [] for page in counts[name]} for name in sites}
    errors = dict.fromkeys(sites, 0)
    for browser, html_dir, box, _ in sites.values():
        browser.load(file_url(html_dir / "index.html"), box, 0)  # warm-up, not counted
    for round_ in range(max(loads for *_, loads in sites.values())):
        for name, (browser, html_dir, box, loads) in sites.items():
            if round_ >= loads:
                continue
            for page, expected in counts[name].items():
                if None in per_page[name][page]:
                    continue  # it never drew: do not wait for it again
                loaded = browser.load(file_url(html_dir / page), box, expected, timeout_ms=20000)
                per_page[name][page].append(loaded["diagrams_ms"])
                timings[name][page].append(loaded["timing"])
                errors[name] += loaded["diagram_errors"] or 0
    results = {}
    for name in sites:
        pages = {page: stats(values, diagrams=counts[name][page]) for page, values in per_page[name].items()}
        never = [page for page, values in per_page[name].items() if None in values]
        slowest = max(pages, key=lambda p: (p in never, pages[p]["median"] or 0))
        breakdown = {key: statistics.median([t[key] for t in timings[name][slowest] if t.get(key) is not None]
                                            or [0])
                     for key in ("responseEnd", "domInteractive", "domContentLoaded", "load", "firstContentfulPaint")}
        results[name] = {"slowest": dict(pages[slowest], page=slowest, navigation_ms=breakdown), "pages": pages,
                         "never_drawn": never, "mermaid_error_diagrams": errors[name]}
    return results


def time_search(browser: Browser, html_dir: Path, runs: int) -> dict:
    url = file_url(html_dir / "search.html", f"q={SEARCH_QUERY}")
    browser.load(url, "none", 0, wait_search=True)  # warm-up, not counted
    loads = [browser.load(url, "none", 0, wait_search=True) for _ in range(runs)]
    return stats([loaded["search_ms"] for loaded in loads], page=f"search.html?q={SEARCH_QUERY}",
                 navigation_ms={key: statistics.median([l["timing"][key] or 0 for l in loads])
                                for key in ("responseEnd", "domInteractive", "load", "firstContentfulPaint")})


def time_blank(browser: Browser, tmp: Path, runs: int) -> dict:
    """Chromium's own floor on this machine: first paint of a one-line page from file://."""
    blank = tmp / "blank.html"
    blank.write_text("<!doctype html><title>x</title><p>One line.</p>\n", encoding="utf-8")
    browser.load(file_url(blank), "none", 0)
    loads = [browser.load(file_url(blank), "none", 0) for _ in range(runs)]
    return stats([loaded["timing"]["firstContentfulPaint"] for loaded in loads])


# -- the run -----------------------------------------------------------------


def check_tools() -> None:
    missing = []
    if not MMDC.exists():
        missing.append(f"{MMDC} (run `make html`: it runs `npm ci`)")
    if not os.access(WRAPPER, os.X_OK):
        missing.append(f"{WRAPPER} is not executable (chmod +x it)")
    if not Path(CHROMIUM).is_file():
        missing.append(f"{CHROMIUM} (the Debian package 'chromium')")
    if not (MERMAID_DIST / "mermaid.esm.min.mjs").is_file():
        missing.append(f"{MERMAID_DIST / 'mermaid.esm.min.mjs'} (run `npm ci`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python in this interpreter (requirements.txt)")
    if missing:
        raise BenchError("missing: " + "; ".join(missing))


def measure(tmp: Path, runs: int, short_runs: int) -> dict:
    builds = Builds(tmp)
    figures: dict[str, dict] = {}
    client: dict[str, dict] = {}

    # 1. Cold HTML, empty diagram cache: a new cache and a new output folder each run.
    values, infos = [], []
    for i in range(runs):
        seconds, info = builds.sphinx("html", DOCS, tmp / f"html-empty-{i}", tmp / f"cache-empty-{i}")
        say(f"cold HTML build, empty diagram cache, run {i + 1}/{runs}: {seconds:.1f} s, "
            f"{info['browser_starts']} browser start(s), mermaid-cli {info['mermaid_cli_s']:.1f} s")
        values.append(seconds)
        infos.append(info)
    warm = tmp / "cache-empty-0"  # filled by the first run: the warm cache from here on
    diagrams = len(list(warm.glob("*.svg")))
    figures["html_cold_empty_cache_s"] = stats(values, label="HTML build, cold, empty diagram cache", unit="s",
                                               diagrams=diagrams)
    figures["html_cold_empty_cache_mermaid_cli_s"] = stats(
        [i["mermaid_cli_s"] for i in infos], unit="s",
        label=f"  of which mermaid-cli ({diagrams} diagrams)")
    figures["html_cold_empty_cache_browser_starts"] = stats(
        [i["browser_starts"] for i in infos], label="  browser starts in that build", unit="count")

    # 2. Cold HTML, warm cache; and the comparison, ordinary client-side Mermaid, taking turns
    #    with it so that the machine's ups and downs fall on both alike.
    options = client_side_options(tmp)
    values, starts, client_values = [], [], []
    for i in range(runs):
        seconds, info = builds.sphinx("html", DOCS, tmp / f"html-warm-{i}", warm)
        say(f"cold HTML build, warm diagram cache, run {i + 1}/{runs}: {seconds:.1f} s, "
            f"{info['browser_starts']} browser start(s)")
        values.append(seconds)
        starts.append(info["browser_starts"])
        seconds, _ = builds.sphinx("html", DOCS, tmp / f"client-{i}", None, options,
                                   what="the client-side Mermaid build")
        say(f"client-side Mermaid build, cold, run {i + 1}/{runs}: {seconds:.1f} s")
        client_values.append(seconds)
    figures["html_cold_warm_cache_s"] = stats(values, label="HTML build, cold, warm diagram cache", unit="s",
                                              browser_starts=starts)
    client["html_cold_s"] = stats(client_values, label="HTML build, cold (client-side Mermaid)", unit="s")
    site = tmp / f"html-warm-{runs - 1}"
    client_site = tmp / f"client-{runs - 1}"

    # 3 and 4. The two rebuilds.  This machine's speed swings from minute to minute (the
    #    machine-speed figure shows by how much), so their samples are spread over the run:
    #    one no-change rebuild and one edit rebuild in each round, and a no-change rebuild
    #    after each PDF build below.  The edit rebuild appends a sentence to one topic page
    #    of a copy of docs/.
    nochange, nochange_starts = [], []

    def nochange_sample(when: str) -> None:
        speed_sample()
        seconds, info = builds.sphinx("html", DOCS, site, warm)
        say(f"no-change rebuild ({when}): {seconds:.2f} s, {info['browser_starts']} browser start(s)")
        nochange.append(seconds)
        nochange_starts.append(info["browser_starts"])

    # Filled in after the PDF builds, which take samples too; here, for the table's order.
    figures["nochange_rebuild_s"] = figures["nochange_rebuild_browser_starts"] = {}
    copy = copy_docs(tmp / "edit")
    edit_out = tmp / "html-edit"
    builds.sphinx("html", copy, edit_out, warm, what="the build of the copy of docs/")
    values, starts = [], []
    for i in range(short_runs):
        nochange_sample(f"round {i + 1}/{short_runs}")
        sentence = f"Benchmark sentence {i + 1}: the group reads the trigger chain again together."
        with open(copy / EDITED_PAGE, "a", encoding="utf-8") as page:
            page.write(f"\n{sentence}\n")
        speed_sample()
        seconds, info = builds.sphinx("html", copy, edit_out, warm)
        built = (edit_out / EDITED_PAGE).with_suffix(".html").read_text(encoding="utf-8")
        if sentence not in built:
            raise BenchError(f"the edit rebuild did not rebuild {EDITED_PAGE}")
        say(f"rebuild after editing {EDITED_PAGE}, round {i + 1}/{short_runs}: {seconds:.2f} s, "
            f"{info['browser_starts']} browser start(s)")
        values.append(seconds)
        starts.append(info["browser_starts"])
    figures["edit_rebuild_s"] = stats(values, label=f"HTML rebuild, one page edited ({EDITED_PAGE})",
                                      unit="s", browser_starts=starts)
    figures["machine_speed_s"] = {}  # filled in with the no-change rebuilds

    # 5. PDF, empty cache then warm (the first cold run's cache, which has the PDFs).
    def pdf_runs(kind: str, cache_of_run) -> tuple[list[float], list[dict]]:
        values, infos = [], []
        for i in range(runs):
            seconds, info = builds.pdf(tmp / f"latex-{kind}-{i}", cache_of_run(i))
            say(f"PDF build, {kind} diagram cache, run {i + 1}/{runs}: {seconds:.1f} s "
                f"(sphinx {info['sphinx_s']:.1f} s, LaTeX {info['latex_s']:.1f} s, "
                f"mermaid-cli {info['mermaid_cli_s']:.1f} s, {info['browser_starts']} browser start(s))")
            values.append(seconds)
            infos.append(info)
            nochange_sample(f"after PDF build, {kind} diagram cache, run {i + 1}/{runs}")
        return values, infos

    values, infos = pdf_runs("empty", lambda i: tmp / f"pdf-cache-empty-{i}")
    figures["pdf_empty_cache_s"] = stats(values, label="PDF build, cold, empty diagram cache", unit="s",
                                         parts=infos)
    figures["pdf_empty_cache_mermaid_cli_s"] = stats([i["mermaid_cli_s"] for i in infos], unit="s",
                                                     label="  of which mermaid-cli")
    figures["pdf_empty_cache_latex_s"] = stats([i["latex_s"] for i in infos], unit="s",
                                               label="  of which LaTeX (make all-pdf)")
    values, infos = pdf_runs("warm", lambda i: tmp / "pdf-cache-empty-0")
    figures["pdf_warm_cache_s"] = stats(values, label="PDF build, cold, warm diagram cache", unit="s",
                                        parts=infos)
    figures["pdf_warm_cache_latex_s"] = stats([i["latex_s"] for i in infos], unit="s",
                                              label="  of which LaTeX (make all-pdf)")
    figures["nochange_rebuild_s"] = stats(nochange, label="HTML rebuild, nothing changed", unit="s")
    figures["nochange_rebuild_browser_starts"] = stats(nochange_starts, label="  browser starts in that rebuild",
                                                       unit="count")
    figures["machine_speed_s"] = stats(SPEED, unit="s", label="  for scale: Python importing Sphinx, "
                                       "before each rebuild")

    # 6. The offline zip of each build.
    version = read_version()
    sizes = [make_zip(tmp / f"html-warm-{i}", tmp / f"zip-{i}", version).stat().st_size for i in range(runs)]
    figures["offline_zip_bytes"] = stats(sizes, label="offline zip (HTML, deflated)", unit="bytes")
    sizes = [make_zip(tmp / f"client-{i}", tmp / f"client-zip-{i}", version).stat().st_size for i in range(runs)]
    client["offline_zip_bytes"] = stats(sizes, label="offline zip (client-side Mermaid)", unit="bytes")

    # 7. In Chromium.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        plain = Browser(playwright)
        # Chromium refuses ES modules from file:// unless told otherwise: mermaid.js is one.
        relaxed = Browser(playwright, ["--allow-file-access-from-files"])
        try:
            say(f"Chromium {plain.browser.version}: page weights of this build")
            weights = weigh_site(plain, site, PROJECT_BOX, runs)
            say("page weights of the client-side build (--allow-file-access-from-files)")
            client_weights = weigh_site(relaxed, client_site, CLIENT_BOX, runs)
            say("diagram timings of both builds, taking turns; search timings")
            # The slowest page's median is the figure.  With 7 loads a page, which page came out
            # slowest was chance (a different page in each of three runs), and its median 16 to 44 ms
            # above that page's median over all 21 loads, while all but one page had medians within
            # 10 ms of each other over those 21.  So this build's pages take three times the loads.
            timed = time_diagrams({"this": (plain, site, PROJECT_BOX, DIAGRAM_LOADS * short_runs),
                                   "client": (relaxed, client_site, CLIENT_BOX, short_runs)})
            diagrams, client_diagrams = timed["this"], timed["client"]
            search = time_search(plain, site, short_runs)
            blank = time_blank(plain, tmp, short_runs)
            # The client-side build as a reader opening it from file:// gets it: plain Chromium.
            client_counts = diagram_counts(client_site, CLIENT_BOX)
            first_client_page = next(iter(client_counts))
            as_opened = plain.load(file_url(client_site / first_client_page), CLIENT_BOX,
                                   client_counts[first_client_page], timeout_ms=5000)
        finally:
            plain.close()
            relaxed.close()

    figures["heaviest_page_bytes"] = dict(weights["heaviest"], label="heaviest page with its assets", unit="bytes")
    figures["median_page_bytes"] = dict(weights["median"], label="median page with its assets", unit="bytes")
    figures["heaviest_diagram_page_bytes"] = dict(weights["heaviest_with_diagrams"], unit="bytes",
                                                  label="  heaviest page with diagrams, with its assets")
    figures["diagrams_visible_ms"] = dict(diagrams["slowest"], label="open page -> every diagram drawn (slowest page)",
                                          unit="ms", never_drawn=diagrams["never_drawn"],
                                          mermaid_error_diagrams=diagrams["mermaid_error_diagrams"])
    figures["search_results_ms"] = dict(search, label=f"open search.html?q={SEARCH_QUERY} -> first result",
                                        unit="ms")
    figures["blank_page_paint_ms"] = dict(blank, label="  for scale: first paint of a one-line page", unit="ms")
    client["heaviest_page_bytes"] = dict(client_weights["heaviest"], label="heaviest page with its assets",
                                         unit="bytes")
    client["median_page_bytes"] = dict(client_weights["median"], label="median page with its assets", unit="bytes")
    client["heaviest_diagram_page_bytes"] = dict(client_weights["heaviest_with_diagrams"], unit="bytes",
                                                 label="heaviest page with diagrams, with its assets")
    client["diagrams_visible_ms"] = dict(client_diagrams["slowest"], unit="ms",
                                         label="open page -> every diagram drawn (slowest page)",
                                         never_drawn=client_diagrams["never_drawn"],
                                         mermaid_error_diagrams=client_diagrams["mermaid_error_diagrams"])
    client["draws_from_file_url_in_plain_chromium"] = as_opened.get("diagrams_ms") is not None

    return {
        "figures": figures,
        "client_side": client,
        "details": {
            "page_weights": weights["pages"], "client_page_weights": client_weights["pages"],
            "network_requests": weights["network_requests"], "failed_requests": weights["failed_requests"],
            "client_network_requests": client_weights["network_requests"],
            "client_failed_requests": client_weights["failed_requests"],
            "diagram_pages": diagrams["pages"], "client_diagram_pages": client_diagrams["pages"],
        },
    }


def check_budget(result: dict) -> list[str]:
    figures, client = result["figures"], result["client_side"]
    limits = {key: limit for key, (limit, _) in BUDGET.items()}
    if client["heaviest_page_bytes"]["median"]:
        limits["heaviest_page_bytes"] = client["heaviest_page_bytes"]["median"] / 8
    over = []
    for key, limit in limits.items():
        figure = figures[key]
        figure["budget"] = BUDGET[key][1]
        figure["limit"] = limit
        value = figure["median"]
        if key == "nochange_rebuild_browser_starts":
            value = figure["max"]  # not one browser start, in any run
        figure["ok"] = value is not None and limit is not None and value <= limit
        if key == "diagrams_visible_ms" and figure.get("never_drawn"):
            figure["ok"] = False
        if not figure["ok"]:
            over.append(f"{figure['label'].strip()}: {show(value, figure['unit'])}, budget {figure['budget']}"
                        + (f" ({show(limit, figure['unit'])})" if key == "heaviest_page_bytes" and limit else ""))
    return over


def show(value, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "bytes":
        return f"{value / KB / KB:.2f} MB" if value >= 10 * KB * KB else f"{value / KB:.0f} kB"
    return f"{value:g}"


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as text columns: the first left-aligned, the others right-aligned; a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             .rstrip() for row in rows]
    return [lines[0], "-" * max(len(line) for line in lines), *lines[1:]]


def table(result: dict) -> str:
    figures, client = result["figures"], result["client_side"]
    rows = [("figure", "median", "min", "max", "budget", "")]
    for key, figure in figures.items():
        unit = figure["unit"]
        label = figure["label"] + (f" [{figure['page']}]" if figure.get("page") else "")
        status = "" if "ok" not in figure else ("ok" if figure["ok"] else "OVER")
        rows.append((label, show(figure["median"], unit), show(figure["min"], unit), show(figure["max"], unit),
                     figure.get("budget", ""), status))
    lines = aligned(rows)

    pairs = [("cold HTML build (vs. empty diagram cache)", "html_cold_empty_cache_s", "html_cold_s"),
             ("cold HTML build (vs. warm diagram cache)", "html_cold_warm_cache_s", "html_cold_s"),
             ("heaviest page with its assets", "heaviest_page_bytes", "heaviest_page_bytes"),
             ("median page with its assets", "median_page_bytes", "median_page_bytes"),
             ("heaviest page with diagrams, with its assets", "heaviest_diagram_page_bytes",
              "heaviest_diagram_page_bytes"),
             ("open page -> every diagram drawn (slowest)", "diagrams_visible_ms", "diagrams_visible_ms"),
             ("offline zip", "offline_zip_bytes", "offline_zip_bytes")]
    rows = [("side by side (medians)", "build-time (this)", "client-side Mermaid", "this / client")]
    for label, ours, theirs in pairs:
        a, b = figures[ours], client[theirs]
        ratio = f"{a['median'] / b['median']:.2f}" if a["median"] and b["median"] else "n/a"
        rows.append((label, show(a["median"], a["unit"]), show(b["median"], b["unit"]), ratio))
    lines += ["", *aligned(rows)]
    note = ("yes" if client["draws_from_file_url_in_plain_chromium"] else
            "no: Chromium blocks mermaid.js (an ES module) from file://; its figures above are with "
            "--allow-file-access-from-files")
    lines.append(f"client-side build draws diagrams from file:// in plain Chromium: {note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure (default 3)")
    parser.add_argument("--quick", action="store_true", help="one run of everything, to try the benchmark out")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of builds")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    browser_runs = 1 if args.quick else max(runs, 7)
    started = time.perf_counter()
    load_before = os.getloadavg()
    if load_before[0] > 1.0:
        say(f"warning: the machine is busy (load average {load_before[0]:.1f}); figures will be slower")
    tmp = Path(tempfile.mkdtemp(prefix="manual-bench-"))
    try:
        check_tools()
        say(f"{runs} run(s) of each build, {browser_runs} rounds of rebuilds and of browser timings, in {tmp}")
        result = measure(tmp, runs, browser_runs)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    over = check_budget(result)
    result = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "tools/bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "runs": runs, "browser_runs": browser_runs,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": load_before, "load_average_after": os.getloadavg(),
                    "load_average_1min_during": LOADS},
        "seconds": round(time.perf_counter() - started, 1),
        "over_budget": over,
        **result,
    }
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    nochange = len(result["figures"]["nochange_rebuild_s"]["values"])
    print(f"\n{runs} run(s) of each build, {browser_runs} of the edit rebuild and of each browser timing "
          f"({DIAGRAM_LOADS * browser_runs} of each of this build's pages with diagrams), "
          f"{nochange} of the no-change rebuild (spread over the run); {result['seconds']:.0f} s in all; "
          f"1-minute load average up to {max(LOADS, default=0):.1f} on {os.cpu_count()} CPUs; "
          f"written to {RESULT.relative_to(ROOT)}")
    if over:
        print("\nOver budget:", file=sys.stderr)
        for line in over:
            print(f"  - {line}", file=sys.stderr)
        return 1
    print("Every figure is within the budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
