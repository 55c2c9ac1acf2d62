"""A retirement: "retire this department", kept as a record from the first request to the proof.

An admin's job is not one bulk call. A :class:`Retirement` names a set of devices (by default a
group, on a date) and keeps, per device, a :class:`Trace`: its last snapshot (so the record
survives the deletion of the device), when it was requested, went inactive or was forced,
was deleted, by whom, under which request ids, the warnings the admin acknowledged, the
on-device work it needed, and the last refusal or failure. Each bulk operation is folded in
(:func:`record_operation`), and each look at the fleet too (:func:`observe`).

:func:`stage_of` puts a device in one bucket (:class:`Stage`) of the retirement view; every
fact comes from the rules (:mod:`mobitui.domain.rules`), never re-derived here.

Everything is immutable: updates return a new record. Pure Python: no I/O (the files are
``mobitui.local.retirements``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from mobitui.domain.checklist import needed_work
from mobitui.domain.models import (
    Device,
    DeviceState,
    Outcome,
    Reason,
    WireError,
    exact_id,
    format_time,
    parse_time,
)
from mobitui.domain.operation import NO_OUTCOME, Ending, OperationState
from mobitui.domain.rules import (
    DEFAULT_STALL,
    ActionKind,
    DeviceWarning,
    Inactivate,
    OnDeviceWork,
    has_open_scheduled_request,
    is_stalled,
    on_device_work,
)
from mobitui.domain.text import has_hidden

E = TypeVar("E", bound=StrEnum)

#: Retirement file format version.
FORMAT = 1

#: A retirement id: it names the record's file, so only these characters.
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

#: The longest name kept (a name is the admin's, or a group's: server text).
MAX_NAME = 200

#: How far before a record's first time the server's audit log is compared with it: our
#: times are estimates of the server's clock (see :func:`agreement`).
AUDIT_SLACK = timedelta(seconds=60)

#: :attr:`Trace.problem` for a device whose batch the admin abandoned without an answer.
ABANDONED = "abandoned"


class Stage(StrEnum):
    """The buckets of the retirement view (values are stable: files and the CLI use them)."""

    ACTIVE = "active"  # 有効: not requested yet
    REQUESTED = "requested"  # 要求済み・端末の応答待ち
    ON_DEVICE = "on_device"  # 端末側の作業待ち: procedure C or D to do
    STALLED = "stalled"  # 通信なし: forced inactivation is the way out
    INACTIVE = "inactive"  # 無効: ready to delete
    DELETED = "deleted"  # 削除済み
    ATTENTION = "attention"  # the last attempt on it was refused or failed


#: The stages in the order the view shows them.
ORDER: tuple[Stage, ...] = tuple(Stage)


class Agreement(StrEnum):
    """Whether the local record of a device and the server's audit log agree."""

    AGREE = "agree"
    DISAGREE = "disagree"
    #: The server exposes no audit log (a real server): nothing to compare with.
    NOT_AVAILABLE = "not_available"
    #: Nothing was sent for this device: nothing to compare.
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class Step:
    """One per-device outcome of one bulk call, as the journal knew it."""

    kind: ActionKind
    at: datetime
    by: str
    request_id: str | None
    #: The server's outcome, or None when the call got none (refused batch, no answer).
    outcome: Outcome | None
    #: The reason code (``Reason``), a refusal's problem code, or ``no_outcome``.
    reason: str | None = None
    deleted: bool = False
    #: The bulk operation (journal) it came from: one operation is folded in once.
    operation: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "kind": self.kind.value,
            "at": format_time(self.at),
            "by": self.by,
            "request_id": self.request_id,
            "outcome": None if self.outcome is None else self.outcome.value,
            "reason": self.reason,
            "deleted": self.deleted,
        }

    @classmethod
    def from_json(cls, data: Any) -> Step:
        data = _object(data, "step")
        outcome = _opt_str(data, "outcome")
        request_id = _opt_str(data, "request_id")
        return cls(
            kind=_enum(ActionKind, _str(data, "kind"), "kind"),
            at=parse_time(_str(data, "at"), "at"),
            by=_str(data, "by"),
            request_id=None if request_id is None else exact_id("request_id", request_id),
            outcome=None if outcome is None else _enum(Outcome, outcome, "outcome"),
            reason=_opt_str(data, "reason"),
            deleted=_bool(data, "deleted"),
            operation=_opt_str(data, "operation"),
        )


