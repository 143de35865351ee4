# The only commands anyone needs. Each one creates .venv and installs the package first.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The tests run on both cores (pytest-xdist), each test file in one process.
PYTEST := $(BIN)/pytest -n 2 --dist loadfile
# Run a second time with processes spawned, as Windows and macOS start them (but not the tests
# that start LibreOffice, which the start method does not touch).
SPAWNED_TESTS := tests/test_reading.py tests/test_reading_offsets.py tests/test_checking.py \
	tests/test_cli.py tests/test_hostile.py tests/test_background.py tests/test_killed_runs.py \
	tests/test_portability.py tests/test_rejections.py tests/test_feedback.py \
	tests/test_email_returns.py

.PHONY: demo test test-slow test-all lint format templates bench bench-quick bench-paired clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip uninstall --quiet --yes pipeline 2>/dev/null || true  # its old name
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/pipeline demo --dir outbox/demo

# Every behaviour, in minutes: all but the tests marked slow.
test: $(INSTALLED) lint
	$(PYTEST) -m "not slow"

# The slow end-to-end tier (marked slow: whole demo rounds, LibreOffice over the demo's
# workbook), then the spawned re-run.
test-slow: $(INSTALLED)
	$(PYTEST) -m slow
	PIPELINE_START_METHOD=spawn $(PYTEST) -m "not libreoffice" $(SPAWNED_TESTS)

# Everything: what CI runs.
test-all: test test-slow

lint: $(INSTALLED)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/ruff format --check pipeline tests bench

format: $(INSTALLED)
	$(BIN)/ruff check --fix pipeline tests bench
	$(BIN)/ruff format pipeline tests bench

bench: $(INSTALLED)
	$(BIN)/python bench/run.py

# What a change costs, in about a minute: ratios to floors, against bench/reference.json.
bench-quick: $(INSTALLED)
	$(BIN)/python bench/quick.py

# This checkout against another, in turn (BASE: a worktree of an older commit, with its .venv).
bench-paired: $(INSTALLED)
	$(BIN)/python bench/paired.py $(BASE)

templates: $(INSTALLED)
	for layout in $$($(BIN)/python -c "from pipeline.declare import LAYOUTS; print(*LAYOUTS)"); do \
		$(BIN)/pipeline templates --layout $$layout --out workbook_templates || exit 1; \
	done

clean:
	rm -rf $(VENV) outbox/demo outbox/bench *.egg-info
