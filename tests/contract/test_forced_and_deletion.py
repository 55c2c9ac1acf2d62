"""Forced inactivation (強制インアクティベーション) and device deletion (端末一括削除)
against the real server."""

from __future__ import annotations

import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import Forbidden, NotFound
from mobitui.domain.models import DeviceState, ItemProgress, Outcome, Reason
from mobitui.sim.accounts import hash_password
from tests.contract.faults import PASSWORDS, Sim, connect, fast_retry
from tests.contract.runs import delete_devices, force_inactivate, inactivate

PASSWORD = PASSWORDS["admin"]


@pytest.fixture
async def admin(server):
    client = await connect(server)
    async with client:
        yield client


async def test_forced_inactivation_is_immediate_and_cancels_jobs(admin, server):
    sim = Sim(server)
    active = [d.id async for d in admin.iter_devices(state=DeviceState.ACTIVE)][:3]
    await sim.jobs(active[0], 5)
    [result] = await force_inactivate(admin, active, password=PASSWORD, agree=True)
    assert result.cancelled_jobs == 5
    assert [(i.device_id, i.outcome, i.deleted) for i in result.items] == [
        (i, Outcome.ACCEPTED, False) for i in active
    ]
    for device_id in active:
        device = await admin.device(device_id)
        assert device.state is DeviceState.INACTIVE and device.pending_jobs == 0
    [entry] = await sim.audit("force_inactivate")
    assert entry["device_ids"] == active and entry["options"] == {"delete_after": False}


async def test_forced_inactivation_overtakes_a_pending_request(admin, server):
    sim = Sim(server)
    [device_id] = [d.id async for d in admin.iter_devices(state=DeviceState.ACTIVE)][:1]
    await sim.behave(device_id, "wiped")  # never communicates again
    [request] = await inactivate(admin, [device_id], password=PASSWORD, agree=True)
    assert (await admin.device(device_id)).state is DeviceState.INACTIVATION_PENDING
    await force_inactivate(admin, [device_id], password=PASSWORD, agree=True)
    assert (await admin.device(device_id)).state is DeviceState.INACTIVE
    after = await admin.inactivation(request.id)
    assert after.items[0].progress is ItemProgress.SUPERSEDED


async def test_forced_with_delete_after_removes_the_records(admin):
    active = [d.id async for d in admin.iter_devices(state=DeviceState.ACTIVE)][:2]
    [inactive] = [d.id async for d in admin.iter_devices(state=DeviceState.INACTIVE)][:1]
    start = (await admin.changes(2**53)).seq
    [result] = await force_inactivate(
        admin, [*active, inactive], delete_after=True, password=PASSWORD, agree=True
    )
    assert [(i.outcome, i.reason, i.deleted) for i in result.items] == [
        (Outcome.ACCEPTED, None, True),
        (Outcome.ACCEPTED, None, True),
        (Outcome.SKIPPED, Reason.ALREADY_INACTIVE, True),
    ]
    for device_id in [*active, inactive]:
        with pytest.raises(NotFound):
            await admin.device(device_id)
    assert sorted((await admin.changes(start)).deleted) == sorted([*active, inactive])


async def test_deletion_refuses_devices_that_are_not_inactive(admin, server):
    active = [d async for d in admin.iter_devices(state=DeviceState.ACTIVE)][:1]
    pending = [d async for d in admin.iter_devices(state=DeviceState.INACTIVATION_PENDING)][:1]
    inactive = [d async for d in admin.iter_devices(state=DeviceState.INACTIVE)][:2]
    ids = [d.id for d in [*active, *pending, *inactive]]
    [result] = await delete_devices(admin, ids, password=PASSWORD, agree=True)
    assert [(i.device_id, i.outcome, i.reason) for i in result.items] == [
        (active[0].id, Outcome.REFUSED, Reason.DEVICE_NOT_INACTIVE),
        (pending[0].id, Outcome.REFUSED, Reason.DEVICE_NOT_INACTIVE),
        (inactive[0].id, Outcome.DELETED, None),
        (inactive[1].id, Outcome.DELETED, None),
    ]
    assert await admin.device(active[0].id) == active[0]
    assert await admin.device(pending[0].id) == pending[0]
    for device in inactive:
        with pytest.raises(NotFound):
            await admin.device(device.id)
    [entry] = await Sim(server).audit("delete")
    assert [o["outcome"] for o in entry["outcomes"]] == ["refused", "refused", "deleted", "deleted"]


async def test_deletion_permission_is_needed_for_deleting(make_server, tmp_path):
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        "[[account]]\n"
        'name = "keeper"\nrole = "admin"\ncan_delete_devices = false\n'
        f'password_hash = "{hash_password("keeper-pass", n=1024)}"\n'
        "[[account]]\n"
        'name = "boss"\nrole = "admin"\ncan_delete_devices = true\n'
        f'password_hash = "{hash_password("boss-pass", n=1024)}"\n',
        encoding="utf-8",
    )
    running = make_server(accounts_file=accounts)
    async with MobiClient(running.base_url, retry=fast_retry()) as keeper:
        session = await keeper.login("keeper", "keeper-pass")
        assert not session.account.can_delete_devices
        [inactive] = [d.id async for d in keeper.iter_devices(state=DeviceState.INACTIVE)][:1]
        [active] = [d.id async for d in keeper.iter_devices(state=DeviceState.ACTIVE)][:1]
        with pytest.raises(Forbidden):
            await delete_devices(keeper, [inactive], password="keeper-pass", agree=True)
        with pytest.raises(Forbidden):
            await force_inactivate(
                keeper, [active], delete_after=True, password="keeper-pass", agree=True
            )
        assert (await keeper.device(active)).state is DeviceState.ACTIVE
        assert (await keeper.device(inactive)).state is DeviceState.INACTIVE
        # Forcing without deleting needs no deletion permission.
        [result] = await force_inactivate(keeper, [active], password="keeper-pass", agree=True)
        assert result.items[0].outcome is Outcome.ACCEPTED
