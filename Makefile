# The only commands anyone needs. Each one creates .venv and installs the package first.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format templates bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/pipeline demo --dir outbox/demo

test: $(INSTALLED) lint
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/ruff format --check pipeline tests bench

format: $(INSTALLED)
	$(BIN)/ruff check --fix pipeline tests bench
	$(BIN)/ruff format pipeline tests bench

bench: $(INSTALLED)
	$(BIN)/python bench/run.py

templates: $(INSTALLED)
	for layout in $$($(BIN)/python -c "from pipeline.layouts import LAYOUTS; print(*LAYOUTS)"); do \
		$(BIN)/pipeline templates --layout $$layout --out workbook_templates || exit 1; \
	done

clean:
	rm -rf $(VENV) outbox/demo outbox/bench
