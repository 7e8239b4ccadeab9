"""Print every exercise's cut-out cards: large print, eight to an A4 sheet, with crop marks.

Usage: python tools/make_cards.py HTML_DIR OUT_DIR

An exercise lists its cards in a {cards} block in its Materials section
(_ext/symbols.py); the built page holds them as a ``.card-set``, each card
a key point: its picture on the left, its words on the right.  Each set
starts a new sheet: two columns and four rows of 90 x 60 mm cards, with
crop marks at every corner, the set's name and the card's number small on
each card, the words as large as fit (24 pt down to 16 pt), and a footer
with the sheet number, the version and the symbols' credit.  A card whose
words do not fit at 16 pt stops the tool, naming it.

Writes OUT_DIR/internet-offending-module-<version>-cards.pdf; when no
exercise lists cards yet, says so and writes nothing.
"""

from __future__ import annotations

import html
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from group_materials import MODULE, credit, document, footer, join, page_count, part_of, print_pdf, stylesheets  # noqa: E402
from manual_tools import checked_version, launch, reading_order, release_info  # noqa: E402

NAME = "internet-offending-module-{version}-cards.pdf"
# The sheet's own padding holds the crop marks outside its first and last cards: Chromium
# draws nothing in the page's margins.
MARGINS_MM = {"top": 5, "right": 5, "bottom": 22, "left": 5}
PADDING_MM = 5
CARD_MM = (90, 60)
GAP_MM = (10, 5)
PER_SHEET = 8
LARGEST_PT, SMALLEST_PT = 24, 16

STYLE = f"""
@page {{ size: A4; }}
body {{ margin: 0; font-family: "DejaVu Sans", Verdana, sans-serif; color: #000; background: #fff; }}
.sheet {{ display: grid; grid-template-columns: repeat(2, {CARD_MM[0]}mm);
  grid-auto-rows: {CARD_MM[1]}mm; column-gap: {GAP_MM[0]}mm; row-gap: {GAP_MM[1]}mm; padding: {PADDING_MM}mm; }}
.sheet + .sheet {{ break-before: page; }}
.card {{ position: relative; box-sizing: border-box; padding: 4mm; display: grid;
  grid-template-rows: minmax(0, 1fr) auto; break-inside: avoid; }}
.card-body {{ display: grid; grid-template-columns: 20mm minmax(0, 1fr); column-gap: 4mm; align-items: center;
  min-height: 0; }}
.card-body img {{ width: 20mm; height: 20mm; display: block; }}
.card-words {{ font-size: {LARGEST_PT}pt; line-height: 1.25; overflow: hidden; max-height: 100%; }}
.card-words p {{ margin: 0; }}
.card-foot {{ font-size: 10pt; color: #000; display: flex; justify-content: space-between; }}
/* Crop marks: two short lines at each corner, outside the card, 1 mm from it. */
.mark {{ position: absolute; background: #000; }}
.mark.h {{ height: 0.25mm; width: 3mm; }}
.mark.v {{ width: 0.25mm; height: 3mm; }}
.mark.h.l {{ left: -4mm; }} .mark.h.r {{ right: -4mm; }}
.mark.v.t {{ top: -4mm; }} .mark.v.b {{ bottom: -4mm; }}
.mark.h.t {{ top: 0; }} .mark.h.b {{ bottom: 0; }}
.mark.v.l {{ left: 0; }} .mark.v.r {{ right: 0; }}
"""

MARKS = "".join(f'<span class="mark {direction} {a} {b}"></span>'
                for direction in ("h", "v") for a, b in (("t", "l"), ("t", "r"), ("b", "l"), ("b", "r")))

# Each card's words as large as fit, from the largest size down to the smallest; the cards that
# still overflow at the smallest are returned.
FIT = f"""() => {{
  const overflowing = [];
  for (const words of document.querySelectorAll('.card-words')) {{
    let size = {LARGEST_PT};
    words.style.fontSize = size + 'pt';
    while ((words.scrollHeight > words.clientHeight + 1 || words.scrollWidth > words.clientWidth + 1)
           && size > {SMALLEST_PT}) {{
      size -= 1;
      words.style.fontSize = size + 'pt';
    }}
    if (words.scrollHeight > words.clientHeight + 1) overflowing.push(words.dataset.card);
  }}
  return overflowing;
}}"""


