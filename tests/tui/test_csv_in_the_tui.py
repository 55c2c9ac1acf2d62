"""CSV in the TUI: check the devices a spreadsheet lists, export the grid and the results."""

from __future__ import annotations

import csv
from pathlib import Path

from mobitui.tui.screens.ask_path import AskPath
from mobitui.tui.screens.message import MessageScreen
from tests.tui.helpers import (
    confirm,
    finished,
    loaded,
    make_app,
    open_dialog,
    plain_active,
    press_ok,
    shown,
)


async def _answer(pilot, path: Path) -> None:
    app = pilot.app
    await shown(pilot, AskPath)
    app.screen.query_one("#path").value = str(path)
    await pilot.press("enter")
    await shown(pilot, MessageScreen)


def _body(app) -> str:
    return str(app.screen.query_one(".message-body").render())


async def test_import_a_csv_then_export_the_grid_and_the_results(
    make_server, tmp_path: Path
) -> None:
    server = make_server(fleet=150, seed=4)
    app = make_app(server)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        plain = (d for d in app.fleet.devices.values() if plain_active(d))
        chosen = sorted(plain, key=lambda d: d.id)[:2]
        sheet = tmp_path / "list.csv"
        rows = [
            "シリアル番号",
            chosen[0].serial,
            chosen[1].serial.lower(),
            "TYPO-1",
            chosen[0].serial,
        ]
        sheet.write_bytes("\r\n".join(rows).encode("cp932"))
        await pilot.press("I")
        await _answer(pilot, sheet)
        body = _body(app)
        assert "Checked 2 device(s)" in body and "TYPO-1" in body and "more than once" in body
        assert app.fleet.checked == {d.id for d in chosen}
        await pilot.press("escape")
        await pilot.press("v")  # only the checked ones shown
        await pilot.press("X")
        grid_csv = tmp_path / "grid.csv"
        await _answer(pilot, grid_csv)
        assert "Wrote 2 row(s)" in _body(app)
        await pilot.press("escape")
        with grid_csv.open(encoding="utf-8-sig") as handle:
            assert sorted(r["id"] for r in csv.DictReader(handle)) == sorted(d.id for d in chosen)
        assert grid_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
        screen = await open_dialog(pilot, [d.id for d in chosen], 0)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        screen.query_one("#results-csv").focus()
        await pilot.press("enter")
        results_csv = tmp_path / "results.csv"
        await _answer(pilot, results_csv)
    with results_csv.open(encoding="utf-8-sig") as handle:
        results = list(csv.DictReader(handle))
    assert sorted(r["device_id"] for r in results) == sorted(d.id for d in chosen)
    assert {r["outcome"] for r in results} == {"accepted"}


