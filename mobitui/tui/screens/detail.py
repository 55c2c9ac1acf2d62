"""Every field of one device and its latest inactivation request.

Values from the server are ``Text`` objects (shown literally). Labels come from the catalogue.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from mobitui.domain.models import Device
from mobitui.i18n import Catalogue
from mobitui.tui.widgets.columns import STATE_GLYPH, format_time


def _yes_no(t: Catalogue, value: bool) -> str:
    return t("yes") if value else t("no")


def detail_table(device: Device, t: Catalogue, group_name: str) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows: list[tuple[str, str]] = [
        (t("col.name"), device.name),
        (t("detail.id"), device.id),
        (t("group"), group_name),
        (t("col.state"), f"{STATE_GLYPH[device.state]} {t.state(device.state)}"),
        (t("detail.platform"), f"{t.platform(device.platform)} {device.os_version}"),
        (t("detail.model"), device.model),
        (t("col.serial"), device.serial),
        (t("col.user"), device.user_name),
        (t("detail.phone"), device.phone_number),
        (t("col.enrollment"), t.enrollment(device.enrollment)),
        (t("detail.dep"), _yes_no(t, device.dep)),
        (t("detail.dep_forbids"), _yes_no(t, device.dep_profile_removal_forbidden)),
        (t("detail.android_owner"), _yes_no(t, device.android_device_owner)),
        (t("detail.silent_wlan"), _yes_no(t, device.silent_wlan)),
        (t("detail.safari_restricted"), _yes_no(t, device.safari_restricted)),
        (t("col.jobs"), str(device.pending_jobs)),
        (t("col.last_seen"), format_time(device.last_seen_at)),
    ]
    ref = device.inactivation
    if ref is None:
        rows.append((t("inactivation_request"), t("detail.none")))
    else:
        rows.extend(
            [
                (t("inactivation_request"), ref.id),
                (t("detail.request_status"), t(f"request.{ref.status.value}")),
                (t("detail.request_progress"), t(f"progress.{ref.progress.value}")),
                (t("remove_apple_mdm_profile"), _yes_no(t, ref.remove_apple_mdm_profile)),
                (t("schedule"), format_time(ref.scheduled_at)),
                (t("detail.requested_at"), format_time(ref.created_at)),
            ]
        )
    for label, value in rows:
        table.add_row(Text(label), Text(value))
    return table


class DetailScreen(ModalScreen[str | None]):
    """Dismisses with ``"checklist"`` when the admin asks for the device's on-device steps."""

    BINDINGS = [
        Binding("escape,q,enter", "dismiss_screen", "close", show=False),
        Binding("w", "checklist", "on-device steps", show=False),
    ]

    def __init__(self, device: Device, catalogue: Catalogue, group_name: str) -> None:
        super().__init__()
        self.device = device
        self.t = catalogue
        self.group_name = group_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text(self.device.name), classes="dialog-title")
            with VerticalScroll():
                yield Static(detail_table(self.device, self.t, self.group_name))
            yield Label(self.t("detail.close_hint"), classes="hint")

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)

    def action_checklist(self) -> None:
        self.dismiss("checklist")
