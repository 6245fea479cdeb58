# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: site test serve validate generate new bench check-ftm clean

FTM_VENV := .venv-ftm

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## site: validate the cards, generate the pages and build the site into site/
site: $(STAMP)
	$(PY) -m build_scripts site

## test: run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

## serve: preview with live reload; editing a card under entities/ updates it
serve: $(STAMP)
	$(PY) -m build_scripts generate
	$(VENV)/bin/mkdocs serve --livereload --dirty

## validate: check every card and print each problem as path:line:col
validate: $(STAMP)
	$(PY) -m build_scripts validate

## generate: write the Markdown pages under docs/ without building the site
generate: $(STAMP)
	$(PY) -m build_scripts generate

## new: write a card skeleton, e.g. make new KIND=company NAME="Terra Tech"
new: $(STAMP)
	$(PY) -m build_scripts new "$(KIND)" "$(NAME)"

## bench: benchmark generator and MkDocs at 1,000 and 10,000 synthetic cards (about 20 minutes)
bench: $(STAMP)
	$(PY) -m build_scripts bench

$(FTM_VENV)/.installed: requirements-ftm.txt
	$(PYTHON) -m venv $(FTM_VENV)
	$(FTM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-ftm.txt
	touch $@

## check-ftm: validate the FollowTheMoney export against the real FtM model (own virtual environment)
check-ftm: $(STAMP) $(FTM_VENV)/.installed
	$(PY) -m build_scripts generate --no-progress
	$(FTM_VENV)/bin/python tests/ftm_check.py docs/data/entities.ftm.json

clean:
	rm -rf .bench site docs/data docs/entities docs/browse docs/reference docs/maps docs/assets/vendor .pytest_cache
