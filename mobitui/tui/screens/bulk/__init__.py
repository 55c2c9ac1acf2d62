"""The three bulk dialogs (procedures A, B, E) and what they share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mobitui.domain.rules import ActionKind

if TYPE_CHECKING:
    from mobitui.tui.screens.bulk.dialog import BulkActionScreen


def dialog_for(kind: ActionKind) -> type[BulkActionScreen]:
    """The dialog of an action (its module is imported on first use: none of the dialogs is
    needed to show the devices)."""
    from mobitui.tui.screens.bulk.deletion import DeletionScreen
    from mobitui.tui.screens.bulk.forced import ForcedInactivationScreen
    from mobitui.tui.screens.bulk.inactivation import InactivationScreen

    dialogs: dict[ActionKind, type[BulkActionScreen]] = {
        ActionKind.INACTIVATE: InactivationScreen,
        ActionKind.FORCE_INACTIVATE: ForcedInactivationScreen,
        ActionKind.DELETE: DeletionScreen,
    }
    return dialogs[kind]
