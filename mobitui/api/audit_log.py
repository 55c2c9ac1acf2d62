"""The local audit log: one JSON line per destructive call, whatever its outcome.

The server keeps its own audit log; this one is the admin's record of what *this* machine sent,
kept beside the journal in the state directory (``audit.jsonl``, mode 0600): time, profile,
server, account, action, options, device ids, and the outcome (per-device results, the
server's refusal code, or ``no_answer`` when the answer was lost). Never the password: the
callers hand it nothing that holds one, and a test reads the file back to prove it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mobitui.api.journal import JournalError
from mobitui.api.wire import json_line
from mobitui.domain.models import ItemResult, format_time
from mobitui.domain.operation import OperationSpec, action_options

FILE_NAME = "audit.jsonl"


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
        data = json_line(entry)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot write: {exc.strerror}") from None

    def entries(self) -> list[dict[str, Any]]:
        """Every entry (for tests and for the admin's own tools); a torn last line is skipped."""
        try:
            raw = self.path.read_text("utf-8")
        except FileNotFoundError:
            return []
        found = []
        for line in raw.splitlines(keepends=True):
            if line.endswith("\n"):
                found.append(json.loads(line))
        return found


def _outcome(item: ItemResult) -> dict[str, Any]:
    return {
        "device_id": item.device_id,
        "outcome": item.outcome.value,
        "reason": None if item.reason is None else item.reason.value,
        "deleted": item.deleted,
    }
