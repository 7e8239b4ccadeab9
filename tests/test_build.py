"""The real manual builds strictly, offline, with its diagrams rendered at build time."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4.element import Tag

from conftest import DOCS, ROOT, Build, MainText, sphinx_build

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


#: The elements that load a resource, and the attribute naming it (not the links a reader may follow).
LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
         "video": "src", "embed": "src", "object": "data", "image": "href", "use": "href"}


def loaded_urls(html: str) -> list[str]:
    """Every URL the page *html* loads: stylesheets, preloads, scripts, pictures, frames, media,
    and url() in style attributes."""
    urls = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name == "link" and any(kind in rel for rel in tag.get_attribute_list("rel", [])
                                      for kind in ("stylesheet", "preload")):
            urls.append(tag.get("href") or "")
        if tag.name in LOADS:
            urls.append(tag.get(LOADS[tag.name]) or tag.get("xlink:href") or "")
        urls += [tag[key] for key in ("srcset", "poster") if tag.get(key)]
        urls += re.findall(r"url\(([^)]*)\)", tag.get("style") or "")
    return urls


EXTERNAL = re.compile(r"^\s*['\"]?\s*(https?:|//|ftp:)", re.I)


def test_no_page_loads_anything_from_outside_the_build(html_pages: dict[str, str]) -> None:
    offenders = []
    for name, text in html_pages.items():
        for url in loaded_urls(text):
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
    loading = [name for name, html in html_pages.items()
               for script in BeautifulSoup(html, "html.parser").find_all("script")
               if any("mermaid" in str(value).lower() for value in script.attrs.values())]
    assert loading == []


def _diagram_count_in_sources() -> int:
    return sum(len(MERMAID_FENCE.findall(p.read_text(encoding="utf-8"))) for p in DOCS.rglob("*.md"))


@pytest.fixture(scope="module")
def diagrams(main_texts: dict[str, MainText]) -> list[tuple[str, Tag]]:
    """Every diagram in the built pages, an inline <svg>, with the page it is on."""
    found = [(path, svg) for path, content in sorted(main_texts.items())
             for svg in content.article.select("div.mermaid-diagram > svg")]
    assert found, "no page holds an inline diagram"
    return found


def test_every_mermaid_block_is_an_inline_svg_in_the_html(
        diagrams: list[tuple[str, Tag]], main_texts: dict[str, MainText]) -> None:
    assert len(diagrams) == _diagram_count_in_sources()
    assert [path for path, content in main_texts.items() if content.article.find("object", type="image/svg+xml")] == []


def test_every_diagram_is_an_image_with_a_title_and_description(diagrams: list[tuple[str, Tag]]) -> None:
    for path, svg in diagrams:
        title, desc = svg.find("title", id=True), svg.find("desc", id=True)
        assert svg.get("role") == "img", (path, svg.get("id"))
        assert title and title.get_text(strip=True) and desc and desc.get_text(strip=True), (path, svg.get("id"))
        assert svg.get("aria-labelledby") == f"{title['id']} {desc['id']}", (path, svg.get("id"))


def test_diagram_labels_are_svg_text_not_html(diagrams: list[tuple[str, Tag]]) -> None:
    for path, svg in diagrams:
        assert svg.find("foreignobject") is None, (path, svg.get("id"))  # html.parser lowercases names
        assert svg.find("text") is not None, (path, svg.get("id"))


def test_diagram_ids_are_unique_on_each_page(diagrams: list[tuple[str, Tag]]) -> None:
    ids: dict[str, list[str]] = {}
    for path, svg in diagrams:
        ids.setdefault(path, []).append(svg.get("id"))
    assert [path for path, found in ids.items() if None in found or len(set(found)) != len(found)] == []


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
