"""Render Mermaid diagrams at build time, once, into a cache keyed by content.

What this adds to sphinxcontrib-mermaid, whose ``mermaid`` directive and node
it keeps:

* every diagram must have a ``:caption:`` and an ``:alt:`` text; a missing one
  is a warning that names the file and line;
* all the diagrams a build needs are rendered by one mermaid-cli run (one
  browser start, diagrams rendered in parallel), and only those not already in
  the cache, so a rebuild with no diagram change starts no browser;
* HTML gets the SVG inline, as an image with ``role="img"``, a ``<title>``
  from the caption and a ``<desc>`` from the alt text; no mermaid.js is loaded;
* LaTeX gets a vector PDF cropped to the diagram (``--pdfFit``);
* text, man pages and Texinfo get the diagram's text alternative;
* a diagram with a syntax error is a warning naming the file, the line and
  the diagram's caption, with mermaid's own parse message.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.nodes import set_source_info
from sphinxcontrib.mermaid import Mermaid, mermaid

from guard import guarded

logger = logging.getLogger(__name__)

#: a decimal number with more digits than the page needs
FLOAT = re.compile(r"(?<![\w#.])-?\d+\.\d{3,}(?![\w.])")

#: builder format -> file type rendered for it
FORMATS = {"html": "svg", "latex": "pdf"}


class LocatedMermaid(Mermaid):
    """sphinxcontrib-mermaid's directive, with the directive's own line on its nodes."""

    @guarded(default=list)
    def run(self, **kwargs):
        result = super().run(**kwargs)
        for node in result:
            if isinstance(node, (mermaid, nodes.figure)):
                set_source_info(self, node)
                for inner in node.findall(mermaid):
                    set_source_info(self, inner)
        return result


def _diagram_info(node: mermaid) -> tuple[str, int | None, str]:
    """Return (source file, line, caption) for a mermaid node."""
    parent = node.parent
    holder = parent if isinstance(parent, nodes.figure) else node
    caption = ""
    if isinstance(parent, nodes.figure):
        for child in parent.children:
            if isinstance(child, nodes.caption):
                caption = child.astext()
    return holder.source or node.source or "", holder.line or node.line, caption


@guarded
def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Check each diagram's caption and alt text, and note it for rendering."""
    env = app.env
    found = []
    for node in doctree.findall(mermaid):
        source, line, caption = _diagram_info(node)
        location = (env.docname, line)
        if not caption:
            logger.warning(
                "Mermaid diagram has no :caption: (every diagram needs one)",
                location=location, type="mermaid", subtype="caption",
            )
        if not node.get("alt", "").strip():
            logger.warning(
                "Mermaid diagram %s has no :alt: text (every diagram needs a text alternative)",
                f"'{caption}'" if caption else "", location=location, type="mermaid", subtype="alt",
            )
        node["mermaid_caption"] = caption
        found.append({"code": node["code"], "line": line, "caption": caption,
                      "code_line": _code_line(env.doc2path(env.docname), line, node["code"])})
    diagrams = _store(env)
    if found:
        diagrams[env.docname] = found
    else:
        diagrams.pop(env.docname, None)


def _code_line(path, line: int | None, code: str) -> int | None:
    """The line of the page on which the diagram's code starts (after the fence and its options)."""
    if not line or not code.strip():
        return None
    first = code.strip().splitlines()[0].strip()
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    for number in range(line, min(len(lines), line + 40)):
        if lines[number].strip() == first:
            return number + 1
    return None


def _store(env) -> dict:
    if not hasattr(env, "mermaid_build_diagrams"):
        env.mermaid_build_diagrams = {}
    return env.mermaid_build_diagrams


@guarded
def on_purge_doc(app: Sphinx, env, docname: str) -> None:
    _store(env).pop(docname, None)


@guarded
def on_merge_info(app: Sphinx, env, docnames, other) -> None:
    theirs = getattr(other, "mermaid_build_diagrams", {})
    _store(env).update({d: theirs[d] for d in docnames if d in theirs})


