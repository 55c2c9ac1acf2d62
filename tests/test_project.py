"""The project's own promises, checked in the suite: layer boundaries and lint.

The architecture (domain ← api ← tui, sim knows only domain) is enforced by import-linter
contracts in pyproject.toml; ruff keeps the style. Both run here so CI fails when either breaks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_layer_contracts_hold() -> None:
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_is_clean() -> None:
    result = _run(str(BIN / "ruff"), "check", "--quiet", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_help_lists_serve() -> None:
    result = _run(sys.executable, "-m", "mobitui", "--help")
    assert result.returncode == 0, result.stderr
    assert "serve" in result.stdout
