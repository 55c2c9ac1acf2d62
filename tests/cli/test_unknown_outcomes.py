"""The headless commands when the outcome is unknown (safety round 3, #1, #4, #7).

``mobitui.cli.main`` runs in this process against the hostile gateway (tests/gateway.py) in
front of the REAL reference server. Where a transport fault is needed, the command's client is
given a :class:`~tests.contract.faults.FaultyTransport` (to the gateway, over loopback).

- #1: the first attempt of a forced inactivation acts and its answer is lost; the retry under
  the same key gets a gateway's 409 ``idempotency_key_in_use``. Before: "refused", the journal
  ended ``refused`` and nothing was left to resume, though the server had acted. Now: exit 1,
  "the outcome is unknown", the operation stays open and ``mobitui resume`` finishes it.
- #7: while that operation is open, a new command on one of its devices is refused (exit 2,
  "resume or abandon operation X first"), sending nothing.
- #4: a deletion answered ``accepted`` is a protocol error (exit 5), not a success.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.commands import common
from mobitui.local import paths
from tests.cli.test_chosen_devices import ACK, active, at, listing, run
from tests.contract.faults import (
    Fault,
    FaultyTransport,
    acted_on,
    destructive,
    fast_retry,
    scheduled,
)
from tests.gateway import HostileGateway


@pytest.fixture
def server(make_server):
    return make_server(fleet=120, seed=5, speed=0.0, max_bulk=4)


def journals() -> tuple[list[Path], list[Path]]:
    root = paths.state_dir() / "journal"
    return sorted(root.glob("*.jsonl")), sorted((root / "finished").glob("*.jsonl"))


def server_acted(server: Any, action: str) -> dict[str, int]:
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    return dict(acted_on(e for e in entries if e["action"] == action))


def with_faults(monkeypatch, faults: dict[int, Fault]) -> FaultyTransport:
    """The next command's client sends its bulk calls through these faults."""
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(), plan=scheduled(faults), match=destructive
    )

    def client(base_url: str, **kw: Any) -> MobiClient:
        return MobiClient(base_url, transport=transport, retry=fast_retry(), **kw)

    monkeypatch.setattr(common, "MobiClient", client)
    return transport


def force(gateway: Any, ids: list[str], monkeypatch, capsys):
    return run(
        "force-inactivate",
        *at(gateway),
        "--device",
        *ids,
        "--agree",
        *ACK,
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )


def test_a_refused_retry_after_a_lost_answer_leaves_the_run_open_and_blocks_a_new_one(
    server, make_gateway, monkeypatch, capsys
) -> None:
    gateway = make_gateway(server)
    ids = [d["id"] for d in active(listing(gateway))][:4]
    transport = with_faults(monkeypatch, {0: Fault.DROP_AFTER, 1: Fault.KEY_IN_USE})
    stopped = force(gateway, ids, monkeypatch, capsys)
    assert transport.faults() == [Fault.DROP_AFTER, Fault.KEY_IN_USE]
    assert stopped.code == 1, stopped.err
    assert "The outcome is unknown" in stopped.err and "409 idempotency_key_in_use" in stopped.err
    assert "nothing was changed" not in stopped.err.lower()
    assert "mobitui resume" in stopped.err
    opened, finished = journals()
    assert len(opened) == 1 and finished == []  # open: nothing proves that nothing changed
    assert server_acted(server, "force_inactivate") == {i: 1 for i in ids}  # it did act
    monkeypatch.setattr(common, "MobiClient", MobiClient)  # the gateway behaves again

    # A new operation on one of its devices (deleting it: it is inactive now, though the
    # open operation does not know it): refused, nothing written, nothing sent.
    sent = len(gateway.gateway.destructive())
    blocked = run(
        "delete",
        *at(gateway),
        "--device",
        ids[2],
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert blocked.code == 2, blocked.err
    operation = opened[0].stem.rsplit("-", 1)[-1]
    # The TUI's sentence (present.errors.error_text), in the run's language.
    assert f"Resume or abandon operation {operation} first" in blocked.err
    assert ids[2] in blocked.err and "nothing was sent" in blocked.err.lower()
    assert len(gateway.gateway.destructive()) == sent and journals() == (opened, [])

    resumed = run(
        "resume",
        *at(gateway),
        "--agree",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert resumed.code == 0, resumed.err
    rows = json.loads(resumed.out)
    assert sorted(r["device_id"] for r in rows if r["outcome"] == "accepted") == sorted(ids)
    assert journals()[0] == [] and len(journals()[1]) == 1
    assert server_acted(server, "force_inactivate") == {i: 1 for i in ids}  # once each
    # Resumed and finished: the device is free for a new operation.
    deleted = run(
        "delete",
        *at(gateway),
        "--device",
        ids[2],
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert deleted.code == 0, deleted.err
    assert server_acted(server, "delete") == {ids[2]: 1}


def test_a_deletion_answered_accepted_exits_5_as_a_protocol_error(
    server, make_gateway, monkeypatch, capsys
) -> None:
    honest = make_gateway(server)
    ids = [d["id"] for d in active(listing(honest))][:3]
    assert force(honest, ids, monkeypatch, capsys).code == 0

    def accepted(items: list[dict[str, Any]], sent: list[str]) -> list[dict[str, Any]]:
        return [{**item, "outcome": "accepted", "reason": None} for item in items]

    gateway: Any = make_gateway(server, bulk_items=accepted)
    deleted = run(
        "delete", *at(gateway), "--device", *ids, "--agree", monkeypatch=monkeypatch, capsys=capsys
    )
    assert deleted.code == 5, deleted.err
    assert "outcome 'accepted' for a deletion" in deleted.err and "protocol error" in deleted.err
    assert deleted.out == ""
    assert len(journals()[0]) == 1
    bent: HostileGateway = gateway.gateway
    bent.bulk_items = None
    resumed = run("resume", *at(gateway), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert resumed.code == 0, resumed.err
    assert server_acted(server, "delete") == {i: 1 for i in ids}
