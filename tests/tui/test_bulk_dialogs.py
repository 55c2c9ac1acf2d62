"""The three step-by-step dialogs, driven by keyboard with Pilot against a real server.

Each test checks what the admin sees (the preflight, why OK is disabled, the result) AND what
the server then holds, so a dialog that only looks right cannot pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.domain.models import Device, DeviceState, Enrollment, Outcome, Platform
from mobitui.domain.operation import Ending
from mobitui.domain.rules import DeviceWarning, Inactivate
from mobitui.sim.accounts import hash_password
from mobitui.tui.app import MobiApp
from mobitui.tui.screens.bulk.deletion import DeletionScreen
from mobitui.tui.screens.bulk.dialog import BulkActionScreen
from mobitui.tui.screens.bulk.forced import ForcedInactivationScreen
from mobitui.tui.screens.bulk.inactivation import SCHEDULE_FORMAT, InactivationScreen
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.widgets.row_list import RowList
from tests.contract.faults import Fault, FaultyTransport, Sim, acted_on, destructive, fast_retry
from tests.tui.helpers import (
    admin_token,
    confirm,
    finished,
    loaded,
    make_app,
    open_dialog,
    plain,
    plain_active,
    press_ok,
    shown,
    until,
)

SIZE = (110, 45)


@pytest.fixture
def tui_server(make_server):
    return make_server(fleet=300, seed=3)


def pick(app, count: int, test: Callable[[Device], bool]) -> list[str]:
    found = sorted(d.id for d in app.fleet.devices.values() if test(d))[:count]
    assert len(found) == count, f"the fleet has only {len(found)} such devices"
    return found


def server_states(server, ids: list[str]) -> dict[str, str]:
    token = admin_token(server)
    found = {}
    for device_id in ids:
        answer = httpx.get(
            f"{server.api_url}/devices/{device_id}",
            headers={"Authorization": f"Bearer {token}"},
        )
        found[device_id] = answer.json()["state"] if answer.status_code == 200 else "gone"
    return found


def text_of(screen: BulkActionScreen, selector: str) -> str:
    return plain(screen.query_one(selector))


# --------------------------------------------------------------------------- A


async def test_inactivation_happy_path(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 3, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        assert isinstance(screen, InactivationScreen)
        assert screen.query_one("#ok").disabled
        assert "3 to act on" in text_of(screen, "#summary")
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert screen.phase == "result"
        assert screen.state is not None and screen.state.ending is Ending.FINISHED
        assert screen.state.counts()[Outcome.ACCEPTED] == 3
        summary = text_of(screen, "#result-summary")
        assert "inactivation request was registered" in summary
        assert screen.state.request_ids[0] in summary
        assert not app.fleet.checked & set(ids)  # the check marks of the devices acted on
        assert set(server_states(tui_server, ids).values()) <= {"inactivation_pending", "inactive"}
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)


async def test_wrong_password_shows_the_message_changes_nothing_and_allows_a_retry(
    tui_server,
) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 2, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        await confirm(pilot, "Not-The-Pass-7")
        await press_ok(pilot)
        await until(pilot, lambda: screen.query_one("#error").display)
        assert screen.phase == "form"
        assert "パスワードが正しくありません" in text_of(screen, "#error")
        assert set(server_states(tui_server, ids).values()) == {"active"}
        assert screen.query_one("#password").value == ""  # never kept on screen
        await confirm(pilot)  # 同意する is still ticked: tab+space would untick it
        if not screen.query_one("#agree").value:
            await pilot.press("space")
        await press_ok(pilot)
        await finished(pilot)
        assert screen.state.counts()[Outcome.ACCEPTED] == 2
    audit = app.operations.audit.entries()
    assert [e["result"] for e in audit] == ["invalid_password", "done"]


async def test_ok_stays_disabled_without_agreement_and_says_why(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_dialog(pilot, pick(app, 1, plain_active), 0)
        screen.query_one("#password").focus()
        await pilot.press(*"demo-admin-pass")
        assert screen.query_one("#ok").disabled
        assert screen.reasons() == ["「同意する」 not ticked"]
        assert "「同意する」 not ticked" in text_of(screen, "#why")


async def test_schedule_in_the_past_is_refused_before_ok_and_a_future_one_is_sent(
    tui_server,
) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 2, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        screen.query_one("#schedule-on").focus()
        await pilot.press("space")
        box = screen.query_one("#schedule-at")
        assert not box.disabled
        past = (app.client.server_now() - timedelta(days=1)).astimezone()
        box.value = past.strftime(SCHEDULE_FORMAT)
        await pilot.pause()
        await confirm(pilot)
        assert screen.query_one("#ok").disabled
        assert any("in the past" in r for r in screen.reasons())
        box.value = "tomorrow"
        await pilot.pause()
        assert any("YYYY-MM-DD" in r for r in screen.reasons())
        future = (app.client.server_now() + timedelta(days=2)).astimezone()
        box.value = future.strftime(SCHEDULE_FORMAT)
        await pilot.pause()
        assert screen.reasons() == []
        await press_ok(pilot)
        await finished(pilot)
        assert "scheduled" in text_of(screen, "#result-summary")
    # Registered, not executed: the devices are still active, the request is scheduled.
    assert set(server_states(tui_server, ids).values()) == {"active"}
    action = screen.state.spec.action
    assert isinstance(action, Inactivate) and action.scheduled_at is not None
    assert action.scheduled_at.strftime(SCHEDULE_FORMAT) == future.strftime(SCHEDULE_FORMAT)


async def test_dep_devices_gate_ok_until_the_option_is_on_or_they_are_acknowledged(
    tui_server,
) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)

        def dep(d: Device) -> bool:
            return (
                d.state is DeviceState.ACTIVE
                and d.platform in (Platform.IOS, Platform.IPADOS)
                and d.enrollment is not Enrollment.CLIENT_APP
                and d.dep
                and d.dep_profile_removal_forbidden
            )

        ids = pick(app, 1, dep) + pick(app, 1, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        await confirm(pilot)
        assert screen.reasons() == ["warnings to acknowledge"]
        warnings = " ".join(plain(w) for w in screen.query(".warning"))
        assert app.fleet.devices[ids[0]].name in warnings
        rows = screen.query_one("#plan", RowList).rows
        assert rows[0].key == ids[0] and rows[0].tone == "bad"  # shown first
        # Either turn 「有効にする」 on …
        screen.query_one("#remove-profile").value = True
        await pilot.pause()
        assert screen.reasons() == []
        assert not screen.preflight.devices_with(DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN)
        # … or leave it off and acknowledge the devices explicitly.
        screen.query_one("#remove-profile").value = False
        await pilot.pause()
        assert screen.reasons() == ["warnings to acknowledge"]
        ack = screen.query_one(".ack")
        ack.focus()
        await pilot.press("space")
        await pilot.pause()
        assert screen.reasons() == []
        await press_ok(pilot)
        await finished(pilot)
        assert screen.state.counts()[Outcome.ACCEPTED] == 2


async def test_many_devices_need_the_count_typed(tui_server) -> None:
    app = make_app(tui_server, confirm_above=2)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_dialog(pilot, pick(app, 3, plain_active), 0)
        await confirm(pilot)
        assert screen.query_one("#count-row").display
        assert screen.reasons() == ["device count to confirm"]
        screen.query_one("#count").focus()
        await pilot.press("2")
        assert screen.reasons() == ["device count to confirm"]
        await pilot.press("backspace", "3")
        assert screen.reasons() == []


async def test_a_change_while_open_recomputes_and_asks_to_agree_again(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 3, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        await confirm(pilot)
        assert screen.reasons() == []
        # Someone else forces one of them meanwhile.
        token = admin_token(tui_server)
        answer = httpx.post(
            f"{tui_server.api_url}/forced-inactivations",
            json={"device_ids": [ids[0]], "password": "demo-admin-pass", "agree": True},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        assert answer.status_code == 200, answer.text
        app.poll_now()
        await until(pilot, lambda: screen.query_one("#changed").display)
        assert "recomputed" in text_of(screen, "#changed")
        assert not screen.query_one("#agree").value
        assert "「同意する」 not ticked" in screen.reasons()
        plan = screen.preflight.by_device()[ids[0]]
        assert plan.outcome is Outcome.SKIPPED


# --------------------------------------------------------------------------- B


async def test_forced_inactivation_flags_devices_still_communicating(tui_server) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        now = app.client.server_now()

        def recent(d: Device) -> bool:
            return (
                d.state is DeviceState.ACTIVE
                and d.last_seen_at is not None
                and now - d.last_seen_at < timedelta(hours=24)
            )

        def silent(d: Device) -> bool:
            return (
                d.state is not DeviceState.INACTIVE
                and d.last_seen_at is not None
                and now - d.last_seen_at > timedelta(days=3)
            )

        ids = pick(app, 1, recent) + pick(app, 2, silent)
        screen = await open_dialog(pilot, ids, 1)
        assert isinstance(screen, ForcedInactivationScreen)
        intro = " ".join(plain(w) for w in screen.query(".intro"))
        assert "端末には何も届きません" in intro and "修理" in intro
        assert screen.preflight.devices_with(DeviceWarning.STILL_COMMUNICATING) == (ids[0],)
        await confirm(pilot)
        assert screen.reasons() == ["警告の確認が必要"]
        screen.query_one(".ack").value = True
        await pilot.pause()
        screen.query_one("#delete-after").value = True
        await pilot.pause()
        await press_ok(pilot)
        await finished(pilot)
        assert screen.state.ending is Ending.FINISHED
        assert sum(1 for i in screen.state.items if i.deleted) == 3
    assert set(server_states(tui_server, ids).values()) == {"gone"}


async def test_delete_after_is_greyed_without_the_deletion_permission(
    make_server, tmp_path
) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        "[[account]]\n"
        'name = "no-delete"\nrole = "admin"\ncan_delete_devices = false\n'
        f'password_hash = "{hash_password("s3cret-pass")}"\n',
        "utf-8",
    )
    server = make_server(fleet=50, accounts_file=accounts)
    app = make_app(server, account="no-delete", demo_password="s3cret-pass")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 1, lambda d: d.state is DeviceState.ACTIVE)
        screen = await open_dialog(pilot, ids, 1)
        assert screen.query_one("#delete-after").disabled
        assert "deletion permission" in " ".join(str(w.render()) for w in screen.query(".hint"))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        await pilot.press("m")
        await pilot.pause()
        deletion = next(e for e in app.screen.entries if e.kind.value == "delete")
        assert deletion.reason == "this account lacks the device-deletion permission"


# --------------------------------------------------------------------------- E


async def test_mixed_state_deletion_refuses_active_devices_before_and_after(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        inactive = pick(app, 2, lambda d: d.state is DeviceState.INACTIVE)
        active = pick(app, 2, plain_active)
        screen = await open_dialog(pilot, inactive + active, 2)
        assert isinstance(screen, DeletionScreen)
        assert str(screen.query_one("#ok").label) == "Delete"
        refused = {p.device_id for p in screen.preflight.not_acted_on}
        assert refused == set(active)
        rows = {r.key: r for r in screen.query_one("#plan", RowList).rows}
        assert all("not inactive" in rows[i].cells[2] for i in active)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        counts = screen.state.counts()
        # Only the inactive ones are sent; the active ones never leave the client.
        assert (counts[Outcome.DELETED], counts[Outcome.REFUSED]) == (2, 0)
        await until(pilot, lambda: not set(inactive) & app.fleet.devices.keys())
        # Deleted here, by this admin: not reported as "deleted elsewhere".
        assert "deleted elsewhere" not in str(app.main_screen.query_one("#status").render())
    states = server_states(tui_server, inactive + active)
    assert [states[i] for i in inactive] == ["gone", "gone"]
    assert [states[i] for i in active] == ["active", "active"]


async def test_f1_shows_the_help_page_steps_of_the_dialog(tui_server) -> None:
    from mobitui.tui.screens.steps import StepsScreen

    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await open_dialog(pilot, pick(app, 1, plain_active), 2)
        await pilot.press("f1")
        await shown(pilot, StepsScreen)
        await until(pilot, lambda: bool(app.screen.query("#steps-body")))
        steps = plain(app.screen.query_one("#steps-body"))
        assert "管理画面から端末を削除する" in steps
        assert "「端末一括削除」をクリックします。" in steps
        await pilot.press("escape")
        await shown(pilot, DeletionScreen)


async def test_the_audit_log_of_a_session_never_holds_the_password(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 2, plain_active)
        await open_dialog(pilot, ids, 1)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
    state_dir = app.operations.journal.directory.parent
    data = b"".join(p.read_bytes() for p in state_dir.rglob("*") if p.is_file())
    assert data and b"demo-admin-pass" not in data
    assert acted_on(await Sim(tui_server).audit("force_inactivate")) == {i: 1 for i in ids}


def test_dialog_step_numbers_match_the_help_page() -> None:
    """Each dialog's password / 同意する / OK sits beside the page's own step number."""
    from mobitui.domain.procedures import get

    for dialog, ok_label in (
        (InactivationScreen, "「OK」"),
        (ForcedInactivationScreen, "「OK」"),
        (DeletionScreen, "「削除」"),
    ):
        procedure = get(dialog.PROCEDURE)
        assert "「パスワード」" in procedure.step(dialog.STEP_PASSWORD).text.ja
        assert "「同意する」" in procedure.step(dialog.STEP_AGREE).text.ja
        assert ok_label in procedure.step(dialog.STEP_OK).text.ja
    assert "「有効にする」" in get(InactivationScreen.PROCEDURE).step(6).text.ja
    assert "「予約日時を設定する」" in get(InactivationScreen.PROCEDURE).step(7).text.ja
    assert "「有効」" in get(ForcedInactivationScreen.PROCEDURE).step(6).text.ja


# --------------------------------------------------------------------------- interruption


class Switch:
    """A fault plan that can be turned off: drop after the server acted, then refuse."""

    def __init__(self) -> None:
        self.on = True
        self.count = 0

    def __call__(self, request: httpx.Request, n: int) -> Fault:
        if not self.on:
            return Fault.PASS
        self.count += 1
        if self.count == 1:
            return Fault.PASS
        return Fault.DROP_AFTER if self.count == 2 else Fault.REFUSE


def lossy_app(server) -> tuple[MobiApp, Switch]:
    """The app over a connection that loses the second bulk answer and then refuses."""
    switch = Switch()
    transport = FaultyTransport(httpx.AsyncHTTPTransport(), plan=switch, match=destructive)
    client = MobiClient(server.base_url, transport=transport, retry=fast_retry(max_attempts=2))
    return MobiApp(make_app(server).launch, client=client), switch


async def test_a_connection_lost_mid_bulk_resumes_in_the_dialog_and_at_next_launch(
    make_server,
) -> None:
    server = make_server(fleet=300, seed=3, max_bulk=5)
    app, switch = lossy_app(server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 15, plain_active)
        screen = await open_dialog(pilot, ids, 1)
        for ack in screen.query(".ack"):  # some may still be in use: acknowledged
            ack.value = True
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        # Batch 1 done, batch 2's answer lost, batch 3 never sent: all shown, none hidden.
        assert screen.phase == "result" and screen.state.resumable
        assert screen.query_one("#resume").display
        assert "not done" in text_of(screen, "#result-summary")
        rows = screen.query_one("#result", RowList).rows
        assert sum(1 for r in rows if r.cells[0] == "!") == 10
        assert "Cannot reach" in text_of(screen, "#error")
        path = screen.path
    # The app is gone (as after a dropped SSH session); the next launch offers to resume.
    switch.on = False
    again = make_app(server)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await shown(pilot, ForcedInactivationScreen)
        screen = again.screen
        assert screen.phase == "result" and screen.path == path
        assert "did not finish" in text_of(screen, "#result-summary")
        # Its next useful action: resuming, which asks the password first.
        await until(pilot, lambda: again.focused is not None and again.focused.id == "password")
        screen.query_one("#password").focus()
        await pilot.press(*"demo-admin-pass", "tab", "space")
        await pilot.pause()
        assert screen.reasons() == []
        screen.query_one("#resume").focus()
        await pilot.press("enter")
        await finished(pilot)
        assert screen.state.ending is Ending.FINISHED
        assert screen.state.counts()[Outcome.ACCEPTED] == 15
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_giving_up_the_rest_ends_the_operation_after_asking(make_server) -> None:
    server = make_server(fleet=300, seed=3, max_bulk=5)
    app, _ = lossy_app(server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_dialog(pilot, pick(app, 10, plain_active), 0)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert screen.state.resumable
        screen.query_one("#abandon").focus()
        await pilot.press("enter")
        await shown(pilot, MessageScreen)
        await pilot.press("escape")  # No: nothing happens
        await until(pilot, lambda: app.screen is screen)
        assert screen.state.resumable
        screen.query_one("#abandon").focus()
        await pilot.press("enter")
        await shown(pilot, MessageScreen)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is app.main_screen)
    found, errors = app.operations.unfinished()
    assert (found, errors) == ([], [])


@pytest.mark.parametrize("size", [(30, 12), (20, 6)])
async def test_dialogs_work_in_a_tiny_terminal(tui_server, size: tuple[int, int]) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        ids = pick(app, 2, plain_active)
        for index in (1, 2):  # forced inactivation and deletion: open, look, close
            await open_dialog(pilot, ids, index)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.main_screen)
        screen = await open_dialog(pilot, ids, 0)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert screen.state.counts()[Outcome.ACCEPTED] == 2
        await pilot.press("escape")
        await pilot.press("i")
        await pilot.pause()
        assert app.is_running


class Forbid(httpx.AsyncBaseTransport):
    """The real server behind a gateway that refuses destructive calls with 403 (say, a scope
    the server narrowed after the dialog opened)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if destructive(request):
            body = {
                "title": "forbidden",
                "status": 403,
                "code": "forbidden",
                "detail": "device d000001 is outside this account's groups",
            }
            return httpx.Response(
                403, json=body, headers={"content-type": "application/problem+json"}
            )
        return await self.inner.handle_async_request(request)


