"""What a screen says about a failure: the catalogue's sentence for the problem code, in the
admin's language, with the server's own explanation beside it (shown literally)."""

from __future__ import annotations

from mobitui.api.errors import ApiError, BulkIncomplete, Unreachable
from mobitui.api.runner import Overlap
from mobitui.domain.reconcile import named
from mobitui.domain.selection import NotChosen
from mobitui.i18n import MESSAGES, Catalogue
from mobitui.local.journal import JournalBusy, JournalError
from mobitui.local.paths import ConfigError


class StillLoading(Exception):
    """The fleet is not wholly loaded yet: nothing may be checked against it, nor sent."""


def error_text(t: Catalogue, error: BaseException) -> str:
    if isinstance(error, BulkIncomplete) and error.cause is not None:
        return t("error.bulk_incomplete", cause=error_text(t, error.cause))
    if isinstance(error, Unreachable):
        return t("error.unreachable", detail=f"{error.host}: {error.cause}")
    if isinstance(error, ApiError) and error.maybe_processed and 400 <= (error.status or 0) < 500:
        # The refusal of a retry whose first attempt may have acted: never "nothing changed".
        return t("error.outcome_unknown", detail=error.answered())
    if isinstance(error, ApiError):
        key = f"error.code.{error.code}"
        if error.code and key in MESSAGES:
            text = t(key)
            if error.detail:
                text += "\n" + t("error.server_said", detail=error.detail)
            return text
        return error.message
    if isinstance(error, Overlap):
        return t(
            "error.overlap",
            count=len(error.device_ids),
            devices=named(error.device_ids),
            operation=error.operation_id,
        )
    if isinstance(error, StillLoading):
        return t("notice.still_loading")
    if isinstance(error, NotChosen):
        devices = ", ".join(
            f"{s.device.id} {s.device.name} ({s.device.serial})" for s in error.strays
        )
        return t("error.not_chosen", count=len(error.strays), devices=devices)
    if isinstance(error, JournalBusy):
        return t("resume.busy")
    if isinstance(error, JournalError):
        return t("error.journal", detail=str(error))
    if isinstance(error, ConfigError):  # names the file or folder and what is wrong with it
        return t("error.files", detail=str(error))
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return t("error.unexpected", kind=f"{where}{error.strerror or error}")
    return t("error.unexpected", kind=type(error).__name__)