@dataclass(frozen=True, slots=True)
class Trace:
    """One device's path through the retirement."""

    #: The device as last seen (kept after it is deleted).
    device: Device
    requested_at: datetime | None = None
    #: Every request (or bulk call) id that acted on the device, oldest first.
    request_ids: tuple[str, ...] = ()
    #: When its inactivation request executed (from the requests listing).
    executed_at: datetime | None = None
    #: First seen inactive (normal inactivation), or when forced inactivation was accepted.
    inactive_at: datetime | None = None
    forced_at: datetime | None = None
    #: Deleted by an operation of this retirement.
    deleted_at: datetime | None = None
    #: Seen gone from the fleet (by us or by anyone).
    gone_at: datetime | None = None
    #: The warnings the admin acknowledged for this device.
    acknowledged: tuple[DeviceWarning, ...] = ()
    #: The on-device work its (last accepted) request called for.
    on_device: OnDeviceWork | None = None
    #: Procedure C reported done (the checklist ticked it).
    c_done_at: datetime | None = None
    #: The last attempt's refusal or failure code; None when it went through.
    problem: str | None = None
    steps: tuple[Step, ...] = ()

    @property
    def by(self) -> tuple[str, ...]:
        """The accounts that acted on the device, in the order they first did."""
        return tuple(dict.fromkeys(s.by for s in self.steps if s.outcome is not None))

    @property
    def gone(self) -> bool:
        return self.gone_at is not None or self.deleted_at is not None

    @property
    def gone_not_by_us(self) -> bool:
        """Vanished from the fleet without this retirement deleting it or seeing it inactive
        (someone else deleted it, or it moved out of this account's sight)."""
        return (
            self.gone
            and self.deleted_at is None
            and self.inactive_at is None
            and self.forced_at is None
        )

    @property
    def needs_c(self) -> bool:
        """Procedure C (remove the Apple MDM profile in Settings) is still to do."""
        return self.on_device in (OnDeviceWork.C, OnDeviceWork.D_THEN_C) and self.c_done_at is None

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device.to_json(),
            "requested_at": format_time(self.requested_at),
            "request_ids": list(self.request_ids),
            "executed_at": format_time(self.executed_at),
            "inactive_at": format_time(self.inactive_at),
            "forced_at": format_time(self.forced_at),
            "deleted_at": format_time(self.deleted_at),
            "gone_at": format_time(self.gone_at),
            "acknowledged": [w.value for w in self.acknowledged],
            "on_device": None if self.on_device is None else self.on_device.value,
            "c_done_at": format_time(self.c_done_at),
            "problem": self.problem,
            "steps": [s.to_json() for s in self.steps],
        }

    @classmethod
    def from_json(cls, data: Any) -> Trace:
        data = _object(data, "trace")
        work = _opt_str(data, "on_device")
        steps = data.get("steps", [])
        if not isinstance(steps, list):
            raise WireError("field 'steps': expected a list")
        return cls(
            device=Device.from_json(_object(data.get("device"), "device")),
            requested_at=_opt_time(data, "requested_at"),
            request_ids=tuple(exact_id("request_ids", i) for i in _strs(data, "request_ids")),
            executed_at=_opt_time(data, "executed_at"),
            inactive_at=_opt_time(data, "inactive_at"),
            forced_at=_opt_time(data, "forced_at"),
            deleted_at=_opt_time(data, "deleted_at"),
            gone_at=_opt_time(data, "gone_at"),
            acknowledged=tuple(
                _enum(DeviceWarning, w, "acknowledged") for w in _strs(data, "acknowledged")
            ),
            on_device=None if work is None else _enum(OnDeviceWork, work, "on_device"),
            c_done_at=_opt_time(data, "c_done_at"),
            problem=_opt_str(data, "problem"),
            steps=tuple(Step.from_json(s) for s in steps),
        )


