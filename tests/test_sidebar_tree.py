"""The sidebar lists the manual's parts, and every page of the part being read (_ext/sidebar_tree.py)."""

from __future__ import annotations

import posixpath

from bs4 import BeautifulSoup

FURO_INTERNAL = ("furo no longer builds its sidebar from the page's toctree() in its html-page-context "
                 "handler: see _ext/sidebar_tree.py")


def sidebar(page: str, html: str) -> tuple[list[str], list[str]]:
    """(the parts, the pages under them) that *page*'s sidebar links to, as paths in the site."""
    tree = BeautifulSoup(html, "html.parser").select_one(".sidebar-tree")
    assert tree is not None, f"{page} has no furo sidebar tree (.sidebar-tree)"

    def target(link) -> str:
        href = link["href"].split("#")[0] or posixpath.basename(page)  # "#": the page itself
        return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))

    return ([target(a) for a in tree.select("li.toctree-l1 > a")],
            [target(a) for a in tree.select("li.toctree-l2 > a")])


def test_every_page_lists_every_part_of_the_manual_in_its_sidebar(html_pages: dict[str, str]) -> None:
    parts, _ = sidebar("index.html", html_pages["index.html"])
    assert {"modules/index.html", "exercises/index.html", "facilitator-guide/index.html"} <= set(parts)
    for page, html in html_pages.items():
        if page != "search.html":
            assert sidebar(page, html)[0] == parts, f"{page}: the sidebar does not list the manual's parts"


def test_the_home_page_sidebar_lists_the_parts_only(html_pages: dict[str, str]) -> None:
    assert sidebar("index.html", html_pages["index.html"])[1] == [], FURO_INTERNAL


def test_a_topic_page_sidebar_lists_every_topic_and_no_other_parts_pages(html_pages: dict[str, str]) -> None:
    topics = sorted(p for p in html_pages if p.startswith("modules/") and p != "modules/index.html")
    assert len(topics) >= 10
    for page in topics:
        _, pages = sidebar(page, html_pages[page])
        assert sorted(pages) == topics, f"{page}: the sidebar lists {sorted(set(pages) - set(topics))[:3]} ... " \
            f"besides the topics, or leaves some out; {FURO_INTERNAL}"


def test_each_page_sidebar_marks_that_page_and_no_other_as_the_one_being_read(html_pages: dict[str, str]) -> None:
    """Pages of one part share one sidebar, each with its own entry marked (_ext/sidebar_tree.py)."""
    for page, html in html_pages.items():
        soup = BeautifulSoup(html, "html.parser")
        marked = soup.select(".sidebar-tree li.current-page > a")
        if page in ("search.html", "index.html"):  # in no part: the sidebar marks nothing
            assert marked == [], f"{page}: the sidebar marks {marked[0].get_text()!r} as the page being read"
            continue
        title = soup.select_one("article h1").get_text().rstrip("#¶ ")
        assert [(a["href"], a.get_text()) for a in marked] == [("#", title)], \
            f"{page}: the sidebar marks {[a.get_text() for a in marked]} as the page being read, not {title!r}"


def test_an_exercise_page_sidebar_lists_every_exercise(html_pages: dict[str, str]) -> None:
    exercises = sorted(p for p in html_pages if p.startswith("exercises/") and p != "exercises/index.html")
    _, pages = sidebar(exercises[0], html_pages[exercises[0]])
    assert sorted(pages) == exercises, FURO_INTERNAL
