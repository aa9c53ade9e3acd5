# Safeguards: `make run` sets everything up and serves the app; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt build-constraints.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run on every core; a file's tests stay together so module fixtures are made once.
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: install system-packages setup run test test-postgres test-scale e2e lint format bench clean-venv

$(STAMP): requirements.txt build-constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "Safeguards needs Python 3.11 or later; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Choose another with: make run PYTHON=python3.13"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=$(CURDIR)/build-constraints.txt $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Debian packages the tests need (Chromium, PDF libraries): installed when root, else one line saying how.
system-packages:
	@bash scripts/system-packages.sh

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_frameworks
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py setup_demo

run: setup
	@echo "Serving Safeguards on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/gunicorn safeguards.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --keep-alive 0 --access-logfile -

test: install system-packages
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install system-packages
	bash scripts/test-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

# Two app instances on PostgreSQL and SeaweedFS (S3) under a locust load, then the checks;
# SCALE_ARGS="--users 50 --run-time 60s" changes the load (scripts/scale_run.py --help).
test-scale: install system-packages
	bash scripts/test-scale.sh $(SCALE_ARGS)

e2e: install system-packages
	$(BIN)/pytest tests/e2e -m e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	bash bench/run_all.sh

clean-venv:
	rm -rf $(VENV)
