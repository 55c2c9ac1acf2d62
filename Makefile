# Each target is one command over the project's virtual environment (.venv, made by the
# README's second command). CONTRIBUTING.md says when to run which.
BIN := .venv/bin
# `make bench BENCH="--only startup warm"` runs some figures; `make demo DEMO_LANG=en`.
BENCH ?=
DEMO_LANG ?= ja

.PHONY: check lint types snapshots bench demo

# The whole suite, as CI runs it (it also runs lint and types: tests/test_project.py).
check:
	$(BIN)/pytest

# ruff's lint and format check, and the layer contracts (import-linter).
lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

# mypy with pyproject.toml's settings: strict for domain, fleet, api and local.
types:
	$(BIN)/python -m mypy

# Rewrite the SVG snapshots after a deliberate change to a screen; look at the SVGs first.
snapshots:
	$(BIN)/pytest tests/tui/test_snapshots.py tests/tui/test_dialog_snapshots.py tests/tui/test_checklist_snapshots.py --snapshot-update

# Every figure against its baseline (bench/README.md).
bench:
	$(BIN)/python -m bench $(BENCH)

# The TUI on the reference server with a 5,000-device demo fleet.
demo:
	$(BIN)/mobitui demo --lang $(DEMO_LANG)
