"""The bibliography as readers of an author-year text expect it.

Through the plugin points that sphinxcontrib-bibtex documents
("Custom Formatting, Sorting, and Labelling"; "Custom Reference Styles"):

* pybtex formatting style ``manual-author-year``: each entry starts with its
  authors and year ("UK Parliament (1978).", "Goodman, W. K., ... (1989)."),
  names surname first with initials; titles keep their capitals exactly as
  the .bib file writes them ("Protection of Children Act 1978", "Am I Making
  Myself Clear?"), where pybtex's own styles lower-case all but the first
  letter; one alphabetical list, organisations among people.  Standalone
  works (Acts, reports, books) are in italics, as are journals; an entry with
  no year says "n.d.", as the citations do.
* pybtex label style ``author-year``: each entry's label is how the text cites
  it, "UK Parliament, 1978", "Heaton and Murphy, 2013", "Goodman et al.,
  1989", with "a", "b" after the year where two entries would otherwise read
  the same ("UK Parliament, 2003a" and "2003b"), so a printed citation points
  at one entry only.  The list shows these labels, not numbers.
* referencing style ``label-round``: sphinxcontrib-bibtex's label citations in
  round brackets, "(UK Parliament, 1978)", as author-year texts write them.
  Each citation is its entry's label and links to it.

conf.py selects them, and ``bibtex_cite_id`` gives each entry a stable id
(``cite-KEY``).  (sphinxcontrib-bibtex links citations only to a bibliography
in its default "citation" list form, which is why the labels carry the author
and year rather than a bullet list without labels.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from string import ascii_lowercase

import pybtex.plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import pages
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import (
    field as bib_field,
    first_of,
    join,
    names,
    optional,
    optional_field,
    sentence,
    tag,
    words,
)
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle

FORMATTING_STYLE = "manual-author-year"
LABEL_STYLE = "author-year"
SORTING_STYLE = "author-year-label"
REFERENCE_STYLE = "label-round"


class ManualAuthorYearStyle(UnsrtStyle):
    """Author (year). Title. Where published. Note.  Sorted as the labels read."""

    default_name_style = "lastfirst"
    default_label_style = LABEL_STYLE
    default_sorting_style = SORTING_STYLE

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("abbreviate_names", True)
        super().__init__(**kwargs)

    # -- the parts ---------------------------------------------------------

    def format_title(self, e, which_field, as_sentence=True):
        """The title as the .bib file writes it: no change of case."""
        title = bib_field(which_field)
        return sentence[title] if as_sentence else title

    def format_btitle(self, e, which_field, as_sentence=True):
        title = tag("em")[bib_field(which_field)]
        return sentence[title] if as_sentence else title

    def _head(self):
        """"Surname, I. and Other, J. (1999)." or "Organisation (n.d.)."."""
        who = first_of[
            optional[names("author", sep=", ", sep2=" and ", last_sep=", and ")],
            optional[names("editor", sep=", ", sep2=" and ", last_sep=", and ")],
            optional_field("organization"),
            optional_field("institution"),
            "Anonymous",
        ]
        year = join["(", first_of[optional_field("year"), "n.d."], ")"]
        return sentence[join(sep=" ")[who, year]]

    def _tail(self, e):
        return [sentence[optional_field("note")], self.format_web_refs(e)]

    # -- the kinds of entry --------------------------------------------------

    def get_article_template(self, e):
        volume = optional[join[bib_field("volume"), optional["(", bib_field("number"), ")"]]]
        return toplevel[
            self._head(),
            self.format_title(e, "title"),
            sentence[tag("em")[bib_field("journal")], volume, optional[pages]],
            *self._tail(e),
        ]

    def get_book_template(self, e):
        return toplevel[
            self._head(),
            self.format_btitle(e, "title"),
            sentence[optional[words[bib_field("edition"), "edition"]], optional_field("publisher"),
                     optional_field("address")],
            *self._tail(e),
        ]

    def get_incollection_template(self, e):
        return toplevel[
            self._head(),
            self.format_title(e, "title"),
            sentence[join(sep=" ")["In", tag("em")[bib_field("booktitle")]], optional[words["pages", pages]]],
            sentence[optional_field("publisher"), optional_field("address")],
            *self._tail(e),
        ]

    def get_techreport_template(self, e):
        return toplevel[
            self._head(),
            self.format_btitle(e, "title"),
            sentence[join(sep=" ")[first_of[optional_field("type"), "Report"], optional_field("number")],
                     optional_field("institution")],
            *self._tail(e),
        ]

    def get_thesis_template(self, e, kind):
        return toplevel[
            self._head(),
            self.format_btitle(e, "title"),
            sentence[first_of[optional_field("type"), kind], optional_field("school")],
            *self._tail(e),
        ]

    def get_misc_template(self, e):
        return toplevel[
            self._head(),
            self.format_btitle(e, "title"),
            sentence[optional_field("howpublished"), optional_field("publisher"), optional_field("address")],
            *self._tail(e),
        ]

    # Every other kind pybtex knows is written like its nearest kind above.
    def get_inproceedings_template(self, e):
        return self.get_incollection_template(e)

    def get_inbook_template(self, e):
        return self.get_incollection_template(e)

    def get_proceedings_template(self, e):
        return self.get_book_template(e)

    def get_phdthesis_template(self, e):
        return self.get_thesis_template(e, "PhD thesis")

    def get_mastersthesis_template(self, e):
        return self.get_thesis_template(e, "Master's thesis")

    def get_booklet_template(self, e):
        return self.get_misc_template(e)

    def get_manual_template(self, e):
        return self.get_misc_template(e)

    def get_online_template(self, e):
        return self.get_misc_template(e)

    def get_unpublished_template(self, e):
        return self.get_misc_template(e)


def _plain(text: str) -> str:
    """A name as printed: BibTeX's protecting braces go ("{UK Parliament}")."""
    return " ".join(text.replace("{", "").replace("}", "").split())