async def test_a_403_is_shown_as_such_and_nothing_is_recorded_as_done(make_server) -> None:
    server = make_server(fleet=300, seed=3)
    client = MobiClient(server.base_url, transport=Forbid())
    app = MobiApp(make_app(server, lang="ja").launch, client=client)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_dialog(pilot, pick(app, 2, plain_active), 0)
        await confirm(pilot)
        await press_ok(pilot)
        await until(pilot, lambda: screen.query_one("#error").display)
        error = text_of(screen, "#error")
        assert "このアカウントでは実行できません" in error
        assert "outside this account's groups" in error  # the server's own words, literally
        assert screen.phase == "form"
    assert [e["result"] for e in app.operations.audit.entries()] == ["forbidden"]


async def test_an_rfc_3339_schedule_can_be_typed_in_the_field(tui_server) -> None:
    """The field reads RFC 3339 as --schedule does (present.words.read_schedule): typed key by
    key, the whole time with its offset must fit (it is longer than YYYY-MM-DD HH:MM)."""
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_dialog(pilot, pick(app, 1, plain_active), 0)
        screen.query_one("#schedule-on").focus()
        await pilot.press("space")
        box = screen.query_one("#schedule-at")
        box.focus()
        box.value = ""
        future = (app.client.server_now() + timedelta(days=2)).replace(microsecond=0)
        typed = future.astimezone().isoformat()  # e.g. 2026-12-03T10:00:00+09:00
        await pilot.press(*typed)
        await pilot.pause()
        assert box.value == typed
        await confirm(pilot)
        assert screen.reasons() == []
        action = screen.action_value()
        assert isinstance(action, Inactivate) and action.scheduled_at == future


