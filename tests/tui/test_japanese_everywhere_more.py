"""Issue 16, item 5, continued: the screens :mod:`tests.tui.test_japanese_everywhere` did not
visit say no English sentence in Japanese either, at 120×40 and at 80×24.

- the resume dialog offered at launch for an unfinished operation's journal, and what it says
  when it refuses (the planned devices changed; a damaged journal, named with its problem; a
  journal whose last line was cut, in a toast);
- the question asked when the admin quits while a bulk run is in flight;
- the path question of the grid's CSV export, the CSV import and the retirement report, with
  what each says after: written, refused (the file exists, the folder is read-only, a file
  where a folder should be, a folder where a file should be);
- the sheets' folder question (the checklist's ``e``, the retirement view's ``s``);
- paths that name no file (a NUL character, ``~`` of an unknown user): refused in the question
  itself. They raised ``ValueError`` / ``RuntimeError`` where the writers expect ``OSError``,
  and ended the app (or, in the report's worker, said nothing at all);
- the retirement view's rename question with refused names;
- the CSV import of bad files (not text, not CSV, not there, a folder, no column of devices)
  and its column question of both kinds.

Each screen is read as the compositor paints it (the top screen, its toasts included) and
searched with :func:`tests.lang_check.english_sentences`, as the first sweep does; each look
also checks the screen shows its own title, so a blank or wrong screen does not pass.

Some details inside these messages are the words of a file problem (an OS error, a CSV
problem, a journal's damage), worded outside the TUI; each flow runs twice: ``screen`` checks
the app's own words, ``problem`` those details too. The CSV import's label of a column without
a header (English "column 1" once, one word and a number, which the sentence search does not
see) is looked for by name.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest

from mobitui.api.client import MobiClient
from mobitui.api.runner import new_operation
from mobitui.domain.rules import Inactivate
from mobitui.local.journal import Journal
from mobitui.local.paths import state_dir
from mobitui.tui.app import MobiApp
from mobitui.tui.screens.ask_name import AskName
from mobitui.tui.screens.ask_path import AskPath
from mobitui.tui.screens.bulk.inactivation import InactivationScreen
from mobitui.tui.screens.choose_column import ChooseColumn
from mobitui.tui.screens.export_sheets import ExportScreen
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.screens.retirement import RetirementScreen
from tests.disk_limits import tiny_tmpfs
from tests.gateway import device_listing, with_fields
from tests.tui.helpers import (
    confirm,
    finished,
    loaded,
    make_app,
    plain,
    plain_active,
    shown,
    until,
)
from tests.tui.test_japanese_everywhere import english, screen_text

SIZES = [(120, 40), (80, 24)]


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause(0.1)


def nothing_english(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in found.items() if v}


_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def detail_of(app: MobiApp, key: str, **fields: object) -> str:
    """What the message on top says in its catalogue entry ``key``'s ``{detail}``: the words
    of the problem (an OS error, a CSV or journal problem), worded outside the TUI."""
    template = app.t(key, detail="\x00", **fields)
    before, after = template.split("\x00")
    body = app.screen.body
    assert body.startswith(before) and body.endswith(after), (key, body)
    return body[len(before) : len(body) - len(after)]


class Sweep:
    """The English found on each screen, kept apart: the app's own words (``ours``), and
    sentences every word of which is in a problem's detail (``theirs``: worded elsewhere)."""

    def __init__(self, app: MobiApp) -> None:
        self.app = app
        self.ours: dict[str, list[str]] = {}
        self.theirs: dict[str, list[str]] = {}

    def look(self, name: str, shows: str, detail: str = "") -> None:
        """Search the screen, which shows ``shows`` (its title: not a blank or another one)."""
        painted = screen_text(self.app)
        assert shows in painted, (name, shows, painted)
        theirs = {w.lower() for w in _WORD.findall(detail)}
        for found in english(self.app):
            words = {w.lower() for w in _WORD.findall(found)}
            side = self.theirs if detail and words <= theirs else self.ours
            side.setdefault(name, []).append(found)

    def lead(self, name: str, found: str) -> None:
        """A word of a file problem the sentence search does not see (one word alone)."""
        if found in screen_text(self.app):
            self.theirs.setdefault(name, []).append(found)

    def check(self, part: str) -> None:
        """``part`` "screen": the app's words are all Japanese; "problem": the details too."""
        if part == "screen":
            assert self.ours == {}
        else:
            assert self.theirs == {}


