"""The on-device part of retirement: which procedures a device's user must follow, and how far
they have got.

After an inactivation request, the admin talks each device's user through work on the phone
itself (procedure.md C and D). Which work, per device, follows from the derived table of
procedure.md (:func:`mobitui.domain.rules.on_device_work`) applied to the device's latest
request; a device whose request was overtaken by forced inactivation gets nothing (nothing
ever reached it). :func:`on_device_walk` walks those procedures for the device: the checklist
screen and the instruction sheets both render that one walk.

:class:`ChecklistProgress` is what the admin has ticked, plus the moment the user reported the
Hybrid MDM profile downloaded: that profile deletes itself 8 minutes later (the note on
procedure D, step 6), so the checklist counts down.

Pure Python: no I/O (the ticks are saved by ``mobitui.local.checklists``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mobitui.domain.models import Device, ItemProgress, RequestStatus, WireError, parse_time
from mobitui.domain.procedures import (
    NoteContext,
    NoteId,
    ProcedureId,
    Section,
    get,
    procedures_for_work,
    walk_all,
)
from mobitui.domain.rules import OnDeviceWork, on_device_work

#: A downloaded Profile Service profile is deleted automatically this long after the download.
EXPIRY = timedelta(minutes=8)
#: D step 2: 「許可」, Safari downloads the profile. Ticking it starts the countdown.
DOWNLOADED = (ProcedureId.D, 2)
#: D step 11: 「完了」, the profile is installed. From here the countdown no longer matters.
INSTALLED = (ProcedureId.D, 11)

Tick = tuple[ProcedureId, int]


def needed_work(device: Device) -> OnDeviceWork | None:
    """The on-device work the device's latest request calls for; None when there is none.

    ``None``: no request, or one cancelled before it ran. A request overtaken by forced
    inactivation (or deletion) means nothing reached the device: ``NOTHING_REACHES``.
    """
    ref = device.inactivation
    if ref is None or ref.status is RequestStatus.CANCELLED:
        return None
    if ref.progress is ItemProgress.CANCELLED:
        return None
    if ref.progress is ItemProgress.SUPERSEDED:
        return OnDeviceWork.NOTHING_REACHES
    return on_device_work(device, ref.remove_apple_mdm_profile)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One device on a checklist: the work it needs, under which request, with which option."""

    device_id: str
    work: OnDeviceWork | None
    request_id: str | None
    remove_apple_mdm_profile: bool | None

    @classmethod
    def of(cls, device: Device) -> Assignment:
        """From the device's latest request (see :func:`needed_work`)."""
        ref = device.inactivation
        return cls(
            device.id,
            needed_work(device),
            None if ref is None else ref.id,
            None if ref is None else ref.remove_apple_mdm_profile,
        )


def sections(work: OnDeviceWork | None) -> tuple[ProcedureId, ...]:
    """The procedures to walk through, in order (D before C)."""
    return () if work is None else procedures_for_work(work)


def blocked(device: Device, work: OnDeviceWork | None) -> dict[ProcedureId, NoteId]:
    """Procedures the device's user cannot do at all, with the documented reason.

    A DEP device that forbids removing its MDM profile, inactivated without 「有効にする」,
    needs C, and C is impossible on it (procedure.md, step 6 of A): the sheet and the checklist
    say so instead of listing steps that cannot work.
    """
    found: dict[ProcedureId, NoteId] = {}
    if ProcedureId.C in sections(work) and device.dep and device.dep_profile_removal_forbidden:
        found[ProcedureId.C] = NoteId.DEP_FORBIDS_DEVICE_REMOVAL
    return found


def on_device_walk(
    device: Device, work: OnDeviceWork | None, remove_apple_mdm_profile: bool | None
) -> tuple[Section, ...]:
    """The procedures the device's user must follow, walked for this device (the checklist's
    and the sheet's content): only the notes that apply, and a blocked procedure's reason."""
    ctx = NoteContext.for_device(device, remove_apple_mdm_profile=remove_apple_mdm_profile)
    return walk_all(sections(work), ctx, blocked(device, work))


def all_steps(work: OnDeviceWork | None) -> tuple[Tick, ...]:
    return tuple((pid, step.number) for pid in sections(work) for step in get(pid).steps)


@dataclass(slots=True)
class ChecklistProgress:
    """What the admin has ticked for one device and one request."""

    ticked: set[Tick] = field(default_factory=set)
    downloaded_at: datetime | None = None
    #: The admin reported that the install was cancelled or impossible (the failure path).
    failed: bool = False

    def tick(self, tick: Tick, now: datetime) -> bool:
        """Flip one step; returns whether it is now ticked. Ticking D-2 starts the countdown."""
        if tick in self.ticked:
            self.ticked.discard(tick)
            if tick == DOWNLOADED:
                self.downloaded_at = None
            return False
        self.ticked.add(tick)
        if tick == DOWNLOADED:
            self.downloaded_at = now
        return True

    def done(self, work: OnDeviceWork | None) -> bool:
        return set(all_steps(work)) <= self.ticked

    def next_step(self, work: OnDeviceWork | None) -> Tick | None:
        """The first step not yet ticked."""
        return next((t for t in all_steps(work) if t not in self.ticked), None)

    def remaining(self, now: datetime) -> timedelta | None:
        """Time left before the downloaded profile deletes itself; None when not counting."""
        if self.downloaded_at is None or INSTALLED in self.ticked:
            return None
        return max(timedelta(0), self.downloaded_at + EXPIRY - now)

    def expired(self, now: datetime) -> bool:
        left = self.remaining(now)
        return left is not None and left <= timedelta(0)

    def restart_download(self) -> None:
        """The profile expired: back to D step 1 (open the notification, 「許可」 again)."""
        self.ticked -= {(ProcedureId.D, n) for n in range(1, 12)}
        self.downloaded_at = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ticked": sorted(f"{pid.value}:{n}" for pid, n in self.ticked),
            "downloaded_at": None if self.downloaded_at is None else self.downloaded_at.isoformat(),
            "failed": self.failed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChecklistProgress:
        raw = data.get("ticked", [])
        if not isinstance(raw, list):
            raise WireError("field 'ticked': expected a list")
        ticked: set[Tick] = set()
        for item in raw:
            pid, _, number = str(item).partition(":")
            try:
                ticked.add((ProcedureId(pid), int(number)))
            except ValueError:
                raise WireError(f"field 'ticked': not a step: {item!r}") from None
        at = data.get("downloaded_at")
        if at is not None and not isinstance(at, str):
            raise WireError("field 'downloaded_at': expected a time")
        failed = data.get("failed", False)
        if not isinstance(failed, bool):
            raise WireError("field 'failed': expected a boolean")
        return cls(ticked, None if at is None else parse_time(at, "downloaded_at"), failed)
