"""Authentication, roles and group scope: the client against the real reference server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobitui.api.batches import plan_batches
from mobitui.api.client import MobiClient
from mobitui.api.errors import (
    Forbidden,
    InvalidCredentials,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from mobitui.api.retry import RetryPolicy
from mobitui.domain.models import DeviceState, Outcome, Reason, Role
from tests.contract.faults import PASSWORDS, Sim, connect, fast_retry
from tests.contract.runs import delete_devices, force_inactivate, inactivate


async def test_login_me_and_logout_revokes_the_token(server):
    async with MobiClient(server.base_url, retry=fast_retry()) as client:
        session = await client.login("admin", PASSWORDS["admin"])
        assert session.account.role is Role.ADMIN and session.account.group_scope is None
        assert (await client.me()) == session.account
        token = session.token
        await client.logout()
        assert client.token is None
        with pytest.raises(Unauthenticated):
            await client.me()  # refused locally: no token
    async with MobiClient(server.base_url, token=token, retry=fast_retry()) as stale:
        with pytest.raises(Unauthenticated) as info:
            await stale.me()  # refused by the server: revoked
        assert (info.value.status, info.value.code) == (401, "unauthenticated")
        assert stale.token is None


async def test_wrong_credentials_look_the_same_whether_the_account_exists_or_not(server):
    answers = []
    async with MobiClient(server.base_url, retry=fast_retry()) as client:
        for account in ("admin", "nobody"):
            with pytest.raises(InvalidCredentials) as info:
                await client.login(account, "wrong")
            error = info.value
            answers.append((error.status, error.code, error.title, error.detail))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (401, "invalid_credentials")


async def test_a_bogus_token_is_unauthenticated(server):
    async with MobiClient(server.base_url, token="not-a-token", retry=fast_retry()) as client:
        with pytest.raises(Unauthenticated):
            await client.groups()


async def test_token_expires_on_the_server_clock(server):
    client = await connect(server)
    async with client:
        await client.me()
        await Sim(server).advance(server.config.token_ttl_seconds + 1)
        with pytest.raises(Unauthenticated):
            await client.me()


async def test_repeated_login_failures_are_slowed_down_and_waited_out(server):
    sim = Sim(server)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # waits on the server's clock, not ours
        waits.append(seconds)
        await sim.advance(seconds)

    threshold = server.config.login_failures_before_slowdown
    async with MobiClient(server.base_url, retry=fast_retry(sleep=sleep)) as client:
        for _ in range(threshold):
            with pytest.raises(InvalidCredentials):
                await client.login("operator", "wrong")
        assert waits == []
        async with MobiClient(server.base_url, retry=RetryPolicy(max_attempts=1)) as impatient:
            with pytest.raises(RateLimited) as info:
                await impatient.login("operator", PASSWORDS["operator"])
            assert info.value.status == 429 and info.value.retry_after is not None
            assert info.value.retry_after >= 1
        session = await client.login("operator", PASSWORDS["operator"])
        assert session.account.role is Role.OPERATOR
        assert waits and all(w >= 1 for w in waits)


async def test_operator_reads_but_every_destructive_call_is_forbidden(server):
    sim = Sim(server)
    admin = await connect(server, "admin")
    operator = await connect(server, "operator")
    async with admin, operator:
        assert len(await operator.groups()) == len(await admin.groups())
        device = await anext(operator.iter_devices(state=DeviceState.ACTIVE))
        ids = [device.id]
        password = PASSWORDS["operator"]
        calls = [
            inactivate(operator, ids, password=password, agree=True),
            force_inactivate(operator, ids, password=password, agree=True),
            delete_devices(operator, ids, password=password, agree=True),
        ]
        for call in calls:
            with pytest.raises(Forbidden) as info:
                await call
            assert (info.value.status, info.value.code) == (403, "forbidden")
        scheduled = await inactivate(
            admin,
            ids,
            password=PASSWORDS["admin"],
            agree=True,
            scheduled_at=(await sim.now()).replace(microsecond=0) + timedelta(hours=1),
        )
        with pytest.raises(Forbidden):
            await operator.cancel_inactivation(scheduled[0].id)
        assert (await operator.device(device.id)).state is DeviceState.ACTIVE
    refused = [e for e in await sim.audit() if e["result"] == "forbidden"]
    assert len(refused) == 4 and {e["account"] for e in refused} == {"operator"}


async def test_branch_admin_sees_and_acts_only_inside_its_scope(server):
    admin = await connect(server, "admin")
    branch = await connect(server, "branch-admin")
    async with admin, branch:
        scope = branch.account.group_scope
        assert scope is not None
        groups = {g.id for g in await branch.groups()}
        assert set(scope) <= groups < {g.id for g in await admin.groups()}
        mine = [d async for d in branch.iter_devices()]
        assert mine and all(d.group_id in groups for d in mine)
        outside = await anext(
            d
            async for d in admin.iter_devices(state=DeviceState.ACTIVE)
            if d.group_id not in groups
        )
        with pytest.raises(NotFound):
            await branch.device(outside.id)
        with pytest.raises(NotFound):
            await anext(branch.iter_devices(group_id=outside.group_id))
        assert outside.id not in {d.id for d in (await branch.changes(0)).changes}

        password = PASSWORDS["branch-admin"]
        batch = plan_batches([outside.id], 10)[0]
        request = await branch.send_inactivation(batch, password=password, agree=True)
        assert [(i.outcome, i.reason) for i in request.items] == [
            (Outcome.SKIPPED, Reason.NOT_FOUND)
        ]
        forced = await force_inactivate(branch, [outside.id], password=password, agree=True)
        assert forced[0].items[0].reason is Reason.NOT_FOUND
        deleted = await delete_devices(branch, [outside.id], password=password, agree=True)
        assert [(i.outcome, i.reason) for i in deleted[0].items] == [
            (Outcome.REFUSED, Reason.NOT_FOUND)
        ]
        assert (await admin.device(outside.id)).state is DeviceState.ACTIVE