#: Each flow whose messages carry a problem's detail: its screens, and those details.
PARTS = ["screen", "problem"]


def read_only_folder(folder: Path):
    """``folder``, made and not writable (root writes through modes: a read-only tmpfs)."""
    if os.geteuid() == 0:
        return tiny_tmpfs(folder, "64k", read_only=True)
    folder.mkdir(parents=True)
    os.chmod(folder, 0o500)
    return contextlib.nullcontext(folder)


async def answer_path(pilot, path: Path | str, then: type = MessageScreen) -> None:
    """The path question is up: type ``path`` in it and let what follows come up."""
    app = pilot.app
    await shown(pilot, AskPath)
    app.screen.query_one("#path").value = str(path)
    await pilot.press("enter")
    await shown(pilot, then)
    await settle(pilot)


#: Paths that name no file: refused in the path question itself, which stays up. (The NUL
#: made the writers raise ValueError, the unknown user RuntimeError: either ended the app.)
BAD_PATHS = {
    "a NUL character": ("r\x00.csv", "path.refused.nul"),
    "an unknown user": ("~no-such-user-here/r.csv", "path.refused.home"),
}


async def refused_paths(
    pilot, sweep: Sweep, key: str, field: str = "#path", said: str = "#refused"
) -> None:
    """The path (or folder) question is up; each of :data:`BAD_PATHS` is refused in it, why
    said under the field (``said``)."""
    app = pilot.app
    asking = app.screen
    for name, (typed, why) in BAD_PATHS.items():
        asking.query_one(field).value = typed
        asking.query_one(field).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is asking, name
        assert plain(asking.query_one(said)) == app.t(why, path=typed)
        sweep.look(name, app.t(key))
    await pilot.press("escape")
    await until(pilot, lambda: app.screen is not asking)


async def close_message(pilot, back_to) -> None:
    app = pilot.app
    await pilot.press("escape")
    await until(pilot, lambda: app.screen is back_to)


# ---------------------------------------------------------------------- resume at launch


async def plan(client: MobiClient, server_url: str, devices: list) -> Path:
    """An unfinished inactivation of ``devices`` in the journal, as a crash leaves it."""
    operation = await new_operation(
        client,
        Journal(state_dir() / "journal"),
        Inactivate(),
        [d.id for d in devices],
        names={d.id: d.name for d in devices},
        serials={d.id: d.serial for d in devices},
        server=server_url,
        profile="demo",
        account="admin",
    )
    operation.close()
    return operation.path


@pytest.fixture
def ja_server(make_server):
    return make_server(fleet=80, seed=3)


@pytest.fixture
def frozen(make_server):
    return make_server(fleet=200, seed=3, speed=0.0)


def offered(app: MobiApp) -> bool:
    screen = app.screen
    return isinstance(screen, InactivationScreen) and bool(screen.query("#password"))


@pytest.mark.parametrize("size", SIZES)
async def test_the_resume_dialog_and_its_refusal(make_server, make_gateway, size) -> None:
    """The dialog offered at launch; 「再開」 refused because a planned id now names another
    device (the hostile gateway gives it a new serial)."""
    server = make_server(fleet=80, seed=3)
    async with MobiClient(make_gateway(server).base_url) as client:
        await client.login("admin", "demo-admin-pass")
        planned = [d async for d in client.iter_devices(state="active")][:3]
        lying = make_gateway(
            server, answer=device_listing(with_fields(planned[1].id, serial="NEW-OWNER"))
        )
        await plan(client, lying.base_url, planned)
    app = make_app(lying, lang="ja")
    found: dict[str, list[str]] = {}
    async with app.run_test(size=size, notifications=True) as pilot:
        await until(pilot, lambda: offered(app), tries=1500)
        await loaded(pilot)
        await settle(pilot)
        found["resume"] = english(app)
        screen = app.screen
        await confirm(pilot)
        await settle(pilot)
        found["resume, confirmed"] = english(app)
        screen.query_one("#resume").focus()
        await pilot.press("enter")
        await finished(pilot)
        await until(pilot, lambda: screen.query_one("#error").display, tries=1500)
        await settle(pilot)
        found["resume, refused"] = english(app)
        assert planned[1].id in screen_text(app)
    assert nothing_english(found) == {}


