"""Login, tokens, slowdown of repeated failures, expiry on the simulated clock, logout."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from tests.sim.helpers import (
    API,
    advance,
    all_devices,
    asgi_client,
    bearer,
    ids_where,
    login,
    post_action,
)


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


async def test_failed_logins_for_admin_never_slow_down_the_admins_own_bulk_calls(
    frozen_app: Starlette,
) -> None:
    """Anyone can fail logins for ``admin``; the admin's session must still act."""
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        active = ids_where(await all_devices(client, token), state="active")
        for _ in range(8):
            attack = await client.post(
                f"{API}/auth/login", json={"account": "admin", "password": "guess"}
            )
        assert attack.status_code == 429  # the login itself is slowed down, as it should be
        wrong = await post_action(client, token, "/inactivations", active[:1], password="x")
        assert wrong.status_code == 403 and wrong.json()["code"] == "invalid_password"
        for target in (active[1:2], active[2:3]):
            done = await post_action(client, token, "/inactivations", target)
            assert done.status_code == 202, done.text
        forced = await post_action(client, token, "/forced-inactivations", active[3:4])
        assert forced.status_code == 200, forced.text
        deleted = await post_action(client, token, "/device-deletions", active[3:4])
        assert deleted.status_code == 200, deleted.text
        assert [i["outcome"] for i in deleted.json()["items"]] == ["deleted"]


async def test_wrong_confirmation_passwords_slow_down_only_their_own_session(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        guessing = await login(client)
        other = await login(client)
        active = ids_where(await all_devices(client, guessing), state="active")
        for n in range(5):
            wrong = await post_action(
                client, guessing, "/device-deletions", active[:1], password=f"guess-{n}"
            )
            assert wrong.status_code == 403 and wrong.json()["code"] == "invalid_password"
        slowed = await post_action(client, guessing, "/inactivations", active[:1])
        assert slowed.status_code == 429 and slowed.json()["code"] == "rate_limited"
        wait = int(slowed.headers["Retry-After"])
        assert wait >= 1
        again = await post_action(client, guessing, "/inactivations", active[:1], password="g")
        assert again.status_code == 429  # still waiting: no guess is even checked
        # Another session of the same account, and the account's login, are untouched.
        assert (await post_action(client, other, "/inactivations", active[1:2])).status_code == 202
        fresh = await client.post(
            f"{API}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
        )
        assert fresh.status_code == 200
        # After the wait the session acts, and its success resets the count.
        await advance(client, wait)
        done = await post_action(client, guessing, "/inactivations", active[:1])
        assert done.status_code == 202, done.text
        wrong = await post_action(client, guessing, "/inactivations", active[2:3], password="g")
        assert wrong.status_code == 403


async def test_login_counts_are_per_name_and_a_restart_forgets_them(make_server) -> None:
    """Failures for one name never slow another; a restart forgets the counts, whose key lived
    only in the old process's memory."""
    running = make_server(speed=0.0)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        for _ in range(6):
            last = await client.post(
                f"{API}/auth/login", json={"account": "operator", "password": "guess"}
            )
        assert last.status_code == 429
        admin = await client.post(
            f"{API}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
        )
        assert admin.status_code == 200
        running.restart()
        again = await client.post(
            f"{API}/auth/login", json={"account": "operator", "password": "demo-operator-pass"}
        )
        assert again.status_code == 200
