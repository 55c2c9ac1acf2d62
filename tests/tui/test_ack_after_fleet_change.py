"""An acknowledgement ticked as the fleet changes acknowledges only the devices it named.

The admin ticks 「上記の N 台について理解しました」 for the one still-communicating device the
forced dialog shows; in the same turn of the event loop the change feed reports that a second
chosen device just checked in. The preflight is recomputed (the box is re-mounted, unticked,
now naming two devices) and only then the tick's ``Checkbox.Changed`` arrives. Read against the
new preflight it acknowledged both devices: the box showed unticked but the gate let OK through,
and password + 「同意する」 + Enter sent a forced inactivation to a device still in use that was
never acknowledged. The tick now counts for the devices its own box named, and a replaced box
counts for nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from mobitui.domain.gate import Blocker
from mobitui.domain.models import DeviceState
from mobitui.fleet.cache import Delta
from tests.tui.helpers import loaded, make_app, open_dialog

SIZE = (110, 40)


async def test_a_tick_racing_a_fleet_change_acknowledges_only_what_it_showed(make_server) -> None:
    server = make_server(fleet=300, seed=3)
    app = make_app(server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        now = app.client.server_now()
        devices = sorted(app.fleet.devices.values(), key=lambda d: d.id)
        recent = [
            d.id
            for d in devices
            if d.state is DeviceState.ACTIVE
            and d.last_seen_at is not None
            and now - d.last_seen_at < timedelta(hours=1)
        ]
        silent = [
            d
            for d in devices
            if d.state is DeviceState.INACTIVATION_PENDING
            and d.last_seen_at is not None
            and now - d.last_seen_at > timedelta(days=3)
        ]
        assert recent and silent
        other = silent[0]
        screen = await open_dialog(pilot, [recent[0], other.id], 1)  # forced inactivation
        ack = screen.query_one(".ack")
        shown_for = set(next(iter(screen.preflight.to_acknowledge.values())))
        assert shown_for == {recent[0]}

        # The silent device checks in (the change feed), in the same turn as the tick.
        checked_in = replace(other, last_seen_at=now)
        lookup = screen.ctx.lookup
        screen.ctx = replace(
            screen.ctx, lookup=lambda i: checked_in if i == other.id else lookup(i)
        )
        ack.value = True  # Space on the box: its Changed is handled a moment later
        screen.fleet_changed(Delta(frozenset({other.id}), frozenset(), frozenset(), frozenset()))
        await pilot.pause(0.3)

        boxes = list(screen.query(".ack"))
        assert boxes and not any(b.value for b in boxes)  # shown unticked, naming both
        # ... so the gate must still hold OK back for the acknowledgement.
        assert Blocker.ACKNOWLEDGE in screen.blockers(), (screen.acked, screen.reasons())

        # And end to end: password, 「同意する」, Enter: nothing may be sent.
        screen.query_one("#password").value = "demo-admin-pass"
        screen.query_one("#agree").value = True
        await pilot.pause()
        screen.query_one("#password").focus()
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert screen.phase == "form", "sent with a device never acknowledged"
