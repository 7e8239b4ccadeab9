# Makefile for the Internet Offending Module facilitator manual.
#
# `make` alone lists the targets.  The first `make html` or `make test` sets
# everything up: Debian packages (apt-get, as root), Python packages in .venv,
# and the Node tools (npm ci).  Later runs install nothing.

PYTHON        ?= python3
VENV          ?= .venv
SPHINXBUILD   ?= $(VENV)/bin/sphinx-build
# Strict everywhere: nitpicky, warnings are errors, and all of them reported.
SPHINXOPTS    ?= -n -W --keep-going -j auto
SOURCEDIR     = docs
BUILDDIR      = _build
CONFDIR       = .
ALLSPHINXOPTS = -c $(CONFDIR) $(SPHINXOPTS) $(O)
PDFNAME       = internet-offending-module.pdf

# Stamps: each one records a finished set-up step, and is older than nothing it depends on.
DEBIAN_STAMP  = $(VENV)/.debian-packages
PYTHON_STAMP  = $(VENV)/.python-packages
NODE_STAMP    = node_modules/.npm-packages

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this list of targets
	@echo "Usage: make <target>"
	@echo
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Any other Sphinx builder works too, e.g. 'make linkcheck' or 'make text'."

.PHONY: setup
setup: $(DEBIAN_STAMP) $(PYTHON_STAMP) $(NODE_STAMP) ## Install what the build needs (the other targets do this first)

$(DEBIAN_STAMP): tools/debian-packages.txt tools/ensure_debian_packages.py
	$(PYTHON) tools/ensure_debian_packages.py tools/debian-packages.txt
	@mkdir -p $(VENV) && touch $@

# The virtual environment is made once; a new requirements.txt is installed into it.
$(PYTHON_STAMP): requirements.txt | $(DEBIAN_STAMP)
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# PUPPETEER_SKIP_DOWNLOAD: mermaid-cli uses Debian's Chromium, never a downloaded browser.
$(NODE_STAMP): package.json package-lock.json | $(DEBIAN_STAMP)
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: html
html: setup ## Build the HTML manual into _build/html
	$(SPHINXBUILD) -M html $(SOURCEDIR) $(BUILDDIR) $(ALLSPHINXOPTS)
	@echo "The manual is at $(BUILDDIR)/html/index.html"

.PHONY: pdf
pdf: setup ## Build the PDF manual with XeLaTeX into _build/latex
	$(SPHINXBUILD) -M latexpdf $(SOURCEDIR) $(BUILDDIR) $(ALLSPHINXOPTS)
	@echo "The PDF manual is at $(BUILDDIR)/latex/$(PDFNAME)"

# Releases: see RELEASE.md.  Built releases are kept in .cache/versions/, by commit.
BRANCH        ?= main
# What `make dist` builds; tools/make_dist.py's ARTEFACTS names the files it then collects.
DIST_TARGETS  ?= pdf offline slides handouts workbook cards posters training

.PHONY: versions
versions: setup ## Every release and main in one site, with a version switcher and tracked changes, into _build/versions
	$(VENV)/bin/python tools/build_versions.py --out $(BUILDDIR)/versions --branch $(BRANCH)

.PHONY: diff
diff: setup ## Tracked changes between two versions (make diff FROM=1.0.0 TO=1.1.0), HTML and PDF, into _build/diff
	$(VENV)/bin/python tools/release_diff.py --out $(BUILDDIR)/diff $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

.PHONY: changes
changes: html ## Print this version's changes by topic: its change-log section and the pages' versionchanged notes
	$(VENV)/bin/python tools/version_changes.py $(BUILDDIR)/html

.PHONY: dist
dist: setup ## Build a release's artefacts, checksums and approval record into dist/ (only at a release tag)
	$(VENV)/bin/python tools/check_release.py --dist
	$(MAKE) clean-html
	$(MAKE) $(DIST_TARGETS)
	$(VENV)/bin/python tools/make_dist.py

.PHONY: clean-html
clean-html:
	rm -rf $(BUILDDIR)/html $(BUILDDIR)/doctrees $(BUILDDIR)/latex $(BUILDDIR)/slides $(BUILDDIR)/slides-doctrees

.PHONY: bench
bench: setup ## How build time and size grow with the content (1, 2, 4 times; BENCHOPTS=--full: 1, 4, 10 and the PDF), against the budget (_build/bench.json)
	$(VENV)/bin/python tools/bench.py $(BENCHOPTS)

.PHONY: livehtml
livehtml: setup ## Rebuild and reload the HTML in a browser while you edit
	$(VENV)/bin/sphinx-autobuild $(SOURCEDIR) $(BUILDDIR)/html $(ALLSPHINXOPTS) \
	  --watch _ext --watch _static --watch CHANGELOG.md

