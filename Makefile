# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXTRAS ?= dev,postgres,spark

.PHONY: install demo test test-quick lint eval bench clean

$(BIN)/kabar: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	touch $@

install: $(BIN)/kabar

## Ingest and analyze the bundled demo corpus into ./kabar-demo.db and print a summary.
demo: install
	rm -f kabar-demo.db kabar-demo.db-wal kabar-demo.db-shm
	$(BIN)/kabar demo --db sqlite:///kabar-demo.db

## The test suite (reads ../shared by path; skips those tests when it is absent).
test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

## Every evaluation, with its table (needs ../shared).
eval: install
	for task in $$($(BIN)/kabar eval --help | awk '/^  [a-z]/{print $$1}'); do \
		$(BIN)/kabar eval $$task --out benchmarks/out/eval-$$task.json || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info kabar-demo.db*
