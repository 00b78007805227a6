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

.PHONY: help install install-python install-assets migrate run serve test lint format lock clean

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned lists change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)
	cp $(NHSUK_DIST)/nhsuk-frontend.min.css $(NHSUK_DIST)/nhsuk-frontend.min.css.map $(VENDOR)/
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

test: install-python install-assets  ## Lint, then run the test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint:  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