@pytest.mark.parametrize("size", SIZES)
async def test_a_damaged_journal_is_named_with_its_problem(make_server, size) -> None:
    """At launch: a journal one of whose lines is not JSON, and one whose last line was cut
    (a crash mid-write: its toast), beside the dialog offering the good part. Their problems
    are worded with the journal's (``present.errors.problem_text``), in Japanese too."""
    server = make_server(fleet=80, seed=3)
    async with MobiClient(server.base_url) as client:
        await client.login("admin", "demo-admin-pass")
        active = [d async for d in client.iter_devices(state="active")]
        damaged = await plan(client, server.base_url, active[:2])
        torn = await plan(client, server.base_url, active[2:4])
    damaged.write_bytes(damaged.read_bytes() + b"not json at all\n")
    torn.write_bytes(torn.read_bytes() + b'{"cut": ')
    app = make_app(server, lang="ja")
    sweep = Sweep(app)
    async with app.run_test(size=size, notifications=True) as pilot:
        await until(pilot, lambda: offered(app), tries=1500)
        await loaded(pilot)
        (good,), _ = app.operations.unfinished()
        assert good.path == torn and good.torn is not None
        await until(pilot, lambda: bool(app.screen.query("Toast")))
        await settle(pilot)
        toasts = " ".join(str(n.message) for n in app._notifications)
        sweep.look("resume, with the torn line's toast", app.t("resume.title"), toasts)
        await pilot.press("escape")  # 「後で」: the damaged one's message is under it
        await shown(pilot, MessageScreen)
        await settle(pilot)
        detail = detail_of(app, "resume.unreadable")
        sweep.look("damaged journal", app.t("resume.title"), detail)
        assert str(damaged) in app.screen.body
    assert (sweep.ours, sweep.theirs) == ({}, {})


# ---------------------------------------------------------------------- quit mid-run


@pytest.fixture
def slow(make_server, make_gateway):
    """The server behind a gateway whose deletion answers take minutes to arrive."""
    return make_gateway(
        make_server(fleet=120, seed=4),
        trickle=0.5,
        trickle_match=lambda method, path: method == "POST" and path.endswith("/device-deletions"),
    )


