# OCOP Platform — developer commands. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python >= 3.12: pyenv's 3.12 if present, else python3.12 on PATH.
PYTHON312 ?= $(shell for p in "$$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python" /root/.pyenv/versions/3.12.1/bin/python "$$(command -v python3.12)"; do [ -x "$$p" ] && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The public address the demo prints and puts in QR codes (stamps, certificates):
# derived from HOST/PORT unless SITE_URL is given (0.0.0.0 listens everywhere;
# the printed links then use 127.0.0.1).
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
ALLOWED_HOSTS ?= 127.0.0.1,localhost$(if $(filter-out 127.0.0.1 localhost 0.0.0.0,$(HOST)),$(comma)$(HOST))
comma := ,
DEV := DEBUG=1 SITE_URL=$(SITE_URL) ALLOWED_HOSTS=$(ALLOWED_HOSTS)
PYTEST_ARGS ?=

.PHONY: help setup deps assets messages db run test test-fast test-e2e fmt lint check bench clean

help:
	@echo "make run       set everything up and serve the demo at http://$(HOST):$(PORT)"
	@echo "                (with the background task worker; both stop together)"
	@echo "                (HOST=0.0.0.0 PORT=8011 make run: another address; SITE_URL follows them)"
	@echo "make test      set everything up and run the whole test suite"
	@echo "make test-e2e  only the browser tests (headless Chromium)"
	@echo "make fmt       format the code (ruff)"
	@echo "make lint      lint and format check (ruff), migrations check"
	@echo "make bench     run the benchmarks under bench/"

$(VENV)/.deps: pyproject.toml uv.lock
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found (pyenv install 3.12.1)"; exit 1; }
	@test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --inexact --quiet --python $(PY)
	@touch $@

deps: $(VENV)/.deps

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: deps node_modules/.package-lock.json
	$(MANAGE) vendor_assets

messages: deps
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

setup: deps assets messages

db: setup
	$(DEV) $(MANAGE) migrate --no-input -v0
	$(DEV) $(MANAGE) createcachetable
	$(DEV) $(MANAGE) load_calendar
	$(DEV) $(MANAGE) load_admin_units
	$(DEV) $(MANAGE) load_product_categories
	$(DEV) $(MANAGE) load_criteria --shipped
	$(DEV) $(MANAGE) load_dossier_rules
	$(DEV) $(MANAGE) load_certification_rules
	$(DEV) $(MANAGE) load_inspection_data
	$(DEV) $(MANAGE) load_national_targets
	$(DEV) $(MANAGE) load_event_topics
	$(DEV) $(MANAGE) load_demo

run: db
	@echo ""
	@echo "OCOP Platform: $(SITE_URL)/   (SQLite in var/, files in var/media/)"
	@$(DEV) $(MANAGE) demo_logins
	@echo "Background tasks (imports, stamps, label sheets, e-mails): a task worker runs beside the server;"
	@echo "periodic jobs (reminders, expiry, dashboards' figures, scan counts) run every minute (log: var/periodic.log)."
	@mkdir -p var
	$(DEV) $(MANAGE) db_worker --no-reload & worker=$$!; \
	(trap 'kill $$! 2>/dev/null; exit 0' TERM; while :; do $(DEV) $(MANAGE) run_periodic; sleep 60 & wait $$!; done) >> var/periodic.log 2>&1 & periodic=$$!; \
	trap 'kill $$worker $$periodic 2>/dev/null; wait $$worker $$periodic 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(DEV) $(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

test-e2e: setup
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

fmt: deps
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

lint: deps
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest -q -rP tests/test_architecture.py

bench: setup
	$(PY) -m bench.run
	$(PY) -m bench.bench_import
	$(PY) -m bench.bench_evaluation
	$(PY) -m bench.bench_concurrency
	$(PY) -m bench.bench_concurrency --pg
	@command -v wrk >/dev/null || { echo "bench_verify and bench_peak need wrk: sudo apt-get install wrk"; exit 1; }
	$(PY) -m bench.bench_verify
	$(PY) -m bench.bench_verify --pg
	@# The national data set needs PostgreSQL (BENCH_PG, default the local server).
	$(PY) -m bench.bench_national
	$(PY) -m bench.bench_portal
	$(PY) -m bench.bench_dashboards
	$(PY) -m bench.bench_peak
	BENCH_VERIFY_NATIONAL=10 $(PY) -m bench.bench_verify
	$(PY) -m bench.backup_roundtrip

clean:
	rm -rf $(VENV) node_modules static/vendor var