class Renderer:
    """mermaid-cli with this project's settings, and the cache it fills."""

    def __init__(self, app: Sphinx):
        config = app.config
        self.mmdc = config.mermaid_cmd
        self.cache = Path(config.mermaid_build_cache)
        self.node_modules = Path(config.mermaid_build_node_modules)
        self.config = config.mermaid_build_config
        self.puppeteer = config.mermaid_build_puppeteer
        self._version = None

    def version(self) -> str:
        """mermaid-cli's and mermaid's versions, read from node_modules (no browser)."""
        if self._version is None:
            parts = []
            for package in ("@mermaid-js/mermaid-cli", "mermaid"):
                manifest = self.node_modules / package / "package.json"
                if not manifest.is_file():
                    raise FileNotFoundError(f"{manifest} not found: run `make html` (it runs `npm ci`)")
                parts.append(package + "@" + json.loads(manifest.read_text(encoding="utf-8"))["version"])
            self._version = " ".join(parts)
        return self._version

    def key(self, code: str, fmt: str) -> str:
        text = json.dumps([self.version(), self.config, fmt, code], sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    def path(self, code: str, fmt: str) -> Path:
        return self.cache / f"{self.key(code, fmt)}.{fmt}"

    def _command(self, tmp: Path, fmt: str, source: Path, output: Path, jobs: int) -> list[str]:
        (tmp / "mermaid.json").write_text(json.dumps(self.config), encoding="utf-8")
        (tmp / "puppeteer.json").write_text(json.dumps(self.puppeteer), encoding="utf-8")
        command = [self.mmdc, "--quiet", "--configFile", str(tmp / "mermaid.json"),
                   "--puppeteerConfigFile", str(tmp / "puppeteer.json"),
                   "--input", str(source), "--output", str(output), "--outputFormat", fmt,
                   "--jobs", str(jobs)]
        if fmt == "pdf":
            command.append("--pdfFit")  # crop the page to the diagram
        return command

    def render(self, wanted: list[dict], fmt: str) -> list[tuple[dict, str]]:
        """Render every diagram in *wanted* into the cache; return the failures."""
        if not Path(self.mmdc).exists():
            raise FileNotFoundError(
                f"mermaid-cli not found at {self.mmdc}: run `make html` (it runs `npm ci`)"
            )
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="mermaid-") as tmpdir:
            tmp = Path(tmpdir)
            # One Markdown file of all diagrams: mermaid-cli renders its blocks
            # with one browser, in parallel, as out-1, out-2, ...
            source = tmp / "diagrams.md"
            source.write_text(
                "".join(f"```mermaid\n{d['code']}\n```\n\n" for d in wanted), encoding="utf-8"
            )
            jobs = max(1, min(len(wanted), os.cpu_count() or 1))
            _run(self._command(tmp, fmt, source, tmp / "out.md", jobs), BATCH_TIMEOUT)
            failures = []
            for number, diagram in enumerate(wanted, start=1):
                produced = tmp / f"out-{number}.{fmt}"
                if not produced.is_file():
                    # Not reached, or broken: render it alone to get its own message.
                    single = tmp / f"single-{number}.mmd"
                    single.write_text(diagram["code"], encoding="utf-8")
                    returncode, output = _run(self._command(tmp, fmt, single, produced, 1), SINGLE_TIMEOUT)
                    if returncode != 0 or not produced.is_file():
                        failures.append((diagram, _first_error(output)))
                        continue
                target = self.path(diagram["code"], fmt)
                partial = target.with_suffix(f".{os.getpid()}.part")
                shutil.copyfile(produced, partial)
                os.replace(partial, target)  # atomic: parallel builds share the cache
        return failures


#: Seconds mermaid-cli may take: for all the diagrams at once, and for one alone.
BATCH_TIMEOUT, SINGLE_TIMEOUT = 900, 120


def _run(command: list[str], timeout: int) -> tuple[int, str]:
    """Run mermaid-cli; (exit status, output).  A browser that hangs is stopped, never waited for."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 1, f"mermaid-cli did not finish within {timeout} seconds"
    return done.returncode, done.stderr + done.stdout


def _first_error(output: str) -> str:
    """The useful part of mermaid-cli's error output: the parse message, without the stack."""
    lines = [line for line in output.splitlines() if line.strip()]
    keep = []
    for line in lines:
        if line.lstrip().startswith("at ") or "puppeteer" in line or "://" in line:
            break
        keep.append(line)
    return "\n".join(keep[:6]) or "mermaid-cli failed with no message"


DIAGRAM_LINE = re.compile(r"on line (\d+)")