@dataclass(frozen=True, slots=True)
class Retirement:
    """A named set of devices being retired, and each one's :class:`Trace`."""

    id: str
    name: str
    server: str
    account: str
    created_at: datetime
    device_ids: tuple[str, ...]
    traces: Mapping[str, Trace] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id(self.id)
        if len(set(self.device_ids)) != len(self.device_ids):
            raise WireError("field 'device_ids': a device is listed twice")
        if set(self.traces) != set(self.device_ids):
            raise WireError("the traces are not exactly the retirement's devices")
        for device_id, trace in self.traces.items():
            if trace.device.id != device_id:
                raise WireError(f"the trace of {device_id!r} holds another device")

    def trace(self, device_id: str) -> Trace:
        return self.traces[device_id]

    def ordered(self) -> tuple[Trace, ...]:
        return tuple(self.traces[i] for i in self.device_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "retirement",
            "format": FORMAT,
            "id": self.id,
            "name": self.name,
            "server": self.server,
            "account": self.account,
            "created_at": format_time(self.created_at),
            "device_ids": list(self.device_ids),
            "traces": {i: self.traces[i].to_json() for i in self.device_ids},
        }

    @classmethod
    def from_json(cls, data: Any) -> Retirement:
        data = _object(data, "retirement")
        if data.get("type") != "retirement":
            raise WireError("not a retirement record")
        if data.get("format") != FORMAT:
            raise WireError(f"unknown retirement format {data.get('format')!r}")
        traces = _object(data.get("traces"), "traces")
        ids = tuple(exact_id("device_ids", i) for i in _strs(data, "device_ids"))
        name = _str(data, "name")
        if len(name) > MAX_NAME:
            raise WireError(f"field 'name': longer than {MAX_NAME} characters")
        return cls(
            id=_str(data, "id"),
            name=name,
            server=_str(data, "server"),
            account=_str(data, "account"),
            created_at=parse_time(_str(data, "created_at"), "created_at"),
            device_ids=ids,
            traces={str(k): Trace.from_json(v) for k, v in traces.items()},
        )


def check_id(value: str) -> str:
    """``value`` when it can name a retirement (and its file); :class:`WireError` otherwise."""
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise WireError(f"field 'id': not a retirement id: {str(value)[:80]!r}")
    return value


# --------------------------------------------------------------------------- making one


def default_name(group_name: str, day: date) -> str:
    """The name a retirement gets unless the admin gives one: the group and the date."""
    return f"{group_name.strip()[: MAX_NAME - 11]} {day.isoformat()}"


def start(
    id: str,
    name: str,
    server: str,
    account: str,
    devices: Iterable[Device],
    created_at: datetime,
) -> Retirement:
    """A new retirement of ``devices`` (in their order; a repeated id counts once)."""
    found: dict[str, Device] = {}
    for device in devices:
        found.setdefault(device.id, device)
    return Retirement(
        id=id,
        name=name[:MAX_NAME],
        server=server,
        account=account,
        created_at=created_at,
        device_ids=tuple(found),
        traces={i: Trace(device=d) for i, d in found.items()},
    )


class NameProblem(StrEnum):
    """Why a name the admin typed is not taken (values are stable: messages use them)."""

    EMPTY = "empty"  # nothing, or only white space
    TOO_LONG = "too_long"  # more than MAX_NAME characters
    HIDDEN = "hidden"  # a control, bidi or invisible character (text.has_hidden)


class InvalidName(ValueError):
    """A name :func:`rename` refuses; ``problem`` says why (for a message in either language)."""

    def __init__(self, problem: NameProblem, name: str) -> None:
        self.problem = problem
        self.length = len(name)
        super().__init__(f"retirement name refused: {problem.value}")


