"""The real manual builds strictly, offline, with its diagrams rendered at build time."""

from __future__ import annotations

import ast
import re
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
     # mermaid's "line 2" of the diagram is line 9 of the page
     r"index\.md:9: WARNING: Mermaid diagram 'A broken chain' could not be rendered: correct its code on "
     r"this line .*:\n.*Parse error"),
    ("See {ref}`mod-nowhere`.\n", r"index\.md:4: WARNING: undefined label: 'mod-nowhere'"),
], ids=["broken-diagram", "broken-cross-reference"])  # diagrams without alt or caption: test_rules.py
@pytest.mark.fixtures
def test_a_bad_page_fails_the_build_naming_file_and_line(tmp_path: Path, page: str, expected: str) -> None:
    src = _one_page_project(tmp_path, page)
    build = sphinx_build(src, tmp_path / "html")
    assert build.returncode != 0
    assert re.search(expected, build.warnings, re.S), build.warnings
