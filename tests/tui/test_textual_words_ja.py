"""Issue 16, item 2: Textual's own words do not leak into the Japanese TUI.

Before: ctrl+c showed "Do you want to quit? Press ctrl+q to quit the app", the palette said
"Search for commands…" and offered Keys / Maximize / Quit / Screenshot / Theme in English,
"No matches found", and the theme picker "Search for themes…".
"""

from __future__ import annotations

import pytest
from textual.command import CommandInput, CommandList

from tests.lang_check import english_sentences
from tests.tui.helpers import loaded, make_app, until


@pytest.fixture
def tui_server(make_server):
    return make_server(fleet=20, seed=3)


def _options(app) -> list[str]:
    return [str(o.prompt) for o in app.screen.query_one(CommandList).options]


async def test_ctrl_c_says_how_to_quit_in_japanese(tui_server) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+c")
        await until(pilot, lambda: bool(list(app._notifications)))
        note = list(app._notifications)[-1]
        assert note.title == "終了しますか?"
        assert "ctrl+q" in note.message and "終了するには" in note.message
        assert english_sentences(f"{note.title} {note.message}") == []


async def test_the_palette_speaks_japanese(tui_server) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: bool(app.screen.query(CommandList)))
        await until(pilot, lambda: len(_options(app)) > 3)
        box = app.screen.query_one(CommandInput)
        assert box.placeholder == "コマンドを検索…"
        names = _options(app)
        assert any("終了" in n for n in names) and any("テーマ" in n for n in names)
        for english in ("Keys", "Screenshot", "Quit", "Theme", "Maximize"):
            assert not any(n.startswith(english) for n in names), names
        assert english_sentences("\n".join(names)) == [], names
        # the palette's own key names (Textual's, in English)
        descriptions = [b.description for _, b in app.screen._bindings]
        assert "閉じる" in descriptions and "Exit the command palette" not in descriptions
        await pilot.press(*"zzzzqqq")
        await until(pilot, lambda: any("一致するコマンド" in n for n in _options(app)), 300)
        assert not any("No matches" in n for n in _options(app))


async def test_the_theme_picker_speaks_japanese(tui_server) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        app.action_change_theme()
        await until(pilot, lambda: bool(app.screen.query(CommandInput)))
        assert app.screen.query_one(CommandInput).placeholder == "テーマを検索…"


async def test_english_stays_english(tui_server) -> None:
    app = make_app(tui_server, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: bool(app.screen.query(CommandList)))
        assert app.screen.query_one(CommandInput).placeholder == "Search for commands…"
        await until(pilot, lambda: any(n.startswith("Quit") for n in _options(app)))
