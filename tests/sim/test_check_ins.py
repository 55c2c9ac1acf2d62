"""A pending device's ``last_seen_at`` tells the truth: a device that got the push has
communicated, a silent one has not.

``mobitui.domain.rules.is_stalled`` calls a pending device stalled when it has been silent since
its request executed (for longer than ``DEFAULT_STALL``), and the forced-inactivation preflight
warns ``STILL_COMMUNICATING`` about a device seen within ``DEFAULT_RECENT``. A Hybrid MDM device
receives the push at its next check-in and only goes inactive when its user has passed through
Safari, hours later for a slow user: the simulator used to record nothing until then, so such a
device was reported as "not communicated since the request executed" while the forced dialog
said it "communicated recently". These tests drive the real server's simulated clock.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from mobitui.domain.models import Device, DeviceState
from mobitui.domain.rules import (
    DEFAULT_RECENT,
    DEFAULT_STALL,
    DeviceWarning,
    ForceInactivate,
    is_stalled,
    preflight,
)
from mobitui.sim.app import create_app
from mobitui.sim.behaviour import SILENT, SLOW_USER_MIN_DELAY, Behaviour
from mobitui.sim.config import ServerConfig
from tests.sim.helpers import (
    API,
    advance,
    all_devices,
    asgi_client,
    bearer,
    login,
    post_action,
    seq_now,
    set_behaviour,
)

STALL = DEFAULT_STALL.total_seconds()


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


async def _device(client: httpx.AsyncClient, token: str, device_id: str) -> Device:
    response = await client.get(f"{API}/devices/{device_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    return Device.from_json(response.json())


async def _next_event(client: httpx.AsyncClient, device_id: str) -> datetime | None:
    response = await client.get(f"{API}/sim/devices/{device_id}")
    assert response.status_code == 200, response.text
    return _time(response.json()["next_event_at"])


async def _move_to(client: httpx.AsyncClient, when: datetime) -> datetime:
    """Advance the (stopped) clock to ``when``; returns the server's new reading."""
    now = datetime.fromisoformat(await advance(client, 0))
    return datetime.fromisoformat(await advance(client, max(0.0, (when - now).total_seconds())))


