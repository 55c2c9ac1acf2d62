"""At launch, a damaged journal is named (file and line) and left alone; a good unfinished
operation beside it is still offered for resume."""

from __future__ import annotations

from mobitui.api.client import MobiClient
from mobitui.api.runner import new_operation
from mobitui.domain.rules import ForceInactivate
from mobitui.local import paths
from mobitui.local.journal import Journal
from mobitui.tui.screens.bulk.forced import ForcedInactivationScreen
from mobitui.tui.screens.message import MessageScreen
from tests.tui.helpers import loaded, make_app, until


async def test_a_damaged_journal_is_named_and_the_good_one_offered(make_server) -> None:
    server = make_server(fleet=80, seed=3)
    journal = Journal(paths.state_dir() / "journal")
    async with MobiClient(server.base_url) as client:
        await client.login("admin", "demo-admin-pass")
        ids = [d.id async for d in client.iter_devices(state="active")]
        good = await new_operation(
            client,
            journal,
            ForceInactivate(),
            ids[:3],
            names={},
            server=server.base_url,
            profile="demo",
            account="admin",
        )
        good.close()
        bad = await new_operation(
            client,
            journal,
            ForceInactivate(),
            ids[3:6],
            names={},
            server=server.base_url,
            profile="demo",
            account="admin",
        )
        bad.close()
    bad.path.write_bytes(bad.path.read_bytes() + b"not json at all\n")
    damaged = bad.path.read_bytes()
    app = make_app(server)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        await until(pilot, lambda: any(isinstance(s, MessageScreen) for s in app.screen_stack))
        message = next(s for s in app.screen_stack if isinstance(s, MessageScreen))
        body = str(message.query_one(".message-body").render())
        assert str(bad.path) in body and "line 2" in body and "left untouched" in body
        assert any(isinstance(s, ForcedInactivationScreen) for s in app.screen_stack)
        dialog = next(s for s in app.screen_stack if isinstance(s, ForcedInactivationScreen))
        assert dialog.path == good.path and dialog.state.resumable
    assert bad.path.read_bytes() == damaged
