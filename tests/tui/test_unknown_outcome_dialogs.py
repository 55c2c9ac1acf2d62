"""The dialogs when an outcome is unknown (safety round 3, #1 and #7), driven with Pilot
against a real reference server.

- #1: the first attempt of a forced inactivation acts and its answer is lost; the retry (same
  key) gets a gateway's 409 ``idempotency_key_in_use``. Before, the dialog went back to its
  form as after a refusal ("nothing changed"; the journal ended ``refused``). Now it shows the
  operation open, with 「再開」, and says that the outcome is unknown.
- #7: a dialog on a device of an unfinished operation sends nothing and names the operation
  to resume or abandon first.
"""

from __future__ import annotations

import httpx

from mobitui.api.client import MobiClient
from mobitui.api.runner import new_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import Inactivate
from mobitui.tui.app import MobiApp
from tests.contract.faults import Fault, FaultyTransport, Sim, acted_on, destructive, fast_retry
from tests.contract.faults import scheduled as faults_at
from tests.tui.helpers import confirm, finished, loaded, make_app, open_dialog, press_ok, until
from tests.tui.test_bulk_dialogs import SIZE, pick, plain_active, server_states, text_of


async def test_a_refused_retry_after_a_lost_answer_shows_the_run_open_not_refused(
    make_server,
) -> None:
    server = make_server(fleet=300, seed=3, max_bulk=5)
    plan = faults_at({0: Fault.DROP_AFTER, 1: Fault.KEY_IN_USE})
    transport = FaultyTransport(httpx.AsyncHTTPTransport(), plan=plan, match=destructive)
    client = MobiClient(server.base_url, transport=transport, retry=fast_retry())
    app = MobiApp(make_app(server).launch, client=client)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 5, plain_active)
        screen = await open_dialog(pilot, ids, 1)
        for ack in screen.query(".ack"):
            ack.value = True
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        await until(pilot, lambda: screen.query_one("#error").display)
        assert screen.phase == "result", text_of(screen, "#error")
        assert screen.state is not None and screen.state.ending is None
        assert screen.state.resumable and screen.query_one("#resume").display
        error = text_of(screen, "#error")
        assert "The outcome is unknown" in error and "409 idempotency_key_in_use" in error
        assert "Nothing was changed" not in error
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_a_dialog_on_a_device_of_an_unfinished_operation_sends_nothing(
    make_server,
) -> None:
    server = make_server(fleet=300, seed=3)
    app = make_app(server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 3, plain_active)
        # An operation planned in this state directory and never finished (a run that
        # stopped): every batch open, the outcome of its devices unknown.
        account = app.account.name if app.account is not None else app.launch.account
        unfinished = await new_operation(
            app.client,
            app.operations.journal,
            Inactivate(),
            ids[:2],
            names={},
            server=app.launch.base_url,
            profile=app.launch.profile,
            account=account,
        )
        unfinished.close()
        operation = unfinished.state.spec.id
        screen = await open_dialog(pilot, ids[1:], 0)
        await confirm(pilot)
        await press_ok(pilot)
        await until(pilot, lambda: screen.query_one("#error").display)
        error = text_of(screen, "#error")
        assert f"Resume or abandon operation {operation} first" in error
        assert ids[1] in error and ids[2] not in error and "Nothing was sent" in error
        assert screen.phase == "form"  # nothing started: the admin may change the choice
    assert app.operations.audit.entries() == []
    assert set(server_states(server, ids).values()) == {"active"}
    found, _ = app.operations.journal.scan(
        server=app.launch.base_url, profile=app.launch.profile, account=account
    )
    assert [f.state.spec.id for f in found] == [operation]
    assert found[0].state.ending is not Ending.REFUSED
