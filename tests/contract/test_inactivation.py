"""Inactivation requests (一括インアクティベーション) against the real server: immediate and
scheduled runs, jobs, skips, cancelling, refusals that change nothing, idempotent replay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobitui.api.batches import plan_batches
from mobitui.api.errors import Conflict, InvalidPassword, ValidationFailed
from mobitui.domain.models import (
    Device,
    DeviceState,
    Enrollment,
    ItemProgress,
    Outcome,
    Reason,
    RequestStatus,
)
from tests.contract.faults import PASSWORDS, Sim, connect
from tests.contract.runs import force_inactivate, inactivate

PASSWORD = PASSWORDS["admin"]


@pytest.fixture
async def admin(server):
    client = await connect(server)
    async with client:
        yield client


@pytest.fixture
def sim(server):
    return Sim(server)


async def regular_apple(admin, sim, count: int) -> list[Device]:
    """Active Apple MDM devices that will check in (behaviour pinned to ``regular``)."""
    found = [
        d
        async for d in admin.iter_devices(state=DeviceState.ACTIVE)
        if d.enrollment is Enrollment.APPLE_MDM
    ][:count]
    assert len(found) == count
    for device in found:
        await sim.behave(device.id, "regular")
    return found


async def test_immediate_request_cancels_jobs_and_devices_finish_when_they_check_in(admin, sim):
    devices = await regular_apple(admin, sim, 3)
    ids = [d.id for d in devices]
    await sim.jobs(ids[0], 2)
    await sim.jobs(ids[1], 1)
    [request] = await inactivate(admin, ids, password=PASSWORD, agree=True)
    assert request.status is RequestStatus.IN_PROGRESS
    assert request.executed_at is not None and request.created_by == "admin"
    assert request.cancelled_jobs == 3
    assert [(i.device_id, i.outcome) for i in request.items] == [(i, Outcome.ACCEPTED) for i in ids]
    for device_id in ids:
        device = await admin.device(device_id)
        assert device.state is DeviceState.INACTIVATION_PENDING
        assert device.pending_jobs == 0
        assert device.inactivation is not None and device.inactivation.id == request.id

    await sim.advance(2 * 3600)  # every regular device checks in within an hour
    done = await admin.inactivation(request.id)
    assert done.status is RequestStatus.COMPLETED
    assert {i.progress for i in done.items} == {ItemProgress.DONE}
    assert {(await admin.device(i)).state for i in ids} == {DeviceState.INACTIVE}


async def test_inactive_and_pending_devices_are_skipped_with_a_reason(admin, sim):
    [inactive] = [d async for d in admin.iter_devices(state=DeviceState.INACTIVE)][:1]
    [pending] = [d async for d in admin.iter_devices(state=DeviceState.INACTIVATION_PENDING)][:1]
    [fresh] = await regular_apple(admin, sim, 1)
    [request] = await inactivate(
        admin,
        [inactive.id, pending.id, fresh.id, fresh.id, "d999999"],
        password=PASSWORD,
        agree=True,
    )
    assert [(i.device_id, i.outcome, i.reason) for i in request.items] == [
        (inactive.id, Outcome.SKIPPED, Reason.ALREADY_INACTIVE),
        (pending.id, Outcome.SKIPPED, Reason.ALREADY_PENDING),
        (fresh.id, Outcome.ACCEPTED, None),
        ("d999999", Outcome.SKIPPED, Reason.NOT_FOUND),
    ]


async def test_scheduled_request_waits_for_its_time_then_executes(admin, sim):
    devices = await regular_apple(admin, sim, 2)
    ids = [d.id for d in devices]
    await sim.jobs(ids[0], 4)
    when = (await sim.now()).replace(microsecond=0) + timedelta(hours=3)
    [request] = await inactivate(
        admin, ids, password=PASSWORD, agree=True, scheduled_at=when, remove_apple_mdm_profile=True
    )
    assert request.status is RequestStatus.SCHEDULED
    assert request.scheduled_at == when and request.executed_at is None
    assert request.remove_apple_mdm_profile
    assert {i.progress for i in request.items} == {ItemProgress.SCHEDULED}
    assert [r.id for r in await admin.inactivations(status=RequestStatus.SCHEDULED)] == [request.id]
    waiting = await admin.device(ids[0])
    assert waiting.state is DeviceState.ACTIVE and waiting.pending_jobs == 4
    assert waiting.inactivation is not None
    assert waiting.inactivation.status is RequestStatus.SCHEDULED

    await sim.advance(3 * 3600 + 1)
    executed = await admin.inactivation(request.id)
    assert executed.status in (RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED)
    assert executed.executed_at is not None and executed.executed_at >= when
    assert executed.cancelled_jobs == 4
    after = await admin.device(ids[0])
    assert after.state is not DeviceState.ACTIVE and after.pending_jobs == 0
    with pytest.raises(Conflict) as info:
        await admin.cancel_inactivation(request.id)
    assert (info.value.status, info.value.code) == (409, "already_executed")


async def test_cancelling_a_scheduled_request_leaves_the_devices_alone(admin, sim):
    devices = await regular_apple(admin, sim, 2)
    ids = [d.id for d in devices]
    when = (await sim.now()) + timedelta(hours=1)
    [request] = await inactivate(admin, ids, password=PASSWORD, agree=True, scheduled_at=when)
    cancelled = await admin.cancel_inactivation(request.id)
    assert cancelled.status is RequestStatus.CANCELLED
    assert {i.progress for i in cancelled.items} == {ItemProgress.CANCELLED}
    again = await admin.cancel_inactivation(request.id)  # idempotent, e.g. a lost answer
    assert again.status is RequestStatus.CANCELLED
    await sim.advance(2 * 3600)
    assert {(await admin.device(i)).state for i in ids} == {DeviceState.ACTIVE}
    assert (await admin.inactivation(request.id)).status is RequestStatus.CANCELLED
    entries = await sim.audit("cancel")
    assert {(e["request_id"], e["result"]) for e in entries} == {(request.id, "ok")}


async def test_refusals_change_nothing_and_are_audited(admin, sim):
    [device] = await regular_apple(admin, sim, 1)
    before = await admin.device(device.id)
    with pytest.raises(InvalidPassword) as info:
        await inactivate(admin, [device.id], password="not-my-password", agree=True)
    assert (info.value.status, info.value.code) == (403, "invalid_password")
    with pytest.raises(ValidationFailed) as info:
        await inactivate(admin, [device.id], password=PASSWORD, agree=False)
    assert (info.value.status, info.value.code) == (422, "agreement_required")
    past = (await sim.now()) - timedelta(minutes=5)
    with pytest.raises(ValidationFailed) as info:
        await inactivate(admin, [device.id], password=PASSWORD, agree=True, scheduled_at=past)
    assert info.value.code == "schedule_in_past"
    assert await admin.device(device.id) == before
    assert await admin.inactivations(status=RequestStatus.SCHEDULED) == []
    results = [e["result"] for e in await sim.audit("inactivate")]
    assert results == ["invalid_password", "agreement_required", "schedule_in_past"]
    assert PASSWORD not in str(await sim.audit())


async def test_same_key_same_body_replays_the_first_answer(admin, sim):
    devices = await regular_apple(admin, sim, 2)
    [batch] = plan_batches([d.id for d in devices], 10)
    first = await admin.send_inactivation(batch, password=PASSWORD, agree=True)
    second = await admin.send_inactivation(batch, password=PASSWORD, agree=True)
    assert second == first
    assert len(await sim.audit("inactivate")) == 1
    assert (
        len(await admin.inactivations())
        == len([r for r in await admin.inactivations() if r.id != first.id]) + 1
    )
    with pytest.raises(ValidationFailed) as info:
        await admin.send_inactivation(
            batch, password=PASSWORD, agree=True, remove_apple_mdm_profile=True
        )
    assert info.value.code == "idempotency_key_reused"


async def test_a_device_that_never_finishes_stays_pending_until_forced(admin, sim):
    hybrid = await anext(
        d
        async for d in admin.iter_devices(state=DeviceState.ACTIVE)
        if d.enrollment is Enrollment.HYBRID_MDM and not d.safari_restricted
    )
    await sim.behave(hybrid.id, "never_finishes")
    [request] = await inactivate(admin, [hybrid.id], password=PASSWORD, agree=True)
    await sim.advance(48 * 3600)
    await admin.login("admin", PASSWORD)  # two days outlive the token
    stuck = await admin.device(hybrid.id)
    assert stuck.state is DeviceState.INACTIVATION_PENDING
    assert (await admin.inactivation(request.id)).status is RequestStatus.IN_PROGRESS
    [forced] = await force_inactivate(admin, [hybrid.id], password=PASSWORD, agree=True)
    assert forced.items[0].outcome is Outcome.ACCEPTED
    assert (await admin.device(hybrid.id)).state is DeviceState.INACTIVE
    superseded = await admin.inactivation(request.id)
    assert superseded.items[0].progress is ItemProgress.SUPERSEDED
