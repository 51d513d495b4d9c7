# Two commands for a new user: `make run` (console with demo data on SQLite) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
export PARCELBACK_DATA_DIR ?= var

.PHONY: install run test migrate demo clean

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

clean:
	rm -rf $(VENV) var
