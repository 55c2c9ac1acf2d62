"""The retirement view (登録解除の進み具合), by keyboard, against a real server whose simulated
clock only moves when the test says so: its buckets, each bucket's next action through the
app's own dialogs, a stall that comes due by itself, the record kept across a restart."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from mobitui.domain.models import DeviceState, Enrollment, Platform
from mobitui.domain.retirement import ORDER, Stage, Trace, stage_of
from mobitui.domain.rules import DeviceWarning
from mobitui.local.retirements import RetirementStore
from mobitui.tui.screens.bulk.inactivation import InactivationScreen
from mobitui.tui.screens.retirement import RetirementScreen
from mobitui.tui.widgets.row_list import RowList
from tests.tui.helpers import (
    confirm,
    finished,
    loaded,
    make_app,
    open_dialog,
    plain_active,
    press_ok,
    shown,
    until,
)

SIZE = (110, 40)


@pytest.fixture
def frozen_server(make_server):
    return make_server(fleet=200, seed=3, speed=0.0)


def sim(server, path: str, body: dict) -> None:
    answer = httpx.post(f"{server.api_url}/sim/{path}", json=body)
    assert answer.status_code == 200, answer.text


def a_group(app, active: int = 2) -> str:
    """The first group (by id) holding at least ``active`` plain active devices."""
    for gid in sorted(app.fleet.groups):
        members = [d for d in app.fleet.devices.values() if d.group_id == gid]
        if sum(plain_active(d) for d in members) >= active:
            return gid
    raise AssertionError("no such group")


def members(app, gid: str) -> list:
    return [d for d in app.fleet.devices.values() if d.group_id == gid]


async def open_view(pilot, gid: str, checked: list[str] | None = None) -> RetirementScreen:
    """Open ``gid`` in the main screen, check ``checked`` (none: the whole group), press R."""
    app = pilot.app
    main = app.main_screen
    main.group = gid
    app.fleet.checked.clear()
    if checked:
        app.fleet.check(checked)
    main.refresh_view()
    await pilot.press("R")
    await shown(pilot, RetirementScreen)
    screen = app.screen
    await pilot.pause()
    return screen


def bucket_counts(screen: RetirementScreen) -> dict[str, int]:
    """The counts the stage list shows, by stage."""
    return {r.key: int(r.cells[1]) for r in screen.query_one("#stages", RowList).rows}


def in_bucket(screen: RetirementScreen) -> dict[str, Stage]:
    return dict(screen.stage_by_id)


async def test_the_view_of_a_group_counts_its_devices_by_stage_and_nothing_else(
    frozen_server,
) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        gid = a_group(app)
        group = members(app, gid)
        screen = await open_view(pilot, gid)
        await until(pilot, lambda: screen.requests_loaded)
        await pilot.pause()
        now = app.client.server_now()

        def executed(d):
            ref = d.inactivation
            return None if ref is None else screen.executed.get(ref.id)

        expected = Counter(stage_of(d, Trace(d), executed(d), now) for d in group)
        shown_counts = bucket_counts(screen)
        assert [Stage(k) for k in shown_counts] == list(ORDER)
        assert shown_counts == {s.value: expected[s] for s in ORDER}
        # Every device of the group is in one bucket, and no other device in any.
        assert set(in_bucket(screen)) == {d.id for d in group}
        outside = [d.id for d in app.fleet.devices.values() if d.group_id != gid]
        assert outside and not set(outside) & set(in_bucket(screen))
        # The devices of the bucket under the cursor are listed below it.
        first = next(s for s in ORDER if expected[s])
        while screen.selected() is not first:
            await pilot.press("down")
        rows = screen.query_one("#stage-devices", RowList).rows
        assert sorted(r.key for r in rows) == sorted(
            i for i, s in in_bucket(screen).items() if s is first
        )
        assert "Retirement progress" in str(screen.query_one("#retirement-title").render())


async def test_inactivating_the_active_bucket_moves_its_devices_on(frozen_server) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        gid = a_group(app)
        chosen = sorted(d.id for d in members(app, gid) if plain_active(d))[:3]
        for device_id in chosen:
            sim(frozen_server, f"devices/{device_id}", {"behaviour": "regular"})
        screen = await open_view(pilot, gid, chosen)
        assert bucket_counts(screen)[Stage.ACTIVE.value] == len(chosen)
        await pilot.press("a")
        await shown(pilot, InactivationScreen)
        dialog = app.screen
        await pilot.pause()
        assert sorted(dialog.order) == chosen
        for ack in dialog.query(".ack"):
            ack.value = True
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        # Folded into the record: requested, under the request's id.
        await until(pilot, lambda: all(screen.retirement.traces[i].request_ids for i in chosen))
        app.poll_now()
        await until(pilot, lambda: all(in_bucket(screen)[i] is not Stage.ACTIVE for i in chosen))
        assert {in_bucket(screen)[i] for i in chosen} <= {
            Stage.REQUESTED,
            Stage.INACTIVE,
            Stage.ON_DEVICE,
        }
        # The simulated devices answer once the clock moves: no longer waiting for them.
        sim(frozen_server, "advance", {"seconds": 3 * 3600})
        app.poll_now()
        await until(
            pilot,
            lambda: all(in_bucket(screen)[i] in (Stage.INACTIVE, Stage.ON_DEVICE) for i in chosen),
            tries=500,
        )
        gone_active = bucket_counts(screen)[Stage.ACTIVE.value]
        assert gone_active == 0


async def test_a_wiped_device_turns_stalled_by_itself_when_it_comes_due(frozen_server) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        gid = a_group(app, 1)
        device_id = sorted(d.id for d in members(app, gid) if plain_active(d))[0]
        sim(frozen_server, f"devices/{device_id}", {"behaviour": "wiped"})
        token = httpx.post(
            f"{frozen_server.api_url}/auth/login",
            json={"account": "admin", "password": "demo-admin-pass"},
        ).json()["token"]
        import uuid

        answer = httpx.post(
            f"{frozen_server.api_url}/inactivations",
            json={
                "password": "demo-admin-pass",
                "agree": True,
                "device_ids": [device_id],
                "remove_apple_mdm_profile": False,
                "scheduled_at": None,
            },
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        assert answer.status_code in (200, 202), answer.text
        app.poll_now()
        await until(
            pilot,
            lambda: app.fleet.devices[device_id].state is DeviceState.INACTIVATION_PENDING,
        )
        stall = app.launch.stall_after
        sim(frozen_server, "advance", {"seconds": stall.total_seconds() - 1})
        screen = await open_view(pilot, gid, [device_id])
        await until(pilot, lambda: screen.retirement.traces[device_id].executed_at is not None)
        assert in_bucket(screen)[device_id] is Stage.REQUESTED
        # Nothing pressed: the timer on the server's clock moves it.
        await until(pilot, lambda: in_bucket(screen)[device_id] is Stage.STALLED, tries=500)
        assert bucket_counts(screen)[Stage.STALLED.value] == 1


async def test_the_record_survives_a_restart(frozen_server) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        gid = a_group(app)
        screen = await open_view(pilot, gid)
        first = screen.retirement
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
    launch = app.launch
    listed = RetirementStore(launch.base_url, launch.account).list().retirements
    assert [r.id for r in listed] == [first.id]
    group_name = app.fleet.groups[gid].name
    assert first.name.startswith(group_name.strip()[:20])
    again = make_app(frozen_server)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_view(pilot, gid)
        assert screen.retirement.id == first.id
        assert set(screen.retirement.device_ids) == set(first.device_ids)


async def test_an_inactivation_from_the_main_menu_is_folded_into_the_record(frozen_server) -> None:
    """Operations started anywhere (here the main screen's 「端末管理」 menu, the view closed)
    land in the stored retirement holding their devices: request ids and acknowledgements."""
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)

        def dep(d) -> bool:
            return (
                d.state is DeviceState.ACTIVE
                and d.platform in (Platform.IOS, Platform.IPADOS)
                and d.enrollment is not Enrollment.CLIENT_APP
                and d.dep
                and d.dep_profile_removal_forbidden
            )

        acked = min((d for d in app.fleet.devices.values() if dep(d)), key=lambda d: d.id)
        gid = acked.group_id
        plain = sorted(d.id for d in members(app, gid) if plain_active(d))[:1]
        chosen = [acked.id, *plain]
        for device_id in chosen:
            sim(frozen_server, f"devices/{device_id}", {"behaviour": "regular"})
        view = await open_view(pilot, gid, chosen)
        record_id = view.retirement.id
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)

        dialog = await open_dialog(pilot, chosen, 0)
        await confirm(pilot)
        assert dialog.reasons() == ["warnings to acknowledge"]
        for ack in dialog.query(".ack"):
            ack.value = True
        await pilot.pause()
        await press_ok(pilot)
        await finished(pilot)
        state = dialog.state
        assert state is not None and state.request_ids

    store = RetirementStore(app.launch.base_url, app.launch.account)
    record = store.load(record_id)
    for device_id in chosen:
        trace = record.traces[device_id]
        assert trace.request_ids and set(trace.request_ids) <= set(state.request_ids)
        assert trace.requested_at is not None
        assert [s.operation for s in trace.steps] == [state.spec.id]  # once, not twice
    warning = DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN
    assert warning in record.traces[acked.id].acknowledged
    for device_id in plain:
        assert warning not in record.traces[device_id].acknowledged


async def test_an_inactivation_from_the_view_is_folded_once(frozen_server) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        gid = a_group(app)
        chosen = sorted(d.id for d in members(app, gid) if plain_active(d))[:2]
        screen = await open_view(pilot, gid, chosen)
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
        await pilot.pause()
        op = dialog.state.spec.id
        for device_id in chosen:
            steps = screen.retirement.traces[device_id].steps
            assert [s.operation for s in steps] == [op]
        stored = RetirementStore(app.launch.base_url, app.launch.account).load(screen.retirement.id)
        for device_id in chosen:
            assert [s.operation for s in stored.traces[device_id].steps] == [op]
            assert stored.traces[device_id].request_ids == dialog.state.request_ids


async def test_procedure_c_ticked_complete_is_marked_in_the_retirement(frozen_server) -> None:
    from mobitui.domain.procedures import ProcedureId
    from mobitui.domain.retirement import start
    from mobitui.tui.screens.checklist import StepItem
    from tests.tui.test_checklist_screen import hybrid_id, inactivate, open_for

    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        launch = app.launch
        store = RetirementStore(launch.base_url, launch.account)
        now = app.client.server_now()
        device = app.fleet.devices[device_id]
        store.save(start("c-test", "x", launch.base_url, launch.account, [device], now))
        inactivate(frozen_server, [device_id])
        screen = await open_for(pilot, device_id)
        c_items = [i for i in screen.query(StepItem) if i.tick[0] is ProcedureId.C]
        assert c_items
        for item in c_items[:-1]:
            item.focus()
            await pilot.press("space")
            await pilot.pause()
        assert store.load("c-test").traces[device_id].c_done_at is None  # not complete yet
        c_items[-1].focus()
        await pilot.press("space")
        await pilot.pause()
        assert store.load("c-test").traces[device_id].c_done_at is not None


async def _opened(pilot) -> None:
    app = pilot.app
    await loaded(pilot)
    await open_view(pilot, a_group(app))
    await pilot.pause()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_snapshot(snap_compare, pinned_server, lang: str) -> None:
    app = make_app(pinned_server, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=_opened)


async def test_rename_from_the_view_keeps_the_one_rule(frozen_server) -> None:
    """n: a refused name is said under the field and nothing is saved; a good one is saved at
    once and titles the view."""
    from mobitui.tui.screens.ask_name import AskName

    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_view(pilot, a_group(app))
        store = RetirementStore(app.launch.base_url, app.launch.account)
        path = next(store.directory.glob(f"{screen.retirement.id}.json"))
        before = path.read_bytes()
        await pilot.press("n")
        await shown(pilot, AskName)
        field = app.screen.query_one("#name")
        for refused in ("   ", "営業部\x1b[2J", "x" * 201):
            field.value = refused
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AskName)  # still asking: nothing typed is lost
            assert str(app.screen.query_one("#refused").render()).strip()
            assert path.read_bytes() == before
        field.value = "開発部 廃止 第1期"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        assert store.load(screen.retirement.id).name == "開発部 廃止 第1期"
        assert "開発部 廃止 第1期" in str(screen.query_one("#retirement-title").render())
        assert oct(path.stat().st_mode & 0o777) == "0o600"


async def test_the_report_is_written_from_the_view_as_a_new_private_file(
    frozen_server, tmp_path
) -> None:
    """e: the report where the admin says (Markdown by default, CSV by its extension), 0600,
    compared with the server's audit log; an existing file is refused and left as it was."""
    from mobitui.tui.screens.ask_path import AskPath
    from mobitui.tui.screens.message import MessageScreen

    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_view(pilot, a_group(app))
        said = []
        for name in ("r.md", "r.csv", "r.md"):
            await pilot.press("e")
            await shown(pilot, AskPath)
            app.screen.query_one("#path").value = str(tmp_path / name)
            await pilot.press("enter")
            await shown(pilot, MessageScreen)
            said.append(app.screen.body)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
        total = len(screen.retirement.device_ids)
        # The reference server has an audit log: the report says it was compared.
        assert all(f"({total} devices, audit records: compared)" in line for line in said[:2]), said
        assert "could not be written" in said[2] and "already exists" in said[2], said
        markdown = (tmp_path / "r.md").read_text()
        assert markdown.startswith("# ") and screen.retirement.name in markdown
        assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's BOM
        for name in ("r.md", "r.csv"):
            assert oct((tmp_path / name).stat().st_mode & 0o777) == "0o600"
        assert (tmp_path / "r.md").read_text() == markdown  # the third export did not replace it


async def test_the_sheets_stay_reachable_from_the_view_after_the_deletion(frozen_server) -> None:
    """s: the instruction sheets come from the record's snapshots, so a deleted Hybrid MDM
    device (its user still has the on-device steps to follow) still gets its sheet."""
    from dataclasses import replace

    from mobitui.domain.retirement import start
    from tests.tui.test_checklist_screen import hybrid_id, inactivate

    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        device_id = hybrid_id(app)
        request = inactivate(frozen_server, [device_id])
        app.poll_now()
        await until(pilot, lambda: app.fleet.devices[device_id].inactivation is not None)
        launch = app.launch
        store = RetirementStore(launch.base_url, launch.account)
        device = app.fleet.devices[device_id]
        now = app.client.server_now()
        record = start("s-test", "x", launch.base_url, launch.account, [device], now)
        trace = replace(record.traces[device_id], deleted_at=now)
        store.save(replace(record, traces={device_id: trace}))
        app.fleet.check([device_id])
        app.main_screen.refresh_view()
        await pilot.press("R")
        await shown(pilot, RetirementScreen)
        screen = app.screen
        assert screen.retirement.id == "s-test"
        assert screen.stage_by_id[device_id] is Stage.DELETED
        asked = []
        screen.view = replace(screen.view, sheets=asked.append)
        await pilot.press("s")
        await pilot.pause()
        (jobs,) = asked
        (job,) = jobs
        assert job.device.id == device_id and job.request_id == request
        assert job.work is not None
