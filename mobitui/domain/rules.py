"""What an action will do to each device, before anything is sent: the preflight.

The TUI shows this answer before OK, the headless commands print it, and the reference server
asks the very same functions before it changes anything (it never trusts the client). So the
rules of shared/reference/procedure.md live here once:

- who is accepted, skipped or refused, and why;
- which documented warnings apply to which devices (and which of them must be acknowledged);
- how many jobs the action cancels;
- which on-device procedure each device will need afterwards (the derived table).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mobitui.domain.models import (
    Device,
    DeviceState,
    Enrollment,
    ItemProgress,
    Outcome,
    Platform,
    Reason,
    RequestStatus,
)

#: A device seen more recently than this is "still communicating": forcing it is probably wrong.
DEFAULT_RECENT = timedelta(hours=24)
#: A pending device silent this long after its request executed is stalled: devices check in
#: every few minutes to an hour, so one that has not in two hours probably never will.
DEFAULT_STALL = timedelta(hours=2)


class ActionKind(StrEnum):
    INACTIVATE = "inactivate"  # 一括インアクティベーション (procedure A)
    FORCE_INACTIVATE = "force_inactivate"  # 一括強制インアクティベーション (procedure B)
    DELETE = "delete"  # 端末一括削除 (procedure E)


@dataclass(frozen=True, slots=True)
class Inactivate:
    remove_apple_mdm_profile: bool = False
    scheduled_at: datetime | None = None
    kind: ActionKind = ActionKind.INACTIVATE


@dataclass(frozen=True, slots=True)
class ForceInactivate:
    delete_after: bool = False
    kind: ActionKind = ActionKind.FORCE_INACTIVATE


@dataclass(frozen=True, slots=True)
class Delete:
    kind: ActionKind = ActionKind.DELETE


Action = Inactivate | ForceInactivate | Delete


class DeviceWarning(StrEnum):
    """The documented warnings, each raised against the devices it concerns."""

    #: DEP device forbidding profile removal, 「有効にする」 off: the profile can never be removed.
    DEP_PROFILE_REMOVAL_FORBIDDEN = "dep_profile_removal_forbidden"
    #: Wi-Fi applied silently, 「有効にする」 on: the device loses that network with it.
    SILENT_WLAN = "silent_wlan"
    #: Hybrid MDM with Safari restricted: the on-device profile install screen never appears.
    SAFARI_RESTRICTED = "safari_restricted"
    #: Android 11+ enrolled as Device Owner: inactivation factory-resets the device.
    ANDROID_FACTORY_RESET = "android_factory_reset"
    #: Not iOS/iPadOS: 「有効にする」 does not apply and is ignored.
    PROFILE_OPTION_NOT_APPLICABLE = "profile_option_not_applicable"
    #: Forced inactivation of a device that still communicates: probably a mistake.
    STILL_COMMUNICATING = "still_communicating"


#: Warnings the admin must explicitly acknowledge (or avoid) before OK is possible: each one
#: means a device may end up needing a factory reset (or gets one). Forcing a device that still
#: communicates is one of them: the vendor's page warns its restrictions can then never be
#: lifted.
ACKNOWLEDGE = frozenset(
    {
        DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN,
        DeviceWarning.ANDROID_FACTORY_RESET,
        DeviceWarning.STILL_COMMUNICATING,
    }
)
#: Their names, in the order the warnings are declared: what ``--acknowledge`` accepts.
ACKNOWLEDGEABLE = tuple(w.value for w in DeviceWarning if w in ACKNOWLEDGE)


class OnDeviceWork(StrEnum):
    """Which on-device procedure a device needs after the action (procedure.md, derived table)."""

    NONE = "none"
    C = "C"  # remove the Apple MDM profile in Settings
    D = "D"  # Hybrid MDM on-device inactivation
    D_THEN_C = "D+C"  # D, then C for the Apple MDM profile
    #: Forced inactivation: nothing reaches the device; profile and restrictions stay until reset.
    NOTHING_REACHES = "nothing_reaches"


@dataclass(frozen=True, slots=True)
class DevicePlan:
    """What the action will do to one device."""

    device_id: str
    outcome: Outcome
    reason: Reason | None
    warnings: tuple[DeviceWarning, ...]
    jobs_cancelled: int
    #: Set for accepted devices only.
    on_device: OnDeviceWork | None
    #: Forced inactivation with ``delete_after``: the record is deleted afterwards.
    will_delete: bool = False

    @property
    def acted_on(self) -> bool:
        """The device will be changed: accepted, deleted, or (forced with ``delete_after``) its
        record deleted although there was nothing to force. The one statement of that rule:
        counts, lists, marks and the devices sent all follow it."""
        return self.outcome in (Outcome.ACCEPTED, Outcome.DELETED) or self.will_delete

    @property
    def needs_acknowledgement(self) -> bool:
        """It carries a warning the admin must acknowledge (:data:`ACKNOWLEDGE`) before OK."""
        return not ACKNOWLEDGE.isdisjoint(self.warnings)


@dataclass(frozen=True, slots=True)
class Preflight:
    action: Action
    plans: tuple[DevicePlan, ...]

    @property
    def acted_on(self) -> tuple[DevicePlan, ...]:
        """Plans whose device will be changed (:attr:`DevicePlan.acted_on`)."""
        return tuple(p for p in self.plans if p.acted_on)

    @property
    def not_acted_on(self) -> tuple[DevicePlan, ...]:
        """Plans whose device is left alone: skipped or refused, and not deleted either."""
        return tuple(p for p in self.plans if not p.acted_on)

    @property
    def jobs_cancelled(self) -> int:
        return sum(p.jobs_cancelled for p in self.plans)

    def devices_with(self, warning: DeviceWarning) -> tuple[str, ...]:
        return tuple(p.device_id for p in self.plans if warning in p.warnings)

    @property
    def needs_acknowledgement(self) -> tuple[str, ...]:
        """Device ids carrying a warning that must be acknowledged before OK."""
        return tuple(p.device_id for p in self.plans if p.needs_acknowledgement)

    @property
    def to_acknowledge(self) -> dict[DeviceWarning, frozenset[str]]:
        """Each warning that must be acknowledged before OK, with the devices it concerns, in
        the order the warnings are declared: an acknowledgement is of one warning for exactly
        these devices (another device, or one fewer, is not what the admin acknowledged)."""
        found: dict[DeviceWarning, set[str]] = {}
        for p in self.plans:
            if p.needs_acknowledgement:
                for warning in p.warnings:
                    if warning in ACKNOWLEDGE:
                        found.setdefault(warning, set()).add(p.device_id)
        return {w: frozenset(found[w]) for w in DeviceWarning if w in found}

    def by_device(self) -> dict[str, DevicePlan]:
        return {p.device_id: p for p in self.plans}


# --------------------------------------------------------------------------- facts


def major_version(os_version: str) -> tuple[int, ...]:
    """``"12.2.1"`` → ``(12, 2, 1)``; anything unparsable counts as ``(0,)``."""
    parts: list[int] = []
    for piece in os_version.strip().split("."):
        digits = ""
        for ch in piece:
            if not "0" <= ch <= "9":  # ASCII only: str.isdigit() accepts "²", which int() rejects
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts) or (0,)


def is_android_factory_reset(device: Device) -> bool:
    """Android 11 and later enrolled as Device Owner: inactivation wipes the device.

    An unparsable version counts as a wipe: warning about one that does not happen costs an
    acknowledgement; missing one costs a phone's data.
    """
    if device.platform is not Platform.ANDROID or not device.android_device_owner:
        return False
    version = major_version(device.os_version)
    return version == (0,) or version >= (11,)


def has_open_scheduled_request(device: Device) -> bool:
    ref = device.inactivation
    return (
        ref is not None
        and ref.status is RequestStatus.SCHEDULED
        and ref.progress is ItemProgress.SCHEDULED
    )


def on_device_work(device: Device, remove_apple_mdm_profile: bool) -> OnDeviceWork:
    """The derived table of procedure.md, for a normal (not forced) inactivation."""
    if not device.platform.is_apple_mobile or device.enrollment is Enrollment.CLIENT_APP:
        return OnDeviceWork.NONE
    if device.enrollment is Enrollment.APPLE_MDM:
        return OnDeviceWork.NONE if remove_apple_mdm_profile else OnDeviceWork.C
    # Hybrid MDM: D always; with the option off, also C for the Apple MDM profile.
    return OnDeviceWork.D if remove_apple_mdm_profile else OnDeviceWork.D_THEN_C


def inactivation_warnings(
    device: Device, remove_apple_mdm_profile: bool
) -> tuple[DeviceWarning, ...]:
    warnings: list[DeviceWarning] = []
    apple = device.platform.is_apple_mobile and device.enrollment is not Enrollment.CLIENT_APP
    if not device.platform.is_apple_mobile:
        if remove_apple_mdm_profile:
            warnings.append(DeviceWarning.PROFILE_OPTION_NOT_APPLICABLE)
    elif apple:
        if device.dep and device.dep_profile_removal_forbidden and not remove_apple_mdm_profile:
            warnings.append(DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN)
        if device.silent_wlan and remove_apple_mdm_profile:
            warnings.append(DeviceWarning.SILENT_WLAN)
        if device.enrollment is Enrollment.HYBRID_MDM and device.safari_restricted:
            warnings.append(DeviceWarning.SAFARI_RESTRICTED)
    if is_android_factory_reset(device):
        warnings.append(DeviceWarning.ANDROID_FACTORY_RESET)
    return tuple(warnings)


# --------------------------------------------------------------------------- per action


def plan_inactivation(device: Device, action: Inactivate) -> DevicePlan:
    if device.state is DeviceState.INACTIVE:
        return DevicePlan(device.id, Outcome.SKIPPED, Reason.ALREADY_INACTIVE, (), 0, None)
    if device.state is DeviceState.INACTIVATION_PENDING:
        return DevicePlan(device.id, Outcome.SKIPPED, Reason.ALREADY_PENDING, (), 0, None)
    if has_open_scheduled_request(device):
        return DevicePlan(device.id, Outcome.SKIPPED, Reason.ALREADY_SCHEDULED, (), 0, None)
    return DevicePlan(
        device_id=device.id,
        outcome=Outcome.ACCEPTED,
        reason=None,
        warnings=inactivation_warnings(device, action.remove_apple_mdm_profile),
        jobs_cancelled=device.pending_jobs,
        on_device=on_device_work(device, action.remove_apple_mdm_profile),
    )


def plan_forced(
    device: Device, action: ForceInactivate, now: datetime, recent: timedelta = DEFAULT_RECENT
) -> DevicePlan:
    if device.state is DeviceState.INACTIVE:
        # Nothing to force; with delete_after the inactive record is still deleted.
        return DevicePlan(
            device.id,
            Outcome.SKIPPED,
            Reason.ALREADY_INACTIVE,
            (),
            0,
            None,
            will_delete=action.delete_after,
        )
    warnings: tuple[DeviceWarning, ...] = ()
    if device.last_seen_at is not None and now - device.last_seen_at < recent:
        warnings = (DeviceWarning.STILL_COMMUNICATING,)
    return DevicePlan(
        device_id=device.id,
        outcome=Outcome.ACCEPTED,
        reason=None,
        warnings=warnings,
        jobs_cancelled=device.pending_jobs,
        on_device=OnDeviceWork.NOTHING_REACHES,
        will_delete=action.delete_after,
    )


def plan_deletion(device: Device) -> DevicePlan:
    if device.state is not DeviceState.INACTIVE:
        return DevicePlan(device.id, Outcome.REFUSED, Reason.DEVICE_NOT_INACTIVE, (), 0, None)
    return DevicePlan(device.id, Outcome.DELETED, None, (), device.pending_jobs, OnDeviceWork.NONE)


def not_found(device_id: str, action: Action) -> DevicePlan:
    """A device id the account cannot see: reported like one that does not exist."""
    outcome = Outcome.REFUSED if isinstance(action, Delete) else Outcome.SKIPPED
    return DevicePlan(device_id, outcome, Reason.NOT_FOUND, (), 0, None)


def plan(
    device: Device, action: Action, now: datetime, recent: timedelta = DEFAULT_RECENT
) -> DevicePlan:
    match action:
        case Inactivate():
            return plan_inactivation(device, action)
        case ForceInactivate():
            return plan_forced(device, action, now, recent)
        case Delete():
            return plan_deletion(device)
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover


def preflight(
    devices: Iterable[Device],
    action: Action,
    now: datetime,
    recent: timedelta = DEFAULT_RECENT,
) -> Preflight:
    """Say, for each device, what ``action`` will do. Order follows ``devices``."""
    return Preflight(action, tuple(plan(d, action, now, recent) for d in devices))


def is_stalled(
    device: Device, executed_at: datetime | None, now: datetime, after: timedelta = DEFAULT_STALL
) -> bool:
    """Pending, and silent since its request executed, for longer than ``after``.

    Such a device cannot act on the request (wiped, client app deleted, away for repair): a
    normal inactivation will never complete, and forced inactivation is the way out
    (procedure.md, "When normal inactivation cannot work"). A Hybrid MDM device whose user has
    not finished the on-device steps HAS communicated since, and is not stalled: it needs the
    user, not force.
    """
    if device.state is not DeviceState.INACTIVATION_PENDING or executed_at is None:
        return False
    if now - executed_at < after:
        return False
    return device.last_seen_at is None or device.last_seen_at <= executed_at


def stall_due(
    device: Device, executed_at: datetime | None, now: datetime, after: timedelta = DEFAULT_STALL
) -> datetime | None:
    """When this device will turn stalled (:func:`is_stalled`) if it stays silent; None when it
    never will from here (not pending, its request not executed, already stalled, or it has
    communicated since). A screen sets one timer for the earliest, so a flag appears when it
    comes due, not at the next key."""
    if executed_at is None:
        return None
    due = executed_at + after
    if due <= now:
        return None
    return due if is_stalled(device, executed_at, due, after) else None


class ScheduleProblem(StrEnum):
    """What can be wrong with a schedule (values are stable codes: the CLI prints them)."""

    #: The text given for it is not a date and time (a form's, before any rule applies).
    UNREADABLE = "schedule_unreadable"
    #: A time without a UTC offset: which instant it means is unknown.
    WITHOUT_OFFSET = "schedule_without_offset"
    #: Not in the future on the server's clock.
    IN_PAST = "schedule_in_past"


def schedule_problem(scheduled_at: datetime | None, now: datetime) -> ScheduleProblem | None:
    """Why a schedule cannot be sent (``now`` is the server's clock), or ``None``: no schedule,
    or one in the future."""
    if scheduled_at is None:
        return None
    if scheduled_at.tzinfo is None:
        return ScheduleProblem.WITHOUT_OFFSET
    if scheduled_at <= now:
        return ScheduleProblem.IN_PAST
    return None
