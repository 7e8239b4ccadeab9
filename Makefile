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

$(PYTHON_STAMP): requirements.txt | $(DEBIAN_STAMP)
	$(PYTHON) -m venv $(VENV)
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

.PHONY: versions
versions: setup ## Build every release tag and main into _build/versions, with a version switcher
	$(VENV)/bin/python tools/build_versions.py --out $(BUILDDIR)/versions

.PHONY: dist
dist: setup ## Build the release artefacts (PDF, offline zip, handouts), named with the version, into dist/
	$(VENV)/bin/python tools/check_release.py
	$(MAKE) clean-html
	$(MAKE) pdf offline handouts
	$(VENV)/bin/python tools/make_dist.py

.PHONY: clean-html
clean-html:
	rm -rf $(BUILDDIR)/html $(BUILDDIR)/doctrees $(BUILDDIR)/latex

.PHONY: bench
bench: setup ## How build time and size grow with 1, 4 and 10 times the content, against the budget (_build/bench.json)
	$(VENV)/bin/python tools/bench.py $(BENCHOPTS)

.PHONY: livehtml
livehtml: setup ## Rebuild and reload the HTML in a browser while you edit
	$(VENV)/bin/sphinx-autobuild $(SOURCEDIR) $(BUILDDIR)/html $(ALLSPHINXOPTS) \
	  --watch _ext --watch _static --watch CHANGELOG.md

.PHONY: test
test: setup ## Run the tests (they build the manual themselves)
	$(VENV)/bin/python -m pytest tests

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
.PHONY: offline handouts screenshots
offline: html ## Zip the HTML manual for use without a network, into _build/offline
	$(VENV)/bin/python tools/make_offline_zip.py $(BUILDDIR)/html $(BUILDDIR)/offline

handouts: html ## Print every exercise's handout into one A4 PDF, into _build/handouts
	$(VENV)/bin/python tools/make_handouts_pdf.py $(BUILDDIR)/html $(BUILDDIR)/handouts

screenshots: handouts ## Screenshots of pages, a printed exercise and the handouts PDF, into _build/screenshots
	$(VENV)/bin/python tools/make_screenshots.py $(BUILDDIR)/html $(BUILDDIR)/handouts $(BUILDDIR)/screenshots

# Source files are never targets of the catch-all below.
Makefile requirements.txt package.json package-lock.json \
  tools/debian-packages.txt tools/ensure_debian_packages.py: ;

# Catch-all: any other target is a Sphinx builder ("make text", "make linkcheck", ...).
%: setup
	$(SPHINXBUILD) -M $@ $(SOURCEDIR) $(BUILDDIR) $(ALLSPHINXOPTS)
