"""``mobitui requests cancel ID`` cancels ID, and only ID, whatever the gateway answers.

Two scheduled requests are made through an honest gateway; a lying one then answers for the
one asked with the other. Its wire record says which DELETE left the client.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.cli.test_chosen_devices import ACK, PASSWORD, active, at, listing, run


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=11, speed=0.0)


def two_requests(server, gateway, monkeypatch, capsys) -> tuple[str, dict[str, Any]]:
    """Two scheduled inactivations: the id of the first, and the second as the server has it."""
    for device in active(listing(gateway))[:2]:
        made = run(
            "inactivate",
            *at(gateway),
            "--device",
            device["id"],
            "--schedule",
            "2027-06-01 09:00",
            "--agree",
            *ACK,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert made.code == 0, made.err
    found = run(
        "requests", *at(gateway), "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    asked, other = (r["id"] for r in json.loads(found.out)[:2])
    login = {"account": "admin", "password": PASSWORD}
    token = httpx.post(f"{server.api_url}/auth/login", json=login).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    return asked, httpx.get(f"{server.api_url}/inactivations/{other}", headers=headers).json()


def status_of(server, request_id: str) -> str:
    login = {"account": "admin", "password": PASSWORD}
    token = httpx.post(f"{server.api_url}/auth/login", json=login).json()["token"]
    answer = httpx.get(
        f"{server.api_url}/inactivations/{request_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    return answer.json()["status"]


def test_an_answer_about_another_request_cancels_nothing(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """The gateway answers ``GET /inactivations/A`` with request B: the command cancelled B,
    a request nobody named, exit 0. Now it is a protocol error and nothing is cancelled."""
    asked, other = two_requests(server, make_gateway(server), monkeypatch, capsys)

    def mixed_up(method: str, path: str, status: int, data: Any) -> Any:
        return other if method == "GET" and path.endswith(f"/inactivations/{asked}") else data

    lying = make_gateway(server, answer=mixed_up)
    result = run(
        "requests", "cancel", asked, *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys
    )
    assert result.code == 5, result.err
    assert f"asked for request {asked}" in result.err and other["id"] in result.err
    assert "nothing was cancelled" in result.err
    assert lying.gateway.destructive() == []
    assert status_of(server, asked) == status_of(server, other["id"]) == "scheduled"


def test_a_cancellation_answered_about_another_request_is_a_protocol_error(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """The DELETE goes to the id asked; an answer about another request does not pass for
    a cancellation of it: exit 5, and the admin is told to look."""
    asked, other = two_requests(server, make_gateway(server), monkeypatch, capsys)

    def mixed_up(method: str, path: str, status: int, data: Any) -> Any:
        return other if method == "DELETE" else data

    lying = make_gateway(server, answer=mixed_up)
    result = run(
        "requests", "cancel", asked, *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys
    )
    assert result.code == 5, result.err
    assert f"whether {asked} was cancelled is unknown" in result.err
    assert [s.path for s in lying.gateway.destructive()] == [f"/api/v1/inactivations/{asked}"]
    assert status_of(server, other["id"]) == "scheduled"
