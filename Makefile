# Plannerist — the two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/plannerist
REDIS ?= redis://127.0.0.1:6379/0
CHROMIUM := /usr/bin/chromium

.PHONY: demo test coverage test-embedded test-services browser-deps install install-dev install-load install-audit translations lint bench serve stack load audit clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-load: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[load]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-audit: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[audit]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-load: $(VENV)/.installed-load
install-audit: $(VENV)/.installed-audit

translations: $(VENV)/.installed
	$(PY) manage.py compile_translations

## make demo: install, migrate, seed the demo businesses and serve them on 127.0.0.1:8000
demo: translations
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "\nOpen http://127.0.0.1:8000/ and log in with one of the accounts above.\n"
	DJANGO_DEBUG=1 EMAIL_URL=$${EMAIL_URL:-console://} $(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite, on the embedded default and on PostgreSQL + Redis
## (the browser tests, tests/browser/, run in the embedded pass only: `-m "not browser"` after)
test: install-dev translations browser-deps
	$(MAKE) --no-print-directory test-embedded
	$(MAKE) --no-print-directory test-services

## make coverage: the embedded pass under coverage.py, then the line coverage per file and in all
coverage: install-dev translations browser-deps
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(VENV)/bin/coverage run -m pytest
	$(VENV)/bin/coverage report | tail -n 25

test-embedded:
	@echo "== Embedded default: SQLite, Celery tasks in-process (with the browser tests)"
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(VENV)/bin/pytest

## browser-deps: Debian's Chromium for the browser tests, installed with apt when missing (as root);
## otherwise the browser tests skip, saying why (under CI they fail).
browser-deps:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "== Installing Debian's chromium for the browser tests"; \
		if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }; then \
			if [ -n "$$CI" ]; then echo "Could not install chromium in CI: failing"; exit 1; fi; \
			echo "== Could not install chromium: the browser tests (tests/browser/) will be skipped"; \
		fi; \
	elif [ -n "$$CI" ]; then \
		echo "$(CHROMIUM) missing in CI and cannot install it (needs root and apt-get): failing"; exit 1; \
	else \
		echo "== $(CHROMIUM) missing and cannot install it (needs root and apt-get):"; \
		echo "   the browser tests (tests/browser/) will be skipped; run \`sudo apt-get install -y chromium\` to include them"; \
	fi

test-services:
	@if $(PY) -m plannerist.probe "$(PG_URL)" "$(REDIS)"; then \
		echo "== PostgreSQL and a real Redis broker (browser tests already run in the embedded pass)"; \
		DATABASE_URL="$(PG_URL)" CELERY_BROKER_URL="$(REDIS)" $(VENV)/bin/pytest -m "not browser"; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL or Redis unreachable in CI: failing"; exit 1; \
	else \
		echo "== Skipped the PostgreSQL + Redis run: start them (see .ci/run) to include it"; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .

## make bench: every benchmark of benchmarks/ (the load test at 20 and at 50 users included), figures in benchmarks/README.md
bench: install-dev install-load
	$(PY) benchmarks/run_all.py

## make stack: the docker-compose topology natively, production settings, https://127.0.0.1:8443/
## (STACK_PORT); Ctrl-C stops it. `scripts/stack start|stop|status` runs it in the background.
stack: install
	scripts/stack

## make load: the load test against the stack (started if needed), its ratio budgets checked
## (LOAD_ARGS="--users 20 --duration 60s"; see benchmarks/README.md)
load: install-load
	$(PY) benchmarks/bench_load.py $(LOAD_ARGS)

## make audit: known vulnerabilities of the installed packages (pip-audit on PyPI's advisory
## data: needs the network; scripts/audit says so when it is unreachable); not part of make test
audit: install-audit
	VENV=$(VENV) scripts/audit

serve: translations
	$(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 EMAIL_URL=$${EMAIL_URL:-console://} $(PY) manage.py runserver 127.0.0.1:8000

clean:
	rm -rf $(VENV) var .pytest_cache