def name_problem(name: str) -> NameProblem | None:
    """Why ``name`` cannot name a retirement, or None when it can.

    The one rule for a name the admin gives (the CLI's ``retirement rename`` and the TUI's):
    kept exactly as typed, so it must be something (not only white space), at most
    :data:`MAX_NAME` characters (what a file may hold), and hold no character
    :func:`mobitui.domain.text.visible` would change: names reach terminals, CSV and Markdown
    reports, and one shown as ``␛`` would not be the name the admin meant. Refused, never
    silently rewritten."""
    if not name.strip():
        return NameProblem.EMPTY
    if len(name) > MAX_NAME:
        return NameProblem.TOO_LONG
    if has_hidden(name):
        return NameProblem.HIDDEN
    return None


def rename(retirement: Retirement, name: str) -> Retirement:
    """``retirement`` named ``name`` (exactly as given); :class:`InvalidName` when
    :func:`name_problem` refuses it."""
    problem = name_problem(name)
    if problem is not None:
        raise InvalidName(problem, name)
    return replace(retirement, name=name)


# --------------------------------------------------------------------------- stages


def stage_of(
    device: Device | None,
    trace: Trace,
    executed_at: datetime | None,
    now: datetime,
    stall_after: timedelta = DEFAULT_STALL,
) -> Stage:
    """The bucket of one device.

    ``device``: its current record, or None when it is gone from the fleet. ``executed_at``:
    when its inactivation request executed (the requests listing), or None.
    """
    if device is None:
        return Stage.DELETED
    if trace.problem is not None:
        return Stage.ATTENTION
    ref = device.inactivation
    if device.state is DeviceState.ACTIVE:
        return Stage.REQUESTED if has_open_scheduled_request(device) else Stage.ACTIVE
    if device.state is DeviceState.INACTIVE:
        work = trace.on_device if trace.on_device is not None else needed_work(device)
        still_c = work in (OnDeviceWork.C, OnDeviceWork.D_THEN_C) and trace.c_done_at is None
        return Stage.ON_DEVICE if still_c else Stage.INACTIVE
    # Pending: waiting for the device.
    if is_stalled(device, executed_at, now, stall_after):
        return Stage.STALLED
    remove = False if ref is None else ref.remove_apple_mdm_profile
    hybrid = on_device_work(device, remove) in (OnDeviceWork.D, OnDeviceWork.D_THEN_C)
    checked_in = (
        executed_at is not None
        and device.last_seen_at is not None
        and device.last_seen_at > executed_at
    )
    return Stage.ON_DEVICE if hybrid and checked_in else Stage.REQUESTED


def stage_in(
    retirement: Retirement,
    device_id: str,
    now: datetime,
    stall_after: timedelta = DEFAULT_STALL,
) -> Stage:
    """The bucket of one device from the record alone (its last snapshot, as last observed)."""
    trace = retirement.traces[device_id]
    current = None if trace.gone else trace.device
    return stage_of(current, trace, trace.executed_at, now, stall_after)


def stages(
    retirement: Retirement, now: datetime, stall_after: timedelta = DEFAULT_STALL
) -> dict[str, Stage]:
    """Every device's bucket, in the retirement's order."""
    return {i: stage_in(retirement, i, now, stall_after) for i in retirement.device_ids}


def counts(
    retirement: Retirement, now: datetime, stall_after: timedelta = DEFAULT_STALL
) -> dict[Stage, int]:
    """How many devices each bucket holds (every stage present, in :data:`ORDER`)."""
    found = dict.fromkeys(ORDER, 0)
    for stage in stages(retirement, now, stall_after).values():
        found[stage] += 1
    return found


# --------------------------------------------------------------------------- updates


