"""Issue 16, item 4: the login slowdown keeps the login dialog, says it waits, in Japanese.

Before: after a wrong password the dialog closed at once; while the server made the next
login wait (429 ``rate_limited`` with ``Retry-After``, waited out by the client) an empty main
screen showed for that time, then the dialog came back with the error in English.
"""

from __future__ import annotations

import pytest

from mobitui.tui.screens.login import LoginScreen
from tests.lang_check import english_sentences
from tests.tui.helpers import loaded, make_app, shown, until


@pytest.fixture
def slow_server(make_server):
    # From the first wrong password on, each next login must wait (2 s, then 4 s, …).
    return make_server(fleet=20, seed=3, login_failures_before_slowdown=1)


def _text(screen: LoginScreen, selector: str) -> str:
    widget = screen.query_one(selector)
    return str(widget.render()) if widget.display else ""


async def test_the_dialog_stays_and_counts_the_wait_down(slow_server) -> None:
    app = make_app(slow_server, lang="ja", demo_password=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, LoginScreen)
        dialog = app.screen
        await pilot.press(*"wrong-password", "enter")
        await until(pilot, lambda: dialog.phase == "asking" and bool(dialog.message), 500)
        assert dialog.message == "アカウント名またはパスワードが正しくありません。"
        assert app.screen is dialog
        # The second wrong password meets the slowdown: the client waits as the server says.
        await pilot.press(*"wrong-again", "enter")
        await until(pilot, lambda: "再試行します" in _text(dialog, "#login-status"), 300)
        seen = _text(dialog, "#login-status")
        assert "秒" in seen and english_sentences(seen) == []
        assert app.screen is dialog  # never the empty main screen meanwhile
        assert dialog.query_one("#password").disabled
        # …then the answer to the retried login, in the same dialog, in Japanese.
        await until(pilot, lambda: dialog.phase == "asking", 800)
        assert app.screen is dialog
        assert dialog.message == "アカウント名またはパスワードが正しくありません。"
        assert "wrong-again" not in app.export_screenshot()
        await pilot.press(*"demo-admin-pass", "enter")
        await loaded(pilot)
        assert not isinstance(app.screen, LoginScreen)


async def test_an_answer_that_takes_time_shows_the_seconds_elapsed(
    slow_server, monkeypatch
) -> None:
    said: list[str] = []
    tick = LoginScreen._tick

    def spy(self: LoginScreen) -> None:
        tick(self)
        said.append(_text(self, "#login-status"))

    monkeypatch.setattr(LoginScreen, "_tick", spy)
    app = make_app(slow_server, lang="ja", demo_password=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, LoginScreen)
        await pilot.press(*"demo-admin-pass", "enter")
        await loaded(pilot)
    # the status line said it waits as soon as the password was sent
    assert said and "サーバーの応答を待っています（0 秒経過）" in said[0]


async def test_a_final_slowdown_is_counted_down_before_asking_again(slow_server) -> None:
    from mobitui.api.errors import from_problem

    app = make_app(slow_server, lang="ja", demo_password=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, LoginScreen)
        dialog = app.screen
        error = from_problem(
            429,
            {"code": "rate_limited", "detail": "too many failed password attempts"},
            endpoint="POST /api/v1/auth/login",
            retry_after=30,
        )
        from mobitui.present.errors import error_text, wait_seconds

        dialog.failed(error_text(app.t, error), wait_seconds(error))
        await pilot.pause()
        assert "30 秒" in dialog.message
        assert "あと 30 秒" in _text(dialog, "#login-status")
        assert english_sentences(dialog.message + _text(dialog, "#login-status")) == []
        assert not dialog.query_one("#password").disabled
