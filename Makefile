# Two commands for a new user (see README):
#   make run    create .venv, install, launch the app on the demo district
#   make test   create .venv, install with test tools, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench build package-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

run: install
	$(BIN)/python main.py

test: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

build: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,build]'
	$(BIN)/python packaging/build.py --self-test

package-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,build]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m slow tests/test_packaging.py

clean:
	rm -rf build dist .pytest_cache .ruff_cache
