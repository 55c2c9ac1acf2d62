"""Login, tokens, slowdown of repeated failures, expiry on the simulated clock, logout."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from tests.sim.helpers import API, advance, asgi_client, bearer, login


async def test_login_returns_token_and_account(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        response = await client.post(
            f"{API}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
        )
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"token", "expires_at", "account"}
        assert body["account"] == {
            "id": "admin",
            "name": "admin",
            "role": "admin",
            "group_scope": None,
            "can_delete_devices": True,
        }
        me = await client.get(f"{API}/me", headers=bearer(body["token"]))
        assert me.json()["name"] == "admin"


async def test_wrong_password_and_unknown_account_answer_the_same(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        wrong = await client.post(f"{API}/auth/login", json={"account": "admin", "password": "x"})
        unknown = await client.post(
            f"{API}/auth/login", json={"account": "nobody-here", "password": "x"}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"


async def test_missing_bad_and_malformed_tokens_are_unauthenticated(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
            response = await client.get(f"{API}/devices", headers=headers)
            assert response.status_code == 401
            assert response.json()["code"] == "unauthenticated"


async def test_repeated_failures_slow_down_with_growing_retry_after(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:

        async def attempt(password: str) -> httpx.Response:
            return await client.post(
                f"{API}/auth/login", json={"account": "operator", "password": password}
            )

        for _ in range(5):
            assert (await attempt("wrong")).status_code == 401
        slowed = await attempt("demo-operator-pass")  # even the right password must wait
        assert slowed.status_code == 429
        assert slowed.json()["code"] == "rate_limited"
        first_wait = int(slowed.headers["Retry-After"])
        assert first_wait >= 1

        await advance(client, first_wait)
        assert (await attempt("wrong")).status_code == 401
        second = await attempt("wrong")
        assert second.status_code == 429
        assert int(second.headers["Retry-After"]) > first_wait

        await advance(client, int(second.headers["Retry-After"]))
        assert (await attempt("demo-operator-pass")).status_code == 200
        # A success resets the count: one more failure is a plain 401 again.
        assert (await attempt("wrong")).status_code == 401
        assert (await attempt("wrong")).status_code == 401


async def test_unknown_accounts_are_slowed_down_too(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        codes = [
            (
                await client.post(f"{API}/auth/login", json={"account": "ghost", "password": "x"})
            ).status_code
            for _ in range(6)
        ]
    assert codes == [401] * 5 + [429]


async def test_token_expires_on_the_simulated_clock(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        assert (await client.get(f"{API}/me", headers=bearer(token))).status_code == 200
        await advance(client, 8 * 3600 - 60)
        assert (await client.get(f"{API}/me", headers=bearer(token))).status_code == 200
        await advance(client, 61)
        expired = await client.get(f"{API}/me", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.json()["code"] == "unauthenticated"


async def test_logout_revokes_only_that_token(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        first = await login(client)
        second = await login(client)
        out = await client.post(f"{API}/auth/logout", headers=bearer(first))
        assert out.status_code == 204
        assert (await client.get(f"{API}/me", headers=bearer(first))).status_code == 401
        assert (await client.post(f"{API}/auth/logout", headers=bearer(first))).status_code == 401
        assert (await client.get(f"{API}/me", headers=bearer(second))).status_code == 200


async def test_limits_need_no_token(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        response = await client.get(f"{API}/limits")
    limits = response.json()
    instance = limits.pop("instance_id")  # which database: a random id, not a secret
    assert isinstance(instance, str) and instance
    assert limits == {"max_bulk_devices": 1000, "max_page_size": 1000}
