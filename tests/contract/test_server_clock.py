"""The client reads the server's clock from ``Date``: schedules are judged on the server's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.contract.faults import Sim, connect

#: 2026-11-01T09:00:00Z, far from this machine's clock.
PINNED = datetime(2026, 11, 1, 9, tzinfo=UTC)


async def test_server_now_follows_the_servers_clock_not_ours(make_server) -> None:
    server = make_server(speed=0.0, start_at=PINNED.timestamp())
    client = await connect(server)
    async with client:
        assert abs(client.server_now() - PINNED) < timedelta(seconds=2)
        await Sim(server).advance(3 * 3600)
        await client.me()  # any answer carries the new Date
        assert abs(client.server_now() - (PINNED + timedelta(hours=3))) < timedelta(seconds=2)
