"""The report of a retirement: CSV and Markdown, in Japanese or English.

Every device's path (stage, when it was requested, went inactive or was forced, was deleted,
by whom, under which request ids), the warnings acknowledged, the on-device work it needed,
the last refusal or failure, and whether the local record and the server's audit log agree
(the reference server's ``GET /sim/audit``; a real server has none: "not available").

Device names, serial numbers, user names, ids and the retirement's name are untrusted text:
made visible (:func:`mobitui.domain.text.visible`) everywhere, a Markdown code span each
(:func:`mobitui.present.sheets.md_literal`: never markup or a link), and in CSV a cell a
spreadsheet would run as a formula is neutralised (:func:`mobitui.present.tables.neutral`).
Labels come from the catalogue (``mobitui.i18n.retirement``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from mobitui.domain.models import format_time
from mobitui.domain.retirement import (
    ORDER,
    Retirement,
    Trace,
    agreement,
    counts,
    stage_in,
)
from mobitui.domain.rules import DEFAULT_STALL
from mobitui.domain.text import Lang, visible
from mobitui.i18n import MESSAGES, Catalogue
from mobitui.present.sheets import md_literal
from mobitui.present.tables import neutral

#: The report's columns, in order: (row key, catalogue key of its title).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("device_id", "retirement.col.device_id"),
    ("name", "retirement.col.name"),
    ("serial", "retirement.col.serial"),
    ("user", "retirement.col.user"),
    ("stage", "retirement.col.stage"),
    ("requested_at", "retirement.col.requested_at"),
    ("request_ids", "retirement.col.request_ids"),
    ("inactive_at", "retirement.col.inactive_at"),
    ("forced_at", "retirement.col.forced_at"),
    ("deleted_at", "retirement.col.deleted_at"),
    ("by", "retirement.col.by"),
    ("acknowledged", "retirement.col.acknowledged"),
    ("on_device", "retirement.col.on_device"),
    ("c_done_at", "retirement.col.c_done_at"),
    ("problem", "retirement.col.problem"),
    ("audit", "retirement.col.audit"),
)

#: Cells that hold catalogue words (trusted), not server or admin text.
_WORDS = frozenset({"stage", "acknowledged", "on_device", "audit"})


def _time(value: datetime | None) -> str:
    return format_time(value) or ""


def _problem(t: Catalogue, code: str | None) -> str:
    if code is None:
        return ""
    key = f"reason.{code}"
    return t(key) if key in MESSAGES else visible(code)


def row(
    retirement: Retirement,
    trace: Trace,
    t: Catalogue,
    now: datetime,
    audit: Sequence[Mapping[str, Any]] | None = None,
    stall_after: timedelta = DEFAULT_STALL,
) -> dict[str, str]:
    """One device's cells, every untrusted one made visible (not yet made inert)."""
    device = trace.device
    stage = stage_in(retirement, device.id, now, stall_after)
    stage_text = t(f"retirement.stage.{stage.value}")
    if trace.gone_not_by_us:
        stage_text += f" ({t('retirement.report.not_by_us')})"
    return {
        "device_id": visible(device.id),
        "name": visible(device.name),
        "serial": visible(device.serial),
        "user": visible(device.user_name),
        "stage": stage_text,
        "requested_at": _time(trace.requested_at),
        "request_ids": " ".join(visible(i) for i in trace.request_ids),
        "inactive_at": _time(trace.inactive_at),
        "forced_at": _time(trace.forced_at),
        "deleted_at": _time(trace.deleted_at or trace.gone_at),
        "by": ", ".join(visible(name) for name in trace.by),
        "acknowledged": ", ".join(t(f"warn.tag.{w.value}") for w in trace.acknowledged),
        "on_device": "" if trace.on_device is None else t(f"work.{trace.on_device.value}"),
        "c_done_at": _time(trace.c_done_at),
        "problem": _problem(t, trace.problem),
        "audit": t(f"retirement.agreement.{agreement(retirement, trace, audit).value}"),
    }


def rows(
    retirement: Retirement,
    lang: Lang,
    now: datetime,
    audit: Sequence[Mapping[str, Any]] | None = None,
    stall_after: timedelta = DEFAULT_STALL,
) -> list[dict[str, str]]:
    t = Catalogue(lang)
    return [row(retirement, tr, t, now, audit, stall_after) for tr in retirement.ordered()]


def report_csv(
    retirement: Retirement,
    lang: Lang,
    now: datetime,
    audit: Sequence[Mapping[str, Any]] | None = None,
    stall_after: timedelta = DEFAULT_STALL,
) -> str:
    """One line per device, a header line of the catalogue's titles first."""
    t = Catalogue(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([t(title) for _, title in COLUMNS])
    for cells in rows(retirement, lang, now, audit, stall_after):
        writer.writerow([neutral(cells[key]) for key, _ in COLUMNS])
    return out.getvalue()


def report_markdown(
    retirement: Retirement,
    lang: Lang,
    now: datetime,
    audit: Sequence[Mapping[str, Any]] | None = None,
    stall_after: timedelta = DEFAULT_STALL,
) -> str:
    """A heading, the summary per stage, then one section per device; ends with a newline."""
    t = Catalogue(lang)

    def literal(text: str) -> str:
        return md_literal(visible(text))

    lines = [
        f"# {t('retirement.report.title', name=literal(retirement.name))}",
        "",
        f"- {t('retirement.report.server')}: {literal(retirement.server)}",
        f"- {t('retirement.report.account')}: {literal(retirement.account)}",
        f"- {t('retirement.report.created')}: {_time(retirement.created_at)}",
        f"- {t('retirement.report.generated')}: {_time(now)}",
        "",
        f"## {t('retirement.report.summary')}",
        "",
        f"| {t('retirement.col.stage')} | {t('retirement.report.count')} |",
        "|---|---:|",
    ]
    for stage, count in counts(retirement, now, stall_after).items():
        if stage in ORDER:
            lines.append(f"| {t(f'retirement.stage.{stage.value}')} | {count} |")
    lines += ["", f"## {t('retirement.report.devices')}", ""]
    for cells in rows(retirement, lang, now, audit, stall_after):
        lines.append(f"### {md_literal(cells['name'])} ({md_literal(cells['device_id'])})")
        lines.append("")
        for key, title in COLUMNS[2:]:
            value = cells[key]
            if not value:
                continue
            shown = value if key in _WORDS else md_literal(value)
            lines.append(f"- {t(title)}: {shown}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
