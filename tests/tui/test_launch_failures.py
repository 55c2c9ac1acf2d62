"""The server cannot be reached at launch: a clear message, no traceback, and r tries again."""

from __future__ import annotations

import socket

import pytest

from mobitui.sim.server import BackgroundServer
from mobitui.tui.screens.message import MessageScreen
from tests.tui.helpers import loaded, make_app, until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _failed(pilot) -> str:
    app = pilot.app
    await until(
        pilot,
        lambda: isinstance(app.screen, MessageScreen) and bool(app.screen.query(".message-body")),
        tries=1500,
    )
    body = str(app.screen.query_one(".message-body").render())
    assert "Traceback" not in body
    assert app.is_running
    assert app.connection == "disconnected"
    return body


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("dns", "could not be resolved"),
        ("tls", "TLS handshake failed"),
        ("proxy", "(via proxy 127.0.0.1:"),
    ],
)
async def test_each_way_of_not_reaching_the_server_is_named(make_server, case, expected) -> None:
    server = make_server(fleet=20)
    launch: dict[str, object] = {}
    if case == "dns":
        launch["base_url"] = "http://mobitui-test.invalid"
    elif case == "tls":
        launch["base_url"] = server.base_url.replace("http://", "https://")
    else:
        launch["proxy"] = f"http://127.0.0.1:{free_port()}"
    app = make_app(server, **launch)
    async with app.run_test(size=(100, 30)) as pilot:
        body = await _failed(pilot)
        assert expected in body
        assert "r: connect again" in body
        # The header under the message says it too (the main screen mounts behind it).
        topbar = app.main_screen.query_one("#topbar")
        await until(pilot, lambda: expected in str(topbar.render()))


async def test_the_server_down_at_launch_then_r_connects(server_config) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_app(BackgroundServer(server_config, port=port), base_url=url)
    async with app.run_test(size=(100, 30)) as pilot:
        body = await _failed(pilot)
        assert "connection refused" in body
        with BackgroundServer(server_config, port=port):
            await pilot.press("escape")
            await pilot.press("r")  # the whole connection again: login and full sync
            await loaded(pilot)
            assert len(app.fleet.devices) == server_config.fleet
            assert app.fleet.groups
