"""The local audit log: one JSON line per destructive call, whatever its outcome.

The server keeps its own audit log; this one is the admin's record of what *this* machine sent,
kept beside the journal in the state directory (``audit.jsonl``, mode 0600): time, profile,
server, account, action, options, device ids, and the outcome (per-device results, the
server's refusal code, or ``no_answer`` when the answer was lost). Never the password: the
callers hand it nothing that holds one, and a test reads the file back to prove it.

Each line is appended whole or not at all (:func:`mobitui.local.private_files.append_line`: length
checked, fsync'd, under a lock, a torn tail cut first, its own bytes cut back on failure), so a
full disk never leaves half a line for the next entry to glue onto. A failed write is a
:class:`~mobitui.local.journal.JournalError`: the runner stops before the next batch and the
command or the dialog reports the failure (nothing is sent that this record cannot hold).
Reading keeps every good line and names the rest (:meth:`AuditLog.read`).

A batch's line is written BEFORE the journal records the batch as answered
(:func:`mobitui.api.runner.run_operation`): a failed audit write leaves the batch open in the
journal, and the resume (same key, same body: the server answers its first outcome) writes
it, so the log ends up holding every batch the server acted on. The price is that a batch
may have more than one line: a failed attempt (``no_answer``, a refusal) before the answer
that settled it, and, when the journal's write failed after the audit line was written, the
same answer twice under the same operation and batch key. Readers that count devices take
the last line of each batch (:meth:`AuditLog.latest`); a repeated ``done`` line says nothing
new (the server answered it from its first outcome and acted once).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mobitui.domain.models import ItemResult, format_time
from mobitui.domain.operation import OperationSpec, action_options
from mobitui.local import private_files
from mobitui.local.journal import JournalError
from mobitui.local.private_files import PrivateFileError

log = logging.getLogger(__name__)

FILE_NAME = "audit.jsonl"


@dataclass(frozen=True, slots=True)
class AuditRead:
    """Every good entry, and each line that is not one, named (file, line, why)."""

    entries: list[dict[str, Any]]
    problems: list[str]


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(
        self,
        spec: OperationSpec,
        batch_key: str,
        device_ids: Sequence[str],
        *,
        result: str,
        request_id: str | None = None,
        items: Sequence[ItemResult] = (),
        detail: str | None = None,
    ) -> None:
        """Append one call: ``result`` is ``done``, a problem code, or ``no_answer``."""
        entry: dict[str, Any] = {
            "at": format_time(datetime.now(UTC)),
            "operation": spec.id,
            "batch": batch_key,
            "profile": spec.profile,
            "server": spec.server,
            "account": spec.account,
            "action": spec.kind.value,
            "options": action_options(spec.action),
            "device_ids": list(device_ids),
            "result": result,
            "request_id": request_id,
            "outcomes": [_outcome(item) for item in items],
        }
        if detail:
            entry["detail"] = detail
        self._append(entry)

    def _append(self, entry: Mapping[str, Any]) -> None:
        """Write one line; a failure stops the run (as the journal's would): nothing is sent
        that the admin's own record cannot hold."""
        try:
            private_files.append_line(self.path, private_files.json_line(entry))
        except PrivateFileError as exc:
            raise JournalError.of(exc) from None

    def read(self) -> AuditRead:
        """Every entry, oldest first; a torn last line (a crash mid-write) and any line that
        is not a record are named in ``problems`` (and logged), never fatal to the rest."""
        try:
            raw = private_files.read_private(self.path)
        except FileNotFoundError:
            return AuditRead([], [])
        except OSError as exc:
            raise JournalError.of(private_files.failure(self.path, "read", exc)) from None
        split = private_files.split_lines(self.path, raw)
        found: list[dict[str, Any]] = []
        problems: list[str] = []
        for number, line in enumerate(split.lines, start=1):
            try:
                entry = json.loads(line.decode("utf-8"))
                if not isinstance(entry, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
                problems.append(f"{self.path}: line {number}: not an entry ({exc}): skipped")
                continue
            found.append(entry)
        if split.torn_note is not None:
            problems.append(str(split.torn_note))
        for problem in problems:
            log.warning("%s", problem)
        return AuditRead(found, problems)

    def entries(self) -> list[dict[str, Any]]:
        """Every good entry (for tests and for the admin's own tools); see :meth:`read`."""
        return self.read().entries

    def latest(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The last entry of each batch, by ``(operation id, batch key)``, oldest batch first.

        A batch may have several lines (a failed attempt before its answer, or the same
        answer twice after a journal write failed; see the module's docstring): the last one
        is what is known of it.
        """
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in self.entries():
            key = (str(entry.get("operation")), str(entry.get("batch")))
            found.pop(key, None)  # re-inserted last: the order is of each batch's last line
            found[key] = entry
        return found


def _outcome(item: ItemResult) -> dict[str, Any]:
    return {
        "device_id": item.device_id,
        "outcome": item.outcome.value,
        "reason": None if item.reason is None else item.reason.value,
        "deleted": item.deleted,
    }
