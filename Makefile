# Two commands on a bare machine: `make site` and `make test`. Each sets up what it needs:
# a virtual environment with the pinned requirements and this package, and (for tests)
# Debian's Chromium and Graphviz, installed with apt-get when run as root.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FTM_VENV := .venv-ftm

.PHONY: site test lint typecheck serve validate generate new bench check-ftm check-sources screenshots system-deps clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Debian packages the build and the tests use: one place, one message when they cannot be installed.
# IS_ROOT can be overridden (tests do) to see the message a non-root user gets.
DEB_COMMANDS := chromium:chromium dot:graphviz
IS_ROOT ?= $(shell [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && echo yes)
system-deps:
	@missing=""; for pair in $(DEB_COMMANDS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing; run: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

## site: validate the cards, generate the pages and build the site into site/
site: $(STAMP) system-deps
	$(PY) -m build_scripts site

# axe-core for the accessibility tests, pinned by tests/axe/package-lock.json, from the npm registry.
AXE := tests/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing; run: sudo apt-get install npm" >&2; exit 1; }
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	touch $@

## test: lint, type-check and run the whole test suite (headless Chromium and axe-core included)
test: $(STAMP) system-deps $(AXE) lint typecheck
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check build_scripts tests

typecheck: $(STAMP)
	$(VENV)/bin/mypy

## serve: preview with live reload; saving a card under entities/ updates the pages that show it
serve: $(STAMP) system-deps
	$(PY) -m build_scripts serve

## validate: check every card and print each problem as path:line:col
validate: $(STAMP)
	$(PY) -m build_scripts validate

## generate: write the Markdown pages under docs/ without building the site
generate: $(STAMP) system-deps
	$(PY) -m build_scripts generate

## new: write a card skeleton, e.g. make new KIND=company NAME="Terra Tech"
new: $(STAMP)
	$(PY) -m build_scripts new "$(KIND)" "$(NAME)"

## bench: benchmark generator and MkDocs at 1,000 and 10,000 synthetic cards
bench: $(STAMP) system-deps
	$(PY) -m build_scripts bench

## check-sources: quotes verbatim and no copied passages, against the editors' source texts (not published)
SOURCE_TEXTS ?= ../shared/seeds
check-sources: $(STAMP)
	@if [ -d "$(SOURCE_TEXTS)" ]; then $(PY) -m build_scripts check-sources "$(SOURCE_TEXTS)" --cards entities; \
	else echo "check-sources: skipped, no folder of source texts at $(SOURCE_TEXTS) (set SOURCE_TEXTS=DIR)"; fi

$(FTM_VENV)/.installed: requirements-ftm.txt
	@if ! dpkg -s libicu-dev pkg-config >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null; \
	  else echo "PyICU needs Debian's libicu-dev and pkg-config; run: sudo apt-get install libicu-dev pkg-config" >&2; exit 1; fi; \
	fi
	$(PYTHON) -m venv $(FTM_VENV)
	$(FTM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-ftm.txt
	touch $@

## check-ftm: validate the FollowTheMoney export against the real FtM model (own virtual environment)
check-ftm: $(STAMP) system-deps $(FTM_VENV)/.installed
	$(PY) -m build_scripts generate --no-progress
	$(FTM_VENV)/bin/python tests/ftm_check.py docs/data/entities.ftm.json

## screenshots: build the site if needed, then full-page screenshots at 1366 and 390 px into screenshots/
screenshots: $(STAMP) system-deps
	@test -f site/index.html || $(PY) -m build_scripts site
	$(PY) tests/screenshots.py

clean:
	rm -rf .bench site docs/data docs/entities docs/browse docs/reference docs/maps docs/embed/map docs/assets/vendor .pytest_cache screenshots
