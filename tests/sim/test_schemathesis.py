"""Schemathesis against the real ASGI app: every answer conforms to ``openapi.json``.

The served document (``/api/v1/openapi.json``, the file with the server's ``max_bulk`` written
in) drives the generation of positive and negative requests for every operation; each answer
must not be a 5xx and must match the document: a documented status code, the documented media
type, a body that validates against the schema given for that status, and the documented
headers. Nothing is silenced: answers such as 413 ``too_many_devices`` or 422
``schedule_in_past`` / ``agreement_required`` / ``idempotency_key_reused`` and 403
``invalid_password`` for inputs a schema cannot rule out are documented for those operations.

The run is authenticated as ``admin`` (one token per test) and never calls ``/auth/logout``,
which would revoke it. To reach past the password check, most generated destructive bodies
get the caller's real password and some of their device ids are replaced by ids of the fleet,
so the actions really run. Simulation controls need no token; they get their own test and app,
so jumping the clock cannot disturb the main run.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig
from tests.sim.helpers import API, PASSWORDS

FLEET = 60
DEVICE_IDS = [f"d{n:06d}" for n in range(1, FLEET + 1)]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
DESTRUCTIVE = {"/inactivations", "/forced-inactivations", "/device-deletions"}


@dataclasses.dataclass
class Api:
    schema: schemathesis.BaseSchema
    token: str


def _open(tmp_path: Path, name: str) -> Iterator[Api]:
    config = ServerConfig(
        db_path=tmp_path / f"{name}.sqlite3",
        fleet=FLEET,
        seed=7,
        speed=0.0,
        sim_controls=True,
        rate_limit=None,
        # Small enough that negative generation easily goes past it (413 too_many_devices).
        max_bulk=20,
    )
    app = create_app(config)
    try:
        schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", app)
        with asgi.get_client(app) as client:
            answer = client.post(
                f"{API}/auth/login", json={"account": "admin", "password": PASSWORDS["admin"]}
            )
        assert answer.status_code == 200, answer.text
        yield Api(schema, answer.json()["token"])
    finally:
        # Ends the lifespan schemathesis started (which closes the store).
        asgi.shutdown_lifespans()
        app.state.world.close()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _open(tmp_path, "api")


@pytest.fixture
def api_schema(api: Api) -> schemathesis.BaseSchema:
    return api.schema


def _steer(case: schemathesis.Case) -> None:
    """Give a positive destructive body the real password (usually) and real device ids.

    The choice is a pure function of the generated body, so a failing case replays the same.
    """
    if case.path not in DESTRUCTIVE or case.method.upper() != "POST":
        return
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    body: Any = case.body
    if not isinstance(body, dict):
        return
    rng = random.Random(repr(sorted(body.items(), key=repr)))
    if rng.random() < 0.9:
        body["password"] = PASSWORDS["admin"]
    ids = body.get("device_ids")
    if isinstance(ids, list) and ids and rng.random() < 0.7:
        picked = rng.sample(DEVICE_IDS, rng.randint(1, min(len(ids), 5)))
        body["device_ids"] = picked + ids[len(picked) :]


lazy_api = (
    schemathesis.pytest.from_fixture("api_schema")
    .exclude(path="/auth/logout")
    .exclude(tag="simulation")
)
lazy_sim = schemathesis.pytest.from_fixture("api_schema").include(tag="simulation")
QUICK = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
THOROUGH = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def _run(case: schemathesis.Case, api: Api) -> None:
    if (
        case.path == "/devices/{device_id}"
        and (case.path_parameters or {}).get("device_id") == "changes"
    ):
        # That URL is the change feed's operation (tested as such); the document excludes
        # "changes" from device ids, and negative generation picks exactly that value.
        return
    _steer(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {api.token}"}, checks=CHECKS)


@lazy_api.parametrize()
@QUICK
def test_api_conforms(case: schemathesis.Case, api: Api) -> None:
    _run(case, api)


@lazy_sim.parametrize()
@QUICK
def test_sim_controls_conform(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@pytest.mark.slow
@pytest.mark.timeout(900)
@lazy_api.parametrize()
@THOROUGH
def test_api_conforms_thoroughly(case: schemathesis.Case, api: Api) -> None:
    _run(case, api)


@pytest.mark.slow
@pytest.mark.timeout(900)
@lazy_sim.parametrize()
@THOROUGH
def test_sim_controls_conform_thoroughly(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
