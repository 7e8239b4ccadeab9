"""The real manual builds strictly, offline, with its diagrams rendered at build time."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DOCS, ROOT, Build, sphinx_build

MERMAID_FENCE = re.compile(r"^(`{3,}|:{3,})\{mermaid\}", re.M)


def test_build_succeeds_with_zero_warnings(html_build: Build) -> None:
    assert html_build.returncode == 0, html_build.output[-3000:]
    assert html_build.warnings.strip() == ""


def test_every_suppressed_warning_is_explained() -> None:
    """conf.py's allowlist of tolerated warnings: each entry carries a comment."""
    source = (ROOT / "conf.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    [node] = [n for n in tree.body if isinstance(n, ast.AnnAssign | ast.Assign)
              and "suppress_warnings" in ast.unparse(n.targets[0] if isinstance(n, ast.Assign) else n.target)]
    lines = source.splitlines()
    for element in node.value.elts:
        assert "#" in lines[element.lineno - 1], f"conf.py:{element.lineno}: suppressed warning has no reason"


class ResourceParser(HTMLParser):
    """Collects every URL a page loads (not the links a reader may follow)."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
             "video": "src", "embed": "src", "object": "data", "image": "href", "use": "href"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and "stylesheet" in (values.get("rel") or "") or tag == "link" and "preload" in (values.get("rel") or ""):
            self.urls.append(values.get("href") or "")
        if tag in self.LOADS:
            self.urls.append(values.get(self.LOADS[tag]) or values.get("xlink:href") or "")
        for key in ("srcset", "poster"):
            if values.get(key):
                self.urls.append(values[key])
        if values.get("style"):
            self.urls.extend(re.findall(r"url\(([^)]*)\)", values["style"]))


EXTERNAL = re.compile(r"^\s*['\"]?\s*(https?:|//|ftp:)", re.I)


def test_no_page_loads_anything_from_outside_the_build(html_pages: dict[str, str]) -> None:
    offenders = []
    for name, text in html_pages.items():
        parser = ResourceParser()
        parser.feed(text)
        for url in parser.urls:
            if EXTERNAL.match(url):
                offenders.append(f"{name}: {url}")
        for url in re.findall(r"@import\s+(?:url\()?['\"]?([^'\")\s]+)", text):
            if EXTERNAL.match(url):
                offenders.append(f"{name}: {url}")
    assert offenders == []


def test_no_stylesheet_or_script_fetches_from_outside(html_build: Build) -> None:
    offenders = []
    for path in (html_build.outdir / "_static").rglob("*"):
        if path.suffix in {".css", ".js"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
                if EXTERNAL.match(url):
                    offenders.append(f"{path.name}: {url}")
    assert offenders == []


def test_no_page_loads_mermaid_js(html_pages: dict[str, str]) -> None:
    assert [name for name, text in html_pages.items() if re.search(r"<script[^>]*mermaid", text, re.I)] == []


def _diagram_count_in_sources() -> int:
    return sum(len(MERMAID_FENCE.findall(p.read_text(encoding="utf-8"))) for p in DOCS.rglob("*.md"))


def _inline_svgs(html_pages: dict[str, str]) -> list[str]:
    return [m for text in html_pages.values()
            for m in re.findall(r'<div class="mermaid-diagram">(<svg.*?</svg>)</div>', text, re.S)]


def test_every_mermaid_block_is_an_inline_svg_in_the_html(html_pages: dict[str, str]) -> None:
    assert _diagram_count_in_sources() > 0
    assert len(_inline_svgs(html_pages)) == _diagram_count_in_sources()
    assert not any("<object" in text and "image/svg+xml" in text for text in html_pages.values())


def test_every_diagram_is_an_image_with_a_title_and_description(html_pages: dict[str, str]) -> None:
    for svg in _inline_svgs(html_pages):
        opening = re.match(r"<svg[^>]*>", svg).group(0)
        assert 'role="img"' in opening
        title = re.search(r'<title id="([^"]+)">([^<]+)</title>', svg)
        desc = re.search(r'<desc id="([^"]+)">([^<]+)</desc>', svg)
        assert title and desc, opening
        assert f'aria-labelledby="{title.group(1)} {desc.group(1)}"' in opening


def test_diagram_labels_are_svg_text_not_html(html_pages: dict[str, str]) -> None:
    for svg in _inline_svgs(html_pages):
        assert "foreignObject" not in svg
        assert "<text" in svg


def test_diagram_ids_are_unique_on_each_page(html_pages: dict[str, str]) -> None:
    for name, text in html_pages.items():
        ids = re.findall(r'<svg id="([^"]+)"', text)
        assert len(ids) == len(set(ids)), name


def test_unchanged_rebuild_starts_no_browser(html_build: Build, tmp_path: Path) -> None:
    """With mermaid-cli made unreachable, a rebuild still succeeds: every diagram came from the cache."""
    again = sphinx_build(DOCS, html_build.outdir, "html", "-D", f"mermaid_cmd={tmp_path / 'no-such-mmdc'}")
    assert again.ok, again.output[-2000:]
    assert "all from the cache; no browser started" in again.output


def _one_page_project(tmp_path: Path, text: str = "Text.\n") -> Path:
    """docs/ of a project with one page, "Home", whose body is *text*."""
    src = tmp_path / "docs"
    src.mkdir()
    (src / "index.md").write_text("(home)=\n# Home\n\n" + text, encoding="utf-8")
    return src


@pytest.mark.parametrize(("page", "expected"), [
    ("```{mermaid}\n:caption: A broken chain\n:alt: Nothing\n\nflowchart TD\n  A[ --> --> ((\n```\n",
     r"index\.md:4: WARNING: Mermaid diagram 'A broken chain' could not be rendered:\n.*Parse error"),
    ("See {ref}`mod-nowhere`.\n", r"index\.md:4: WARNING: undefined label: 'mod-nowhere'"),
], ids=["broken-diagram", "broken-cross-reference"])  # diagrams without alt or caption: test_rules.py
def test_a_bad_page_fails_the_build_naming_file_and_line(tmp_path: Path, page: str, expected: str) -> None:
    src = _one_page_project(tmp_path, page)
    build = sphinx_build(src, tmp_path / "html")
    assert build.returncode != 0
    assert re.search(expected, build.warnings, re.S), build.warnings


# -- what each page loads (_ext/page_assets.py) --------------------------------

ICON_CLASSES = {"sd-octicon", "sd-material-icon"}


def _loads(text: str, name: str) -> bool:
    """Whether the page loads *name*, or carries it inside (_ext/inline_styles.py)."""
    parser = ResourceParser()
    parser.feed(text)
    return any(name in url for url in parser.urls) or name in _carried_stylesheets(text)


def _carried_stylesheets(text: str) -> list[str]:
    return [source.rsplit("/", 1)[-1] for source in re.findall(r'<style data-source="([^"]+)"', text)]


def _design_classes(text: str) -> set[str]:
    return {c for value in re.findall(r'class="([^"]*)"', text) for c in value.split()
            if c.startswith("sd-") and not c.startswith("sd-octicon-")}


def test_sphinx_designs_stylesheet_loads_exactly_where_a_component_other_than_an_icon_is(
        html_pages: dict[str, str]) -> None:
    wrong = {name for name, text in html_pages.items()
             if _loads(text, "sphinx-design.min.css") != bool(_design_classes(text) - ICON_CLASSES)}
    assert wrong == set()
    # The home page's cards keep it, the exercises' icons do without it.
    assert _loads(html_pages["index.html"], "sphinx-design.min.css")
    assert "sd-octicon" in html_pages["exercises/time-pie-chart.html"]
    assert not _loads(html_pages["exercises/time-pie-chart.html"], "sphinx-design.min.css")


def test_icons_keep_their_rules_without_sphinx_designs_stylesheet() -> None:
    css = (ROOT / "_static" / "manual.css").read_text(encoding="utf-8")
    from sphinx_design.extension import STATIC_DIR
    shipped = (Path(STATIC_DIR) / "sphinx-design.min.css").read_text(encoding="utf-8")
    rules = re.findall(r"\.sd-octicon[^{]*\{[^}]*\}", shipped)
    assert rules
    def parsed(text: str) -> dict[str, set[str]]:
        """selector list (spaces dropped) -> its declarations (spaces dropped)."""
        return {re.sub(r"\s", "", selector): {re.sub(r"\s", "", d) for d in body.split(";") if d.strip()}
                for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", text, flags=re.S))}

    mine = parsed(css)
    for selector, declarations in parsed("".join(rules)).items():  # each of sphinx-design's icon rules
        assert declarations <= mine.get(selector.strip(), set()), f"manual.css lacks {selector} {declarations}"


def test_the_tab_script_loads_only_where_there_are_tabs(html_pages: dict[str, str]) -> None:
    wrong = {name for name, text in html_pages.items()
             if _loads(text, "design-tabs.js") != ("sd-tab-set" in _design_classes(text))}
    assert wrong == set()


def test_the_code_stylesheet_loads_only_where_there_is_code(html_pages: dict[str, str]) -> None:
    wrong = {name for name, text in html_pages.items()
             if _loads(text, "pygments.css") != ('<div class="highlight' in text)}
    assert wrong == set()


# -- compiled templates kept between builds (_ext/template_cache.py) -----------

def test_a_changed_template_is_used_on_the_next_build(tmp_path: Path) -> None:
    """Compiled templates are cached between builds; an edited template must not be served stale."""
    src = _one_page_project(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    base = templates / "base.html"  # furo's page template extends it
    for marker in ("first", "second"):
        base.write_text('{% extends "!base.html" %}{% block htmltitle %}{{ super() }}'
                          f'<meta name="template-marker" content="{marker}">{{% endblock %}}', encoding="utf-8")
        build = sphinx_build(src, tmp_path / "html", "html", "-D", f"templates_path={templates}")
        assert build.ok, build.output[-2000:]
        page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
        assert f'<meta name="template-marker" content="{marker}">' in page
    assert any((tmp_path / "html" / ".doctrees" / "jinja-bytecode").iterdir())


# -- stylesheets inside each page (_ext/inline_styles.py) -------------------------

def test_no_page_links_a_stylesheet_every_page_carries_furos_and_the_manuals(
        html_pages: dict[str, str]) -> None:
    assert [name for name, text in html_pages.items() if re.search(r"<link[^>]*stylesheet", text)] == []
    missing = {name for name, text in html_pages.items()
               if not {"furo.css", "furo-extensions.css", "manual.css"} <= set(_carried_stylesheets(text))}
    assert missing == set()


def test_each_carried_stylesheet_is_the_built_file_word_for_word(html_build: Build,
                                                                   html_pages: dict[str, str]) -> None:
    text = html_pages["modules/triggers.html"]
    for source, css in re.findall(r'<style data-source="([^"]+)">\n(.*?)\n</style>', text, re.S):
        assert css == (html_build.outdir / source).read_text(encoding="utf-8"), source


def _styles_project(tmp_path: Path, css: str) -> tuple[Path, list[str]]:
    """A one-page project whose html_static_path holds a manual.css with *css*."""
    src = _one_page_project(tmp_path)
    static = tmp_path / "static"
    static.mkdir()
    (static / "manual.css").write_text(css, encoding="utf-8")
    return src, ["-D", f"html_static_path={static}"]


def test_a_changed_stylesheet_reaches_pages_whose_text_did_not_change(tmp_path: Path) -> None:
    src, options = _styles_project(tmp_path, ".first-rule { color: black; }\n")
    assert sphinx_build(src, tmp_path / "html", "html", *options).ok
    (tmp_path / "static" / "manual.css").write_text(".second-rule { color: black; }\n", encoding="utf-8")
    build = sphinx_build(src, tmp_path / "html", "html", *options)
    assert build.ok, build.output[-2000:]
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert ".second-rule" in page and ".first-rule" not in page


@pytest.mark.parametrize(("css", "message"), [
    (".a { color: black; }\n.b { background: url(icon.png); }\n",
     "manual.css:2: cannot be written inside the page: url(icon.png)"),
    (".a::after { content: '</style>'; }\n", "manual.css: cannot be written inside the page: it contains '</style'"),
], ids=["relative url", "end of the style element"])
def test_a_stylesheet_that_cannot_go_inside_a_page_stops_the_build_naming_it(
        tmp_path: Path, css: str, message: str) -> None:
    src, options = _styles_project(tmp_path, css)
    build = sphinx_build(src, tmp_path / "html", "html", *options)
    assert build.returncode != 0
    assert message in build.output


# -- the garbage collector and long-lived objects (_ext/gc_freeze.py) -------------

# Two builds in one Python process, as a tool that builds again without exiting would.
TWO_BUILDS = """
import gc, json, sys
from sphinx.application import Sphinx
src, out, conf = sys.argv[1:4]
seen = {"before": gc.get_freeze_count()}
for n in (1, 2):
    app = Sphinx(src, conf, f"{out}/html{n}", f"{out}/doctrees{n}", "html", status=None, warning=sys.stderr)
    seen[f"build {n}, set up"] = gc.get_freeze_count()
    app.build()
    seen[f"build {n}, finished"] = gc.get_freeze_count()
    assert app.statuscode == 0
print(json.dumps(seen))
"""


def test_a_build_freezes_what_it_has_made_and_a_later_build_in_the_same_process_unfreezes_it(
        tmp_path: Path) -> None:
    src = _one_page_project(tmp_path)
    done = subprocess.run([sys.executable, "-c", TWO_BUILDS, str(src), str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["before"] == 0
    assert seen["build 1, set up"] == 0
    assert seen["build 1, finished"] > 0
    assert seen["build 2, set up"] == 0  # what build 1 left can be collected again
    assert seen["build 2, finished"] > 0