# --------------------------------------------------------------------------- the steps' order


def step_of(screen: BulkActionScreen, widget) -> int | None:
    """The help page's step a focused widget is part of (None: not a step's field)."""
    from mobitui.tui.screens.bulk.dialog import AckSlot, StepRow

    if widget.id == "ok":
        return screen.STEP_OK
    if widget.id == "count":  # typing the count back is part of confirming (同意する)
        return screen.STEP_AGREE
    for node in widget.ancestors_with_self:
        if isinstance(node, StepRow | AckSlot):
            return node.number
    return None


async def tab_walk(pilot, screen: BulkActionScreen) -> list[tuple[str, int | None]]:
    """Tab from the focus until 「キャンセル」: each field reached and its step."""
    walked = []
    for _ in range(30):
        focused = pilot.app.focused
        if focused.id == "cancel":
            return walked
        walked.append((focused.id or focused.name or "", step_of(screen, focused)))
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached cancel: {walked}")


def _recent(app):
    now = app.client.server_now()
    return lambda d: (
        d.state is DeviceState.ACTIVE
        and d.last_seen_at is not None
        and now - d.last_seen_at < timedelta(hours=24)
    )


def _dep_forbidding(d: Device) -> bool:
    return d.state is DeviceState.ACTIVE and d.dep and d.dep_profile_removal_forbidden