.PHONY: test
test: setup ## Run the tests (they build the manual themselves)
	$(VENV)/bin/python -m pytest tests

# The quick check while writing: the strict build of `make html` (incremental: seconds), then
# the tests over it that need no browser, PDF, git history or fixture builds (pytest.ini).
.PHONY: check
check: html ## Quick check while writing: a strict build and the fast tests (make test runs all)
	MANUAL_TEST_INCREMENTAL=1 $(VENV)/bin/python -m pytest tests -q \
	  -m "not browser and not pdf and not versions and not fixtures and not slides"

.PHONY: clean
clean: ## Remove the built output (the diagram cache in .cache/ stays)
	rm -rf $(BUILDDIR)

.PHONY: requirements
requirements: ## Re-pin requirements.txt from requirements.in (needs the network)
	rm -rf $(BUILDDIR)/pin-venv && $(PYTHON) -m venv $(BUILDDIR)/pin-venv
	$(BUILDDIR)/pin-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned from requirements.in with 'make requirements'; install with 'make html' or 'make test'."; \
	  $(BUILDDIR)/pin-venv/bin/pip freeze; } > requirements.txt

# In the room: the manual offline, the handouts on paper, and screenshots to check both by eye.
.PHONY: offline handouts screenshots training
offline: html slides handouts ## Zip the HTML manual, with the slides and the handouts PDF, for use without a network, into _build/offline
	$(VENV)/bin/python tools/make_offline_zip.py $(BUILDDIR)/html $(BUILDDIR)/offline --slides $(BUILDDIR)/slides/html \
	  --handouts $(BUILDDIR)/handouts

# The slides for the room: one reveal.js deck a topic (a session), from the topic pages, by the
# `slides` builder (_ext/slides.py, loaded with -t slides only), with doctrees of its own, so
# that the manual's HTML and PDF are never touched.  No -j: sphinx-revealjs reads pages one at a
# time, and Sphinx warns (an error under -W) when asked to read them in parallel.
SLIDESOPTS    ?= -n -W --keep-going
.PHONY: slides
slides: setup ## One slide deck a session for the room (key messages, diagrams, prompts, speaker notes), in _build/slides
	$(SPHINXBUILD) -b slides -t slides -d $(BUILDDIR)/slides-doctrees -c $(CONFDIR) $(SLIDESOPTS) $(O) \
	  $(SOURCEDIR) $(BUILDDIR)/slides/html
	$(VENV)/bin/python tools/make_slides_zip.py $(BUILDDIR)/slides/html $(BUILDDIR)/slides
	@echo "The decks are listed in $(BUILDDIR)/slides/html/index.html"

handouts: html ## Print every exercise's handout into one A4 PDF, into _build/handouts
	$(VENV)/bin/python tools/make_handouts_pdf.py $(BUILDDIR)/html $(BUILDDIR)/handouts

# For the group: a workbook for each group member, cut-out cards and posters of the diagrams.
.PHONY: workbook cards posters
workbook: html ## A group member's workbook (cover, contents, every handout, words with pictures), one A4 PDF in _build/workbook
	$(VENV)/bin/python tools/make_workbook.py $(BUILDDIR)/html $(BUILDDIR)/workbook

cards: html ## The exercises' cut-out cards, large print, eight to an A4 sheet with crop marks, in _build/cards
	$(VENV)/bin/python tools/make_cards.py $(BUILDDIR)/html $(BUILDDIR)/cards

posters: html ## Every diagram as an A3 poster with its caption, vector, in _build/posters
	$(VENV)/bin/python tools/make_posters.py $(BUILDDIR)/html $(BUILDDIR)/posters

training: html ## Print the facilitator training course (workbook, trainer's pack, answers) into one A4 PDF, into _build/training
	$(VENV)/bin/python tools/make_training_pdf.py $(BUILDDIR)/html $(BUILDDIR)/training

screenshots: handouts ## Screenshots of pages, a printed exercise and the handouts PDF, into _build/screenshots
	$(VENV)/bin/python tools/make_screenshots.py $(BUILDDIR)/html $(BUILDDIR)/handouts $(BUILDDIR)/screenshots

# Source files are never targets of the catch-all below.
Makefile requirements.txt package.json package-lock.json \
  tools/debian-packages.txt tools/ensure_debian_packages.py: ;

# Catch-all: any other target is a Sphinx builder ("make text", "make linkcheck", ...).
%: setup
	$(SPHINXBUILD) -M $@ $(SOURCEDIR) $(BUILDDIR) $(ALLSPHINXOPTS)
