"""The stylesheets are found by one rule, and every one of them is loaded."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mobitui.tui import styles

ROOT = Path(__file__).resolve().parents[2]


def test_every_stylesheet_in_the_folder_is_loaded_and_none_is_missing() -> None:
    on_disk = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert on_disk == sorted(styles.STYLESHEETS)
    assert [Path(p).name for p in styles.stylesheets()] == list(styles.STYLESHEETS)


def test_the_wheel_carries_the_folder_where_the_rule_looks() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include == {"styles": "mobitui/styles"}


def test_a_checkout_uses_the_top_level_folder() -> None:
    assert styles.styles_dir() == ROOT / "styles"


def test_a_missing_stylesheet_fails_at_start_naming_its_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "app.tcss").write_text("")
    monkeypatch.setattr(styles, "styles_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "main.tcss")):
        styles.stylesheets()
