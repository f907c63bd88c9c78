# Gatehouse developer commands. `make run` and `make test` are the README's two commands.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run test fuzz lint format migrations-check bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Embedded default (SQLite under var/, in-process cache), demo data, dev server.
run: install
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py seed_data
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite; DATABASE_URL / REDIS_URL select PostgreSQL and Redis.
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Schemathesis over every operation of a live server; FUZZ_EXAMPLES for longer runs.
FUZZ_EXAMPLES ?= 15
FUZZ_SEED ?= 20261203
fuzz: install-dev
	$(BIN)/python tests/fuzz/run.py --examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install-dev
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