def card_sets(html_dir: Path) -> list[dict]:
    """Every card set of the built site, in reading order: its title, page and cards."""
    sets = []
    for page in reading_order(html_dir):
        for block in part_of(html_dir, page, ".card-set"):
            cards = []
            for point in block.select(".key-point"):
                words = point.select_one(".key-point-words")
                number = words.select_one(".card-number")
                if number:
                    number.extract()
                image = point.select_one(".key-point-picture img")
                cards.append({"picture": image["src"] if image else None,
                              "number": number.get_text().rstrip(".") if number else "",
                              "words": words.decode_contents().strip()})
            sets.append({"title": block["data-card-set"], "page": page, "cards": cards})
    return sets


def sheet_html(card_set: dict) -> str:
    sheets = []
    cards = card_set["cards"]
    for start in range(0, len(cards), PER_SHEET):
        items = []
        for index, card in enumerate(cards[start:start + PER_SHEET], start=start):
            picture = f'<img src="{html.escape(card["picture"])}" alt="">' if card["picture"] else "<span></span>"
            label = f'{card_set["title"]}' + (f' · card {card["number"]}' if card["number"] else "")
            items.append(f'<div class="card">{MARKS}<div class="card-body">{picture}'
                         f'<div class="card-words" data-card="{index + 1}">{card["words"]}</div></div>'
                         f'<div class="card-foot"><span>{html.escape(label)}</span></div></div>')
        sheets.append(f'<div class="sheet">{"".join(items)}</div>')
    return "".join(sheets)


def make_cards(html_dir: Path, out_dir: Path, version: str, status: str) -> tuple[Path | None, list[dict]]:
    from playwright.sync_api import sync_playwright

    sets = card_sets(html_dir)
    if not sets:
        return None, []
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NAME.format(version=version)
    css = stylesheets(html_dir, sets[0]["page"])
    with tempfile.TemporaryDirectory(prefix="cards-") as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        parts = []
        for number, card_set in enumerate(sets, start=1):
            source, part = Path(tmp) / f"{number:03d}.html", Path(tmp) / f"{number:03d}.pdf"
            source.write_text(document(card_set["title"], css, STYLE, sheet_html(card_set)), encoding="utf-8")
            page.emulate_media(media="print", color_scheme="light")
            page.goto(source.as_uri(), wait_until="load")
            overflowing = page.evaluate(FIT)
            if overflowing:
                raise SystemExit(f"{card_set['page']}: in the cards '{card_set['title']}', card(s) "
                                 f"{', '.join(overflowing)} do not fit on a card at {SMALLEST_PT} pt: shorten the words")
            # The sizes the fitting chose, kept in the page that is printed.
            source.write_text(document(card_set["title"], css, STYLE, page.evaluate(
                "document.body.innerHTML")), encoding="utf-8")
            foot = footer(f"Cut-out cards: {card_set['title']}", [f"{MODULE}. {status}.", credit()],
                          MARGINS_MM["left"] + PADDING_MM, 9)
            print_pdf(page, source, part, width="210mm", height="297mm", margins_mm=MARGINS_MM, footer_html=foot)
            parts.append(part)
        browser.close()
        join(parts, target)
    return target, sets


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir = Path(argv[1]).resolve()  # pages open as file:// URLs, which are absolute
    checked_version(html_dir)
    target, sets = make_cards(html_dir, Path(argv[2]), *release_info())
    if target is None:
        print("No exercise lists cut-out cards yet (a {cards} block in its Materials section): nothing to print.")
        return 0
    cards = sum(len(s["cards"]) for s in sets)
    print(f"{cards} cards in {len(sets)} sets ({page_count(target)} A4 sheets) are at {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
