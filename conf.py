"""Sphinx configuration for the Internet Offending Module facilitator manual.

Sections follow a fixed order: project, general, MyST, each extension,
HTML, LaTeX, then ``setup()``.  The source files live in ``docs/``; this
file sits at the top of the repository so that ``_static/`` and ``_ext/``
are shared by every builder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Local extensions live in one folder, each a short module with a docstring.
sys.path.insert(0, str(ROOT / "_ext"))
# tools/manual_tools.py holds what the build shares with the tools: Chromium and its flags.
sys.path.insert(0, str(ROOT / "tools"))
from manual_tools import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# -- Project -----------------------------------------------------------------

project = "Internet Offending Module"
author = "Internet Offending Module curriculum team"
copyright = "2026, " + author
# The one source of the version is the VERSION file at the top of the repository.
# A missing or malformed VERSION is reported by _ext/versioning.py, naming the file.
release = ((ROOT / "VERSION").read_text(encoding="utf-8", errors="replace").strip()
           if (ROOT / "VERSION").is_file() else "")
version = release

# -- General -----------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx_design",
    # Local: author-year bibliography and citations (before sphinxcontrib.bibtex, which uses them).
    "bibliography_style",
    "sphinxcontrib.bibtex",
    "sphinxcontrib.mermaid",
    # Local: a page or .bib file saved wrongly is a warning with its line, not a crash.
    "source_checks",
    # Local: the pages that warned are read again by the next build, so it fails again.
    "stay_failed",
    # Local: renders every Mermaid diagram once, at build time, into a cache.
    "mermaid_build",
    # Local: page kinds, handouts, session plans and the curriculum checks.
    "curriculum",
    # Local: whole group sessions in each topic's session plan, and "if a group member cannot read".
    "sessions",
    # Local: the marked box for programme wording no longer used as written.
    "programme_wording",
    # Local: the words the manual no longer uses, checked on every page.
    "terminology",
    # Local: every bibliography entry is cited somewhere, or the build fails.
    "unused_references",
    # Local: where each handout goes afterwards (front matter `destination`), and boxes to tick.
    "handout_sheet",
    # Local: pictures beside key points and cut-out cards (Mulberry symbols), with their checks.
    "symbols",
    # Local: each handout's readability, reported by every build, with the declared limits.
    "readability",
    # Local: each topic's key messages, easy read with a picture beside each (shown on the slides).
    "key_messages",
    # Local: the version and release date (or "development version") on every page.
    "versioning",
    # Local: the search, one entry a section, ranked, with synonyms, from file:// too.
    "section_search",
    # Local: the facilitator training course (units, schedule, knowledge checks, role plays).
    "training",
    # Local: the sidebar lists the manual's parts and the pages of the part being read.
    "sidebar_tree",
]

language = "en"
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# Every unresolved reference is a warning, and the Makefile turns warnings into errors.
nitpicky = True
# No warning is tolerated; a warning that must be, goes here with its reason,
# and tests/test_build.py checks that each entry carries a comment.
suppress_warnings: list[str] = [
    "myst.topmatter",  # curriculum.py reports bad front matter once, with its line and what to do
]

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = [
    "colon_fence",  # ::: fences for handouts and sphinx-design blocks
    "deflist",
    "attrs_inline",
]
# Labels are written by hand before every title; no automatic heading anchors.
myst_heading_anchors = 0

# -- sphinxcontrib-bibtex ----------------------------------------------------

# Relative to this file, not to docs/.
bibtex_bibfiles = ["docs/reference/references.bib"]
# _ext/bibliography_style.py: entries are labelled and cited "(Author, year)",
# a and b telling apart two of the same author and year; titles keep their
# capitals; every citation links to its entry, "cite-KEY".
bibtex_default_style = "manual-author-year"
bibtex_reference_style = "label-round"
bibtex_cite_id = "cite-{key}"

# -- sphinxcontrib-mermaid ---------------------------------------------------

# Not "raw": that pulls mermaid.js from a CDN.  With "svg" the extension adds
# no JavaScript, and the local mermaid_build extension does the rendering.
mermaid_output_format = "svg"
mermaid_cmd = str(ROOT / "node_modules" / ".bin" / "mmdc")

# -- mermaid_build (local) ---------------------------------------------------

# Mermaid's own settings.  htmlLabels off: labels become SVG text, which
# prints, scales and can be found by text search in HTML and PDF.
mermaid_build_config = {
    "theme": "neutral",
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False, "useMaxWidth": True},
    "fontFamily": "DejaVu Sans, Verdana, sans-serif",
}
# Debian's Chromium: puppeteer downloads no browser of its own here.
mermaid_build_puppeteer = {
    # MERMAID_CHROMIUM: another browser where Debian's is not there (Read the Docs).
    "executablePath": os.environ.get("MERMAID_CHROMIUM", CHROMIUM),
    # The same flags as the tools' and tests' Chromium: as root, without a GPU or the network.
    "args": CHROMIUM_ARGS,
}
# Where mermaid-cli and mermaid are installed: their versions are part of the cache key.
mermaid_build_node_modules = str(ROOT / "node_modules")
# Outside _build, so that `make clean` keeps rendered diagrams.
mermaid_build_cache = str(ROOT / ".cache" / "mermaid")

# -- versioning (local) -----------------------------------------------------

# Release sections ("## 1.0.0 — 2026-11-25") say which versions were released, and when.
versioning_changelog = str(ROOT / "CHANGELOG.md")

# -- section_search (local) -------------------------------------------------

# Synonyms and the common words a question leaves out: _ext/search-words.toml.
# How much a section's matches count, by "docname#anchor" pattern: a facilitator's
# question is answered by the guide and the reference, not by the easy-read
# handouts (written for group members), the short glossary entries (each links
# to its full section) or the change history (which repeats every page's words).
section_search_weights = {
    "changelog#*": 0.3,
    "exercises/*#handout": 0.5,
    "reference/glossary#term-*": 0.7,
    "facilitator-guide/*": 1.2,
    # The course is read before a group, not searched during one: its role plays and units
    # name the same situations as the guide, which is what a facilitator needs mid-session.
    "training/*": 0.5,
    # The answers page gathers every unit's knowledge checks; each unit's list points to it.
    "training/units/*#knowledge-checks": 0.5,
}

# -- HTML --------------------------------------------------------------------

html_theme = "furo"
# _templates/page.html: furo's page with a footer that links nowhere outside the manual.
templates_path = ["_templates"]
html_title = f"{project} {release}"
html_static_path = ["_static"]
html_css_files = ["manual.css"]
# The revision bar's height for the sticky bar, and the contents list's marker of the section in view.
html_js_files = ["page-navigation.js"]
html_theme_options = {
    # Shows furo's announcement bar; _templates/page.html fills it with the revision line.
    "announcement": "revision",
    # Furo fetches nothing from the network; keep it that way.
    "navigation_with_keys": True,
}
html_last_updated_fmt = None
# No copies of the Markdown sources in the site: facilitators never need them
# (the repository holds them), the offline zip is smaller, and furo's "View
# this page" link, which sat outside every landmark, goes with them.
html_copy_source = False
# No general index page: its only entries would be the glossary terms, which
# the glossary lists and the search finds; furo links no index, and writing it
# cost every rebuild a quarter of a second.
html_use_index = False

# -- Slides (make slides; _ext/slides.py) ------------------------------------

# One reveal.js deck a session, built by `make slides` (`-b slides -t slides`) into a folder of its
# own.  Only that build loads the extension and sphinx-revealjs (which reads pages one at a time):
# the manual's HTML and PDF are built exactly as without them.
if tags.has("slides"):  # noqa: F821 (Sphinx gives conf.py its tags)
    extensions.append("slides")
    # The decks' page template and stylesheet, instead of the manual's furo overrides.
    templates_path = ["_slides"]
    revealjs_static_path = ["_slides/static"]
    revealjs_css_files = ["slides.css"]
    # reveal.js's own, from inside the package: fonts and all, nothing from the web.
    revealjs_style_theme = "white"
    revealjs_script_plugins = [{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}]
    revealjs_script_conf = {
        "width": 1280,
        "height": 720,
        "margin": 0.04,
        "center": False,
        "hash": True,
        # The arrow keys go through every slide, in order.
        "navigationMode": "linear",
        # No movement between slides; the slide number for the facilitator.
        "transition": "none",
        "backgroundTransition": "none",
        "slideNumber": "c/t",
        "controlsTutorial": False,
    }

# -- LaTeX -------------------------------------------------------------------

# XeLaTeX prints curly quotes, dashes and any Unicode in the source correctly.
latex_engine = "xelatex"
latex_documents = [
    (root_doc, "internet-offending-module.tex", f"{project} facilitator manual", author, "manual"),
]
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # Diagrams stay with their section: no floating to the next page.
    "figure_align": "H",
    # One-sided: no blank pages left before chapters.
    "extraclassoptions": "openany,oneside",
    # Diagrams are never taller than two thirds of a page, so they stay with their heading.
    "preamble": r"\makeatletter\AtBeginDocument{\spx@image@maxheight=0.66\textheight}\makeatother",
}
# xindy is not needed: the manual has no index entries in other scripts.
latex_use_xindy = False
