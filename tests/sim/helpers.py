"""Small helpers for server tests: log in, build headers, make idempotency keys."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from starlette.applications import Starlette

API = "/api/v1"
PASSWORDS = {
    "admin": "demo-admin-pass",
    "operator": "demo-operator-pass",
    "branch-admin": "demo-branch-pass",
}
_keys = itertools.count(1)


async def login(
    client: httpx.AsyncClient, account: str = "admin", password: str | None = None
) -> str:
    """Log in and return the bearer token (the password defaults to the demo one)."""
    response = await client.post(
        f"{API}/auth/login",
        json={"account": account, "password": password or PASSWORDS[account]},
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def bearer(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def new_key() -> str:
    return f"test-key-{next(_keys)}"


def asgi_client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim.test")


async def all_devices(client: httpx.AsyncClient, token: str, **params: Any) -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 1000, **params}
        if cursor:
            query["cursor"] = cursor
        response = await client.get(f"{API}/devices", params=query, headers=bearer(token))
        assert response.status_code == 200, response.text
        page = response.json()
        devices += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return devices


async def advance(client: httpx.AsyncClient, seconds: float) -> str:
    response = await client.post(f"{API}/sim/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
    return response.json()["now"]


async def set_behaviour(client: httpx.AsyncClient, device_id: str, behaviour: str) -> None:
    response = await client.post(f"{API}/sim/devices/{device_id}", json={"behaviour": behaviour})
    assert response.status_code == 200, response.text


async def seq_now(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get(
        f"{API}/devices/changes", params={"since": 2**40}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return response.json()["seq"]


async def post_action(
    client: httpx.AsyncClient,
    token: str,
    path: str,
    device_ids: list[str],
    *,
    key: str | None = None,
    password: str = "demo-admin-pass",
    agree: bool = True,
    **options: Any,
) -> httpx.Response:
    """POST a destructive call (``/inactivations``, ``/forced-inactivations``,
    ``/device-deletions``) with a fresh idempotency key unless one is given."""
    body = {"device_ids": device_ids, "password": password, "agree": agree, **options}
    return await client.post(f"{API}{path}", json=body, headers=bearer(token, key or new_key()))


def ids_where(devices: list[dict[str, Any]], **fields: Any) -> list[str]:
    return [d["id"] for d in devices if all(d[k] == v for k, v in fields.items())]