@pytest.mark.parametrize(
    ("index", "first", "ack_id"),
    [
        (0, "remove-profile", "dep_profile_removal_forbidden"),
        (1, "delete-after", None),
        (2, "password", None),
    ],
    ids=["inactivation", "forced", "deletion"],
)
async def test_focus_starts_at_the_first_step_and_tab_follows_the_steps(
    tui_server, index: int, first: str, ack_id: str | None
) -> None:
    app = make_app(tui_server, confirm_above=1)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        if index == 0:
            ids = pick(app, 1, _dep_forbidding) + pick(app, 1, plain_active)
        elif index == 1:
            ids = pick(app, 1, _recent(app)) + pick(app, 1, plain_active)
        else:
            ids = pick(app, 2, lambda d: d.state is DeviceState.INACTIVE)
        screen = await open_dialog(pilot, ids, index)
        assert app.focused.id == first  # the first step of the dialog, not the password
        # Everything given, so that OK is in the walk too.
        for ack in screen.query(".ack"):
            ack.value = True
        screen.query_one("#password").value = "demo-admin-pass"
        screen.query_one("#agree").value = True
        screen.query_one("#count").value = str(len(screen.preflight.acted_on))
        await pilot.pause()
        assert screen.reasons() == []
        screen.query_one(f"#{first}").focus()
        await pilot.pause()
        walked = await tab_walk(pilot, screen)
        steps = [step for _, step in walked]
        assert None not in steps, walked
        assert steps == sorted(steps), walked  # 手順6 → … → OK, never back
        assert steps[0] == min(s for f, s in screen.STEPS.items() if f != "open"), walked
        assert walked[-1] == ("ok", screen.STEP_OK), walked
        fields = [name for name, _ in walked]
        assert fields.index("password") < fields.index("agree") < fields.index("count")
        # Shift+Tab walks back the same way.
        await pilot.press("shift+tab")
        assert app.focused.id == "ok"
        await pilot.press("shift+tab")
        assert app.focused.id == "count"


