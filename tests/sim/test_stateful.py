"""Stateful property test of the reference server's safety invariants, on the real ASGI app.

The example tests under ``tests/sim`` pin one scenario each. The bugs that hurt a bulk,
destructive API hide in *sequences*: a device forced inactive while a scheduled request for it
is waiting, the clock then passing ``scheduled_at``, a retried call, a scoped admin deleting
what an unscoped one just forced, an operator trying the same. This hypothesis
``RuleBasedStateMachine`` drives the app (no mocks, simulated clock stopped so time moves only
through ``/sim/advance``) with random sequences of those calls by ``admin``, ``branch-admin``
and ``operator``, keeps its own model of the fleet and of the inactivation requests, checks
every answer against the model, and after every step reads the whole tenant back as ``admin``:

1. only inactive devices are ever deleted (the others are ``refused`` /
   ``device_not_inactive`` and stay); deleted ids answer 404 and never reappear;
2. when an inactivation executes (at once, or when the clock passes ``scheduled_at``) every
   accepted device ends with ``pending_jobs == 0`` and the request reports the jobs it
   cancelled; forced inactivation makes a device ``inactive`` with no jobs at once;
3. ``branch-admin`` never changes a device outside its subtree (those ids come back
   ``not_found``); every destructive call of ``operator`` answers 403 and changes nothing;
4. a device's state only moves forward: active → inactivation_pending → inactive;
5. a replay with the same ``Idempotency-Key`` and body returns the first answer byte for byte
   and changes nothing; the same key with another body is refused and changes nothing.

Beyond those, nothing changes without a cause the model knows of.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mobitui.sim.app import create_app
from mobitui.sim.behaviour import Behaviour
from mobitui.sim.config import ServerConfig
from tests.sim.helpers import API, PASSWORDS, all_devices, asgi_client, bearer, login

Json = dict[str, Any]
T = TypeVar("T")

ACTIVE = "active"
PENDING = "inactivation_pending"
INACTIVE = "inactive"
#: A state may only grow along this order.
RANK = {ACTIVE: 0, PENDING: 1, INACTIVE: 2}

ADMIN = "admin"
BRANCH = "branch-admin"
OPERATOR = "operator"
ADMINS = st.sampled_from([ADMIN, BRANCH])

#: An id no device ever has; another one used only to alter a body for a key-reuse check.
GHOST = "d999999"
OTHER_GHOST = "d999998"
GHOST_REQUEST = "inact-999999"

#: Fixed simulated start, so every example sees the same fleet and the same times.
START = 1_750_000_000.0
MAX_ADVANCE = 4 * 3600
MAX_DELAY = 3 * 3600


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


@dataclass
class ModelRequest:
    """What the machine knows of one inactivation request."""

    id: str
    creator: str
    scheduled_at: float | None
    accepted: list[str]
    #: Groups of the devices the creator could see when it was made (the items' groups).
    groups: set[str]
    #: ``scheduled`` | ``cancelled`` | ``executed``.
    status: str


@dataclass(frozen=True)
class SentCall:
    """A destructive call that succeeded, kept so it can be replayed with its key."""

    account: str
    path: str
    body: Json
    key: str
    status: int
    content: bytes


@dataclass
class Expectation:
    """What one device may look like at the next check (default: exactly as before)."""

    states: frozenset[str]
    jobs: int | None


@dataclass
class StepExpectations:
    devices: dict[str, Expectation] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    advanced: bool = False


class ServerInvariants(RuleBasedStateMachine):
    """One fresh server (own database) per example, driven through its HTTP API."""

    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="mobitui-stateful-")
        config = ServerConfig(
            db_path=Path(self._tmp.name) / "sim.sqlite3",
            fleet=40,
            seed=7,
            speed=0.0,
            sim_controls=True,
            rate_limit=None,
            start_at=START,
            token_ttl_seconds=30 * 86400,
        )
        self._app = create_app(config)
        self._runner = asyncio.Runner()
        self._client = asgi_client(self._app)
        self._keys = itertools.count(1)
        try:
            self._start()
        except BaseException:
            self.teardown()  # hypothesis only tears down machines that started
            raise

    def _start(self) -> None:
        self.tokens = {name: self._run(login(self._client, name)) for name in PASSWORDS}
        self.now = self._advance_clock(0)
        self.devices = self._fetch()
        self.all_ids = [*sorted(self.devices), GHOST]
        groups = self._call("GET", "/groups", BRANCH)
        assert groups.status_code == 200, groups.text
        self.scope = {g["id"] for g in groups.json()["items"]}
        assert self.scope and any(d["group_id"] in self.scope for d in self.devices.values())
        assert any(d["group_id"] not in self.scope for d in self.devices.values())
        self.deleted: set[str] = set()
        self.requests: dict[str, ModelRequest] = {}
        self.calls: list[SentCall] = []
        self.expect = StepExpectations()
        self._load_scheduled_requests()

    def teardown(self) -> None:
        try:
            self._run(self._client.aclose())
            self._runner.close()
        finally:
            self._app.state.world.close()
            self._tmp.cleanup()

    # ------------------------------------------------------------------ HTTP plumbing

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coro)

    def _call(
        self,
        method: str,
        path: str,
        account: str | None = None,
        *,
        json: Json | None = None,
        key: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {} if account is None else bearer(self.tokens[account], key)
        return self._run(
            self._client.request(method, f"{API}{path}", json=json, headers=headers, params=params)
        )

    def _fetch(self, account: str = ADMIN) -> dict[str, Json]:
        devices = self._run(all_devices(self._client, self.tokens[account]))
        return {d["id"]: d for d in devices}

    def _seq(self) -> int:
        response = self._call("GET", "/devices/changes", ADMIN, params={"since": 2**40})
        assert response.status_code == 200, response.text
        return int(response.json()["seq"])

    def _advance_clock(self, seconds: float) -> float:
        response = self._call("POST", "/sim/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        return _ts(response.json()["now"])

    def _new_key(self) -> str:
        return f"stateful-{next(self._keys)}"

    def _destructive(self, account: str, path: str, body: Json) -> httpx.Response:
        """POST a destructive call with a fresh key; a success is kept for replays."""
        key = self._new_key()
        response = self._call("POST", path, account, json=body, key=key)
        if response.is_success:
            self.calls.append(
                SentCall(account, path, body, key, response.status_code, response.content)
            )
        return response

    def _load_scheduled_requests(self) -> None:
        """A seeded fleet may already hold scheduled requests: model them too."""
        response = self._call("GET", "/inactivations", ADMIN, params={"status": "scheduled"})
        assert response.status_code == 200, response.text
        for request in response.json()["items"]:
            ids = [i["device_id"] for i in request["items"]]
            self.requests[request["id"]] = ModelRequest(
                id=request["id"],
                creator=request["created_by"],
                scheduled_at=_ts(request["scheduled_at"]),
                accepted=[i["device_id"] for i in request["items"] if i["outcome"] == "accepted"],
                groups={self.devices[i]["group_id"] for i in ids if i in self.devices},
                status="scheduled",
            )

    # ------------------------------------------------------------------ the model

    def _visible(self, account: str, device_id: str) -> bool:
        device = self.devices.get(device_id)
        if device is None:
            return False
        return account != BRANCH or device["group_id"] in self.scope

    def _open_scheduled(self, device_id: str) -> bool:
        return any(
            r.status == "scheduled" and device_id in r.accepted for r in self.requests.values()
        )

    def _jobs(self, ids: list[str]) -> int:
        return sum(self.devices[i]["pending_jobs"] for i in ids)

    def _draw_ids(
        self, data: st.DataObject, account: str, prefer_state: str | None = None
    ) -> list[str]:
        """1-6 distinct ids: mostly ones the account can see, also invisible, deleted, unknown."""
        visible = [i for i in sorted(self.devices) if self._visible(account, i)]
        pools: list[st.SearchStrategy[str]] = []
        if prefer_state is not None:
            preferred = [i for i in visible if self.devices[i]["state"] == prefer_state]
            if preferred:
                pools.append(st.sampled_from(preferred))
        if visible:
            pools.append(st.sampled_from(visible))
        pools.append(st.sampled_from(self.all_ids))
        return data.draw(
            st.lists(st.one_of(*pools), min_size=1, max_size=6, unique=True), label="device_ids"
        )

    def _draw_request_id(self, data: st.DataObject) -> str:
        """Mostly a request still waiting, else any request, or one that does not exist."""
        waiting = sorted(i for i, r in self.requests.items() if r.status == "scheduled")
        pools: list[st.SearchStrategy[str]] = []
        if waiting:
            pools.append(st.sampled_from(waiting))
        if self.requests:
            pools.append(st.sampled_from(sorted(self.requests)))
        pools.append(st.just(GHOST_REQUEST))
        return data.draw(st.one_of(*pools), label="request_id")

    def _body(self, account: str, ids: list[str], **options: Any) -> Json:
        return {"device_ids": ids, **options, "password": PASSWORDS[account], "agree": True}

    def _outside_view(self, devices: dict[str, Json]) -> dict[str, tuple[Any, ...]]:
        """What a scoped action must never change: devices outside ``branch-admin``'s scope."""
        return {
            i: (
                d["state"],
                d["pending_jobs"],
                d["last_seen_at"],
                d["group_id"],
                None if d["inactivation"] is None else d["inactivation"]["id"],
                None if d["inactivation"] is None else d["inactivation"]["progress"],
            )
            for i, d in devices.items()
            if d["group_id"] not in self.scope
        }

    def _check_scope_untouched(self, account: str, before: dict[str, tuple[Any, ...]]) -> None:
        if account != BRANCH:
            return
        after = self._outside_view(self._fetch())
        assert after == before, "branch-admin changed a device outside its group scope"

    def _check_nothing_changed(self, seq_before: int, what: str) -> None:
        after = self._fetch()
        assert after == self.devices, f"{what} changed devices"
        assert self._seq() == seq_before, f"{what} moved the change feed"

    # ------------------------------------------------------------------ admin / branch-admin

    @rule(
        account=ADMINS,
        data=st.data(),
        remove=st.booleans(),
        delay=st.one_of(st.none(), st.integers(1, MAX_DELAY)),
    )
    def inactivate(
        self, account: str, data: st.DataObject, remove: bool, delay: int | None
    ) -> None:
        self._inactivate(account, self._draw_ids(data, account, prefer_state=ACTIVE), remove, delay)

    @initialize(
        account=ADMINS, data=st.data(), remove=st.booleans(), delay=st.integers(1, MAX_DELAY)
    )
    def schedule_first(self, account: str, data: st.DataObject, remove: bool, delay: int) -> None:
        """Every run starts with a waiting request, for the clock and cancellations to meet."""
        self._inactivate(account, self._draw_ids(data, account, prefer_state=ACTIVE), remove, delay)

    def _inactivate(self, account: str, ids: list[str], remove: bool, delay: int | None) -> None:
        scheduled_at = None if delay is None else self.now + delay
        body = self._body(
            account,
            ids,
            remove_apple_mdm_profile=remove,
            scheduled_at=None if scheduled_at is None else _rfc3339(scheduled_at),
        )
        outside = self._outside_view(self.devices)
        response = self._destructive(account, "/inactivations", body)
        assert response.status_code == 202, response.text
        answer = response.json()

        expected: list[tuple[str, str, str | None]] = []
        for device_id in ids:
            if not self._visible(account, device_id):
                expected.append((device_id, "skipped", "not_found"))
            elif self.devices[device_id]["state"] == INACTIVE:
                expected.append((device_id, "skipped", "already_inactive"))
            elif self.devices[device_id]["state"] == PENDING:
                expected.append((device_id, "skipped", "already_pending"))
            elif self._open_scheduled(device_id):
                expected.append((device_id, "skipped", "already_scheduled"))
            else:
                expected.append((device_id, "accepted", None))
        got = [(i["device_id"], i["outcome"], i["reason"]) for i in answer["items"]]
        assert got == expected
        accepted = [i for i, outcome, _ in expected if outcome == "accepted"]
        assert answer["remove_apple_mdm_profile"] is remove

        if scheduled_at is None:
            # Executed at once: every accepted device's jobs are cancelled.
            assert answer["status"] == ("in_progress" if accepted else "completed")
            assert answer["cancelled_jobs"] == self._jobs(accepted)
            for device_id in accepted:
                self.expect.devices[device_id] = Expectation(frozenset({PENDING}), 0)
            status = "executed"
        else:
            assert answer["status"] == "scheduled"
            assert answer["executed_at"] is None and answer["cancelled_jobs"] == 0
            assert _ts(answer["scheduled_at"]) == scheduled_at
            status = "scheduled"
        self.requests[answer["id"]] = ModelRequest(
            id=answer["id"],
            creator=account,
            scheduled_at=scheduled_at,
            accepted=accepted,
            groups={self.devices[i]["group_id"] for i in ids if self._visible(account, i)},
            status=status,
        )
        self._check_scope_untouched(account, outside)

    @rule(account=ADMINS, data=st.data(), delete_after=st.booleans())
    def force(self, account: str, data: st.DataObject, delete_after: bool) -> None:
        ids = self._draw_ids(data, account)
        body = self._body(account, ids, delete_after=delete_after)
        outside = self._outside_view(self.devices)
        response = self._destructive(account, "/forced-inactivations", body)
        assert response.status_code == 200, response.text
        answer = response.json()

        expected: list[tuple[str, str, str | None, bool]] = []
        for device_id in ids:
            if not self._visible(account, device_id):
                expected.append((device_id, "skipped", "not_found", False))
            elif self.devices[device_id]["state"] == INACTIVE:
                expected.append((device_id, "skipped", "already_inactive", delete_after))
            else:
                expected.append((device_id, "accepted", None, delete_after))
        got = [(i["device_id"], i["outcome"], i["reason"], i["deleted"]) for i in answer["items"]]
        assert got == expected
        accepted = [i for i, outcome, _, _ in expected if outcome == "accepted"]
        assert answer["cancelled_jobs"] == self._jobs(accepted)
        for device_id, outcome, _, deleted in expected:
            if deleted:
                self.expect.gone.add(device_id)
            elif outcome == "accepted":
                # Inactive at once, with every job cancelled.
                self.expect.devices[device_id] = Expectation(frozenset({INACTIVE}), 0)
        self._check_scope_untouched(account, outside)

    @rule(account=ADMINS, data=st.data())
    def delete(self, account: str, data: st.DataObject) -> None:
        ids = self._draw_ids(data, account, prefer_state=INACTIVE)
        outside = self._outside_view(self.devices)
        response = self._destructive(account, "/device-deletions", self._body(account, ids))
        assert response.status_code == 200, response.text
        answer = response.json()

        expected: list[tuple[str, str, str | None]] = []
        for device_id in ids:
            if not self._visible(account, device_id):
                expected.append((device_id, "refused", "not_found"))
            elif self.devices[device_id]["state"] == INACTIVE:
                expected.append((device_id, "deleted", None))
            else:
                expected.append((device_id, "refused", "device_not_inactive"))
        got = [(i["device_id"], i["outcome"], i["reason"]) for i in answer["items"]]
        assert got == expected
        for device_id, outcome, reason in expected:
            if outcome == "deleted":
                self.expect.gone.add(device_id)
            elif reason == "device_not_inactive":
                # Active or pending just before the call: still there, untouched.
                kept = self._call("GET", f"/devices/{device_id}", ADMIN)
                assert kept.status_code == 200, f"{device_id} was not inactive but is gone"
                assert kept.json()["state"] == self.devices[device_id]["state"]
        self._check_scope_untouched(account, outside)

    @rule(account=ADMINS, data=st.data())
    def cancel(self, account: str, data: st.DataObject) -> None:
        request_id = self._draw_request_id(data)
        outside = self._outside_view(self.devices)
        response = self._call("DELETE", f"/inactivations/{request_id}", account)
        request = self.requests.get(request_id)
        if request is None or (
            account == BRANCH and request.creator != BRANCH and not request.groups & self.scope
        ):
            assert response.status_code == 404, response.text
            assert response.json()["code"] == "not_found"
        elif account == BRANCH and request.groups - self.scope:
            assert response.status_code == 403, response.text
            assert response.json()["code"] == "forbidden"
        elif request.status == "executed":
            assert response.status_code == 409, response.text
            assert response.json()["code"] == "already_executed"
        else:
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "cancelled"
            request.status = "cancelled"
        self._check_scope_untouched(account, outside)

    # ------------------------------------------------------------------ simulation controls

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """Move the clock; sometimes exactly onto a waiting request's ``scheduled_at``."""
        waiting = sorted(
            r.scheduled_at - self.now
            for r in self.requests.values()
            if r.status == "scheduled" and r.scheduled_at is not None and r.scheduled_at > self.now
        )
        choices: st.SearchStrategy[float] = st.integers(0, MAX_ADVANCE).map(float)
        if waiting:
            choices = st.one_of(choices, st.sampled_from(waiting))
        seconds = data.draw(choices, label="seconds")
        now = self._advance_clock(seconds)
        assert now == self.now + seconds
        self.now = now
        self.expect.advanced = True

        due = sorted(
            (
                r
                for r in self.requests.values()
                if r.status == "scheduled" and r.scheduled_at is not None and r.scheduled_at <= now
            ),
            key=lambda r: (r.scheduled_at, r.id),
        )
        for request in due:
            request.status = "executed"
            runs = [
                i
                for i in request.accepted
                if i in self.devices and self.devices[i]["state"] == ACTIVE
            ]
            for device_id in runs:
                # Pending from scheduled_at on (it may already have acted since): no jobs left.
                self.expect.devices[device_id] = Expectation(frozenset({PENDING, INACTIVE}), 0)
            shown = self._call("GET", f"/inactivations/{request.id}", ADMIN)
            assert shown.status_code == 200, shown.text
            body = shown.json()
            assert body["status"] in ("in_progress", "completed")
            assert body["executed_at"] is not None
            assert _ts(body["executed_at"]) == request.scheduled_at
            assert body["cancelled_jobs"] == self._jobs(runs)

    @precondition(lambda self: any(d["state"] == ACTIVE for d in self.devices.values()))
    @rule(
        data=st.data(),
        count=st.integers(1, 5),
        behaviour=st.sampled_from([b.value for b in Behaviour]),
    )
    def tweak_device(self, data: st.DataObject, count: int, behaviour: str) -> None:
        """Give an active device jobs (so that executing a request has some to cancel) and a
        behaviour (so that pending devices complete, stall or go silent)."""
        active = sorted(i for i, d in self.devices.items() if d["state"] == ACTIVE)
        device_id = data.draw(st.sampled_from(active), label="device_id")
        response = self._call("POST", f"/sim/devices/{device_id}/jobs", json={"count": count})
        assert response.status_code == 200, response.text
        assert response.json()["pending_jobs"] == count
        self.expect.devices[device_id] = Expectation(frozenset({ACTIVE}), count)
        response = self._call("POST", f"/sim/devices/{device_id}", json={"behaviour": behaviour})
        assert response.status_code == 200, response.text

    # ------------------------------------------------------------------ operator

    @rule(
        data=st.data(),
        action=st.sampled_from(["inactivate", "force", "force_delete", "delete", "cancel"]),
    )
    def operator_is_refused(self, data: st.DataObject, action: str) -> None:
        seq_before = self._seq()
        if action == "cancel":
            request_id = self._draw_request_id(data)
            response = self._call("DELETE", f"/inactivations/{request_id}", OPERATOR)
        else:
            ids = self._draw_ids(data, OPERATOR)
            path, options = {
                "inactivate": ("/inactivations", {"remove_apple_mdm_profile": False}),
                "force": ("/forced-inactivations", {"delete_after": False}),
                "force_delete": ("/forced-inactivations", {"delete_after": True}),
                "delete": ("/device-deletions", {}),
            }[action]
            response = self._destructive(OPERATOR, path, self._body(OPERATOR, ids, **options))
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "forbidden"
        self._check_nothing_changed(seq_before, f"operator's refused {action}")

    # ------------------------------------------------------------------ idempotency

    @precondition(lambda self: bool(self.calls))
    @rule(data=st.data(), same_body=st.booleans())
    def replay(self, data: st.DataObject, same_body: bool) -> None:
        """Re-send the last (or an earlier) successful call with its key: the same body gets
        the first answer again; another body is refused. Neither changes anything."""
        call = data.draw(
            st.one_of(st.just(self.calls[-1]), st.sampled_from(self.calls)), label="call"
        )
        body = call.body
        if not same_body:
            ids = list(body["device_ids"])
            ids = (
                [i for i in ids if i != OTHER_GHOST] if OTHER_GHOST in ids else [*ids, OTHER_GHOST]
            )
            body = {**body, "device_ids": ids}
        seq_before = self._seq()
        response = self._call("POST", call.path, call.account, json=body, key=call.key)
        if same_body:
            assert response.status_code == call.status, response.text
            assert response.content == call.content, "a replay must return the first answer"
            assert response.headers.get("idempotent-replayed") == "true"
        else:
            assert response.status_code == 422, response.text
            assert response.json()["code"] == "idempotency_key_reused"
        self._check_nothing_changed(seq_before, "a replay" if same_body else "a reused key")

    # ------------------------------------------------------------------ after every step

    @invariant()
    def server_matches_model(self) -> None:
        expect, self.expect = self.expect, StepExpectations()
        after = self._fetch()

        # Existence: exactly the expected devices are gone, and none ever comes back.
        assert not set(after) & self.deleted, "a deleted device reappeared"
        assert set(after) == set(self.devices) - expect.gone, (
            f"unexpected devices: gone {sorted(set(self.devices) - set(after))}, "
            f"expected gone {sorted(expect.gone)}"
        )
        for device_id in sorted(self.deleted | expect.gone):
            gone = self._call("GET", f"/devices/{device_id}", ADMIN)
            assert gone.status_code == 404, f"deleted {device_id} answers {gone.status_code}"

        for device_id, now in after.items():
            before = self.devices[device_id]
            old, new = before["state"], now["state"]
            assert RANK[new] >= RANK[old], f"{device_id} went back from {old} to {new}"
            if new != old:
                assert now["pending_jobs"] == 0, f"{device_id} became {new} with jobs left"
            wanted = expect.devices.get(device_id)
            if wanted is None:
                states = {old}
                if expect.advanced and old == PENDING:
                    states.add(INACTIVE)  # it may have communicated
                wanted = Expectation(frozenset(states), before["pending_jobs"] if new == old else 0)
            assert new in wanted.states, f"{device_id}: {old} -> {new}, expected {wanted.states}"
            if wanted.jobs is not None:
                assert now["pending_jobs"] == wanted.jobs, (
                    f"{device_id}: pending_jobs {now['pending_jobs']}, expected {wanted.jobs}"
                )
            # Nothing else of the record moves (last_seen_at only while the clock runs).
            ignored = {"state", "pending_jobs", "inactivation"}
            if expect.advanced:
                ignored.add("last_seen_at")
            assert {k: v for k, v in now.items() if k not in ignored} == {
                k: v for k, v in before.items() if k not in ignored
            }, f"{device_id} changed unexpectedly"

        # Scope: branch-admin sees exactly its subtree.
        mine = self._fetch(BRANCH)
        assert set(mine) == {i for i, d in after.items() if d["group_id"] in self.scope}

        # Requests are where the model says they are.
        for request in self.requests.values():
            shown = self._call("GET", f"/inactivations/{request.id}", ADMIN)
            assert shown.status_code == 200, shown.text
            status = shown.json()["status"]
            if request.status == "executed":
                assert status in ("in_progress", "completed"), (request.id, status)
            else:
                assert status == request.status, (request.id, status, request.status)

        self.devices = after
        self.deleted |= expect.gone


QUICK = settings(
    max_examples=8,
    stateful_step_count=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
THOROUGH = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_server_invariants_hold_over_random_call_sequences() -> None:
    run_state_machine_as_test(ServerInvariants, settings=QUICK)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_server_invariants_hold_over_long_call_sequences() -> None:
    run_state_machine_as_test(ServerInvariants, settings=THOROUGH)
