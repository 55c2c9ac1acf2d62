"""The preflight and the result of a bulk action, as rows and sentences for the dialogs.

Plain functions from domain answers (:class:`~mobitui.domain.rules.Preflight` and its
:class:`~mobitui.present.preflight.Summary`, :class:`~mobitui.domain.operation.OperationState`)
to :class:`Row` lists and ``Text`` lines, so the three dialogs and the resume screen show the
same thing the same way, and tests can read them without a screen. Device names are server
text: they go into plain cells, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from mobitui.domain.models import Device, Outcome
from mobitui.domain.operation import NO_OUTCOME, OperationState
from mobitui.domain.rules import ActionKind, DevicePlan, DeviceWarning, OnDeviceWork, Preflight
from mobitui.i18n import Catalogue
from mobitui.present.preflight import Summary
from mobitui.present.words import outcome_text, plan_outcome, plan_result, work_text
from mobitui.tui.widgets.row_list import ListColumn, Row

_MARK = {
    Outcome.ACCEPTED: "✓",
    Outcome.DELETED: "✓",
    Outcome.SKIPPED: "–",
    Outcome.REFUSED: "✕",
}


#: The preflight's columns per action: on-device work only matters for a normal inactivation
#: (forced: nothing is sent; deletion: the devices are already inactive), jobs and warnings
#: not for deletion.
PLAN_FIELDS: dict[ActionKind, tuple[str, ...]] = {
    ActionKind.INACTIVATE: ("mark", "name", "result", "work", "jobs", "warnings"),
    ActionKind.FORCE_INACTIVATE: ("mark", "name", "result", "jobs", "warnings"),
    ActionKind.DELETE: ("mark", "name", "result"),
}


def plan_columns(t: Catalogue, kind: ActionKind) -> list[ListColumn]:
    every = {
        "mark": ListColumn("", 1),
        "name": ListColumn(t("col.name"), 0),
        "result": ListColumn(t("col.result"), 22),
        "work": ListColumn(t("col.work"), 16, priority=2),
        "jobs": ListColumn(t("col.jobs"), 6, priority=3),
        "warnings": ListColumn(t("col.warnings"), 14, priority=1),
    }
    return [every[field] for field in PLAN_FIELDS[kind]]


def result_columns(t: Catalogue) -> list[ListColumn]:
    return [
        ListColumn("", 1),
        ListColumn(t("col.name"), 0),
        ListColumn(t("col.result"), 22),
        ListColumn(t("col.work"), 16, priority=1),
    ]


def summary_text(said: Summary) -> Text:
    """The preflight's summary lines (:func:`mobitui.present.preflight.summary`), and in bold
    when no device would be acted on."""
    text = Text("\n".join(said.lines))
    if said.nothing_to_do is not None:
        text.append("\n" + said.nothing_to_do, style="bold")
    return text


def _rank(plan: DevicePlan) -> int:
    """To acknowledge, then other warnings, then acted on, then left alone."""
    if plan.needs_acknowledgement:
        return 0
    if plan.warnings:
        return 1
    return 2 if plan.acted_on else 3


def plan_rows(t: Catalogue, preflight: Preflight, devices: Mapping[str, Device]) -> list[Row]:
    """One row per device: warnings first (those to acknowledge on top), then the rest."""
    kind = preflight.action.kind
    rows: list[tuple[tuple[int, str], Row]] = []
    for plan in preflight.plans:
        device = devices.get(plan.device_id)
        name = device.name if device is not None else plan.device_id
        acted = plan.acted_on
        tags = " ".join(t(f"warn.tag.{w.value}") for w in plan.warnings)
        tone = "warn" if plan.warnings else None if acted else "dim"
        if plan.needs_acknowledgement:
            tone = "bad"
        cells = {
            "mark": _MARK[plan_result(plan)],
            "name": name,
            "result": plan_outcome(t, kind, plan),
            "work": work_text(t, plan.on_device),
            "jobs": str(plan.jobs_cancelled) if acted else "",
            "warnings": tags,
        }
        row = Row(tuple(cells[f] for f in PLAN_FIELDS[kind]), tone, plan.device_id)
        rows.append(((_rank(plan), name.casefold()), row))
    rows.sort(key=lambda pair: pair[0])
    return [row for _, row in rows]


def warning_lines(said: Summary) -> list[tuple[DeviceWarning, Text]]:
    """One line per warning that applies, naming its devices (server text, kept literal)."""
    lines: list[tuple[DeviceWarning, Text]] = []
    for warning, sentence in said.warnings:
        line = Text("⚠", style="bold")
        line.append(sentence)
        lines.append((warning, line))
    return lines


# --------------------------------------------------------------------------- results


def result_rows(
    t: Catalogue, state: OperationState, work: Mapping[str, OnDeviceWork | None]
) -> list[Row]:
    """Per device: what the server did, or why nothing is known yet (not done, refused, or
    unknown: the answer gave no outcome for it), those first."""
    names = state.spec.names
    rows: list[Row] = []
    for item in state.items:
        good = item.outcome in (Outcome.ACCEPTED, Outcome.DELETED)
        rows.append(
            Row(
                (
                    _MARK[item.outcome],
                    names.get(item.device_id, item.device_id),
                    outcome_text(t, item),
                    work_text(t, work.get(item.device_id))
                    if item.outcome is Outcome.ACCEPTED
                    else "",
                ),
                None if good else "dim",
                item.device_id,
            )
        )
    for device_id, code in state.not_done():
        if code is None:
            label = t("outcome.open")
        elif code == NO_OUTCOME:  # answered, but not for this device: maybe acted on
            label = t("outcome.no_outcome")
        else:
            label = f"{t('outcome.refused')} ({code})"
        rows.insert(0, Row(("!", names.get(device_id, device_id), label, ""), "bad", device_id))
    return rows
