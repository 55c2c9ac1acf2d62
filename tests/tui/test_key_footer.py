"""The key bar is rebuilt when its keys change, and only then."""

from __future__ import annotations

from textual.widgets import Tree
from textual.widgets._footer import FooterKey

from mobitui.tui.widgets.key_footer import KeyFooter
from tests.tui.helpers import loaded, make_app


def _shown(footer: KeyFooter) -> list[str]:
    return [key.description for key in footer.query(FooterKey)]


async def test_the_footer_is_rebuilt_only_when_its_keys_change(make_server) -> None:
    app = make_app(make_server(fleet=30, seed=2))
    async with app.run_test(size=(120, 30)) as pilot:
        grid = await loaded(pilot)
        footer = app.screen.query_one(KeyFooter)
        rebuilt: list[int] = []
        original = footer.recompose

        async def counting() -> None:
            rebuilt.append(1)
            await original()

        footer.recompose = counting  # type: ignore[method-assign]
        keys = list(footer.query(FooterKey))
        assert "check" in _shown(footer)  # the grid has focus: its space key is shown

        # "Bindings updated" with nothing changed (Textual publishes it on many occasions).
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert rebuilt == []
        assert list(footer.query(FooterKey)) == keys  # the very same widgets

        # The tree takes focus: the grid's "check" key goes, so the bar is rebuilt.
        app.screen.query_one(Tree).focus()
        await pilot.pause()
        await pilot.pause()
        assert rebuilt == [1]
        assert "check" not in _shown(footer)

        grid.focus()
        await pilot.pause()
        await pilot.pause()
        assert rebuilt == [1, 1]
        assert "check" in _shown(footer)
