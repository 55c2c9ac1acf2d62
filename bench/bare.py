"""The baselines: a bare Textual app with one DataTable (and a Footer), nothing of ours.

``python -m bench.bare`` runs it in a terminal, as ``mobitui demo`` is run, so start-up and the
bytes it writes per key can be compared with ours.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer

COLUMNS = ("", "Name", "OS", "State", "Enrollment", "User", "Serial", "Last seen", "Jobs")
ROWS = 1000


class BareTable(App[None]):
    """One DataTable of plain rows, focused, and a Footer; its cursor highlights the row, as
    the grid's does (a cell cursor would measure a cheaper job than ours)."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(
            (
                "·",
                f"device-{n:05d}",
                "iOS 18.1",
                "● active",
                "Apple MDM",
                f"user {n}",
                f"SERIAL{n:06d}",
                "11-01 09:00",
                "0",
            )
            for n in range(ROWS)
        )
        table.focus()


if __name__ == "__main__":
    BareTable().run()
