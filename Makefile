# Scarpette Rosse: `make run` starts the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test test-postgres backup-check smoke lint messages clean demo-reset

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

messages: $(VENV)/.installed
	@bash scripts/ensure_system_packages.sh gettext
	SCARPETTE_ENV=test $(PY) manage.py compilemessages --ignore=.venv --verbosity=0

run: $(VENV)/.installed messages
	@bash scripts/ensure_system_packages.sh fonts-wqy-microhei
	SCARPETTE_ENV=demo $(PY) manage.py migrate --noinput --verbosity=0
	SCARPETTE_ENV=demo $(PY) manage.py load_demo
	@echo "Serving http://127.0.0.1:$(PORT)  (tablet: /t/  mails sent: /posta-demo/)  Ctrl-C to stop"
	SCARPETTE_ENV=demo MFA_REQUIRED=$${MFA_REQUIRED:-0} $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload --skip-checks

test: $(VENV)/.installed-dev messages
	@bash scripts/ensure_system_packages.sh chromium fonts-wqy-microhei poppler-utils
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev messages
	@bash scripts/ensure_system_packages.sh chromium fonts-wqy-microhei poppler-utils
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/scarpette} $(VENV)/bin/pytest $(PYTEST_ARGS)

# On a PostgreSQL server (PGHOST, PGPORT, PGUSER; default postgres@127.0.0.1:5432): docs/operations.md
backup-check: $(VENV)/.installed
	PY=$(PY) bash scripts/backup_restore_check.sh

smoke: $(VENV)/.installed messages
	PY=$(PY) bash scripts/smoke_production.sh

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

demo-reset:
	rm -f var/scarpette.sqlite3

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
