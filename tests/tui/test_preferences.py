"""settings.toml: the theme chosen persists, an unknown one is ignored with a notice, and
``[keymap]`` remaps a binding by its id (the old key no longer triggers it)."""

from __future__ import annotations

import os
import stat
import tomllib

from mobitui.local.paths import config_dir
from mobitui.tui.screens.action_menu import ActionMenu
from tests.tui.helpers import loaded, make_app, shown, until


def write_settings(text: str) -> None:
    config_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    path = config_dir() / "settings.toml"
    path.write_text(text)
    path.chmod(0o600)


async def test_a_theme_chosen_is_saved_0600_and_applied_at_the_next_start(make_server) -> None:
    server = make_server(fleet=30, seed=2, speed=0.0)
    app = make_app(server)
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.theme = "nord"
        path = config_dir() / "settings.toml"
        await until(pilot, path.exists)
    assert tomllib.loads(path.read_text())["theme"] == "nord"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = make_app(server)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_an_unknown_theme_and_bad_keymap_entries_are_named_and_skipped(make_server) -> None:
    write_settings('theme = "no-such-theme"\n[keymap]\n"main.nothing" = "x"\n"main.menu" = 3\n')
    server = make_server(fleet=30, seed=2, speed=0.0)
    app = make_app(server)
    async with app.run_test() as pilot:
        await loaded(pilot)
        shown_texts = [str(n.message) for n in app._notifications]
    assert any("no-such-theme" in text for text in shown_texts)
    assert any("main.nothing" in text and "main.menu" in text for text in shown_texts)
    assert app.theme != "no-such-theme"


async def test_a_remapped_key_opens_the_menu_and_the_old_one_no_longer_does(make_server) -> None:
    write_settings('[keymap]\n"main.menu" = "f2"\n')
    server = make_server(fleet=30, seed=2, speed=0.0)
    app = make_app(server)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("m")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ActionMenu)
        await pilot.press("f2")
        await shown(pilot, ActionMenu)


async def test_a_settings_file_that_is_not_toml_is_named_once_in_japanese(make_server) -> None:
    """Before, the toast named the file twice, the TOML error in English after it."""
    from tests.lang_check import english_sentences

    write_settings('theme = "nord\n')
    app = make_app(make_server(fleet=30, seed=2, speed=0.0), lang="ja")
    async with app.run_test() as pilot:
        await loaded(pilot)
        shown_texts = [str(n.message) for n in app._notifications]
    path = str(config_dir() / "settings.toml")
    (said,) = [text for text in shown_texts if path in text]
    assert said.count(path) == 1 and "1 行目" in said and "既定の設定で起動しました" in said, said
    assert english_sentences(said) == [], said
