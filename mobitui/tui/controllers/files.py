"""The app's side of files: the on-device checklist's store and sheets, CSV in and out.

Screens ask (a path, a folder, which languages); this class reads and writes the files and
says what happened, so the App itself stays about connecting, refreshing and screens.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from mobitui.api.errors import ApiError
from mobitui.domain.checklist import Assignment, sections
from mobitui.domain.csv_select import (
    MAX_BYTES,
    ColumnChoice,
    CsvProblem,
    ambiguous_text,
    load,
    select,
)
from mobitui.domain.models import Device
from mobitui.domain.operation import OperationState
from mobitui.domain.retirement import Retirement
from mobitui.domain.text import visible
from mobitui.local import private_files
from mobitui.present.errors import column_label, file_text, problem_text
from mobitui.present.retirement_report import report_csv, report_markdown
from mobitui.present.sheets import SheetJob, export_sheets
from mobitui.present.tables import (
    DEVICE_COLUMNS,
    RESULT_COLUMNS,
    Column,
    device_rows,
    emit,
    result_rows,
)
from mobitui.tui.controllers.host import FilesHost
from mobitui.tui.screens.ask_path import AskPath
from mobitui.tui.screens.checklist import ChecklistActions, ChecklistScreen
from mobitui.tui.screens.choose_column import ChooseColumn
from mobitui.tui.screens.export_sheets import ExportChoice, ExportScreen
from mobitui.tui.screens.message import MessageScreen


class Files:
    def __init__(self, app: FilesHost) -> None:
        self.app = app

    # ------------------------------------------------------------------ on-device steps

    def open_checklist(self, assignments: list[Assignment]) -> None:
        app = self.app
        account = app.account.name if app.account is not None else app.launch.account
        actions = ChecklistActions(
            t=app.t,
            fleet=app.fleet,
            store=app.checklists,
            server=app.launch.base_url,
            account=account,
            now=lambda: app.local_now(),
            server_now=app.client.server_now,
            stall_after=app.launch.stall_after,
            export=self.export_sheets,
            copy=app.copy_to_clipboard,
            inactivate=app.inactivate_devices,
            force=app.force_devices,
        )
        app.push_screen(ChecklistScreen(actions, assignments))

    def checklist_of_checked(self) -> None:
        """The on-device steps of the checked devices that have a request (those needing
        work on the device first)."""
        found = [Assignment.of(d) for d in self.app.fleet.checked_devices()]
        found = [a for a in found if a.work is not None]
        found.sort(key=lambda a: not sections(a.work))
        self.open_checklist(found)

    def export_sheets(self, jobs: list[SheetJob]) -> None:
        if not jobs:
            return

        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            try:
                written = export_sheets(jobs, choice.directory, choice.langs, choice.formats)
            except OSError as exc:
                # The folder and the error name paths: untrusted text (a shared folder's name)
                where = exc.filename or choice.directory
                failure = private_files.failure(where, "write", exc)
                body = self.app.t(
                    "export.failed", detail=file_text(self.app.t, failure, doing=False)
                )
            except UnicodeError as exc:  # never from visible() text; said, not raised
                body = self.app.t("export.failed", detail=visible(f"{choice.directory}: {exc}"))
            else:
                directory = visible(str(choice.directory))
                body = self.app.t("export.done", count=len(written), directory=directory)
            self.app.push_screen(MessageScreen(self.app.t, self.app.t("export.title"), body))

        self.app.push_screen(ExportScreen(self.app.t, len(jobs)), chosen)

    # ------------------------------------------------------------------ retirement report

    def export_retirement_report(self, retirement: Retirement) -> None:
        """The record's report, where the admin says (``.csv``: CSV, else Markdown), as a new
        0600 file (it names devices and users; an existing file is refused, never replaced),
        compared with the server's audit log when the server has one."""
        app = self.app
        t = app.t

        async def write(path: Path) -> None:
            try:
                audit = await app.call(app.client.sim_audit)
            except ApiError:
                audit = None  # the report says "not available": it is still worth having
            now = app.client.server_now()
            csv = path.suffix.lower() == ".csv"
            render = report_csv if csv else report_markdown
            text = render(retirement, t.lang, now, audit, app.launch.stall_after)
            data = text.encode("utf-8-sig" if csv else "utf-8")
            try:
                os.close(private_files.create_exclusive(path, data))
            except OSError as exc:
                failure = private_files.failure(path.absolute(), "create", exc)
                body = t("retirement.export.failed", detail=file_text(t, failure, doing=False))
            else:
                word = "retirement.export.audit_on" if audit is not None else None
                body = t(
                    "retirement.export.done",
                    count=len(retirement.device_ids),
                    audit=t(word or "retirement.agreement.not_available"),
                    path=visible(str(path.absolute())),
                )
            app.push_screen(MessageScreen(t, t("retirement.export.title"), body))

        def chosen(path: Path | None) -> None:
            if path is not None:
                app.run_worker(write(path), group="report", exit_on_error=False)

        default = default_export_path(f"mobitui-retirement-{retirement.id}.md")
        hint = t("retirement.export.hint")
        app.push_screen(AskPath(t, t("retirement.export.title"), hint, default), chosen)

    # ------------------------------------------------------------------ CSV in and out

    def import_csv(self) -> None:
        """Check the devices a spreadsheet lists; say which values matched nothing."""
        t = self.app.t

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                # On the event loop, so bounded: at most MAX_BYTES + 1 bytes are read, and a
                # larger file (``/dev/zero``) or a row wider than MAX_COLUMNS is refused.
                with path.open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
                rows = load(data)
            except OSError as exc:
                self._csv_failed(
                    file_text(t, private_files.failure(path, "read", exc), doing=False)
                )
                return
            except CsvProblem as exc:
                self._csv_failed(f"{visible(str(path))}: {problem_text(t, exc)}")
                return
            self._check_listed(path, rows, None)

        self.app.push_screen(AskPath(t, t("csv.import.title"), t("csv.import.hint")), chosen)

    def _csv_failed(self, detail: str) -> None:
        """``detail``: the file and why, said (and made visible: a file name and its cells are
        untrusted text) by the caller."""
        t = self.app.t
        self.app.push_screen(
            MessageScreen(t, t("error.title"), t("csv.import.failed", detail=detail))
        )

    def _check_listed(self, path: Path, rows: list[list[str]], column: int | None) -> None:
        """Check what ``rows`` list; ask which column first when several disagree."""
        t = self.app.t
        fleet = self.app.fleet
        try:
            picked = select(rows, fleet.devices.values(), column=column)
        except ColumnChoice as choice:

            def answered(index: int | None) -> None:
                if index is not None:
                    self._check_listed(path, rows, index)

            self.app.push_screen(ChooseColumn(t, choice.columns, choice.doubt), answered)
            return
        except CsvProblem as exc:
            self._csv_failed(f"{visible(str(path))}: {problem_text(t, exc)}")
            return
        fleet.check(picked.device_ids)
        self.app.main_screen.refresh_view()
        lines = [t("csv.import.done", count=len(picked.device_ids))]
        if picked.column is not None:
            lines.append(t("csv.import.column_used", label=column_label(t, picked.column)))
        if picked.header is not None:
            # A header only guessed may be a mistyped value: said as such, never in passing.
            key = "csv.import.guessed_header" if picked.guessed_header else "csv.import.header"
            lines.append(t(key, cells=visible(", ".join(picked.header))))
        if picked.unmatched:
            values = visible(", ".join(picked.unmatched))
            lines.append(t("csv.import.unmatched", count=len(picked.unmatched), values=values))
        if picked.ambiguous:
            lines.append(
                t("csv.import.ambiguous", values=visible(ambiguous_text(picked, fleet.devices)))
            )
        if picked.duplicates:
            lines.append(t("csv.import.duplicates", values=visible(", ".join(picked.duplicates))))
        self.app.push_screen(MessageScreen(t, t("csv.import.title"), "\n".join(lines)))

    def export_devices(self, devices: list[Device]) -> None:
        self._export_csv(t_key="csv.export.grid", rows=device_rows(devices), columns=DEVICE_COLUMNS)

    def export_results(self, state: OperationState) -> None:
        rows = result_rows(state)
        self._export_csv(t_key="csv.export.results", rows=rows, columns=RESULT_COLUMNS)

    def _export_csv(self, *, t_key: str, rows: list[dict[str, Any]], columns: list[Column]) -> None:
        t = self.app.t

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                # Whole or not at all (a full disk leaves no half export): private_files.
                out = io.StringIO(newline="")
                emit(rows, columns, "csv", out)
                data = out.getvalue().encode("utf-8-sig")
                private_files.write_atomic(path, data, private=False)
            except OSError as exc:
                failure = private_files.failure(path.absolute(), "write", exc)
                body = t("csv.export.failed", detail=file_text(t, failure, doing=False))
            except UnicodeError as exc:  # never from visible() text; said, not raised
                body = t("csv.export.failed", detail=visible(f"{path.absolute()}: {exc}"))
            else:
                body = t("csv.export.done", count=len(rows), path=visible(str(path.absolute())))
            self.app.push_screen(MessageScreen(t, t(t_key), body))

        self.app.push_screen(
            AskPath(t, t(t_key), t("csv.export.hint"), default_export_path()), chosen
        )


def default_export_path(name: str | None = None) -> str:
    """Where an export goes unless the admin types another path: in the current folder,
    spelt out in full when its name is plain text. A folder whose name holds escape
    sequences (a shared folder named by someone else) would put them in the input field,
    raw, so the bare file name stands for it then (the message shows where it went, made
    visible)."""
    name = name or EXPORT_NAME
    full = str(Path.cwd() / name)
    return full if visible(full) == full else name


#: The file an export is written to by default.
EXPORT_NAME = "mobitui-export.csv"
