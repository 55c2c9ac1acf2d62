"""Hostile input: unknown fields, wrong types, bad JSON, oversize bodies. Always a problem
document with a stable code, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig
from tests.sim.helpers import API, all_devices, asgi_client, bearer, ids_where, login, new_key

GOOD = {"device_ids": ["d000001"], "password": "demo-admin-pass", "agree": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "surprise": 1}, "surprise"),
        ({**GOOD, "device_ids": "d000001"}, "device_ids"),
        ({**GOOD, "device_ids": []}, "device_ids"),
        ({**GOOD, "device_ids": [1]}, "device_ids"),
        ({**GOOD, "agree": "yes"}, "agree"),
        ({**GOOD, "agree": 1}, "agree"),
        ({**GOOD, "remove_apple_mdm_profile": None}, "remove_apple_mdm_profile"),
        ({**GOOD, "scheduled_at": "tomorrow"}, "scheduled_at"),
        ({**GOOD, "scheduled_at": 1700000000}, "scheduled_at"),
        ({"device_ids": ["d000001"], "agree": True}, "password"),
        ({**GOOD, "password": 42}, "password"),
    ],
)
async def test_invalid_bodies_name_the_field(
    frozen_app: Starlette, body: dict[str, Any], field: str
) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        response = await client.post(
            f"{API}/inactivations", json=body, headers=bearer(token, new_key())
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "code"}
    assert problem["code"] == "invalid_body" and problem["status"] == 422
    assert field in problem["detail"]


@pytest.mark.parametrize(
    "raw",
    [b"{", b"", b"[]", b"null", b'"text"', b"\xff\xfe", b'{"device_ids": NaN}', b"{}" * 3],
)
async def test_malformed_json_is_invalid_body(frozen_app: Starlette, raw: bytes) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        for path in ("/inactivations", "/forced-inactivations", "/device-deletions"):
            response = await client.post(
                f"{API}{path}",
                content=raw,
                headers={**bearer(token, new_key()), "Content-Type": "application/json"},
            )
            assert response.status_code == 422, (path, raw)
            assert response.json()["code"] == "invalid_body"
        login_response = await client.post(f"{API}/auth/login", content=raw)
        assert login_response.status_code == 422


async def test_too_many_devices_is_413(make_server) -> None:
    import httpx

    running = make_server(max_bulk=10)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        token = await login(client)
        assert (await client.get(f"{API}/limits")).json()["max_bulk_devices"] == 10
        ids = [f"d{n:06d}" for n in range(1, 12)]
        response = await client.post(
            f"{API}/forced-inactivations",
            json={**GOOD, "device_ids": ids},
            headers=bearer(token, new_key()),
        )
        assert response.status_code == 413
        assert response.json()["code"] == "too_many_devices"
        # Exactly the limit is fine, and duplicates collapse.
        ok = await client.post(
            f"{API}/forced-inactivations",
            json={**GOOD, "device_ids": ids[:5] + ids[:5]},
            headers=bearer(token, new_key()),
        )
        assert ok.status_code == 200
        assert [i["device_id"] for i in ok.json()["items"]] == ids[:5]
        served = (await client.get(f"{API}/openapi.json")).json()
        assert served["components"]["schemas"]["DeviceIds"]["maxItems"] == 10


async def test_oversize_body_is_413(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        huge = json.dumps({**GOOD, "password": "x" * (1024 * 1024 + 10)})
        response = await client.post(
            f"{API}/inactivations", content=huge, headers=bearer(token, new_key())
        )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


async def test_unknown_paths_and_methods_are_problems(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        missing = await client.get(f"{API}/nothing-here", headers=bearer(token))
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
        wrong = await client.put(f"{API}/inactivations", headers=bearer(token))
        assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
        assert set(wrong.headers["Allow"].split(", ")) == {"GET", "POST"}


async def test_sim_controls_are_absent_unless_enabled(tmp_path) -> None:
    app = create_app(ServerConfig(db_path=tmp_path / "plain.sqlite3", fleet=10))
    try:
        async with asgi_client(app) as client:
            for method, path in (
                ("POST", "/sim/advance"),
                ("GET", "/sim/audit"),
                ("GET", "/sim/devices/d000001"),
            ):
                response = await client.request(method, f"{API}{path}", json={"seconds": 1})
                assert response.status_code == 404, path
    finally:
        app.state.world.close()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "device_ids": st.lists(st.text(max_size=10) | st.integers(), max_size=4) | JSON,
        "password": st.text(max_size=20) | JSON,
        "agree": st.booleans() | JSON,
        "scheduled_at": st.none() | st.text(max_size=30) | JSON,
        "remove_apple_mdm_profile": st.booleans() | JSON,
        "delete_after": st.booleans() | JSON,
        "extra": JSON,
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=FIELDS | JSON,
    path=st.sampled_from(
        [
            "/inactivations",
            "/forced-inactivations",
            "/device-deletions",
            "/auth/login",
            "/sim/advance",
        ]
    ),
)
def test_no_body_ever_causes_a_server_error(
    fuzz_app: tuple[Starlette, str], body: Any, path: str
) -> None:
    import anyio

    app, token = fuzz_app

    async def send() -> None:
        async with asgi_client(app) as client:
            response = await client.post(
                f"{API}{path}", json=body, headers=bearer(token, new_key())
            )
            assert 200 <= response.status_code < 500, response.text
            if response.status_code >= 400:
                assert response.json()["code"]

    anyio.run(send)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory):
    import anyio

    config = ServerConfig(
        db_path=tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3",
        fleet=30,
        seed=2,
        speed=0.0,
        sim_controls=True,
        rate_limit=None,
        login_failures_before_slowdown=10**6,
    )
    app = create_app(config)

    async def token() -> str:
        async with asgi_client(app) as client:
            return await login(client)

    yield app, anyio.run(token)
    app.state.world.close()


async def test_query_parameters_never_cause_a_server_error(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        assert ids_where(devices, state="active")
        odd = ["", "-1", "1e3", "9" * 5000, "%00", "\u202e", "true", "d", "r1"]
        for value in odd:
            for name in ("limit", "cursor", "since", "state", "q", "group_id", "include_subgroups"):
                for path in ("/devices", "/devices/changes", "/inactivations"):
                    response = await client.get(
                        f"{API}{path}", params={name: value}, headers=bearer(token)
                    )
                    assert response.status_code in (200, 404, 422), (path, name, value)
