"""A file problem the TUI meets after its start (a theme that cannot be saved) is said in the
run's language, and the folder's name is shown as it is: never read as markup.

The folder is named by the admin's environment (``$MOBITUI_CONFIG_DIR``), and a name may hold
anything, Textual's markup included (``[@click=app.quit]``, a lone ``[/]``).
"""

from __future__ import annotations

from pathlib import Path

from mobitui.tui.app import MobiApp
from tests.cli.test_japanese_cli import english
from tests.disk_limits import fill, tiny_tmpfs
from tests.tui.helpers import loaded, make_app, until

HOSTILE = "cfg[@click=app.quit]x[/][b]\u202eevil"


def toasts(app: MobiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_theme_that_cannot_be_saved_is_said_in_japanese_as_text(
    make_server, monkeypatch, tmp_path: Path
) -> None:
    folder = tmp_path / HOSTILE
    monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(folder))
    server = make_server(fleet=30, seed=2, speed=0.0)
    with tiny_tmpfs(folder, "64k"):
        fill(folder, leave=0)
        app = make_app(server, lang="ja")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.theme = "nord"
            await until(pilot, lambda: any("テーマ" in text for text in toasts(app)))
            await pilot.pause()
            said = next(n for n in app._notifications if "テーマ" in str(n.message))
            assert app.is_running  # not ended by the folder's name
    text = str(said.message)
    assert not said.markup, text  # the folder's name is not markup
    assert "ディスクの空き容量がありません" in text, text
    assert english(text) == [], text
    assert "\u202e" not in text  # made visible: a bidi override turns the line around


async def test_a_retirement_that_cannot_be_saved_is_said_in_japanese_as_text(
    make_server, monkeypatch, tmp_path: Path
) -> None:
    """The view of a group starts its record on disk: a full disk there is a toast in the
    run's language, the state folder's hostile name shown as text."""
    from tests.tui.test_retirement_view import a_group, open_view

    state = tmp_path / HOSTILE
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(state))
    server = make_server(fleet=200, seed=3, speed=0.0)
    app = make_app(server, lang="ja")
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        with tiny_tmpfs(state / "retirements", "64k"):
            fill(state / "retirements", leave=0)
            await open_view(pilot, a_group(app))
            await until(pilot, lambda: any("空き容量" in text for text in toasts(app)))
            said = next(n for n in app._notifications if "空き容量" in str(n.message))
            assert app.is_running
    text = str(said.message)
    assert not said.markup, text
    assert english(text) == [], text
    assert "\u202e" not in text


async def test_a_tick_that_cannot_be_saved_is_said_in_japanese(
    make_server, monkeypatch, tmp_path: Path
) -> None:
    """A full disk under the checklists' file: the tick stays, and the status line says why
    in the run's language."""
    from textual.widgets import Static

    from tests.tui.test_checklist_screen import hybrid_id, inactivate, open_for

    state = tmp_path / HOSTILE
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(state))
    server = make_server(fleet=200, seed=3, speed=0.0)
    app = make_app(server, lang="ja")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        inactivate(server, [device_id])
        screen = await open_for(pilot, device_id)
        with tiny_tmpfs(state, "64k"):
            fill(state, leave=0)
            await pilot.press("space")
            await pilot.pause()
            status = screen.query_one("#checklist-status", Static)
            text = str(status.render())
    assert "ディスクの空き容量がありません" in text, text
    assert english(text) == [], text
    assert "\u202e" not in text


async def test_a_csv_with_a_hostile_name_that_cannot_be_used_is_said_as_text(
    make_server, tmp_path: Path
) -> None:
    """A CSV named with markup, an escape and a bidi override, neither UTF-8 nor Shift_JIS,
    then a folder of that name: each is said in Japanese, the name shown as it is."""
    from mobitui.tui.screens.message import MessageScreen
    from tests.tui.test_csv_in_the_tui import _answer, _body

    name = "[@click=app.quit]list[b]\x1b[2J\u202e.csv"  # no "/": a name
    bad = tmp_path / name
    bad.write_bytes(b"serial\n\x81\xff\xfe\n")
    folder = tmp_path / "dir" / name
    folder.mkdir(parents=True)
    app = make_app(make_server(fleet=20, seed=4), lang="ja")
    bodies = []
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        for path in (bad, folder):
            await pilot.press("I")
            await _answer(pilot, path)
            bodies.append(_body(app))
            assert app.is_running
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, MessageScreen))
    for body in bodies:
        assert "[@click=app.quit]list[b]␛[2J⟪U+202E⟫.csv" in body, body
        assert english(body) == [], body
        assert "\x1b" not in body and "\u202e" not in body


async def test_a_damaged_record_met_by_a_fold_is_said_in_japanese(make_server) -> None:
    """The view's inactivation is folded into every stored record; a damaged one beside the
    view's own is named on the status line in the run's language."""
    from textual.widgets import Static

    from mobitui.local.retirements import RetirementStore
    from mobitui.tui.screens.bulk.inactivation import InactivationScreen
    from tests.tui.helpers import confirm, finished, plain_active, press_ok, shown
    from tests.tui.test_retirement_view import a_group, members, open_view

    server = make_server(fleet=200, seed=3, speed=0.0)
    app = make_app(server, lang="ja")
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        gid = a_group(app)
        chosen = sorted(d.id for d in members(app, gid) if plain_active(d))[:2]
        screen = await open_view(pilot, gid, chosen)
        store = RetirementStore(app.launch.base_url, app.launch.account)
        damaged = store.path_of(screen.retirement.id).with_name("zz.json")
        damaged.write_text("{ not a retirement \x1b[2J", "utf-8")
        damaged.chmod(0o600)
        await pilot.press("a")
        await shown(pilot, InactivationScreen)
        dialog = app.screen
        await pilot.pause()
        for ack in dialog.query(".ack"):
            ack.value = True
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        status = screen.query_one("#retirement-status", Static)
        await until(pilot, lambda: "zz.json" in str(status.render()))
        text = str(status.render())
    assert english(text) == [], text
    assert "\x1b" not in text
