# Commonroom: `make demo` serves the demo, `make test` runs every check.
# Python 3.12 is chosen by .python-version (pyenv); PYTHON overrides it.

PYTHON ?= python
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes: one per core by default (pytest-xdist); JOBS=0 runs in one.
JOBS ?= auto
export COMMONROOM_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo serve test lint check e2e messages install install-dev lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 12) else f"Commonroom needs Python 3.12, {sys.executable} is {v[0]}.{v[1]}: install it (pyenv install 3.12) or set PYTHON=")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements.lock pins every dependency to the versions CI tested, so a
# fresh machine installs the same set; `make lock` refreshes it.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	$(MAKE) --no-print-directory messages
	@touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
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

# Test files are spread over the processes whole (--dist loadfile), so each
# keeps its module fixtures (one browser per journey module).
check: install-dev
	$(BIN)/pytest -n $(JOBS) --dist loadfile

# Re-resolves the newest versions pyproject.toml allows and pins them.
lock: | $(BIN)/python
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --upgrade pip
	$(VENV)-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Pinned by 'make lock' from pyproject.toml; used as pip constraints (-c)."; \
	  $(VENV)-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock
	rm -rf $(VENV)-lock

# Browser journeys alone (they also run in `make test` when Chromium is present).
e2e: install-dev
	$(BIN)/pytest tests/e2e

test: lint check

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
