# Two commands for a new user: `make run` (console with demo data on SQLite) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
export PARCELBACK_DATA_DIR ?= var

.PHONY: install run test test-fast migrate demo clean bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/parcelback migrate --noinput -v 0

demo: migrate
	$(BIN)/parcelback demo

# One background worker (webhooks, deadline sweep) beside the server; Ctrl-C stops both.
run: demo
	$(BIN)/parcelback worker & trap 'kill $$! 2>/dev/null' EXIT; \
	$(BIN)/parcelback serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The inner loop: everything but the browser tests and the benchmark smoke (`make test` and CI run all).
test-fast: install
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

# The benchmark on a scratch SQLite database in var/bench (200,000 orders generated on the first run);
# it writes docs/PERFORMANCE.md. See the README's Performance section for PostgreSQL.
bench: export PARCELBACK_DATA_DIR = var/bench
bench: export DATABASE_URL =
bench: install
	$(BIN)/parcelback migrate --noinput -v 0
	$(BIN)/parcelback bench --generate 200000

clean:
	rm -rf $(VENV) var
