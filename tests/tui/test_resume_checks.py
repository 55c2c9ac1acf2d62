"""The TUI resumes a plan only while its ids still name the devices it planned.

An adapter may hand a numeric id out again after a deletion: a batch resent under its old key
would then act on a device nobody chose. The hostile gateway gives one planned id a new serial
number between the plan and the next launch; 「再開」 sends nothing and says which device.
"""

from __future__ import annotations

import httpx

from mobitui.api.client import MobiClient
from mobitui.api.runner import new_operation
from mobitui.domain.rules import Inactivate
from mobitui.local.journal import Journal
from mobitui.local.paths import state_dir
from mobitui.tui.screens.bulk.inactivation import InactivationScreen
from tests.gateway import device_listing, with_fields
from tests.tui.helpers import finished, make_app, until


def offered(app) -> bool:
    """The resume dialog is up and composed (pushed is not enough: its fields come a frame
    later)."""
    screen = app.screen
    return isinstance(screen, InactivationScreen) and bool(screen.query("#password"))


async def test_resume_refuses_an_id_that_now_names_another_device(
    make_server, make_gateway
) -> None:
    server = make_server(fleet=120, seed=6)
    honest = make_gateway(server)
    async with MobiClient(honest.base_url) as client:
        await client.login("admin", "demo-admin-pass")
        planned = [d async for d in client.iter_devices(state="active")][:3]
        reused = planned[1]

        lying = make_gateway(
            server, answer=device_listing(with_fields(reused.id, serial="NEW-OWNER"))
        )
        operation = await new_operation(
            client,
            Journal(state_dir() / "journal"),
            Inactivate(),
            [d.id for d in planned],
            names={d.id: d.name for d in planned},
            serials={d.id: d.serial for d in planned},
            server=lying.base_url,
            profile="demo",
            account="admin",
        )
        operation.close()
    app = make_app(lying)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: offered(app), tries=1500)
        screen = app.screen
        screen.query_one("#password").focus()
        await pilot.press(*"demo-admin-pass", "tab", "space")
        await pilot.pause()
        screen.query_one("#resume").focus()
        await pilot.press("enter")
        await finished(pilot)
        await until(pilot, lambda: screen.query_one("#error").display, tries=1500)
        error = str(screen.query_one("#error").render())
        assert "no longer the devices chosen" in error and reused.id in error
        assert screen.state is not None and screen.state.resumable  # still open, nothing lost
    assert lying.gateway.destructive() == []


async def test_resume_refuses_an_id_planned_without_a_serial_that_now_has_one(
    make_server, make_gateway
) -> None:
    """The plan recorded no serial for a BYOD phone; its id now names a device with one.
    The check skipped empty serials and resent the batch; a recorded empty serial is a
    fact, and a device with a serial under that id is another device."""
    server = make_server(fleet=120, seed=6)
    honest = make_gateway(server)
    async with MobiClient(honest.base_url) as client:
        await client.login("admin", "demo-admin-pass")
        planned = [d async for d in client.iter_devices(state="active")][:3]
        reused = planned[0]
        lying = make_gateway(
            server, answer=device_listing(with_fields(reused.id, serial="NEW-OWNER"))
        )
        operation = await new_operation(
            client,
            Journal(state_dir() / "journal"),
            Inactivate(),
            [d.id for d in planned],
            names={d.id: d.name for d in planned},
            serials={d.id: d.serial for d in planned} | {reused.id: ""},
            server=lying.base_url,
            profile="demo",
            account="admin",
        )
        operation.close()
    app = make_app(lying)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: offered(app), tries=1500)
        screen = app.screen
        screen.query_one("#password").focus()
        await pilot.press(*"demo-admin-pass", "tab", "space")
        await pilot.pause()
        screen.query_one("#resume").focus()
        await pilot.press("enter")
        await finished(pilot)
        await until(pilot, lambda: screen.query_one("#error").display, tries=1500)
        error = str(screen.query_one("#error").render())
        assert "no longer the devices chosen" in error and reused.id in error
    assert lying.gateway.destructive() == []


async def test_the_plan_is_offered_however_the_server_is_spelt(make_server) -> None:
    """A profile whose base_url gained a trailing slash or an upper-case scheme is the same
    server: its unfinished operation was no longer offered at launch."""
    server = make_server(fleet=120, seed=6)
    async with MobiClient(server.base_url) as client:
        await client.login("admin", "demo-admin-pass")
        planned = [d async for d in client.iter_devices(state="active")][:2]
        operation = await new_operation(
            client,
            Journal(state_dir() / "journal"),
            Inactivate(),
            [d.id for d in planned],
            names={d.id: d.name for d in planned},
            serials={d.id: d.serial for d in planned},
            server=server.base_url,
            profile="demo",
            account="admin",
        )
        operation.close()
    spelt = server.base_url.replace("http://", "HTTP://") + "/"
    app = make_app(server, base_url=spelt, profile="demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: offered(app), tries=1500)
        assert app.screen.path == operation.path


async def test_no_resume_is_checked_against_a_fleet_still_loading(make_server) -> None:
    """The identity check reads the app's fleet: while a sync has only its first page in,
    a resume could vouch for devices it never saw, so it waits and sends nothing."""
    from mobitui.present.errors import error_text
    from mobitui.tui.messages import OpFailed

    class Sink:
        """What a dialog offers the worker (a ProgressSink): it only collects what it is told."""

        def __init__(self) -> None:
            self.seen: list[object] = []

        def post_message(self, message: object) -> bool:
            self.seen.append(message)
            return True

        def stop_requested(self) -> bool:
            return False

    server = make_server(fleet=120, seed=6)
    async with MobiClient(server.base_url) as client:
        await client.login("admin", "demo-admin-pass")
        planned = [d async for d in client.iter_devices(state="active")][:2]
        operation = await new_operation(
            client,
            Journal(state_dir() / "journal"),
            Inactivate(),
            [d.id for d in planned],
            names={d.id: d.name for d in planned},
            serials={d.id: d.serial for d in planned},
            server=server.base_url,
            profile="demo",
            account="admin",
        )
        operation.close()
    app = make_app(server)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: offered(app), tries=1500)
        target = Sink()
        app.loaded = False  # as while a sync is still under way
        app.operations.resume(target, operation.path, "demo-admin-pass")
        await until(pilot, lambda: bool(target.seen) and not app.bulk_running, tries=1500)
        failed = [m for m in target.seen if isinstance(m, OpFailed)]
        assert failed and "still loading" in error_text(app.t, failed[0].error)
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    assert entries == []
