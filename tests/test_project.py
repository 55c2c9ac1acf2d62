"""The project's own promises, checked in the suite: layer boundaries, types and lint.

The layers (docs/architecture.md) are enforced by import-linter contracts in pyproject.toml;
mypy checks the types (strictly in domain, fleet, api and local), ruff the lint and the
format. All of them run here, so CI fails when any breaks, as `make check` and the pre-commit
hooks do on a developer's machine.
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


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", "--quiet", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    """Its settings (files, strict packages, the cache under .mypy_cache) are pyproject.toml's:
    the same run as `make types`, quick once the cache is warm."""
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_help_lists_serve() -> None:
    result = _run(sys.executable, "-m", "mobitui", "--help")
    assert result.returncode == 0, result.stderr
    assert "serve" in result.stdout