async def test_an_acknowledgement_sits_under_the_step_it_belongs_to(tui_server) -> None:
    from mobitui.tui.screens.bulk.dialog import AckSlot, Field

    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        # DEP forbidding removal: caused by 「有効にする」 off, so right under step 6.
        screen = await open_dialog(pilot, pick(app, 1, _dep_forbidding), 0)
        ack = screen.query_one(".ack")
        slot = next(a for a in ack.ancestors if isinstance(a, AckSlot))
        assert slot.number == screen.STEPS[Field.REMOVE_PROFILE] == 6
        line = slot.query_one(".warning")
        assert app.fleet.devices[screen.order[0]].name in plain(line)
        assert not screen.query_one("#warnings").query(".ack")  # not above 手順6
        chain = screen.focus_chain
        assert chain.index(ack) == chain.index(screen.query_one("#remove-profile")) + 1
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        # Forced, still communicating: no option causes it; with 「同意する」 (step 8).
        screen = await open_dialog(pilot, pick(app, 1, _recent(app)), 1)
        ack = screen.query_one(".ack")
        slot = next(a for a in ack.ancestors if isinstance(a, AckSlot))
        assert slot.number == screen.STEP_AGREE == 8
        chain = screen.focus_chain
        assert chain.index(ack) == chain.index(screen.query_one("#agree")) + 1


