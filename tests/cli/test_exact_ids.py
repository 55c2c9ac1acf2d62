"""The headless commands never send an id that is not the device's own (safety round 3, #6).

Behind the hostile gateway, a device of the group is listed under ``d…\\x1b`` (an adapter's id
holding an escape character). Before: the client made it visible (``d…␛``) like a name, the
preflight showed it, and ``inactivate --group`` sent ``d…␛``: an id that is not the device's
and may be another's. Now the listing is refused with one line naming the field, nothing is
sent, and the exit code is non-zero; reading commands say the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.test_chosen_devices import ACK, active, at, listing, run


@pytest.fixture
def server(make_server):
    return make_server(fleet=60, seed=11, speed=0.0)


def renamed(device_id: str, to: str) -> Any:
    def answer(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and isinstance(data, dict) and isinstance(data.get("items"), list):
            items = [{**d, "id": to} if d.get("id") == device_id else d for d in data["items"]]
            return {**data, "items": items}
        if isinstance(data, dict) and data.get("id") == device_id:
            return {**data, "id": to}
        return data

    return answer


@pytest.mark.parametrize("how", ["--group", "--device", "devices"])
def test_an_id_with_an_escape_is_refused_and_nothing_is_sent(
    server, make_gateway, monkeypatch, capsys, how: str
) -> None:
    target = active(listing(make_gateway(server)))[0]
    gateway = make_gateway(server, answer=renamed(target["id"], target["id"] + "\x1b[2J"))
    argv = {
        "--group": ["inactivate", *at(gateway), "--group", target["group_id"], "--agree", *ACK],
        "--device": ["inactivate", *at(gateway), "--device", target["id"], "--agree", *ACK],
        "devices": ["devices", *at(gateway), "--format", "json"],
    }[how]
    result = run(*argv, monkeypatch=monkeypatch, capsys=capsys)
    assert result.code != 0, result.err
    assert "field 'id': the id " in result.err and "never rewritten" in result.err
    assert "\x1b" not in result.err  # shown visible in the message, never raw
    assert result.out == ""
    assert gateway.gateway.destructive() == []
