# council — every target sets itself up from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
CATALOGS := $(wildcard council/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test demo install translations lint extract-messages

install: $(STAMP) translations

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Compiled catalogs (.mo) are build output, not committed.
translations: $(STAMP) $(CATALOGS:.po=.mo)

%.mo: %.po
	$(BIN)/pybabel compile -i $< -o $@ --statistics 2>&1 | tail -1

run: install
	$(BIN)/council init --quiet
	$(BIN)/council serve --host 127.0.0.1 --port $(PORT)

demo: install
	$(BIN)/council init --quiet
	$(BIN)/council demo
	$(BIN)/council platform demo

lint: $(STAMP)
	$(BIN)/ruff check council tests bench migrations wsgi.py
	$(BIN)/lint-imports

test: install lint
	$(BIN)/python -m pytest

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o council/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i council/translations/messages.pot -d council/translations --no-fuzzy-matching