async def _changed_since(client: httpx.AsyncClient, token: str, seq: int) -> set[str]:
    response = await client.get(
        f"{API}/devices/changes", params={"since": seq}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return {d["id"] for d in response.json()["changes"]}


def _warned(device: Device, now: datetime) -> bool:
    """The forced-inactivation preflight warns that ``device`` still communicates."""
    plan = preflight([device], ForceInactivate(), now).plans[0]
    return DeviceWarning.STILL_COMMUNICATING in plan.warnings


async def _hybrids(client: httpx.AsyncClient, token: str, safari: bool) -> list[str]:
    return [
        d["id"]
        for d in await all_devices(client, token, state="active")
        if d["enrollment"] == "hybrid_mdm" and d["safari_restricted"] is safari
    ]


@pytest.mark.parametrize(
    ("behaviour", "safari"),
    [("slow_user", False), ("never_finishes", False), ("regular", True), ("regular", False)],
)
async def test_a_hybrid_device_that_gets_the_push_records_its_check_in(
    frozen_app: Starlette, behaviour: str, safari: bool
) -> None:
    """Check-in and the user finishing are two events: between them the device is pending, has
    communicated since its request executed (so it is not stalled, even once the stall time has
    passed) and the forced preflight warns that it still communicates."""
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        device_id = (await _hybrids(client, token, safari))[0]
        await set_behaviour(client, device_id, behaviour)
        before = await _device(client, token, device_id)
        request = (await post_action(client, token, "/inactivations", [device_id])).json()
        executed = _time(request["executed_at"])
        assert executed is not None
        seq = await seq_now(client, token)

        # Its next check-in is its first event: within an hour (checks every 5-60 minutes).
        check_in = await _next_event(client, device_id)
        assert check_in is not None and executed < check_in
        assert (check_in - executed).total_seconds() <= 3600
        now = await _move_to(client, check_in)
        device = await _device(client, token, device_id)
        assert device.state is DeviceState.INACTIVATION_PENDING
        assert device.last_seen_at == check_in  # recorded at its own simulated time
        assert device.last_seen_at != before.last_seen_at
        assert device_id in await _changed_since(client, token, seq)  # the feed carries it
        assert not is_stalled(device, executed, now)
        assert _warned(device, now)

        finish = await _next_event(client, device_id)
        if behaviour == "never_finishes" or safari:
            assert finish is None  # its user never gets through Safari: it stays pending
        else:
            assert finish is not None and finish > check_in
            if behaviour == "slow_user":
                assert (finish - check_in).total_seconds() >= SLOW_USER_MIN_DELAY

        # Past the stall time (a slow user takes at least three hours): still not stalled.
        after_stall = executed.timestamp() + STALL + 1
        if finish is None or finish.timestamp() > after_stall:
            now = await _move_to(client, datetime.fromtimestamp(after_stall, UTC))
            device = await _device(client, token, device_id)
            assert device.state is DeviceState.INACTIVATION_PENDING
            assert device.last_seen_at == check_in
            assert (now - executed) > DEFAULT_STALL
            assert not is_stalled(device, executed, now)
            assert _warned(device, now)

        if finish is not None:
            # The second event: its user has finished, and that contact is its latest.
            seq = await seq_now(client, token)
            await _move_to(client, finish)
            token = await login(client)  # the hours of a slow user outlive the token
            device = await _device(client, token, device_id)
            assert device.state is DeviceState.INACTIVE
            assert device.last_seen_at == finish
            assert device.inactivation is not None
            assert device.inactivation.progress.value == "done"
            assert device_id in await _changed_since(client, token, seq)
        else:
            # One that never finishes is never stalled, however long it waits.
            now = await _move_to(client, datetime.fromtimestamp(after_stall + 7 * 86400, UTC))
            token = await login(client)
            device = await _device(client, token, device_id)
            assert device.state is DeviceState.INACTIVATION_PENDING
            assert device.last_seen_at == check_in
            assert not is_stalled(device, executed, now)


async def test_a_behaviour_change_after_the_check_in_keeps_it_and_counts_from_now(
    frozen_app: Starlette,
) -> None:
    """A device that has the push and whose user changes their mind: the check-in is not
    repeated, the user finishes ``user_delay_seconds`` after the change."""
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        device_id = (await _hybrids(client, token, False))[0]
        await set_behaviour(client, device_id, "never_finishes")
        request = (await post_action(client, token, "/inactivations", [device_id])).json()
        check_in = await _next_event(client, device_id)
        assert check_in is not None
        await _move_to(client, check_in)
        assert await _next_event(client, device_id) is None

        now = datetime.fromisoformat(await advance(client, 5 * 3600))
        await set_behaviour(client, device_id, "slow_user")
        finish = await _next_event(client, device_id)
        assert finish is not None
        assert (finish - now).total_seconds() >= SLOW_USER_MIN_DELAY
        await _move_to(client, finish)
        token = await login(client)
        device = await _device(client, token, device_id)
        assert device.state is DeviceState.INACTIVE and device.last_seen_at == finish
        executed = _time(request["executed_at"])
        assert executed is not None and device.last_seen_at > executed


async def test_silent_devices_stay_silent_and_stall(frozen_app: Starlette) -> None:
    """Wiped, app deleted, away for repair: nothing is recorded for them, nothing reaches the
    change feed, and once the stall time has passed they are stalled."""
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        active = await all_devices(client, token, state="active")
        chosen = {
            "wiped": next(d for d in active if d["enrollment"] == "apple_mdm"),
            "app_deleted": next(d for d in active if d["enrollment"] == "client_app"),
            "away_for_repair": next(d for d in active if d["enrollment"] == "hybrid_mdm"),
        }
        ids = [d["id"] for d in chosen.values()]
        for behaviour, device in chosen.items():
            await set_behaviour(client, device["id"], behaviour)
        before = {i: await _device(client, token, i) for i in ids}
        request = (await post_action(client, token, "/inactivations", ids)).json()
        executed = _time(request["executed_at"])
        assert executed is not None
        seq = await seq_now(client, token)
        for device_id in ids:
            assert await _next_event(client, device_id) is None

        # Just before the stall time: silent, but not stalled yet.
        now = datetime.fromisoformat(await advance(client, STALL - 1))
        for device_id in ids:
            device = await _device(client, token, device_id)
            assert device.state is DeviceState.INACTIVATION_PENDING
            assert device.last_seen_at == before[device_id].last_seen_at
            assert not is_stalled(device, executed, now)

        # Past it, and long after: stalled, and still nothing recorded.
        for step in (2, 30 * 86400):
            now = datetime.fromisoformat(await advance(client, step))
            token = await login(client)
            for device_id in ids:
                device = await _device(client, token, device_id)
                assert device.state is DeviceState.INACTIVATION_PENDING
                assert device.last_seen_at == before[device_id].last_seen_at
                assert is_stalled(device, executed, now)
        assert not set(ids) & await _changed_since(client, token, seq)


# --------------------------------------------------------------------------- the property

#: Behaviours the test gives active devices: the ones that communicate. A device the fleet made
#: silent keeps its own behaviour (its last contact is at least three days old).
COMMUNICATING = [b.value for b in Behaviour if b not in SILENT]
START = 1_900_000_000.0


async def _observe(client: httpx.AsyncClient, token: str, executed: dict[str, datetime]) -> None:
    """At the server's present: no device is both stalled and still communicating, and a
    device that communicates is never stalled."""
    now = datetime.fromisoformat(await advance(client, 0))
    for raw in await all_devices(client, token):
        device = Device.from_json(raw)
        ref = device.inactivation
        if device.state is not DeviceState.INACTIVATION_PENDING or ref is None:
            continue
        if ref.id not in executed:
            shown = await client.get(f"{API}/inactivations/{ref.id}", headers=bearer(token))
            assert shown.status_code == 200, shown.text
            at = _time(shown.json()["executed_at"])
            assert at is not None
            executed[ref.id] = at
        ran = executed[ref.id]
        stalled = is_stalled(device, ran, now)
        warned = _warned(device, now)
        assert not (stalled and warned), (device.id, device.last_seen_at, ran, now)
        if stalled:
            behaviour = (await client.get(f"{API}/sim/devices/{device.id}")).json()["behaviour"]
            assert behaviour in SILENT, (device.id, behaviour, device.last_seen_at, ran, now)


async def _scenario(
    config: ServerConfig,
    behaviours: list[str],
    wait: float,
    steps: list[float],
) -> None:
    app = create_app(config)
    try:
        async with asgi_client(app) as client:
            token = await login(client)
            active = [d["id"] for d in await all_devices(client, token, state="active")]
            targets = []
            for device_id, behaviour in zip(active, behaviours, strict=False):
                await set_behaviour(client, device_id, behaviour)
                targets.append(device_id)
            await advance(client, wait)
            response = await post_action(client, token, "/inactivations", targets)
            assert response.status_code == 202, response.text
            executed: dict[str, datetime] = {}
            await _observe(client, token, executed)
            for step in steps:
                await advance(client, step)
                await _observe(client, token, executed)
    finally:
        app.state.world.close()


_minutes = st.floats(0, 60 * 60)
_hours = st.floats(0, 40 * 3600)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 10_000),
    behaviours=st.lists(st.sampled_from(COMMUNICATING), min_size=1, max_size=40),
    wait=st.one_of(st.just(0.0), _minutes, _hours),
    steps=st.lists(
        st.one_of(_minutes, st.floats(STALL - 600, STALL + 600), _hours), min_size=1, max_size=6
    ),
)
def test_no_device_is_both_stalled_and_still_communicating(
    seed: int, behaviours: list[str], wait: float, steps: list[float]
) -> None:
    """Over fleets, behaviours, the time a request executes and the times it is looked at:
    a pending device is never both "not communicated since the request executed" (stalled)
    and "communicated recently" (the forced preflight's ``STILL_COMMUNICATING``).

    (A device made silent less than ``DEFAULT_RECENT - DEFAULT_STALL`` after its last contact
    truly is both for a while, and the forced dialog rightly asks to acknowledge forcing it;
    the fleet's own silent devices went quiet days ago, so that case is not drawn here.)
    """
    assert DEFAULT_RECENT > DEFAULT_STALL
    with tempfile.TemporaryDirectory() as tmp:
        config = ServerConfig(
            db_path=Path(tmp) / "sim.sqlite3",
            fleet=60,
            seed=seed,
            speed=0.0,
            start_at=START,
            sim_controls=True,
            rate_limit=None,
            token_ttl_seconds=366 * 86400,
        )
        asyncio.run(_scenario(config, behaviours, wait, steps))
