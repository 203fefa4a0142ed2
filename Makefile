# Palliare — the two commands: `make run` and `make test`. Needs only Python >= 3.11, make, git.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo $(VENV)/bin/uv)
PO_FILES := $(wildcard src/palliare/*/locale/*/LC_MESSAGES/django.po)
MANAGE := $(PY) manage.py

.PHONY: run test backup-test upgrade-test coverage install serve setup-db lint imports-check format typecheck i18n i18n-check migrations-check check docs-check api-schema api-schema-check clean bench

run: install setup-db serve ## install, migrate, load reference and demo data, serve on $(PORT)

serve:
	@echo "Palliare on http://127.0.0.1:$(PORT)/  (demo accounts: see README.md)"
	DEMO_MODE=true $(MANAGE) runserver 127.0.0.1:$(PORT)

install: $(VENV)/.synced $(VENV)/.compiled

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/bin/uv: | $(VENV)/bin/python
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null
	$(PY) -m pip install --quiet --disable-pip-version-check uv

# Re-sync only when the lock file or the project file changed: a second `make run` is fast.
$(VENV)/.synced: uv.lock pyproject.toml | $(VENV)/bin/python $(if $(findstring $(VENV),$(UV)),$(VENV)/bin/uv)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --inexact --python $(VENV)/bin/python
	@touch $@

# Translations are compiled in Python (no gettext needed), again whenever a catalogue changed.
$(VENV)/.compiled: $(PO_FILES) | $(VENV)/.synced
	$(MANAGE) i18n compile
	@touch $@

# Migrate, load reference data if missing, load the demo region: one process (prepare_demo).
setup-db: install
	DEMO_MODE=true $(MANAGE) prepare_demo

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Backup and restore with the documented commands (docs/operations.md); PostgreSQL too when
# DATABASE_URL points at it.
backup-test: install
	$(PY) -m pytest tests/test_backup_restore.py -n 0 $(PYTEST_ARGS)

# Migrate a database made by the previous release (.ci/previous-release) with this checkout.
upgrade-test: install
	.ci/upgrade_test

# The suite under coverage, then the ratchet: fails below .ci/coverage-floor, raises it if higher.
coverage: install
	$(PY) -m coverage run -m pytest $(PYTEST_ARGS)
	$(PY) .ci/coverage_ratchet.py --update

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	$(VENV)/bin/mypy src

migrations-check: install
	DJANGO_SETTINGS_MODULE=palliare.conf.ci $(MANAGE) makemigrations --check --dry-run

i18n: install
	$(MANAGE) i18n extract

i18n-check: install
	$(MANAGE) i18n check

check: lint imports-check typecheck migrations-check i18n-check docs-check api-schema-check

imports-check: install ## architecture contracts (pyproject.toml [tool.importlinter])
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache

docs-check: install
	$(MANAGE) envvar_docs --check

# The OpenAPI schema committed in docs/api/openapi.yaml must match the code.
api-schema: install
	DJANGO_SETTINGS_MODULE=palliare.conf.ci $(MANAGE) openapi_schema

api-schema-check: install
	DJANGO_SETTINGS_MODULE=palliare.conf.ci $(MANAGE) openapi_schema --check

bench: install
	@ls bench/*.py | sed 's/^/  /'

clean:
	rm -rf $(VENV) var staticfiles