async def test_enter_in_password_and_count_presses_ok_only_when_allowed(tui_server) -> None:
    server = tui_server
    app = make_app(server, confirm_above=2)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 3, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        screen.query_one("#password").focus()
        await pilot.press(*"demo-admin-pass", "enter")  # blocked (同意する): on to the next field
        await pilot.pause()
        assert screen.phase == "form" and app.focused.id == "agree"
        await pilot.press("space", "tab")
        assert app.focused.id == "count"
        await pilot.press("2", "enter")  # the wrong count: blocked, nothing sent
        await pilot.pause()
        assert screen.phase == "form" and screen.reasons() == ["device count to confirm"]
        # The count is the only field missing: the focus stays there, not on a field that
        # needs nothing.
        assert app.focused.id == "count"
        await pilot.press("backspace", "3", "enter")  # allowed now: Enter is OK
        await finished(pilot)
        assert screen.state.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("inactivate")) == {i: 1 for i in ids}


async def test_the_result_focuses_its_next_useful_action(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        # Inactivated without 「有効にする」: the profile must be removed on the device.
        screen = await open_dialog(pilot, pick(app, 2, plain_active), 0)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert screen.query_one("#to-checklist").display
        await until(pilot, lambda: app.focused is not None and app.focused.id == "to-checklist")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        # Deleted: nothing on the device, nothing open: the results to export.
        screen = await open_dialog(
            pilot, pick(app, 2, lambda d: d.state is DeviceState.INACTIVE), 2
        )
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert not screen.query_one("#to-checklist").display
        await until(pilot, lambda: app.focused is not None and app.focused.id == "results-csv")
