"""The 「端末管理」 action menu: the three bulk actions, each disabled with its reason.

Which actions are allowed, and why not, is decided by :func:`menu_entries` (plain code, so a
test can check the reasons without a screen); the screen only shows the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mobitui.domain.rules import ActionKind
from mobitui.i18n import Catalogue

_LABELS = {
    ActionKind.INACTIVATE: "bulk_inactivation",
    ActionKind.FORCE_INACTIVATE: "bulk_forced_inactivation",
    ActionKind.DELETE: "bulk_deletion",
}


@dataclass(frozen=True, slots=True)
class MenuEntry:
    kind: ActionKind
    label: str
    reason: str | None  # why it is disabled; None when allowed


def menu_entries(
    t: Catalogue, *, checked: int, read_only: bool, operator: bool, can_delete: bool = True
) -> list[MenuEntry]:
    """Each action, with the reason it is disabled (None: allowed).

    Deletion also needs the permission 端末管理 → 端末削除, as in the console.
    """
    reason: str | None = None
    if operator:
        reason = t("menu.reason.operator")
    elif read_only:
        reason = t("menu.reason.read_only")
    elif checked == 0:
        reason = t("menu.reason.none_checked")
    entries = []
    for kind, key in _LABELS.items():
        why = reason
        if why is None and kind is ActionKind.DELETE and not can_delete:
            why = t("menu.reason.no_delete_permission")
        entries.append(MenuEntry(kind, t(key), why))
    return entries


#: The option that opens the retirement view (登録解除の進み具合), after the three actions.
RETIREMENT = "retirement"


class ActionMenu(ModalScreen[ActionKind | str | None]):
    BINDINGS = [Binding("escape,m", "close", "close", show=False)]

    def __init__(
        self,
        catalogue: Catalogue,
        entries: list[MenuEntry],
        checked: int,
        *,
        retirement: bool = False,
    ) -> None:
        super().__init__()
        self.t = catalogue
        self.entries = entries
        self.checked = checked
        #: Offer 「登録解除の進み具合」 too (it only shows: never disabled).
        self.retirement = retirement

    def compose(self) -> ComposeResult:
        options = []
        for entry in self.entries:
            prompt = Text(entry.label)
            if entry.reason:
                prompt.append(f"  ({entry.reason})", style="dim")
            options.append(Option(prompt, id=entry.kind.value, disabled=entry.reason is not None))
        if self.retirement:
            options.append(Option(Text(self.t("menu.retirement")), id=RETIREMENT))
        with Vertical(classes="dialog"):
            yield Label(self.t("device_management"), classes="dialog-title")
            yield Label(self.t("menu.checked", count=self.checked), classes="hint")
            yield OptionList(*options, id="actions")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        if event.option.id == RETIREMENT:
            self.dismiss(RETIREMENT)
        else:
            self.dismiss(ActionKind(event.option.id))

    def action_close(self) -> None:
        self.dismiss(None)