def observe(
    retirement: Retirement,
    devices_by_id: Mapping[str, Device],
    now: datetime,
    executed: Mapping[str, datetime] | None = None,
) -> Retirement:
    """Fold in a look at the fleet: snapshots refreshed, transitions seen.

    ``devices_by_id`` must be the whole fleet the account sees: a device of the retirement
    missing from it is taken as gone (deleted) at ``now``. ``executed``: request id → when
    that inactivation request executed (the requests listing).
    """
    executed = executed or {}
    traces: dict[str, Trace] = {}
    for device_id in retirement.device_ids:
        trace = retirement.traces[device_id]
        device = devices_by_id.get(device_id)
        if device is None:
            if trace.gone_at is None:
                trace = replace(trace, gone_at=now)
        else:
            changes: dict[str, Any] = {"device": device, "gone_at": None}
            if (
                device.state is DeviceState.INACTIVE
                and trace.inactive_at is None
                and trace.forced_at is None
            ):
                changes["inactive_at"] = now
            ref = device.inactivation
            if ref is not None and ref.id in executed:
                changes["executed_at"] = executed[ref.id]
            trace = replace(trace, **changes)
        traces[device_id] = trace
    return replace(retirement, traces=traces)


def mark_c_done(retirement: Retirement, device_id: str, at: datetime) -> Retirement:
    """Procedure C reported done for ``device_id`` (the checklist ticked its last step)."""
    if device_id not in retirement.traces:
        return retirement
    traces = dict(retirement.traces)
    traces[device_id] = replace(traces[device_id], c_done_at=at)
    return replace(retirement, traces=traces)


def record_operation(
    retirement: Retirement,
    state: OperationState,
    account: str,
    *,
    at: datetime | None = None,
    acknowledged: Mapping[DeviceWarning, frozenset[str]] | None = None,
) -> Retirement:
    """Fold a bulk operation's results into the traces of the retirement's devices (devices
    outside the retirement are ignored).

    ``at``: when it was sent (default: when it was confirmed). ``acknowledged``: the warnings
    the admin acknowledged, each with its devices (:attr:`mobitui.domain.gate.Facts`), besides
    those the operation's plan keeps (:attr:`OperationSpec.acknowledged`: a resumed operation's).

    Idempotent: a step of this operation already in a trace (same operation id, same request
    id, same outcome) is not added again, so folding the same state twice, or an operation
    again after its resume, records each answer once.
    """
    when = at or state.spec.created_at
    action = state.spec.action
    kind = action.kind
    op = state.spec.id
    mine = retirement.traces
    traces = dict(mine)

    def seen(
        trace: Trace, request_id: str | None, outcome: Outcome | None, reason: str | None
    ) -> bool:
        return any(
            s.operation == op
            and s.request_id == request_id
            and s.outcome == outcome
            and (request_id is not None or s.reason == reason)
            for s in trace.steps
        )

    for answer in state.answered():
        for item in answer.items:
            if item.device_id not in mine:
                continue
            if seen(traces[item.device_id], answer.request_id, item.outcome, None):
                continue
            step = Step(
                kind=kind,
                at=when,
                by=account,
                request_id=answer.request_id,
                outcome=item.outcome,
                reason=None if item.reason is None else item.reason.value,
                deleted=item.deleted,
                operation=op,
            )
            traces[item.device_id] = _apply(traces[item.device_id], step, action)
    for device_id, code in state.not_done():
        if device_id not in mine:
            continue
        if code is None and state.ending is not Ending.ABANDONED:
            continue  # not sent yet: the operation is still running or will be resumed
        reason = code or ABANDONED
        trace = traces[device_id]
        if seen(trace, None, None, reason):
            continue
        step = Step(kind, when, account, None, None, reason, operation=op)
        traces[device_id] = replace(trace, problem=reason, steps=(*trace.steps, step))
    given = [*state.spec.acknowledged.items(), *(acknowledged or {}).items()]
    for warning, ids in given:
        for device_id in ids:
            if device_id in traces and warning not in traces[device_id].acknowledged:
                trace = traces[device_id]
                traces[device_id] = replace(trace, acknowledged=(*trace.acknowledged, warning))
    return replace(retirement, traces=traces)


