# Kelas ASN — `make run` starts the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install test-deps translations translations-update clean

# What running needs; the test tools come with `make test` only.
$(BIN)/lms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/lms

$(VENV)/.test-tools: $(BIN)/lms
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/lms translations

translations: $(BIN)/lms
	$(BIN)/pybabel compile -d lms/translations 2>&1 | grep -v "^compiling" || true

# Re-extract the msgids (Bahasa Indonesia) and merge them into every catalogue.
# --ignore-dirs keeps templates/_macros/ in: by default pybabel skips "_*" directories.
translations-update: $(BIN)/lms
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.* __pycache__' \
	  --project='Kelas ASN' -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations

run: install
	$(BIN)/lms init-db
	$(BIN)/lms import courses/*/
	$(BIN)/lms seed-demo
	@echo "Kelas ASN: http://$(HOST):$(PORT)  (demo accounts: see README.md)"
	$(BIN)/lms serve --host $(HOST) --port $(PORT)

# Ralph (PyPI ralph-malph), a real Learning Record Store for the xAPI test
# (tests/xapi/test_xapi_ralph.py), in a virtualenv of its own: its pinned FastAPI and pydantic
# never meet the app's. About 90 MB, half a minute from the package index.
RALPH_VENV := .venv-ralph
RALPH_VERSION := 5.1.0

$(RALPH_VENV)/.installed:
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet 'ralph-malph[cli,lrs]==$(RALPH_VERSION)' requests
	touch $@

# Chromium and its driver come from Debian's packages (never a downloaded browser), and so
# does LibreOffice Calc, which opens and saves the exports in the spreadsheet tests.
test-deps: $(RALPH_VENV)/.installed
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi; \
	if [ ! -x /usr/bin/soffice ]; then \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; \
	fi

# The suite runs on every core (pytest-xdist; each worker has its own database):
# TEST_WORKERS=0 runs it in this one process. Python keeps the compiled modules and pytest the
# rewritten tests in __pycache__ (ignored by git) even where PYTHONDONTWRITEBYTECODE is set:
# without them every worker, and every `lms` the tests start, compiled them all again.
TEST_WORKERS ?= auto
test: install $(VENV)/.test-tools test-deps
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Start again from scratch: the virtualenv and the instance folder (database, uploads, keys).
clean:
	rm -rf $(VENV) $(RALPH_VENV) instance
