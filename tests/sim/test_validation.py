"""Hostile input: unknown fields, wrong types, bad JSON, oversize bodies. Always a problem
document with a stable code, never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
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


def _refused_as_duplicate(response: httpx.Response, key: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "duplicate_key" and problem["status"] == 422
    assert problem["type"] == "urn:mobitui:problem:duplicate_key"
    assert repr(key) in problem["detail"]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/inactivations", '"agree":false,"agree":true'),
        ("/inactivations", '"agree":true,"remove_apple_mdm_profile":false,"agree":false'),
        ("/inactivations", '"\\u0061gree":false,"agree":true'),
        ("/forced-inactivations", '"agree":true,"delete_after":false,"delete_after":true'),
        ("/device-deletions", '"agree":false,"agree":true'),
    ],
)
async def test_duplicate_keys_in_destructive_calls_are_refused(
    frozen_app: Starlette, path: str, fields: str
) -> None:
    """``"agree":false,"agree":true`` reads as a refusal to anything that keeps the first key."""
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        target = ids_where(devices, state="inactive" if path == "/device-deletions" else "active")
        raw = f'{{"device_ids":["{target[0]}"],"password":"demo-admin-pass",{fields}}}'
        response = await client.post(
            f"{API}{path}",
            content=raw.encode(),
            headers={**bearer(token, new_key()), "Content-Type": "application/json"},
        )
        _refused_as_duplicate(response, "delete_after" if 'delete_after":t' in fields else "agree")
        after = await client.get(f"{API}/devices/{target[0]}", headers=bearer(token))
        assert after.status_code == 200  # not deleted
        before = next(d for d in devices if d["id"] == target[0])
        assert after.json()["state"] == before["state"] and after.json()["inactivation"] is None
        audit = (await client.get(f"{API}/sim/audit")).json()["entries"]
        assert [e for e in audit if e["result"] == "ok"] == []


LOGIN_TWICE = '{"account":"operator","password":"demo-admin-pass","account":"admin"}'


@pytest.mark.parametrize(
    ("path", "raw", "key"),
    [
        ("/auth/login", LOGIN_TWICE, "account"),
        ("/sim/advance", '{"seconds":1,"seconds":864000}', "seconds"),
        ("/sim/devices/d000001", '{"behaviour":"regular","behaviour":"wiped"}', "behaviour"),
        ("/sim/devices/d000001/jobs", '{"count":0,"count":9}', "count"),
        ("/inactivations", '{"device_ids":["d000001"],"x":{"a":1,"a":2}}', "a"),
    ],
)
async def test_duplicate_keys_are_refused_by_every_endpoint(
    frozen_app: Starlette, path: str, raw: str, key: str
) -> None:
    """Refused at the parse, so no endpoint can read a doubled key one way or the other."""

    async def state(client: httpx.AsyncClient, token: str) -> tuple[object, ...]:
        clock = (await client.post(f"{API}/sim/advance", json={"seconds": 0})).json()["now"]
        behaviour = (await client.get(f"{API}/sim/devices/d000001")).json()
        device = (await client.get(f"{API}/devices/d000001", headers=bearer(token))).json()
        sessions = frozen_app.state.world.store.conn.execute(
            "SELECT count(*) FROM sessions"
        ).fetchone()[0]
        return clock, behaviour, device, sessions

    async with asgi_client(frozen_app) as client:
        token = await login(client)
        before = await state(client, token)
        response = await client.post(
            f"{API}{path}",
            content=raw.encode(),
            headers={**bearer(token, new_key()), "Content-Type": "application/json"},
        )
        _refused_as_duplicate(response, key)
        assert await state(client, token) == before


async def test_a_long_duplicate_key_is_named_briefly(frozen_app: Starlette) -> None:
    key = "k" * 5000
    async with asgi_client(frozen_app) as client:
        response = await client.post(
            f"{API}/auth/login",
            content=f'{{"{key}":1,"{key}":2}}'.encode(),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 422 and response.json()["code"] == "duplicate_key"
    assert len(response.json()["detail"]) < 200