@pytest.mark.parametrize("size", SIZES)
async def test_the_question_when_quitting_mid_run(slow, size) -> None:
    from tests.tui.test_quit_mid_run import in_flight

    app = make_app(slow, lang="ja")
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = await in_flight(pilot)
        await pilot.press("ctrl+q")
        await shown(pilot, MessageScreen)
        await settle(pilot)
        assert app.screen.body == app.t("quit.bulk_running")
        found = english(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    assert found == []


# ---------------------------------------------------------------------- paths asked


@pytest.mark.parametrize("size", SIZES)
async def test_the_grid_export_and_what_it_says(ja_server, tmp_path, size) -> None:
    """X: the path question; written; refused in a read-only folder, under a file, as a
    folder."""
    app = make_app(ja_server, lang="ja")
    sweep = Sweep(app)
    with read_only_folder(tmp_path / "locked") as locked:
        async with app.run_test(size=size, notifications=True) as pilot:
            await loaded(pilot)
            main = app.main_screen
            await pilot.press("X")
            await shown(pilot, AskPath)
            await settle(pilot)
            title = app.t("csv.export.grid")
            sweep.look("the path question", title)
            for name, path in [
                ("written", tmp_path / "grid.csv"),
                ("read-only folder", locked / "grid.csv"),
                ("a file for a folder", tmp_path / "grid.csv" / "grid.csv"),
                ("a folder", tmp_path),
            ]:
                if name != "written":
                    await pilot.press("X")
                await answer_path(pilot, path)
                key = "csv.export.done" if name == "written" else "csv.export.failed"
                detail = "" if name == "written" else detail_of(app, key)
                sweep.look(name, title, detail)
                await close_message(pilot, main)
            await pilot.press("X")
            await shown(pilot, AskPath)
            await refused_paths(pilot, sweep, "csv.export.grid")
            assert app.is_running and app.screen is main
    assert (tmp_path / "grid.csv").exists()
    assert (sweep.ours, sweep.theirs) == ({}, {})


async def open_retirement(pilot) -> RetirementScreen:
    app = pilot.app
    await loaded(pilot)
    app.fleet.check(sorted(i for i, d in app.fleet.devices.items() if plain_active(d))[:2])
    app.main_screen.refresh_view()
    await pilot.press("R")
    await shown(pilot, RetirementScreen)
    await settle(pilot)
    return app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_the_retirement_report_and_what_it_says(ja_server, tmp_path, size) -> None:
    """The retirement view's e: written; refused because the file exists, because the
    folder is read-only, because its folder is a file."""
    app = make_app(ja_server, lang="ja")
    sweep = Sweep(app)
    with read_only_folder(tmp_path / "locked") as locked:
        async with app.run_test(size=size, notifications=True) as pilot:
            view = await open_retirement(pilot)
            for name, path in [
                ("written", tmp_path / "r.md"),
                ("the file exists", tmp_path / "r.md"),
                ("read-only folder", locked / "r.md"),
                ("a file for a folder", tmp_path / "r.md" / "r.csv"),
            ]:
                await pilot.press("e")
                await shown(pilot, AskPath)
                await settle(pilot)
                title = app.t("retirement.export.title")
                sweep.look("the path question", title)
                await answer_path(pilot, path)
                if name == "written":
                    sweep.look(name, title)
                else:
                    sweep.look(name, title, detail_of(app, "retirement.export.failed"))
                await close_message(pilot, view)
            await pilot.press("e")
            await shown(pilot, AskPath)
            await refused_paths(pilot, sweep, "retirement.export.title")
            assert app.is_running and app.screen is view
    assert (tmp_path / "r.md").exists()
    assert (sweep.ours, sweep.theirs) == ({}, {})


@pytest.mark.parametrize("size", SIZES)
async def test_the_sheets_folder_question_and_what_it_says(frozen, tmp_path, size) -> None:
    """The checklist's e and the retirement view's s: the folder question, its refusal of
    nothing to write, written, refused in a read-only folder."""
    from tests.tui.test_checklist_screen import hybrid_id, inactivate, open_for

    app = make_app(frozen, lang="ja")
    sweep = Sweep(app)
    with read_only_folder(tmp_path / "locked") as locked:
        async with app.run_test(size=size, notifications=True) as pilot:
            await loaded(pilot)
            device_id = hybrid_id(app)
            inactivate(frozen, [device_id])
            checklist = await open_for(pilot, device_id)
            for name, folder in [("written", tmp_path / "sheets"), ("read-only", locked)]:
                await pilot.press("e")
                await shown(pilot, ExportScreen)
                await settle(pilot)
                title = app.t("export.title")
                sweep.look("the folder question", title)
                if name == "written":
                    for box in ("ja", "en"):
                        app.screen.query_one(f"#{box}").value = False
                    app.screen.query_one("#write").focus()
                    await pilot.press("enter")
                    await settle(pilot)
                    sweep.look("nothing to write", app.t("export.nothing"))
                    app.screen.query_one("#ja").value = True
                app.screen.query_one("#directory").value = str(folder)
                app.screen.query_one("#directory").focus()
                await pilot.press("enter")
                await shown(pilot, MessageScreen)
                await settle(pilot)
                done = name == "written"
                sweep.look(name, title, "" if done else detail_of(app, "export.failed"))
                await close_message(pilot, checklist)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.main_screen)
            await pilot.press("R")
            await shown(pilot, RetirementScreen)
            view = app.screen
            await pilot.press("s")
            await shown(pilot, ExportScreen)
            await settle(pilot)
            sweep.look("the folder question, from the retirement view", app.t("export.title"))
            await refused_paths(pilot, sweep, "export.title", "#directory", "#export-error")
            assert app.is_running and app.screen is view
    assert any((tmp_path / "sheets").iterdir())
    assert (sweep.ours, sweep.theirs) == ({}, {})


