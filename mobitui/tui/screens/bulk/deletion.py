"""「端末一括削除」: procedure E, steps 5–9.

Only inactive devices can be deleted: the preflight lists active and pending ones as refused
before anything is sent (and the server refuses them anyway). Then the password (6),
「同意する」 (7), 「削除」 (8), each number read from the procedure's data, and the per-device
result with 「閉じる」 (9).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from mobitui.domain.procedures import ProcedureId
from mobitui.domain.rules import ActionKind, Delete
from mobitui.tui.screens.bulk.dialog import BulkActionScreen, Field


class DeletionScreen(BulkActionScreen):
    KIND = ActionKind.DELETE
    PROCEDURE = ProcedureId.E
    TERMS = {Field.OPEN: "「端末一括削除」", Field.OK: "「削除」"}
    OK_LABEL = "delete"

    def compose_intro(self) -> ComposeResult:
        yield Static(Text(self.t("deletion.only_inactive")), classes="intro")

    def action_value(self) -> Delete:
        return Delete()