def _apply(trace: Trace, step: Step, action: object) -> Trace:
    changes: dict[str, Any] = {"steps": (*trace.steps, step), "problem": None}
    if step.request_id is not None and step.outcome in (Outcome.ACCEPTED, Outcome.DELETED):
        changes["request_ids"] = tuple(dict.fromkeys((*trace.request_ids, step.request_id)))
    if step.outcome is Outcome.REFUSED or (
        step.outcome is Outcome.SKIPPED and step.reason == Reason.NOT_FOUND.value
    ):
        changes["problem"] = step.reason or "refused"
    elif step.kind is ActionKind.INACTIVATE and step.outcome is Outcome.ACCEPTED:
        assert isinstance(action, Inactivate)
        changes["requested_at"] = step.at
        changes["on_device"] = on_device_work(trace.device, action.remove_apple_mdm_profile)
    elif step.kind is ActionKind.FORCE_INACTIVATE and step.outcome is Outcome.ACCEPTED:
        changes["forced_at"] = step.at
        changes["on_device"] = OnDeviceWork.NOTHING_REACHES
    if step.outcome is Outcome.DELETED or step.deleted:
        changes["deleted_at"] = step.at
        changes["gone_at"] = trace.gone_at or step.at
    return replace(trace, **changes)


# --------------------------------------------------------------------------- audit


def agreement(
    retirement: Retirement, trace: Trace, entries: Sequence[Mapping[str, Any]] | None
) -> Agreement:
    """Whether the server's audit log (``GET /sim/audit``'s entries; None when the server has
    none) holds exactly what the trace says was done to the device: every outcome recorded
    locally is in an entry of its request id, and no successful call on the device since the
    retirement began is missing from the trace."""
    if entries is None:
        return Agreement.NOT_AVAILABLE
    device_id = trace.device.id
    kinds = {k.value for k in ActionKind}
    # Our times are the server's clock as its Date header let us estimate it (to the second,
    # from the last answer): the record may begin a moment after the server logged its first
    # call. The log is read from a little before the earliest time the record knows.
    since = min([retirement.created_at, *(s.at for s in trace.steps)]) - AUDIT_SLACK
    server: dict[str, str] = {}  # request id → outcome for this device
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("result") != "ok":
            continue
        if entry.get("action") not in kinds or not isinstance(entry.get("request_id"), str):
            continue
        when = entry.get("at")
        try:
            if not isinstance(when, str) or parse_time(when) < since:
                continue
        except WireError:
            continue
        outcomes = entry.get("outcomes")
        for outcome in outcomes if isinstance(outcomes, list) else []:
            if isinstance(outcome, Mapping) and outcome.get("device_id") == device_id:
                server[entry["request_id"]] = str(outcome.get("outcome"))
    local = {
        s.request_id: s.outcome.value
        for s in trace.steps
        if s.request_id is not None and s.outcome is not None
    }
    if not local and not server:
        return Agreement.NOTHING
    return Agreement.AGREE if local == server else Agreement.DISAGREE


# --------------------------------------------------------------------------- wire helpers


def _object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise WireError(f"{what}: expected an object, got {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise WireError(f"field {name!r}: expected a string")
    return value


def _opt_str(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise WireError(f"field {name!r}: expected a string")
    return value


def _bool(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise WireError(f"field {name!r}: expected a boolean")
    return value


def _strs(data: Mapping[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WireError(f"field {name!r}: expected a list of strings")
    return value


def _opt_time(data: Mapping[str, Any], name: str) -> datetime | None:
    raw = _opt_str(data, name)
    return None if raw is None else parse_time(raw, name)


def _enum(enum: type[E], raw: str, name: str) -> E:
    try:
        return enum(raw)
    except ValueError:
        raise WireError(f"field {name!r}: unknown value {raw[:40]!r}") from None


__all__ = [
    "ABANDONED",
    "NO_OUTCOME",
    "ORDER",
    "Agreement",
    "InvalidName",
    "NameProblem",
    "Retirement",
    "Stage",
    "Step",
    "Trace",
    "agreement",
    "check_id",
    "counts",
    "default_name",
    "mark_c_done",
    "name_problem",
    "observe",
    "record_operation",
    "rename",
    "stage_in",
    "stage_of",
    "stages",
    "start",
]