@pytest.mark.parametrize("size", SIZES)
async def test_the_rename_question_with_refused_names(ja_server, size) -> None:
    app = make_app(ja_server, lang="ja")
    found: dict[str, list[str]] = {}
    async with app.run_test(size=size, notifications=True) as pilot:
        await open_retirement(pilot)
        await pilot.press("n")
        await shown(pilot, AskName)
        await settle(pilot)
        found["asked"] = english(app)
        field = app.screen.query_one("#name")
        for refused in ("   ", "営業部\x1b[2J", "x" * 201):
            field.value = refused
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, AskName)
            assert str(app.screen.query_one("#refused").render()).strip()
            found[repr(refused[:8])] = english(app)
    assert nothing_english(found) == {}


# ---------------------------------------------------------------------- CSV import


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("size", SIZES)
async def test_a_bad_csv_and_the_column_question(make_server, tmp_path, size, part) -> None:
    """I: the path question; a file that is not CSV text, one no column of which names a
    device, a file that is not there; the column question of both kinds, and the result."""
    app = make_app(make_server(fleet=80, seed=3), lang="ja")
    sweep = Sweep(app)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    broken = tmp_path / "broken.csv"
    broken.write_text('端末ID\n"d000001"x,"\n', "utf-8")
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("名前,メモ\n山田,予備\n", "utf-8")
    async with app.run_test(size=size, notifications=True) as pilot:
        await loaded(pilot)
        main = app.main_screen
        devices = sorted(app.fleet.devices.values(), key=lambda d: d.id)
        disagree = tmp_path / "disagree.csv"
        rows = [f"{devices[n + 10].id},{d.serial}" for n, d in enumerate(devices[:3])]
        disagree.write_text("\n".join(["端末ID,シリアル番号", *rows]), "utf-8")
        named = tmp_path / "named.csv"
        rows = [f"{d.id},XX-{n}" for n, d in enumerate(devices[:3])]
        named.write_text("\n".join(["No,シリアル番号", *rows]), "utf-8")
        await pilot.press("I")
        await shown(pilot, AskPath)
        await settle(pilot)
        title = app.t("csv.import.title")
        sweep.look("the path question", title)
        for name, path in [
            ("not text", binary),
            ("not CSV", broken),
            ("no such file", tmp_path / "missing.csv"),
            ("a folder", tmp_path),
            ("no column of devices", nothing),
        ]:
            if name != "not text":
                await pilot.press("I")
            await answer_path(pilot, path)
            if name == "no column of devices":
                sweep.look(name, title)
                sweep.lead(name, "column 1")  # a column with no header (csv_select's label)
                assert "1 列目" in screen_text(app), screen_text(app)
            else:
                sweep.look(name, app.t("error.title"), detail_of(app, "csv.import.failed"))
            await close_message(pilot, main)
        for name, path in [("columns disagree", disagree), ("named column", named)]:
            await pilot.press("I")
            await answer_path(pilot, path, ChooseColumn)
            sweep.look(f"{name}: which column", app.t("csv.import.choose_title"))
            await pilot.press("enter")
            await shown(pilot, MessageScreen)
            await settle(pilot)
            sweep.look(f"{name}: checked", title)
            await close_message(pilot, main)
        await pilot.press("I")
        await shown(pilot, AskPath)
        await refused_paths(pilot, sweep, "csv.import.title")
        assert app.is_running and app.screen is main
    sweep.check(part)
