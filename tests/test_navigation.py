"""Navigation without false alarms, in Chromium on the offline zip: a link to a heading
keeps the revision bar in view and shades nothing; the contents list marks the
section in view; "Back to top" covers no text at any width from 360 to 1,440 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_browser import Visit, offline_zip, site, tab  # noqa: F401

PAGE = "modules/escalation-cycle.html"  # a long topic page with a diagram and eight sections
WIDTHS = [360, 400, 768, 1024, 1280, 1440]


def _sections(tab: Visit) -> list[str]:
    tab.open(PAGE)
    return tab.page.eval_on_selector_all(
        ".toc-tree a.reference", "as => as.map(a => a.getAttribute('href')).filter(h => h.length > 1)")


def _settle(tab: Visit) -> None:
    """Wait until the page has stopped scrolling: furo scrolls smoothly, even to a heading on load,
    and starts a moment after the page has loaded."""
    tab.page.wait_for_timeout(1000)
    tab.page.wait_for_function("""() => new Promise(done => { const y = scrollY;
      setTimeout(() => done(Math.abs(scrollY - y) < 1), 300); })""")


def _open_at(tab: Visit, width: int, anchor: str) -> dict:
    tab.page.set_viewport_size({"width": width, "height": 800})
    tab.page.goto("about:blank")  # a fresh load, as from another page, not a scroll within this one
    tab.page.goto(tab.url(PAGE) + anchor)
    _settle(tab)
    return tab.page.evaluate("""id => {
      const section = document.getElementById(id), h = section.querySelector('h1, h2, h3, h4');
      const bar = document.querySelector('.announcement').getBoundingClientRect();
      const marked = [...document.querySelectorAll('.toc-tree li.manual-current > a')].map(a => a.getAttribute('href'));
      const bold = [...document.querySelectorAll('.toc-tree a.reference')].filter(
        a => getComputedStyle(a).fontWeight === '700').map(a => a.getAttribute('href'));
      return {barTop: bar.top, barBottom: bar.bottom, barShown: bar.height > 0 && getComputedStyle(
                document.querySelector('.announcement')).visibility === 'visible',
              heading: h.getBoundingClientRect().top, shade: getComputedStyle(h).backgroundColor,
              marked, bold, height: innerHeight};
    }""", anchor[1:])


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 800, 1280])
def test_a_link_to_a_heading_keeps_the_revision_bar_in_view_and_does_not_shade_the_title(
        tab: Visit, width: int) -> None:
    for anchor in _sections(tab)[1:]:
        found = _open_at(tab, width, anchor)
        assert found["barShown"] and found["barTop"] == 0, (anchor, found)
        assert found["barBottom"] <= found["heading"] < found["height"], (anchor, found)
        assert found["shade"] in ("rgba(0, 0, 0, 0)", "transparent"), (anchor, found)
    assert tab.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 1440])
def test_the_contents_list_marks_the_section_a_link_opened(tab: Visit, width: int) -> None:
    for anchor in _sections(tab):
        found = _open_at(tab, width, anchor)
        assert found["marked"] == [anchor], (anchor, found["marked"])
        assert found["bold"] == [anchor], f"{anchor}: the list shows {found['bold']} in bold"


@pytest.mark.browser
def test_the_contents_list_marks_the_section_whose_heading_is_near_the_top_not_the_one_before(tab: Visit) -> None:
    """Furo marked a section only when its top reached the window's edge: the one before, while reading it."""
    tab.page.set_viewport_size({"width": 1440, "height": 800})
    for anchor in _sections(tab)[1:4]:
        tab.open(PAGE)
        marked = tab.page.evaluate("""async id => {
          const h = document.getElementById(id).querySelector('h2, h3');
          const bar = document.querySelector('.announcement').getBoundingClientRect().height;
          window.scrollTo({top: window.scrollY + h.getBoundingClientRect().top - bar - 100, behavior: 'instant'});
          await new Promise(r => setTimeout(r, 300));
          return [...document.querySelectorAll('.toc-tree li.manual-current > a')].map(a => a.getAttribute('href'));
        }""", anchor[1:])
        assert marked == [anchor]


BACK_TO_TOP = """() => {
  const button = document.querySelector('.back-to-top');
  const b = button.getBoundingClientRect();
  const bar = document.querySelector('.announcement').getBoundingClientRect();
  const overlaps = r => r.width > 0 && r.height > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
  const covered = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || button.contains(node)) continue;
    const el = node.parentElement;
    if (!el.checkVisibility() || el.closest('.sidebar-drawer, .toc-drawer')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    // The button stays inside the revision bar (checked below), where page text that has
    // scrolled up is hidden by the bar itself: only the bar's own text could be covered.
    for (const r of range.getClientRects()) {
      if (overlaps(r) && el.closest('.announcement')) covered.push(node.textContent.trim().slice(0, 40));
    }
  }
  return {shown: getComputedStyle(button).display !== 'none', inBar: b.top >= bar.top && b.bottom <= bar.bottom,
          covered};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_back_to_top_covers_no_text(tab: Visit, width: int) -> None:
    tab.page.set_viewport_size({"width": width, "height": 800})
    for stop in (1200, 2400, 3600):
        tab.open(PAGE)
        tab.page.mouse.wheel(0, stop)
        tab.page.wait_for_timeout(400)
        tab.page.mouse.wheel(0, -200)  # furo shows the button while the reader scrolls up
        tab.page.wait_for_timeout(600)
        _settle(tab)
        found = tab.page.evaluate(BACK_TO_TOP)
        assert found["shown"], "the button did not show"
        assert found["inBar"], "the button is outside the revision bar"
        assert found["covered"] == [], f"at {width} px the button covers: {found['covered']}"