@guarded
def on_env_updated(app: Sphinx, env) -> None:
    """Render, in one batch, the diagrams this builder needs and the cache lacks."""
    fmt = FORMATS.get(app.builder.format)
    if fmt is None:
        return
    renderer = Renderer(app)
    app.mermaid_renderer = renderer
    needed: dict[str, dict] = {}
    total = 0
    try:
        for docname, diagrams in sorted(_store(env).items()):
            for diagram in diagrams:
                total += 1
                if not renderer.path(diagram["code"], fmt).is_file():
                    needed.setdefault(diagram["code"], dict(diagram, docname=docname))
    except FileNotFoundError as error:  # node_modules missing: the set-up, not a page
        logger.warning("%s", error, type="mermaid", subtype="setup")
        return
    if not needed:
        logger.info("mermaid: %d diagrams, all from the cache; no browser started", total)
        return
    logger.info("mermaid: rendering %d of %d diagrams to %s", len(needed), total, fmt.upper())
    try:
        failures = renderer.render(list(needed.values()), fmt)
    except FileNotFoundError as error:
        logger.warning("%s", error, type="mermaid", subtype="setup")
        return
    for diagram, message in failures:
        # Mermaid counts lines from the diagram's first line of code: point at the page's line.
        found = DIAGRAM_LINE.search(message)
        line = diagram["line"]
        if found and diagram.get("code_line"):
            line = diagram["code_line"] + int(found[1]) - 1
        logger.warning(
            "Mermaid diagram '%s' could not be rendered: correct its code on this line "
            "(mermaid counts from the diagram's first line):\n%s",
            diagram["caption"] or "(no caption)", message,
            location=(diagram["docname"], line), type="mermaid", subtype="syntax",
        )


def _cached(self, node: mermaid, fmt: str) -> Path | None:
    path = self.builder.app.mermaid_renderer.path(node["code"], fmt)
    return path if path.is_file() else None


@guarded
def html_visit_mermaid(self, node: mermaid) -> None:
    """Inline the SVG as an accessible image: role=img, title and desc."""
    path = _cached(self, node, "svg")
    if path is None:  # the warning was given when rendering failed
        self.body.append('<p class="mermaid-error">Diagram could not be rendered.</p>')
        raise nodes.SkipNode
    svg = path.read_text(encoding="utf-8")
    ident = "mermaid-" + path.stem[:12]
    # Mermaid names every SVG "my-svg" and scopes its CSS by that id: make it unique.
    svg = svg.replace("my-svg", ident)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Mermaid writes coordinates to 15 digits; two decimals are a hundredth of a pixel.
    svg = FLOAT.sub(lambda m: f"{float(m.group(0)):.2f}".rstrip("0").rstrip("."), svg)
    title = html.escape(node.get("mermaid_caption", ""))
    desc = html.escape(node.get("alt", ""))
    opening = re.match(r"<svg\b[^>]*>", svg)
    tag = re.sub(r'\s(role|aria-roledescription|aria-labelledby|aria-describedby)="[^"]*"', "", opening.group(0))
    tag = tag[:-1] + f' role="img" aria-labelledby="{ident}-title {ident}-desc">'
    svg = (tag + f'<title id="{ident}-title">{title}</title><desc id="{ident}-desc">{desc}</desc>'
           + svg[opening.end():])
    self.body.append(f'<div class="mermaid-diagram">{svg}</div>\n')
    raise nodes.SkipNode


@guarded
def latex_visit_mermaid(self, node: mermaid) -> None:
    """Include the cropped vector PDF; Sphinx's macro shrinks it to fit, never enlarges it."""
    path = _cached(self, node, "pdf")
    if path is None:
        raise nodes.SkipNode
    name = f"mermaid-{path.stem}.pdf"
    target = Path(self.builder.outdir) / name
    if not target.exists():
        shutil.copyfile(path, target)
    self.body.append(f"\n{{\\centering\\sphinxincludegraphics{{{name}}}\\par}}\n")
    raise nodes.SkipNode


@guarded
def texinfo_visit_mermaid(self, node: mermaid) -> None:
    """Texinfo is read as text: the diagram's text alternative, as in text and man pages
    (sphinxcontrib-mermaid's own visitor would start a browser of its own, and fail)."""
    self.body.append(f"\n[diagram: {self.escape(node.get('alt') or node.get('mermaid_caption', ''))}]\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.mermaid")
    app.setup_extension("guard")
    app.add_config_value("mermaid_build_config", {}, "env", types=[dict])
    app.add_config_value("mermaid_build_puppeteer", {}, "env", types=[dict])
    app.add_config_value("mermaid_build_cache", ".cache/mermaid", "env", types=[str])
    app.add_config_value("mermaid_build_node_modules", "node_modules", "env", types=[str])
    app.add_directive("mermaid", LocatedMermaid, override=True)
    app.add_node(mermaid, override=True,
                 html=(html_visit_mermaid, None), latex=(latex_visit_mermaid, None),
                 texinfo=(texinfo_visit_mermaid, None))
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
    app.connect("env-updated", on_env_updated)
    # env_version: bump when the data kept in the environment changes shape.
    return {"version": "1.0", "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
