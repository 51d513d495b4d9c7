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

# Front-end packages the browser tests use (axe-core), from the npm registry per package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

migrate: install
	$(BIN)/parcelback migrate --noinput -v 0

demo: migrate
	$(BIN)/parcelback demo

# One background worker (webhooks, deadline sweep) beside the server, started again when it fails (exits non-zero
# or is killed); Ctrl-C stops both. Webhooks may go to private addresses here only: the local demo receiver runs on 127.0.0.1.
run: export PARCELBACK_WEBHOOK_ALLOW_PRIVATE = 1
run: demo
	( trap 'kill $$worker 2>/dev/null; exit 0' TERM; \
	  while :; do $(BIN)/parcelback worker & worker=$$!; wait $$worker && break; \
	    echo "parcelback worker exited ($$?); starting it again in 2 s" >&2; sleep 2; done ) & \
	trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
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
	rm -rf $(VENV) var node_modules
