"""Words for what an action will do or did: one place that says it, for the TUI and the CLI.

Plain functions from domain answers to sentences in the admin's language (the catalogue's
terms), so the dialogs, the headless commands and the tests say the same thing the same way.
No Textual, no Rich: callers style the strings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from mobitui.domain.gate import Blocker
from mobitui.domain.models import ItemResult, Outcome, parse_time
from mobitui.domain.operation import OperationState
from mobitui.domain.retirement import MAX_NAME, InvalidName, NameProblem
from mobitui.domain.rules import ActionKind, DevicePlan, DeviceWarning, OnDeviceWork, Preflight
from mobitui.i18n import Catalogue

#: How many device names a warning line spells out before "and N more".
NAMES_SHOWN = 3

#: How a schedule is written for the admin, in local time (the zone is shown beside it).
SCHEDULE_FORMAT = "%Y-%m-%d %H:%M"


def read_schedule(text: str) -> datetime | None:
    """A schedule as the admin writes it, in the dialog or on the command line:
    ``YYYY-MM-DD HH:MM`` in this machine's time zone, or an RFC 3339 time with its offset
    (``2026-12-01T09:00+09:00``); None when it is neither."""
    try:
        return parse_time(text.strip(), "schedule")
    except ValueError:
        pass
    try:
        return datetime.strptime(text.strip(), SCHEDULE_FORMAT).astimezone()
    except ValueError:
        return None


#: Warnings in the order they are shown: the ones to acknowledge first.
WARNING_ORDER = (
    DeviceWarning.ANDROID_FACTORY_RESET,
    DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN,
    DeviceWarning.STILL_COMMUNICATING,
    DeviceWarning.SAFARI_RESTRICTED,
    DeviceWarning.SILENT_WLAN,
    DeviceWarning.PROFILE_OPTION_NOT_APPLICABLE,
)


def plan_result(plan: DevicePlan) -> Outcome:
    """What a plan comes to for its device, as one outcome: an inactive device forced with
    「削除」 after is *deleted* (its plan says skipped: there was nothing to force). A plan is
    acted on (:attr:`~mobitui.domain.rules.DevicePlan.acted_on`) exactly when this is accepted
    or deleted; the dialog marks it and the CLI prints it from here."""
    if plan.will_delete and plan.reason is not None:
        return Outcome.DELETED
    return plan.outcome


def plan_outcome(t: Catalogue, kind: ActionKind, plan: DevicePlan) -> str:
    """What a plan will do to its device, in words."""
    if plan.reason is not None:
        if plan.will_delete:
            return t("plan.delete_only")
        return t(f"reason.{plan.reason.value}")
    if plan.outcome is Outcome.DELETED:
        return t("plan.deleted")
    if plan.will_delete:
        return t("plan.accepted_delete.force_inactivate")
    return t(f"plan.accepted.{kind.value}")


def work_text(t: Catalogue, work: OnDeviceWork | None) -> str:
    return "" if work is None else t(f"work.{work.value}")


def names_of(t: Catalogue, ids: Sequence[str], names: Mapping[str, str]) -> str:
    shown = ", ".join(names.get(i, i) for i in ids[:NAMES_SHOWN])
    if len(ids) > NAMES_SHOWN:
        shown += ", " + t("warn.more", count=len(ids) - NAMES_SHOWN)
    return shown


def warning_sentence(
    t: Catalogue, warning: DeviceWarning, ids: Sequence[str], names: Mapping[str, str]
) -> str:
    """The documented warning and the devices it concerns (names are server text)."""
    devices = t("warn.devices", count=len(ids), names=names_of(t, ids, names))
    return f"{t(f'warn.{warning.value}')} — {devices}"


def work_summary(t: Catalogue, preflight: Preflight) -> str:
    counts = Counter(p.on_device for p in preflight.acted_on if p.on_device is not None)
    parts = [
        f"{t(f'work.{w.value}')} × {n}" for w, n in counts.items() if w is not OnDeviceWork.NONE
    ]
    return ", ".join(parts) or t("work.none")


def outcome_text(t: Catalogue, item: ItemResult) -> str:
    text = t(f"outcome.{item.outcome.value}")
    if item.reason is not None:
        text += f" ({t(f'reason.{item.reason.value}')})"
    if item.deleted:
        text += f" + {t('outcome.deleted')}"
    return text


def count_summary(t: Catalogue, state: OperationState) -> str:
    parts = [
        f"{t(f'outcome.{outcome.value}')} {count}"
        for outcome, count in state.counts().items()
        if count
    ]
    return t("action.result_counts", parts=" / ".join(parts) or "-")


#: The catalogue key of each reason OK is disabled (the schedule's in the past is worded with
#: the server's clock, below).
_BLOCKER_KEYS: Mapping[Blocker, str] = {
    Blocker.READ_ONLY: "menu.reason.read_only",
    Blocker.NO_DELETE_PERMISSION: "menu.reason.no_delete_permission",
    Blocker.NO_DEVICES: "action.need.devices",
    Blocker.SCHEDULE_UNREADABLE: "schedule.invalid",
    Blocker.SCHEDULE_WITHOUT_OFFSET: "schedule.invalid",
    Blocker.ACKNOWLEDGE: "action.need.ack",
    Blocker.COUNT: "action.need.count",
    Blocker.PASSWORD: "action.need.password",
    Blocker.AGREE: "action.need.agree",
}


def blocker_text(t: Catalogue, blocker: Blocker, now: datetime) -> str:
    """Why OK is disabled, in words; ``now`` is the server's clock (a schedule is judged on
    it, so the admin is told what it says)."""
    if blocker is Blocker.SCHEDULE_IN_PAST:
        return t("schedule.past", now=now.astimezone().strftime(SCHEDULE_FORMAT))
    return t(_BLOCKER_KEYS[blocker])


def name_refused(t: Catalogue, exc: InvalidName) -> str:
    """Why a retirement name was refused (:func:`mobitui.domain.retirement.name_problem`), in
    the catalogue's language: the CLI's ``retirement rename`` and the retirement view say it
    alike."""
    match exc.problem:
        case NameProblem.EMPTY:
            return t("retirement.rename.empty")
        case NameProblem.TOO_LONG:
            return t("retirement.rename.too_long", length=exc.length, max=MAX_NAME)
        case NameProblem.HIDDEN:
            return t("retirement.rename.hidden")
