"""The TUI's own settings: ``settings.toml`` in the config directory, next to profiles.toml.

.. code-block:: toml

    theme = "nord"            # the theme last chosen from the command palette

    [keymap]                  # binding id = keys (comma-separated), e.g. F2 for the menu
    "main.menu" = "f2"
    "app.quit" = "ctrl+q"

Unlike the profiles file, nothing here decides which server a password goes to, so a broken
file never stops the TUI: what cannot be used is named in :attr:`UiSettings.notices` (shown
once the TUI is up) and left out; the file itself is left as it is. Binding ids and theme
names are checked by the TUI, which knows them (:mod:`mobitui.tui.preferences`). The file is
written through :mod:`mobitui.local.private_files` (whole, fsync'd, 0600); saving the theme
keeps every other key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from mobitui.local import private_files
from mobitui.local.paths import ConfigError, config_dir
from mobitui.local.private_files import PrivateFileError
from mobitui.local.problem import toml_problem

SETTINGS_FILE = "settings.toml"
#: One key of a binding: ``f2``, ``ctrl+q``, ``question_mark``, ``A`` (Textual's names).
_KEY = re.compile(r"^[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*$")


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


@dataclass(frozen=True, slots=True)
class Notice:
    """Something in the file that was not used: which file, the catalogue key, its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class UiSettings:
    """What the file holds that can be used, and what could not be (``notices``)."""

    path: Path
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    #: Entries of ``[keymap]`` that are not a binding id and keys, as ``id = value`` text.
    bad_keymap: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    #: The file could not be read as TOML: it is never rewritten (the admin's text is kept).
    broken: bool = False


def valid_keys(value: str) -> bool:
    """``value`` is one or more keys separated by commas (``"f2"``, ``"m,f2"``)."""
    parts = value.split(",")
    return bool(value) and all(_KEY.match(part.strip()) for part in parts)


def _read(path: Path) -> dict[str, Any]:
    """The file's table ({} when missing); :class:`ConfigError` when it cannot be used."""
    try:
        raw = private_files.read_private(path)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError.of(private_files.failure(path, "read", exc)) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError.of(PrivateFileError.refused(path, "not_utf8")) from None
    except tomllib.TOMLDecodeError as exc:
        raise toml_problem(ConfigError, path, exc) from None


def load_ui_settings(path: Path | None = None) -> UiSettings:
    """The settings of ``path`` (default: ``settings.toml`` in the config dir); never raises."""
    path = path or settings_path()
    found = UiSettings(path)
    try:
        data = _read(path)
    except ConfigError as exc:
        found.broken = True
        found.notices.append(
            Notice("setup.settings_unreadable", {"path": str(path), "detail": exc})
        )
        return found
    theme = data.get("theme")
    if isinstance(theme, str) and theme:
        found.theme = theme
    elif theme is not None:
        found.notices.append(Notice("setup.theme_unknown", {"path": str(path), "name": str(theme)}))
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        found.bad_keymap.append(f"keymap = {keymap!r}")
        keymap = {}
    for binding, keys in keymap.items():
        if isinstance(keys, str) and valid_keys(keys):
            found.keymap[binding] = ",".join(part.strip() for part in keys.split(","))
        else:
            found.bad_keymap.append(f"{binding} = {keys!r}")
    return found


def save_theme(theme: str, path: Path | None = None) -> Path:
    """Write ``theme`` into the file, keeping every other key; :class:`ConfigError` when the
    file cannot be read (it is then left alone) or written."""
    path = path or settings_path()
    data = _read(path)
    if data.get("theme") == theme:
        return path
    data["theme"] = theme
    try:
        private_files.write_atomic(path, tomli_w.dumps(data).encode("utf-8"))
    except PrivateFileError as exc:
        raise ConfigError.of(exc) from None
    return path
