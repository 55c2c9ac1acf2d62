"""Issue 16, item 3: the language chosen in the first-run form applies at once.

Before, an app started in English stayed English after 日本語 was chosen and saved: the
login dialog, the main screen and the keys changed only at the next launch.
"""

from __future__ import annotations

from textual.widgets import Label, Select

from mobitui.tui.app import MobiApp
from mobitui.tui.screens.login import LoginScreen
from mobitui.tui.screens.main import MainScreen
from mobitui.tui.screens.profile_form import ProfileForm
from tests.tui.helpers import loaded, shown, until


async def test_japanese_chosen_in_the_form_is_used_at_once(server) -> None:
    app = MobiApp(None, lang="en")
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot, ProfileForm)
        form = app.screen
        assert str(form.query_one("#profile-title", Label).render()) == "Connection profile"
        form.query_one("#lang", Select).value = "ja"
        await until(
            pilot, lambda: str(form.query_one("#profile-title", Label).render()) == "接続先の設定"
        )
        form.query_one("#base_url").value = server.base_url
        form.query_one("#account").value = "admin"
        form.query_one("#account").focus()
        await pilot.press("enter")
        await shown(pilot, LoginScreen)
        assert app.t.lang == "ja"
        login = app.screen
        assert str(login.query_one(".dialog-title", Label).render()) == "ログイン"
        await pilot.press(*"demo-admin-pass", "enter")
        await loaded(pilot)
        main = app.main_screen
        assert isinstance(app.screen, MainScreen) and app.screen is main
        assert str(main.query_one("#sidebar-title", Label).render()) == "端末管理"
        # the App's own keys, as the footer and the help name them
        names = {b.description for _, b in app._bindings if b.id == "app.quit"}
        assert names and "quit" not in names
        assert app.launch.lang == "ja"


async def test_the_form_s_problems_are_said_in_its_language() -> None:
    """Before, the form said "base_url: an http:// or https:// address" in a Japanese form."""
    from textual.widgets import Static

    from tests.lang_check import english_sentences
    from tests.tui.helpers import plain

    app = MobiApp(None, lang="ja")
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot, ProfileForm)
        form = app.screen
        form.query_one("#name").value = "a b"
        form.query_one("#base_url").value = "ftp://lab"
        form.query_one("#account").value = " "
        form.query_one("#account").focus()
        await pilot.press("enter")
        problems = form.query_one("#problems", Static)
        await until(pilot, lambda: "base_url" in plain(problems))
        said = plain(problems)
        assert "http:// または https:// のアドレスで指定してください" in said, said
        assert "account: 指定が必要です" in said and "name: 英数字" in said, said
        assert english_sentences(said, allow={"name", "account"}) == [], said
        assert isinstance(app.screen, ProfileForm)  # nothing saved