async def test_columns_that_disagree_are_a_choice_and_cells_stay_text(
    make_server, make_gateway, tmp_path: Path
) -> None:
    """Behind an adapter whose device ids are numbers, a row-number ``ID`` column names
    devices 1, 2, 3: the admin chooses the column instead of the first one winning."""
    from mobitui.tui.screens.choose_column import ChooseColumn

    gateway = make_gateway(make_server(fleet=150, seed=4), numeric_ids=True)
    app = make_app(gateway)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        listed = sorted(app.fleet.devices.values(), key=lambda d: int(d.id))[40:43]
        rows = ["ID,シリアル番号"] + [f"{n},{d.serial}" for n, d in enumerate(listed, 1)]
        rows.append("4,\x1b]0;pwned\x07TYPO")  # a cell that would retitle the terminal
        sheet = tmp_path / "retire.csv"
        sheet.write_text("\n".join(rows), "utf-8")
        await pilot.press("I")
        await shown(pilot, AskPath)
        app.screen.query_one("#path").value = str(sheet)
        await pilot.press("enter")
        await shown(pilot, ChooseColumn)
        assert [(c.label, c.matches) for c in app.screen.columns] == [
            ("ID", 4),
            ("シリアル番号", 3),
        ]
        assert app.fleet.checked == set()  # nothing checked until the admin says which
        await pilot.press("down", "enter")
        await shown(pilot, MessageScreen)
        body = _body(app)
        assert app.fleet.checked == {d.id for d in listed}
        assert "Column read: シリアル番号" in body
        assert "\x1b" not in body and "\x07" not in body and "␛]0;pwned␇TYPO" in body


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def test_a_named_serial_column_that_matches_nothing_is_a_choice(
    make_server, make_gateway, tmp_path: Path
) -> None:
    """``No,シリアル番号`` with the serials typed full-width, behind numeric ids: only the row
    numbers matched, and devices 1, 2, 3 were checked. Now the admin is asked, the named
    column shown with its 0 matches."""
    from mobitui.tui.screens.choose_column import ChooseColumn

    gateway = make_gateway(make_server(fleet=150, seed=4), numeric_ids=True)
    app = make_app(gateway)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        wanted = sorted(app.fleet.devices.values(), key=lambda d: int(d.id))[20:23]
        typed = [f"{n},{_full_width(d.serial)}" for n, d in enumerate(wanted, 1)]
        rows = ["No,シリアル番号", *typed]
        sheet = tmp_path / "list.csv"
        sheet.write_bytes("\r\n".join(rows).encode("cp932"))
        await pilot.press("I")
        await shown(pilot, AskPath)
        app.screen.query_one("#path").value = str(sheet)
        await pilot.press("enter")
        await shown(pilot, ChooseColumn)
        columns = [(c.label, c.matches) for c in app.screen.columns]
        assert columns == [("No", 3), ("シリアル番号", 0)]
        hint = str(app.screen.query_one(".hint").render())
        assert "matches no device" in hint
        assert app.fleet.checked == set()
        await pilot.press("down", "enter")  # the serials, as the header says
        await shown(pilot, MessageScreen)
        assert app.fleet.checked == set()  # full-width serials name no device
        assert "Matched no device (3)" in _body(app)


async def test_a_guessed_header_is_said_to_be_perhaps_a_value(make_server, tmp_path: Path) -> None:
    server = make_server(fleet=150, seed=4)
    app = make_app(server)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        chosen = sorted(app.fleet.devices.values(), key=lambda d: d.id)[:2]
        sheet = tmp_path / "list.csv"
        sheet.write_text("\n".join(["XX-TYPO-0001", *(d.serial for d in chosen)]), "utf-8")
        await pilot.press("I")
        await _answer(pilot, sheet)
        body = _body(app)
        assert "XX-TYPO-0001" in body and "if it is a value, it was not checked" in body
        assert app.fleet.checked == {d.id for d in chosen}


async def test_an_endless_file_is_refused_without_freezing(make_server) -> None:
    """``/dev/zero`` was read on the event loop until memory ran out; now at most 64 MiB."""
    app = make_app(make_server(fleet=50, seed=4))
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("I")
        await _answer(pilot, Path("/dev/zero"))
        assert "larger than 64 MiB" in _body(app)
        assert app.fleet.checked == set()


async def test_exports_show_paths_as_visible_text(make_server, tmp_path: Path, monkeypatch) -> None:
    """A shared folder named with escape sequences: its name went raw into the export's
    input field and its message (the terminal title and the clipboard with it)."""
    hostile = tmp_path / "share\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07"
    hostile.mkdir()
    monkeypatch.chdir(hostile)
    app = make_app(make_server(fleet=20, seed=4))
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("X")
        await shown(pilot, AskPath)
        value = app.screen.query_one("#path").value
        await pilot.press("enter")
        await shown(pilot, MessageScreen)
        body = _body(app)
    assert "\x1b" not in value and "\x07" not in value
    assert "\x1b" not in body and "\x07" not in body
    assert "share␛]0;pwned␇␛]52;c;cHduZWQ=␇" in body and "Wrote 20 row(s)" in body
    assert (hostile / "mobitui-export.csv").exists()


def test_the_sheets_default_folder_is_plain_text_in_a_hostile_folder(
    tmp_path: Path, monkeypatch
) -> None:
    from mobitui.tui.screens.export_sheets import default_directory

    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    assert default_directory() == plain / "mobitui-sheets"
    hostile = tmp_path / "share\x1b]0;pwned\x07"
    hostile.mkdir()
    monkeypatch.chdir(hostile)
    assert default_directory() == Path("mobitui-sheets")  # relative: written in the same place
