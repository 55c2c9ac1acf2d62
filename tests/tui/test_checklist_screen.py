"""The on-device checklist, by keyboard, against a real server with a frozen simulated clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from mobitui.domain.checklist import DOWNLOADED
from mobitui.domain.models import Device, DeviceState, Enrollment, Platform
from mobitui.domain.procedures import ProcedureId
from mobitui.domain.rules import OnDeviceWork
from mobitui.present.sheets import sheet
from mobitui.tui.screens.bulk.inactivation import InactivationScreen
from mobitui.tui.screens.checklist import ChecklistScreen, StepItem
from mobitui.tui.screens.detail import DetailScreen
from mobitui.tui.screens.export_sheets import ExportScreen
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.screens.requests import RequestsScreen
from tests.tui.helpers import admin_token, loaded, make_app, shown, until

SIZE = (120, 40)


def _hybrid(d: Device) -> bool:
    return (
        d.state is DeviceState.ACTIVE
        and d.platform is Platform.IOS
        and d.enrollment is Enrollment.HYBRID_MDM
        and not d.safari_restricted
    )


def inactivate(server, ids: list[str], remove: bool = False) -> str:
    token = admin_token(server)
    answer = httpx.post(
        f"{server.api_url}/inactivations",
        json={
            "device_ids": ids,
            "remove_apple_mdm_profile": remove,
            "scheduled_at": None,
            "password": "demo-admin-pass",
            "agree": True,
        },
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def behave(server, device_id: str, behaviour: str) -> None:
    answer = httpx.post(f"{server.api_url}/sim/devices/{device_id}", json={"behaviour": behaviour})
    assert answer.status_code == 200, answer.text


@pytest.fixture
def frozen(make_server):
    return make_server(fleet=200, seed=3, speed=0.0)


async def open_for(pilot, device_id: str) -> ChecklistScreen:
    """Check one device and press w on the main screen."""
    app = pilot.app
    app.poll_now()
    await until(pilot, lambda: app.fleet.devices[device_id].inactivation is not None)
    app.fleet.checked.clear()
    app.fleet.check([device_id])
    app.main_screen.refresh_view()
    await pilot.press("w")
    await shown(pilot, ChecklistScreen)
    await until(pilot, lambda: bool(app.screen.query(StepItem)))
    return app.screen


def hybrid_id(app) -> str:
    return sorted(i for i, d in app.fleet.devices.items() if _hybrid(d))[0]


async def test_ticks_are_saved_at_once_and_survive_a_relaunch(frozen) -> None:
    app = make_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        request = inactivate(frozen, [device_id])
        screen = await open_for(pilot, device_id)
        assert screen.assignments[device_id].work is OnDeviceWork.D_THEN_C
        assert screen.assignments[device_id].request_id == request
        items = list(screen.query(StepItem))
        assert [i.tick for i in items][:3] == [
            (ProcedureId.D, 1),
            (ProcedureId.D, 2),
            (ProcedureId.D, 3),
        ]
        assert len(items) == 14 + 5
        await pilot.press("space", "space", "space")  # each tick moves to the next step
        await pilot.pause()
        assert screen.progress().ticked == {(ProcedureId.D, n) for n in (1, 2, 3)}
        assert "3/19" in screen.query_one("#todo").rows[0].cells[3]
    # A new process, as after a dropped SSH session: the ticks are still there.
    again = make_app(frozen)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_for(pilot, device_id)
        ticked = [i.tick for i in screen.query(StepItem) if i.ticked]
        assert ticked == [(ProcedureId.D, 1), (ProcedureId.D, 2), (ProcedureId.D, 3)]
        assert screen.focused.tick == (ProcedureId.D, 4)  # resumes at the first open step


async def test_the_eight_minute_countdown_runs_out_on_a_fake_clock(frozen) -> None:
    clock = [datetime(2026, 11, 26, 10, 0, tzinfo=UTC)]
    app = make_app(frozen, lang="ja")
    app.local_now = lambda: clock[0]
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        inactivate(frozen, [device_id])
        screen = await open_for(pilot, device_id)
        await pilot.press("space", "space")  # D1, then D2: the profile is downloaded
        assert screen.progress().downloaded_at == clock[0]
        assert DOWNLOADED in screen.progress().ticked
        banner = lambda: str(screen.query_one("#banner").render())  # noqa: E731
        assert "残り 8:00" in banner()
        clock[0] += timedelta(minutes=5, seconds=30)
        screen._tick_clock()  # what the one-second timer does
        assert "残り 2:30" in banner()
        clock[0] += timedelta(minutes=3)
        screen._tick_clock()
        assert "自動削除されました" in banner()
        await pilot.press("r")  # procedure D from the start
        await pilot.pause()
        assert screen.progress().ticked == set()
        assert "自動削除" not in banner()


async def test_the_request_succeeding_shows_at_once(frozen) -> None:
    app = make_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        behave(frozen, device_id, "regular")
        inactivate(frozen, [device_id])
        screen = await open_for(pilot, device_id)
        assert "Waiting for the device" in str(screen.query_one("#banner").render())
        # The user gets through Safari: the device turns inactive on the server.
        httpx.post(f"{frozen.api_url}/sim/advance", json={"seconds": 3 * 3600})
        app.poll_now()
        await until(pilot, lambda: "succeeded" in str(screen.query_one("#banner").render()))
        assert screen.query_one("#todo").rows[0].cells[0] == "○"


async def test_the_failure_path_gives_the_recovery_and_a_new_inactivation(frozen) -> None:
    app = make_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        behave(frozen, device_id, "never_finishes")
        inactivate(frozen, [device_id])
        screen = await open_for(pilot, device_id)
        await pilot.press("x")
        text = str(screen.query_one("#banner").render())
        assert "Enroll it again from the client app" in text
        assert "still pending" in text
        assert screen.progress().failed
        await pilot.press("N")
        await shown(pilot, InactivationScreen)
        dialog = app.screen
        await pilot.pause()
        assert dialog.order == [device_id]  # the preflight tells the truth: still pending
        assert dialog.preflight.plans[0].reason.value == "already_pending"


async def test_export_sheets_and_copy_over_osc52(frozen, tmp_path: Path) -> None:
    app = make_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        request = inactivate(frozen, [device_id])
        screen = await open_for(pilot, device_id)
        device = app.fleet.devices[device_id]
        await pilot.press("s")
        assert app.clipboard == device.serial
        assert "Copied the serial number" in str(screen.query_one("#checklist-status").render())
        await pilot.press("c")
        assert app.clipboard == request
        await pilot.press("y")
        assert app.clipboard.startswith(f"On-device steps: {device.name}")
        await pilot.press("e")
        await shown(pilot, ExportScreen)
        box = app.screen.query_one("#directory")
        box.value = str(tmp_path / "sheets")
        app.screen.query_one("#ja").value = True  # both languages
        await pilot.press("enter")  # in the folder field: write
        await shown(pilot, MessageScreen)
        assert "Wrote 4 file(s)" in str(app.screen.query_one(".message-body").render())
    written = sorted(p.name for p in (tmp_path / "sheets").iterdir())
    assert written == sorted(
        f"{device_id}-{device.serial}.{lang}.{fmt}"
        for lang in ("ja", "en")
        for fmt in ("md", "txt")
    )
    expected = sheet(
        device,
        OnDeviceWork.D_THEN_C,
        "ja",
        "md",
        remove_apple_mdm_profile=False,
        request_id=request,
    )
    assert (tmp_path / "sheets" / f"{device_id}-{device.serial}.ja.md").read_text(
        "utf-8"
    ) == expected


async def test_opened_from_the_requests_screen_and_from_a_device_detail(frozen) -> None:
    app = make_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        grid = await loaded(pilot)
        ids = sorted(i for i, d in app.fleet.devices.items() if _hybrid(d))[:2]
        request = inactivate(frozen, ids)
        app.poll_now()
        await pilot.press("i")
        await shown(pilot, RequestsScreen)
        await until(pilot, lambda: app.screen.requests is not None)
        await pilot.press("w")
        await shown(pilot, ChecklistScreen)
        screen = app.screen
        assert screen.order == ids
        assert {a.request_id for a in screen.assignments.values()} == {request}
        await pilot.press("n")
        assert screen.current == ids[1]
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        grid.focus()
        grid.cursor = grid.rows.index(ids[0])
        await pilot.press("enter")
        await shown(pilot, DetailScreen)
        await pilot.press("w")
        await shown(pilot, ChecklistScreen)
        assert app.screen.order == [ids[0]]


def test_the_banner_says_what_matters_now() -> None:
    """The banner as a pure function: stalled, forced, unknown, done."""
    from mobitui.domain.checklist import Assignment, ChecklistProgress, all_steps
    from mobitui.domain.models import InactivationRef, ItemProgress, RequestStatus
    from mobitui.i18n import Catalogue
    from mobitui.tui.screens.checklist import banner
    from tests.unit.test_rules import device

    t = Catalogue("en")
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    ref = InactivationRef(
        "r1", RequestStatus.IN_PROGRESS, ItemProgress.PENDING, False, None, now - timedelta(hours=5)
    )
    silent = device(
        enrollment=Enrollment.HYBRID_MDM,
        state=DeviceState.INACTIVATION_PENDING,
        last_seen_at=now - timedelta(days=3),
        inactivation=ref,
    )
    work = Assignment("d1", OnDeviceWork.D_THEN_C, "r1", False)

    def say(d, a, p=None) -> str:
        text = banner(
            t,
            d,
            a,
            p or ChecklistProgress(),
            now=now,
            server_now=now,
            stall_after=timedelta(hours=2),
        )
        return str(text)

    assert "use forced inactivation (f)" in say(silent, work)
    recent = device(
        enrollment=Enrollment.HYBRID_MDM,
        state=DeviceState.INACTIVATION_PENDING,
        last_seen_at=now - timedelta(hours=1),  # it checked in after the request ran
        inactivation=ref,
    )
    assert "forced inactivation" not in say(recent, work)
    forced = Assignment("d1", OnDeviceWork.NOTHING_REACHES, "r1", False)
    assert "nothing reached it" in say(device(state=DeviceState.INACTIVE), forced)
    assert "no on-device work is known" in say(device(), Assignment("d1", None, None, None))
    done = ChecklistProgress()
    for tick in all_steps(OnDeviceWork.D_THEN_C):
        done.tick(tick, now)
    assert "Every step of this device is done" in say(
        device(state=DeviceState.INACTIVE), work, done
    )
    assert "succeeded" in say(device(state=DeviceState.INACTIVE), work, done)
