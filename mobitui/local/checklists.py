"""The on-device checklist's ticks, saved at once (the sheets are :mod:`mobitui.present.sheets`).

The admin ticks steps as a device's user reports them over the phone; a dropped SSH session
must lose none of that. Every tick rewrites ``checklists.json`` in the state directory
atomically (mode 0600, like the token cache), keyed by server, account, device and request, so
the next launch resumes where it was. A damaged file is never overwritten or dropped in
silence: :class:`~mobitui.config.ConfigError` names it and the line, and ticks are then kept in
memory only until the admin has looked at it.

Sheets are written where the admin chooses, one file per device, language and format, named
from the device id and serial number (never from the device name, which is server text).

Both go through :mod:`mobitui.local.private_files`: a tick or a sheet on a full disk is an error
naming the file (the old file is left whole), never a silently truncated one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mobitui.domain.checklist import ChecklistProgress
from mobitui.domain.models import WireError
from mobitui.local import paths, private_files
from mobitui.local.paths import ConfigError

FILE_NAME = "checklists.json"


def progress_key(server: str, account: str, device_id: str, request_id: str | None) -> str:
    return "|".join((server, account, device_id, request_id or "-"))


class ChecklistStore:
    """Every checklist's progress, in one small JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.state_dir() / FILE_NAME
        self._all: dict[str, dict[str, Any]] = {}
        #: Why the file cannot be used (then nothing is written over it).
        self.problem: ConfigError | None = None
        self._load()

    def _load(self) -> None:
        try:
            raw = private_files.read_private(self.path).decode("utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            self.problem = ConfigError.of(private_files.failure(self.path, "read", exc))
            return
        except UnicodeDecodeError:
            self.problem = ConfigError.of(
                private_files.PrivateFileError.refused(self.path, "not_utf8")
            )
            return
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
                raise ValueError("expected an object of checklists")
            for value in data.values():
                ChecklistProgress.from_json(value)
        except json.JSONDecodeError as exc:
            self.problem = ConfigError.said("problem.not_json", path=self.path, line=exc.lineno)
        except (ValueError, WireError) as exc:
            self.problem = ConfigError.said("problem.not_ours", path=self.path, detail=str(exc))
        else:
            self._all = data

    def get(self, key: str) -> ChecklistProgress:
        data = self._all.get(key)
        return ChecklistProgress() if data is None else ChecklistProgress.from_json(data)

    def put(self, key: str, progress: ChecklistProgress) -> None:
        """Remember ``progress`` and write the file at once (unless it is damaged).

        Raises :class:`ConfigError` naming the file when it cannot be written (full disk,
        read-only or unsafe directory): the tick is kept in memory, the file as it was.
        """
        self._all[key] = progress.to_json()
        if self.problem is not None:
            raise self.problem
        body = json.dumps(self._all, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            private_files.write_atomic(self.path, body.encode("utf-8"))
        except private_files.PrivateFileError as exc:
            raise ConfigError.of(exc) from None


# --------------------------------------------------------------------------- sheets
