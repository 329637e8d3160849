# The portal's everyday commands. `make run` and `make test` set everything up on a fresh
# Debian machine with Python 3.11+ (venv module) and make. A new venv takes Python 3.12 when
# the machine has one that runs (on PATH, or installed by pyenv), else python3: with 3.12
# coverage measures through sys.monitoring ([tool.coverage.run] core) and `make test` takes
# about a third less CPU than under 3.11's tracer (bench/README.md). PYTHON=... overrides.
PYTHON ?= $(shell for p in python3.12 $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 \
	2>/dev/null | sort -rV) python3; do $$p -c 'import sys, venv; assert sys.version_info >= (3, 11)' \
	>/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run reminders test lint migrations-check pytest coverage serve backup restore vendor messages clean

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## run: install, migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite),
## with the notice worker (db_worker) beside it; e-mails are printed on the console, their
## links on $(HOST):$(PORT). bin/run_together.py stops both on Ctrl-C, a closed terminal or
## a kill of make (SIGTERM, SIGINT, SIGHUP).
run: $(VENV)/.installed-run
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py reclaim_tasks
	@echo "Cổng thông tin: http://$(HOST):$(PORT)/  (tài khoản admin / demo, phutho / demo, …)"
	exec env $(DEV_ENV) HOST=$(HOST) PORT=$(PORT) $(BIN)/python bin/run_together.py \
	    -- $(BIN)/python manage.py db_worker --no-startup-delay \
	    -- $(BIN)/python manage.py runserver $(HOST):$(PORT)

## reminders: send today's reminders and digests, purge the API's expired idempotency
## keys (production: the systemd timer in deploy/)
reminders: $(VENV)/.installed-run
	$(DEV_ENV) $(BIN)/python manage.py send_reminders
	$(DEV_ENV) $(BIN)/python manage.py purge_idempotency_keys

## test: lint (ruff, and the import contracts of pyproject.toml), check that models and
## migrations agree, run the whole pytest suite with line coverage measured, and check
## each package against its coverage floor
test: lint migrations-check coverage

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

migrations-check: $(VENV)/.installed-test
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# The suite runs on every core (at most 4: the browser tests drive one Chromium per
# worker); on the 2-core CI machine that halves the PostgreSQL run (534 s -> 305 s).
# worksteal: an idle worker takes tests queued on a busy one, so the slow modules (URL
# walk, browser journeys, backups) never leave one worker running alone at the end. The
# first worker migrates; the others copy its database (tests/shared_setup.py).
PYTEST_PARALLEL := -n auto --maxprocesses 4 --dist worksteal
pytest: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_PARALLEL)

## coverage: the suite with coverage (pytest-cov), then bin/coverage_floor.py: one line per
## package, failing under a floor ([tool.coverage-floor] in pyproject.toml); then
## `.venv/bin/coverage report -m` or `coverage html` shows the lines missed
coverage: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_PARALLEL) --cov --cov-report=
	$(BIN)/python bin/coverage_floor.py

## serve: production: collect static files, migrate, then gunicorn on $(HOST):$(PORT) with
## WEB_CONCURRENCY workers (default 3); needs SECRET_KEY and ALLOWED_HOSTS (README)
serve: $(VENV)/.installed-run
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bin/serve

## backup: one timestamped archive in backups/: the configured database (SQLite, or
## pg_dump -Fc) and every stored file (evidence, held imports; folders or the bucket)
backup: $(VENV)/.installed-run
	$(BIN)/python bin/dbbackup.py backup

## restore: make restore FILE=backups/portal-….tar.gz [FORCE=1]: put the database and the
## stored files back, then migrate
restore: $(VENV)/.installed-run
	@if [ -z "$(FILE)" ]; then \
	    echo "make restore FILE=backups/<file> [FORCE=1]: say which backup to restore" >&2; exit 2; fi
	$(BIN)/python bin/dbbackup.py restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)

## vendor: refresh the front-end assets under static/vendor from the npm registry
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* \
	   node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	# The document font of every PDF: Tinos, metric-compatible with Times New Roman (the
	# Word files' font), with the whole Vietnamese alphabet; SIL Open Font License.
	mkdir -p static/vendor/tinos
	for style in 400Regular 400Regular_Italic 700Bold 700Bold_Italic; do \
	  cp node_modules/@expo-google-fonts/tinos/$$style/Tinos_$$style.ttf static/vendor/tinos/; done
	cp node_modules/@expo-google-fonts/tinos/LICENSE_FONT static/vendor/tinos/OFL.txt
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css* \
	   node_modules/swagger-ui-dist/LICENSE static/vendor/swagger-ui/
	# Offline entry (issue 27): Workbox's loader and the modules the service worker uses
	# (production builds with their source maps; cluster_portal/offline.py maps each module
	# to its static URL), and idb over IndexedDB for the pages' drafts.
	mkdir -p static/vendor/workbox static/vendor/idb
	cp node_modules/workbox-sw/build/workbox-sw.js* node_modules/workbox-sw/LICENSE static/vendor/workbox/
	for module in core routing strategies precaching; do \
	  cp node_modules/workbox-$$module/build/workbox-$$module.prod.js* static/vendor/workbox/; done
	cp node_modules/idb/build/umd.js node_modules/idb/LICENSE static/vendor/idb/

## messages: refresh the English translation catalogue (needs gettext)
messages: $(VENV)/.installed-run
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en --no-obsolete --no-location --no-wrap --ignore=.venv --ignore=node_modules
	$(DEV_ENV) $(BIN)/python manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .coverage htmlcov