class AuthorYearLabelStyle(BaseLabelStyle):
    """"Surname, 1999", "A and B, 1999", "A et al., 1999"; "1999a", "1999b" where two would be the same."""

    def _base(self, entry) -> tuple[str, str]:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        surnames = [_plain(" ".join(person.prelast_names + person.last_names)) for person in people]
        if not surnames:
            who = _plain(entry.fields.get("organization") or entry.fields.get("institution") or "Anonymous")
        elif len(surnames) == 1:
            who = surnames[0]
        elif len(surnames) == 2:
            who = f"{surnames[0]} and {surnames[1]}"
        else:
            who = f"{surnames[0]} et al."
        return who, _plain(entry.fields.get("year", "")) or "n.d."

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        bases = [self._base(entry) for entry in entries]
        repeated = Counter(bases)
        used: Counter = Counter()
        for who, year in bases:
            suffix = ""
            if repeated[(who, year)] > 1:
                suffix = ("-" if year == "n.d." else "") + ascii_lowercase[used[(who, year)] % 26]
                used[(who, year)] += 1
            yield f"{who}, {year}{suffix}"


class AuthorYearLabelSortingStyle(BaseSortingStyle):
    """One alphabetical list by what the labels show (organisations among people), then year and title."""

    def sorting_key(self, entry):
        who, year = AuthorYearLabelStyle()._base(entry)
        # Undated works first, as author-year lists place them.
        return who.casefold(), "" if year == "n.d." else year, _plain(entry.fields.get("title", "")).casefold()


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class RoundLabelReferenceStyle(LabelReferenceStyle):
    """sphinxcontrib-bibtex's label citations, in round brackets: "(Heaton and Murphy, 2013)"."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)


pybtex.plugin.register_plugin("pybtex.style.formatting", FORMATTING_STYLE, ManualAuthorYearStyle)
pybtex.plugin.register_plugin("pybtex.style.labels", LABEL_STYLE, AuthorYearLabelStyle)
pybtex.plugin.register_plugin("pybtex.style.sorting", SORTING_STYLE, AuthorYearLabelSortingStyle)
register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE, RoundLabelReferenceStyle)


def setup(app: Sphinx) -> dict:
    # The styles are registered on import, before sphinxcontrib-bibtex reads its settings.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
