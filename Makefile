# Two promises: `make run` (set up, load the sample content, serve on SQLite) and
# `make test` (set up, run the whole suite). PYTHON=/path/to/python3.13 overrides the pick.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest interpreter that is at least 3.12 (Django 6.1 needs it). pyenv shims
# fail for versions not selected, so each candidate is asked to run, not just found.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)

.PHONY: run serve test setup lint format bench-import bench-load clean

$(BIN)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or newer found: install one (e.g. pyenv install 3.13) or run make PYTHON=/path/to/python3.13"; exit 1; fi
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); fi
	@[ -x $(BIN)/python ] || { echo "Creating $(VENV) with $(PYTHON)"; "$(PYTHON)" -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

# axe-core for the browser tests' accessibility checks (package.json); without npm those tests are skipped.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests will be skipped (they need axe-core from npm)"; fi

setup: $(BIN)/.installed node_modules/.installed

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py import_articles sample_content/
	@# Refuses (exit 1, reason shown) when the name is taken by an ordinary account; the site starts anyway.
	DEBUG=1 $(BIN)/python manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/ \
		|| echo "No admin account was set up (see the message above); starting the site anyway."
	@echo "The site: http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production settings under gunicorn (gunicorn.conf.py): needs SECRET_KEY, ALLOWED_HOSTS and SITE_URL
# in the environment (see README). Static files are hashed, compressed and served by WhiteNoise.
serve: setup
	DJANGO_SETTINGS_MODULE=site_config.settings.prod $(BIN)/python manage.py check --deploy --fail-level ERROR
	DJANGO_SETTINGS_MODULE=site_config.settings.prod $(BIN)/python manage.py collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=site_config.settings.prod $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=site_config.settings.prod $(BIN)/gunicorn -c gunicorn.conf.py

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-import: setup
	$(BIN)/python bench/import_bench.py

# Serves with gunicorn (2 workers) and loads pages while 2,000 articles import (bench/load_during_import.py).
bench-load: setup
	$(BIN)/python bench/load_during_import.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache .ruff_cache
