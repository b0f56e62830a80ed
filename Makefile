# Every habit of the project. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help install messages run test lint format worker migrations-check bench vendor backup restore pitr-drill loadtest

help:
	@echo "make run      set up everything (venv, install, migrate, demo data) and serve on :$(PORT)"
	@echo "make test     run the whole test suite (PostgreSQL if DATABASE_URL is set, else SQLite)"
	@echo "make lint     ruff check + format check + mypy + djLint + migrations check"
	@echo "make worker   a Celery worker with beat (needs REDIS_URL)"
	@echo "make bench    roll-ups, dashboard and visits API at 1/4, 1/2 and full province scale (PostgreSQL)"
	@echo "make loadtest a bounded locust load against gunicorn (PostgreSQL); LOADTEST_ARGS=--seconds 60"

$(BIN)/.installed: pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# .po files live in the repo; .mo files are built here, never committed.
messages: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

# A developer's machine: DEBUG on unless said otherwise (seed_demo refuses a DEBUG-off database).
run: export DEBUG := $(or $(DEBUG),true)
run: messages
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/djlint templates --lint
	$(MANAGE) makemigrations --check --dry-run

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: without it tasks run in-process."; exit 1; }
	$(BIN)/celery -A thainguyen_portal worker --beat --loglevel=info

# Needs DATABASE_URL=postgres://…; works in its own <name>_bench database. BENCH_ARGS e.g.
# "--scales province --runs 5". Prints the figures and writes var/bench.json.
bench: messages
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Front-end packages: installed from package-lock.json, the files the pages use copied into
# static/vendor/ (committed, so `make run` needs no npm and the portal no CDN). Source-map
# references are stripped: the maps are not shipped, and the production build (collectstatic
# with the manifest) refuses a reference to a missing file. axe-core, which only the browser
# tests inject into pages, goes to tests/vendor/.
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/chart.js tests/vendor/axe-core
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md static/vendor/chart.js/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/vendor/axe-core/
	sed -i '/^\/\/# sourceMappingURL=/d' static/vendor/chart.js/chart.umd.min.js tests/vendor/axe-core/axe.min.js

# PostgreSQL backups (pg_dump custom format) into var/backups/, and back:
#   make backup                 make restore FILE=var/backups/portal-….dump.gpg [INTO=postgres://…]
# (BACKUP_KEY set: the files are encrypted with it, and restore checks it opens them)
backup: install
	$(MANAGE) backup $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "make restore FILE=var/backups/portal-….dump.gpg [INTO=postgres://…]"; exit 1; }
	$(MANAGE) restore $(FILE) $(if $(INTO),--into $(INTO))

# Point-in-time recovery, drilled on a scratch PostgreSQL cluster of its own (WAL archive, base
# backup, a bulk DELETE, recovery to just before it). Needs PostgreSQL's server programs.
pitr-drill: install
	$(MANAGE) pitr_drill $(if $(WORKDIR),--workdir $(WORKDIR))

# Needs DATABASE_URL=postgres://…; works in its own <name>_load database.
loadtest: messages
	$(BIN)/python -m loadtest.run $(LOADTEST_ARGS)
