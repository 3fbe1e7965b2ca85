# The README's two commands: `make serve` starts the kit, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8866
DATA ?= var
PYTEST_ARGS ?=

.PHONY: serve test lint install install-test system-packages screenshots clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: $(VENV)/.installed
	$(VENV)/bin/elan serve --port $(PORT) --data-dir $(DATA)

# Debian's chromium drives the browser tests (Playwright never downloads a browser);
# nginx fronts the multi-process test. Installed from Debian's packages when missing.
system-packages:
	@$(PY) -m tests.system_setup

# The code's own checks: lint and format (ruff), the generated parts of pyproject.toml agree with
# the workshops' manifests and the package's folders, the layers' import contracts (import-linter),
# the types of the seams a workshop author touches (mypy, on the files pyproject.toml's [tool.mypy] names).
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m widgets.ops.contracts --check
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

test: $(VENV)/.installed-test system-packages lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Refresh the guide's and README's screenshots from a run of the browser tests.
screenshots: $(VENV)/.installed-test system-packages
	ELAN_UPDATE_SCREENSHOTS=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
