"""The served OpenAPI document describes exactly what the server answers.

Every response of a scenario touching each operation is validated against the schema the
document declares for that operation and status, so the document cannot drift from the server.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
from starlette.applications import Starlette
from starlette.routing import Route

from tests.sim.helpers import API, advance, asgi_client, bearer, login, new_key

DOC_PATH = Path(__file__).parents[2] / "mobitui" / "sim" / "openapi.json"


class Checker:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.seen: set[tuple[str, str, str]] = set()

    def check(self, template: str, response: httpx.Response) -> None:
        method = response.request.method.lower()
        operation = self.doc["paths"][template][method]
        status = str(response.status_code)
        assert status in operation["responses"], (method, template, status, response.text)
        spec = operation["responses"][status]
        if "$ref" in spec:
            spec = self.doc["components"]["responses"][spec["$ref"].rsplit("/", 1)[1]]
        self.seen.add((method, template, status))
        if "content" not in spec:
            assert not response.content
            return
        (media_type, content), *_ = spec["content"].items()
        assert response.headers["content-type"].split(";")[0] == media_type
        schema = {**content["schema"], "components": self.doc["components"]}
        errors = [
            str(e) for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(response.json())
        ]
        assert not errors, (method, template, status, errors[:3])
        for name, header in spec.get("headers", {}).items():
            if header.get("required"):
                assert name in response.headers


def test_document_is_openapi_3_1_with_every_route(frozen_app: Starlette) -> None:
    doc = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    assert doc["openapi"].startswith("3.1")
    documented = {"/api/v1" + p for p in doc["paths"]}
    served = {r.path for r in frozen_app.routes if isinstance(r, Route)}
    assert documented == served
    for schema in doc["components"]["schemas"].values():
        if schema.get("type") == "object" and "properties" in schema:
            assert schema.get("additionalProperties") is False


def test_every_problem_code_is_documented() -> None:
    """A code the server can answer is one the document lists, and only those."""
    from mobitui.sim.problems import TITLES

    doc = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    codes = doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    assert sorted(codes) == sorted(TITLES) and len(codes) == len(set(codes))


async def test_every_answer_matches_the_document(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        served = await client.get(f"{API}/openapi.json")
        assert served.status_code == 200
        checker = Checker(served.json())
        c = checker.check

        c(
            "/auth/login",
            await client.post(f"{API}/auth/login", json={"account": "x", "password": ""}),
        )
        c("/auth/login", await client.post(f"{API}/auth/login", json={"account": 1}))
        token = await login(client)
        operator = await login(client, "operator")
        h = bearer(token)
        c(
            "/auth/login",
            await client.post(
                f"{API}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
            ),
        )
        c("/me", await client.get(f"{API}/me", headers=h))
        c("/me", await client.get(f"{API}/me"))
        c("/limits", await client.get(f"{API}/limits"))
        c("/groups", await client.get(f"{API}/groups", headers=h))
        page = await client.get(f"{API}/devices", params={"limit": 200}, headers=h)
        c("/devices", page)
        c("/devices", await client.get(f"{API}/devices", params={"limit": 0}, headers=h))
        c("/devices", await client.get(f"{API}/devices", params={"group_id": "gX"}, headers=h))
        devices = page.json()["items"]
        active = [d["id"] for d in devices if d["state"] == "active"]
        inactive = [d["id"] for d in devices if d["state"] == "inactive"]
        c("/devices/{device_id}", await client.get(f"{API}/devices/{active[0]}", headers=h))
        c("/devices/{device_id}", await client.get(f"{API}/devices/nope", headers=h))
        c("/devices/changes", await client.get(f"{API}/devices/changes", headers=h))

        def body(ids: list[str], **extra: Any) -> dict[str, Any]:
            return {"device_ids": ids, "password": "demo-admin-pass", "agree": True, **extra}

        now = await advance(client, 0)
        later = (datetime.fromisoformat(now) + timedelta(hours=1)).isoformat()
        key = new_key()
        scheduled = await client.post(
            f"{API}/inactivations",
            json=body(active[:2], scheduled_at=later),
            headers=bearer(token, key),
        )
        c("/inactivations", scheduled)
        replay = await client.post(
            f"{API}/inactivations",
            json=body(active[:2], scheduled_at=later),
            headers=bearer(token, key),
        )
        c("/inactivations", replay)
        c(
            "/inactivations",
            await client.post(
                f"{API}/inactivations", json=body(active[2:3]), headers=bearer(token, new_key())
            ),
        )
        c(
            "/inactivations",
            await client.post(
                f"{API}/inactivations",
                json=body(active[3:4], agree=False),
                headers=bearer(token, new_key()),
            ),
        )
        c(
            "/inactivations",
            await client.post(
                f"{API}/inactivations", json=body(active[3:4]), headers=bearer(operator, new_key())
            ),
        )
        c(
            "/inactivations",
            await client.post(
                f"{API}/inactivations",
                content=b"x" * (1024 * 1024 + 1),
                headers=bearer(token, new_key()),
            ),
        )
        c("/inactivations", await client.get(f"{API}/inactivations", headers=h))
        request_id = scheduled.json()["id"]
        c(
            "/inactivations/{request_id}",
            await client.get(f"{API}/inactivations/{request_id}", headers=h),
        )
        c(
            "/inactivations/{request_id}",
            await client.delete(f"{API}/inactivations/{request_id}", headers=h),
        )
        c(
            "/inactivations/{request_id}",
            await client.delete(f"{API}/inactivations/inact-000001", headers=h),
        )
        c("/inactivations/{request_id}", await client.get(f"{API}/inactivations/zzz", headers=h))
        c(
            "/forced-inactivations",
            await client.post(
                f"{API}/forced-inactivations",
                json=body(active[4:6], delete_after=True),
                headers=bearer(token, new_key()),
            ),
        )
        c(
            "/device-deletions",
            await client.post(
                f"{API}/device-deletions",
                json=body(inactive[:1] + active[6:7]),
                headers=bearer(token, new_key()),
            ),
        )
        c("/sim/advance", await client.post(f"{API}/sim/advance", json={"seconds": 60}))
        c("/sim/audit", await client.get(f"{API}/sim/audit"))
        c("/sim/devices/{device_id}", await client.get(f"{API}/sim/devices/{active[7]}"))
        c(
            "/sim/devices/{device_id}",
            await client.post(f"{API}/sim/devices/{active[7]}", json={"behaviour": "wiped"}),
        )
        c(
            "/sim/devices/{device_id}/jobs",
            await client.post(f"{API}/sim/devices/{active[7]}/jobs", json={"count": 2}),
        )
        for _ in range(6):
            last = await client.post(f"{API}/auth/login", json={"account": "bob", "password": "x"})
        c("/auth/login", last)
        c("/auth/logout", await client.post(f"{API}/auth/logout", headers=h))

    statuses = {s for _, _, s in checker.seen}
    assert {"200", "202", "204", "401", "403", "404", "409", "413", "422", "429"} <= statuses
    operations = {(m, p) for m, p, _ in checker.seen}
    documented = {(m, p) for p, ops in checker.doc["paths"].items() for m in ops}
    assert documented - operations == {("get", "/openapi.json")}
