# No Surprises: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
HOST ?= 127.0.0.1
NHSUK_DIST := node_modules/nhsuk-frontend/dist/nhsuk
VENDOR := static/vendor/nhsuk

.PHONY: bench help install install-python install-assets browser-deps migrate run serve test test-browser \
	security-scan lint format lock clean

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned lists change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# npm packages: nhsuk-frontend (assets), axe-core and vnu-jar (test gates). --ignore-scripts:
# vnu-jar's postinstall would download a Java runtime; the tests use the machine's java.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $@

# The stylesheet points at its icons as /assets/images/…; here they are served beside it.
$(VENDOR)/.copied: node_modules/.installed Makefile
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)
	sed 's|url(/assets/|url(assets/|g' $(NHSUK_DIST)/nhsuk-frontend.min.css > $(VENDOR)/nhsuk-frontend.min.css
	cp $(NHSUK_DIST)/nhsuk-frontend.min.css.map $(VENDOR)/
	cp $(NHSUK_DIST)/nhsuk-frontend.min.js $(NHSUK_DIST)/nhsuk-frontend.min.js.map $(VENDOR)/
	cp -R $(NHSUK_DIST)/assets $(VENDOR)/assets
	touch $@

install-python: $(VENV)/.installed

install-assets: $(VENDOR)/.copied

install: install-python install-assets migrate  ## Set up: virtualenv, Python and npm packages, database migrations

migrate: install-python  ## Apply database migrations (SQLite under instance/ unless DATABASE_URL is set)
	@mkdir -p instance
	$(FLASK) db upgrade

run: install  ## Install, load demo data, start the app on http://127.0.0.1:$(PORT) and the reminder scheduler
	@$(FLASK) demo-data
	@echo
	@echo "  No Surprises is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: demo-password-1):"
	@echo "    admin@example.org    admin"
	@echo "    leader@example.org   leader"
	@echo "    pa@example.org       PA assisting the leader"
	@echo "    manager@example.org  manager"
	@echo "    viewer@example.org   viewer"
	@echo "  Reminder emails go to $${MAIL_SERVER:-127.0.0.1}:$${MAIL_PORT:-25} (see README: Reminders)."
	@echo "  Press Ctrl-C to stop (the web server and the reminder scheduler)."
	@echo
	@PORT=$(PORT) $(FLASK) dev --host $(HOST) --port $(PORT)

serve: install  ## Production-style serving with gunicorn (configure with environment variables)
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

# The browser tests drive Debian's chromium (never a browser downloaded by Playwright) and
# the Nu Html Checker needs Java. Install them with apt when they are missing.
browser-deps:  ## Install Debian's chromium and a Java runtime when missing (for browser tests)
	@command -v chromium >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	@command -v java >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y default-jre-headless)

security-scan: install-python  ## bandit (medium severity and up) and pip-audit on requirements.txt
	$(BIN)/bandit --quiet --recursive --severity-level medium tracker app.py config.py
	$(BIN)/python .ci/pip_audit.py requirements.txt

test: install-python install-assets browser-deps security-scan lint  ## Lint, security scan, then the whole suite incl. browser tests
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: install-python install-assets browser-deps  ## Only the real-browser journeys and page gates
	$(BIN)/pytest tests/browser $(PYTEST_ARGS)

bench: install  ## Benchmark at national scale (SQLite; PostgreSQL too with BENCH_DATABASE_URL); not part of make test
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install-python  ## ruff (incl. complexity), format check, layer contracts (import-linter), mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format:  ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock:  ## Re-pin requirements*.txt from the source list in pyproject.toml
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet .
	echo "# Pinned runtime dependencies (source list: pyproject.toml). Regenerate with \`make lock\`." > requirements.txt
	.venv-lock/bin/pip freeze --exclude no-surprises >> requirements.txt
	@echo "Now update requirements-dev.txt for the [dev] extras the same way."
	rm -rf .venv-lock

clean:  ## Remove the virtualenv, node_modules and built assets (keeps instance/)
	rm -rf $(VENV) node_modules static/vendor
