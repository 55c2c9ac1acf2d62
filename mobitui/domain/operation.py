"""A bulk operation as its journal knows it: what was asked, and what each batch did.

A bulk action on thousands of devices is many calls (one per batch of the server's
``max_bulk_devices``), each under its own idempotency key. The journal writes the whole plan
(every batch and its key) to disk BEFORE the first call leaves, then one record per batch
whose outcome became known. Folding those records (:meth:`OperationState.apply`) says, after
any interruption, exactly which batches are settled and which must be sent again with the SAME
key, so the server answers the first outcome instead of acting twice.

A batch is in one of three states:

- **done**: the server answered 2xx with exactly one outcome for every device of the batch;
- **refused**: the server answered with a problem and changed nothing; never resent;
- **open**: never sent, or sent without a known answer (dropped connection, crash), or
  answered without an outcome for some of its devices (:attr:`OperationState.partial`: the
  known outcomes are kept for showing, the rest are *unknown*). Resending it with its key and
  the same body is always safe, and is the only way to learn what happened.

Whether an answer settles its batch is decided here, from the answer's own items, by
:func:`~mobitui.domain.reconcile.reconcile` (a record written by any version, read back, is
judged the same way): never by the answer having been a 2xx.

Pure Python: no I/O (the file lives in ``mobitui.local.journal``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from mobitui.domain.models import (
    BulkResult,
    InactivationRequest,
    ItemResult,
    Outcome,
    WireError,
    exact_id,
    format_time,
    parse_time,
)
from mobitui.domain.reconcile import misfits, reconcile
from mobitui.domain.rules import (
    Action,
    ActionKind,
    Delete,
    DeviceWarning,
    ForceInactivate,
    Inactivate,
)

#: Journal format version, written in every operation header.
FORMAT = 1

#: :meth:`OperationState.not_done`'s code for a device the server's answer gave no outcome
#: for: it may or may not have been acted on (unknown), and its batch is open.
NO_OUTCOME = "no_outcome"


@dataclass(frozen=True, slots=True)
class Batch:
    """Up to the server's ``max_bulk_devices`` device ids, sent under one idempotency key."""

    key: str
    device_ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.device_ids)

    def to_json(self) -> dict[str, Any]:
        """For a journal: everything needed to resend this batch (never a password)."""
        return {"key": self.key, "device_ids": list(self.device_ids)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Batch:
        key, ids = data.get("key"), data.get("device_ids")
        if not isinstance(key, str) or not isinstance(ids, list):
            raise ValueError("a batch needs a key and a list of device ids")
        if not all(isinstance(i, str) for i in ids):
            raise ValueError("device ids must be strings")
        return cls(key, tuple(exact_id("device_ids", i) for i in ids))


class Ending(StrEnum):
    """How an operation ended (an operation without an ending may be resumed)."""

    #: Every batch is done or refused.
    FINISHED = "finished"
    #: The very first call was refused (wrong password, forbidden …): nothing changed.
    REFUSED = "refused"
    #: The admin gave up on the open batches; their devices show their real state in the grid.
    ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """What the admin confirmed: the action, its options, every batch and its key."""

    id: str
    action: Action
    created_at: datetime
    server: str
    profile: str
    account: str
    batches: tuple[Batch, ...]
    #: Device names when the operation was confirmed: a result names devices that may since
    #: have been deleted.
    names: Mapping[str, str] = field(default_factory=dict)
    #: Serial numbers when the operation was confirmed: a resumed run checks that each id
    #: still names the same device (an adapter may hand a numeric id out again).
    serials: Mapping[str, str] = field(default_factory=dict)
    #: The warnings the admin acknowledged when confirming, each with its devices (of the
    #: plan): a resumed operation folds them into the retirements as the first run did.
    acknowledged: Mapping[DeviceWarning, frozenset[str]] = field(default_factory=dict)

    @property
    def kind(self) -> ActionKind:
        return self.action.kind

    @property
    def device_ids(self) -> tuple[str, ...]:
        return tuple(i for b in self.batches for i in b.device_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "operation",
            "format": FORMAT,
            "id": self.id,
            "kind": self.kind.value,
            "options": action_options(self.action),
            "created_at": format_time(self.created_at),
            "server": self.server,
            "profile": self.profile,
            "account": self.account,
            "batches": [b.to_json() for b in self.batches],
            "names": dict(self.names),
            "serials": dict(self.serials),
            "acknowledged": {w.value: sorted(ids) for w, ids in self.acknowledged.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OperationSpec:
        if data.get("type") != "operation":
            raise WireError("the first record is not an operation header")
        if data.get("format") != FORMAT:
            raise WireError(f"unknown journal format {data.get('format')!r}")
        for name in ("id", "kind", "created_at", "server", "profile", "account"):
            if not isinstance(data.get(name), str):
                raise WireError(f"field {name!r}: expected a string")
        batches = data.get("batches")
        names = data.get("names", {})
        serials = data.get("serials", {})  # absent in journals written before it existed
        acknowledged = _acknowledged(data.get("acknowledged", {}))  # absent before it, too
        if not isinstance(batches, list) or not batches:
            raise WireError("field 'batches': expected a non-empty list")
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise WireError("field 'names': expected an object of strings")
        if not isinstance(serials, dict) or not all(isinstance(v, str) for v in serials.values()):
            raise WireError("field 'serials': expected an object of strings")
        try:
            kind = ActionKind(data["kind"])
            plan = tuple(Batch.from_json(b) for b in batches)
        except (ValueError, AttributeError) as exc:
            raise WireError(str(exc)) from None
        return cls(
            id=data["id"],
            action=action_from_options(kind, data.get("options")),
            created_at=parse_time(data["created_at"], "created_at"),
            server=data["server"],
            profile=data["profile"],
            account=data["account"],
            batches=plan,
            names=dict(names),
            serials=dict(serials),
            acknowledged=acknowledged,
        )


def _acknowledged(raw: Any) -> dict[DeviceWarning, frozenset[str]]:
    """A journal's ``acknowledged``: warning → device ids. A warning this version does not know
    (a newer one wrote the journal) is left out: the operation still resumes."""
    if not isinstance(raw, dict) or not all(
        isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in raw.values()
    ):
        raise WireError("field 'acknowledged': expected an object of lists of strings")
    known = {w.value: w for w in DeviceWarning}
    return {known[name]: frozenset(ids) for name, ids in raw.items() if name in known}


def action_options(action: Action) -> dict[str, Any]:
    """The options of an action as the API body spells them."""
    match action:
        case Inactivate():
            return {
                "remove_apple_mdm_profile": action.remove_apple_mdm_profile,
                "scheduled_at": format_time(action.scheduled_at),
            }
        case ForceInactivate():
            return {"delete_after": action.delete_after}
        case Delete():
            return {}
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover


def action_from_options(kind: ActionKind, options: Any) -> Action:
    if not isinstance(options, Mapping):
        raise WireError("field 'options': expected an object")

    def flag(name: str) -> bool:
        value = options.get(name, False)
        if not isinstance(value, bool):
            raise WireError(f"field {name!r}: expected a boolean")
        return value

    match kind:
        case ActionKind.INACTIVATE:
            raw = options.get("scheduled_at")
            if raw is not None and not isinstance(raw, str):
                raise WireError("field 'scheduled_at': expected a time")
            return Inactivate(
                remove_apple_mdm_profile=flag("remove_apple_mdm_profile"),
                scheduled_at=None if raw is None else parse_time(raw, "scheduled_at"),
            )
        case ActionKind.FORCE_INACTIVATE:
            return ForceInactivate(delete_after=flag("delete_after"))
        case ActionKind.DELETE:
            return Delete()
    raise WireError(f"unknown action {kind!r}")  # pragma: no cover


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True, slots=True)
class BatchDone:
    """A batch's 2xx answer: the outcomes it gave, and the devices it gave none for."""

    key: str
    #: The server's id of the request (inactivation) or of the bulk call (forced, deletion).
    request_id: str
    cancelled_jobs: int
    items: tuple[ItemResult, ...]
    #: Devices of the batch without an outcome in the answer (set by
    #: :meth:`OperationState.settle`): while any are, the batch is open, not done.
    missing: tuple[str, ...] = ()

    @classmethod
    def of(cls, key: str, result: InactivationRequest | BulkResult) -> BatchDone:
        """From the answer as the client decoded it (no second pass over its items)."""
        return cls(key, result.id, result.cancelled_jobs, tuple(result.items))

    @classmethod
    def from_result(cls, key: str, result: Mapping[str, Any]) -> BatchDone:
        """From the JSON the server answered (an inactivation request or a bulk result)."""
        request_id, jobs, items = (
            result.get("id"),
            result.get("cancelled_jobs"),
            result.get("items"),
        )
        if not isinstance(request_id, str):
            raise WireError("field 'id': expected a string")
        exact_id("id", request_id)
        if isinstance(jobs, bool) or not isinstance(jobs, int):
            raise WireError("field 'cancelled_jobs': expected an integer")
        if not isinstance(items, list):
            raise WireError("field 'items': expected a list")
        return cls(key, request_id, jobs, tuple(ItemResult.from_json(i) for i in items))


@dataclass(frozen=True, slots=True)
class BatchRefused:
    key: str
    status: int | None
    code: str | None
    message: str


@dataclass(slots=True)
class OperationState:
    """The fold of one journal: the plan, what each batch did, and how it ended."""

    spec: OperationSpec
    done: dict[str, BatchDone] = field(default_factory=dict)
    refused: dict[str, BatchRefused] = field(default_factory=dict)
    ending: Ending | None = None
    #: Batches answered without an outcome for every device (:attr:`BatchDone.missing`).
    #: They stay open: resending the batch with its key and the same body makes the server
    #: answer its first outcome again, so no device is acted on twice; sending only the
    #: missing ids would be a different body under that key (``idempotency_key_reused``), and
    #: a new key could act on a device the server did act on. Their known outcomes count in
    #: :attr:`items`; their missing devices are :data:`NO_OUTCOME` in :meth:`not_done`.
    partial: dict[str, BatchDone] = field(default_factory=dict)

    def settle(self, done: BatchDone) -> None:
        """One batch answered (its record is being written, or was read back).

        The answer is reconciled with the batch's ids: one outcome for each settles it; some
        missing leaves it open (:attr:`partial`); an outcome for an id not in the batch, two
        for one, or one the operation's action cannot have (``accepted`` for a deletion …:
        :func:`~mobitui.domain.reconcile.misfits`) is an error (the client refuses such an
        answer before it is recorded, so only a damaged or foreign journal holds one).
        """
        batch = self._batch(done.key)
        ids = (item.device_id for item in done.items)
        check = reconcile(batch.device_ids, ids, misfits(self.spec.action, done.items))
        if check.broken:
            raise WireError(f"the answer recorded for batch {done.key!r} has {check.explain()}")
        self.refused.pop(done.key, None)
        if check.missing:
            self.partial[done.key] = replace(done, missing=check.missing)
            self.done.pop(done.key, None)
        else:
            self.done[done.key] = replace(done, missing=()) if done.missing else done
            self.partial.pop(done.key, None)

    def _batch(self, key: str) -> Batch:
        for batch in self.spec.batches:
            if batch.key == key:
                return batch
        raise WireError(f"a record names an unknown batch {key!r}")

    def apply(self, record: Mapping[str, Any]) -> None:
        """Fold one journal record in (a record about an unknown batch is an error)."""
        kind = record.get("type")
        if kind == "end":
            status = record.get("status")
            if not isinstance(status, str):
                raise WireError(f"unknown ending {status!r}")
            try:
                self.ending = Ending(status)
            except ValueError:
                raise WireError(f"unknown ending {status!r}") from None
            return
        key = record.get("key")
        if not isinstance(key, str) or key not in self._keys:
            raise WireError(f"a record names an unknown batch {key!r}")
        if kind == "batch_done":
            result = record.get("result")
            if not isinstance(result, Mapping):
                raise WireError("field 'result': expected an object")
            self.settle(BatchDone.from_result(key, result))
        elif kind == "batch_refused":
            status, code, message = record.get("status"), record.get("code"), record.get("message")
            if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
                raise WireError("field 'status': expected an integer")
            if code is not None and not isinstance(code, str):
                raise WireError("field 'code': expected a string")
            if not isinstance(message, str):
                raise WireError("field 'message': expected a string")
            if key not in self.done and key not in self.partial:
                # A batch that was answered (even without every outcome) may have acted:
                # a later refusal of a resend proves nothing about that first answer.
                self.refused[key] = BatchRefused(key, status, code, message)
        else:
            raise WireError(f"unknown record type {kind!r}")

    @property
    def _keys(self) -> frozenset[str]:
        return frozenset(b.key for b in self.spec.batches)

    # ------------------------------------------------------------------ questions

    @property
    def open_batches(self) -> tuple[Batch, ...]:
        """Batches never sent or sent without a known answer: resend these, same keys."""
        return tuple(
            b for b in self.spec.batches if b.key not in self.done and b.key not in self.refused
        )

    @property
    def resumable(self) -> bool:
        """Not ended, and something is still open: the next launch offers to resume it."""
        return self.ending is None and bool(self.open_batches)

    @property
    def total(self) -> int:
        return sum(len(b) for b in self.spec.batches)

    @property
    def settled(self) -> int:
        """Devices in batches with a known outcome (done or refused)."""
        return self.total - sum(len(b) for b in self.open_batches)

    def answered(self) -> tuple[BatchDone, ...]:
        """The answers of done and partial batches, in plan order."""
        found: list[BatchDone] = []
        for b in self.spec.batches:
            answer = self.done.get(b.key) or self.partial.get(b.key)
            if answer is not None:
                found.append(answer)
        return tuple(found)

    @property
    def items(self) -> tuple[ItemResult, ...]:
        """Per-device outcomes the server gave (done batches, and the known outcomes of
        partial ones), in plan order."""
        return tuple(item for answer in self.answered() for item in answer.items)

    @property
    def request_ids(self) -> tuple[str, ...]:
        return tuple(answer.request_id for answer in self.answered())

    @property
    def cancelled_jobs(self) -> int:
        return sum(answer.cancelled_jobs for answer in self.answered())

    def unknown(self) -> tuple[str, ...]:
        """Devices an answer gave no outcome for: maybe acted on, maybe not (plan order)."""
        return tuple(
            i
            for b in self.spec.batches
            if b.key in self.partial
            for i in self.partial[b.key].missing
        )

    def counts(self) -> dict[Outcome, int]:
        found = dict.fromkeys(Outcome, 0)
        for item in self.items:
            found[item.outcome] += 1
        return found

    def not_done(self) -> tuple[tuple[str, str | None], ...]:
        """``(device_id, refusal code, None for open, or NO_OUTCOME)`` of every device without
        an outcome (:data:`NO_OUTCOME`: answered, but not for this device)."""
        rows: list[tuple[str, str | None]] = []
        for batch in self.spec.batches:
            if batch.key in self.done:
                continue
            partial = self.partial.get(batch.key)
            if partial is not None:
                rows.extend((device_id, NO_OUTCOME) for device_id in partial.missing)
                continue
            refusal = self.refused.get(batch.key)
            code = None if refusal is None else (refusal.code or "refused")
            rows.extend((device_id, code) for device_id in batch.device_ids)
        return tuple(rows)


def fold(spec: OperationSpec, records: Iterable[Mapping[str, Any]]) -> OperationState:
    state = OperationState(spec)
    for record in records:
        state.apply(record)
    return state
