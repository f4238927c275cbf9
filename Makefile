# Commonroom: `make demo` serves the demo, `make test` runs every check.
# Python 3.12 is chosen by .python-version (pyenv); PYTHON overrides it.

PYTHON ?= python
VENV ?= .venv
BIN := $(VENV)/bin
export COMMONROOM_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo serve test lint check e2e messages install install-dev clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 12) else f"Commonroom needs Python 3.12, {sys.executable} is {v[0]}.{v[1]}: install it (pyenv install 3.12) or set PYTHON=")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(MAKE) --no-print-directory messages
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(MAKE) --no-print-directory messages
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compile the translation catalogs (needs GNU gettext's msgfmt).
messages: | $(BIN)/python
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	cd src/commonroom && $(CURDIR)/$(BIN)/django-admin compilemessages --verbosity 0

demo: install
	$(BIN)/commonroom demo

serve: install
	$(BIN)/commonroom serve

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/commonroom makemigrations --check --dry-run

check: install-dev
	$(BIN)/pytest

# Browser journeys alone (they also run in `make test` when Chromium is present).
e2e: install-dev
	$(BIN)/pytest tests/e2e

test: lint check

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
