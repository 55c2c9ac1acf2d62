"""What a screen says about a failure: the catalogue's sentence for the problem code, in the
admin's language, with the server's own explanation beside it (shown literally, and only when
it adds something the sentence does not say: which field, which device, why refused).

Every problem code of the contract has its sentence (``error.code.<code>``); an error without
a known code is said by its family (``error.kind.…``). The transport's causes of an unreachable
server (refused, timeout, TLS, DNS, proxy) are said in the admin's language too.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping
from pathlib import PurePath

from mobitui.api.errors import (
    ApiError,
    BulkIncomplete,
    Conflict,
    Forbidden,
    InvalidCredentials,
    InvalidPassword,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    ShortListing,
    TooManyDevices,
    Unauthenticated,
    Unreachable,
    ValidationFailed,
)
from mobitui.api.runner import Overlap
from mobitui.domain.csv_select import ColumnChoice, ColumnMatch
from mobitui.domain.reconcile import named
from mobitui.domain.said import Said
from mobitui.domain.selection import NotChosen
from mobitui.domain.text import visible
from mobitui.i18n import MESSAGES, Catalogue
from mobitui.local.journal import JournalBusy, JournalError
from mobitui.local.paths import ConfigError
from mobitui.local.private_files import PrivateFileError


def os_reason(t: Catalogue, error: OSError) -> str:
    """Why the system (or mobitui's own check) refused a file, in ``t``'s language: by the
    refusal's key, else by ``errno`` (``strerror`` is English on every host)."""
    if isinstance(error, PrivateFileError) and error.key is not None:
        return said_text(t, error.key, error.values)
    name = errno.errorcode.get(error.errno or 0)
    if name is None:
        return error.strerror or str(error) or type(error).__name__
    if f"file.errno.{name}" in MESSAGES:
        return t(f"file.errno.{name}")
    return t("file.errno.other", name=name, text=error.strerror or name)


def file_text(t: Catalogue, error: OSError, *, doing: bool = True) -> str:
    """A file that cannot be used: its path, what was being done (unless not ``doing``: the
    sentence around it says so already), and why (made visible: a path may hold anything)."""
    why = os_reason(t, error)
    action = error.action if isinstance(error, PrivateFileError) and doing else None
    path = error.filename
    if path is None:
        return visible(why)
    key = f"file.cannot.{action}"
    if key not in MESSAGES:
        key = "file.problem"
    return t(key, path=visible(str(path)), why=visible(why))


def column_label(t: Catalogue, column: ColumnMatch) -> str:
    """A CSV column as the admin knows it: its header cell (made visible), else its number."""
    return (
        visible(column.label) if column.label else t("csv.column.numbered", number=column.index + 1)
    )


def problem_text(t: Catalogue, problem: BaseException) -> str:
    """A problem of a file, a setting or an input in ``t``'s language: a :class:`Said` by its
    key (a problem among its values said the same way), a file's by :func:`file_text`; any
    other as it was written. Its values are made visible: paths, the files' own names."""
    if isinstance(problem, ColumnChoice):
        columns = ", ".join(
            t("csv.problem.column", label=column_label(t, c), count=c.matches)
            for c in problem.columns
        )
        silent = ", ".join(
            t("csv.problem.label", label=column_label(t, c))
            for c in problem.columns
            if not c.matches
        )
        return t(problem.key or "", columns=columns, silent=silent)
    if isinstance(problem, Said) and problem.key is not None:
        return said_text(t, problem.key, problem.values)
    if isinstance(problem, OSError):
        return file_text(t, problem)
    return visible(str(problem))


def said_text(t: Catalogue, key: str, values: Mapping[str, object]) -> str:
    """Catalogue message ``key`` with ``values`` made visible, a problem among them said in
    ``t``'s language too."""
    return t(key, **{name: _value(t, value) for name, value in values.items()})


def _value(t: Catalogue, value: object) -> object:
    if isinstance(value, BaseException):
        return problem_text(t, value)
    if isinstance(value, str | PurePath):
        return visible(str(value))
    return value


class StillLoading(Exception):
    """The fleet is not wholly loaded yet: nothing may be checked against it, nor sent."""


#: Codes another code stands for (one sentence for the three ways a session ends).
_SAME_AS = {"token_expired": "unauthenticated", "token_revoked": "unauthenticated"}

#: Codes whose detail says what the sentence cannot: which field, which id, why refused.
#: For every other code the server's detail repeats the sentence (in English, at that).
_DETAIL_ADDS = frozenset(
    {
        "forbidden",
        "not_found",
        "method_not_allowed",
        "body_too_large",
        "invalid_body",
        "duplicate_key",
        "invalid_query",
        "too_many_devices",
        "protocol_error",
    }
)

#: An error without a code the catalogue knows: its family's sentence (most specific first).
_BY_KIND: tuple[tuple[type[ApiError], str], ...] = (
    (InvalidCredentials, "error.code.invalid_credentials"),
    (Unauthenticated, "error.code.unauthenticated"),
    (InvalidPassword, "error.code.invalid_password"),
    (Forbidden, "error.code.forbidden"),
    (NotFound, "error.code.not_found"),
    (Conflict, "error.code.already_executed"),
    (TooManyDevices, "error.code.too_many_devices"),
    (RateLimited, "error.code.rate_limited"),
    (ValidationFailed, "error.kind.validation"),
    (ServerError, "error.kind.server"),
)

_VIA = r"(?: \(via proxy (?P<proxy>[^)]*)\))?"
#: The transport's causes (``mobitui.api.retry.classify``, ``transport``) and their keys.
_CAUSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z", re.DOTALL), key)
    for pattern, key in (
        (r"connecting timed out" + _VIA, "error.cause.connect_timeout"),
        (r"no answer within (?P<limit>[\d.]+) s", "error.cause.no_answer"),
        (
            r"no complete answer within (?P<limit>[\d.]+) s \(the server kept sending\)",
            "error.cause.kept_sending",
        ),
        (
            r"no complete answer within (?P<limit>[\d.]+) s, retries included",
            "error.cause.call_deadline",
        ),
        (
            r"the proxy refused the connection" + _VIA + r": (?P<text>.*)",
            "error.cause.proxy_refused",
        ),
        (r"unsupported address: (?P<text>.*)", "error.cause.bad_address"),
        (r"the answer arrived corrupted", "error.cause.corrupted"),
        (r"the connection was lost before the answer arrived", "error.cause.lost"),
        (r"TLS certificate verification failed \((?P<text>.*?)\)" + _VIA, "error.cause.tls_verify"),
        (r"TLS handshake failed \((?P<text>.*?)\)" + _VIA, "error.cause.tls"),
        (r"the host name could not be resolved" + _VIA, "error.cause.dns"),
        (r"connection refused" + _VIA, "error.cause.refused"),
        (r"cannot connect \((?P<text>.*?)\)" + _VIA, "error.cause.cannot_connect"),
        (r"cannot load the CA bundle (?P<path>.*?): (?P<text>.*)", "error.cause.ca_bundle"),
        (
            r"a socks5:// proxy needs the 'socksio' package \(pip install 'httpx\[socks\]'\)",
            "error.cause.socks",
        ),
    )
)


def cause_text(t: Catalogue, cause: str) -> str:
    """Why the server could not be reached, in the admin's language (a cause this module
    does not know is shown as it is)."""
    for pattern, key in _CAUSES:
        match = pattern.match(cause)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if k != "proxy"}
        if key == "error.cause.ca_bundle":
            values["text"] = _bundle_reason(t, values["text"])
        if "proxy" in pattern.groupindex:
            proxy = match.group("proxy")
            values["via"] = t("error.cause.via", proxy=proxy) if proxy else ""
        return t(key, **values)
    return cause


#: The system's reasons by their English words (``strerror``), for the causes that carry only
#: those words: a CA bundle that cannot be read.
_BY_STRERROR = {os.strerror(code): name for code, name in errno.errorcode.items()}


def _bundle_reason(t: Catalogue, text: str) -> str:
    """Why a CA bundle could not be loaded, in ``t``'s language: the system's reason, or
    (an ``ssl`` error: ``[X509: NO_CERTIFICATE_OR_CRL_FOUND] …``) not certificates at all."""
    name = _BY_STRERROR.get(text)
    if name is not None and f"file.errno.{name}" in MESSAGES:
        return t(f"file.errno.{name}")
    if text.startswith("[") or text.startswith("SSL"):
        return t("error.cause.ca_bundle.not_pem", text=text)
    return text


def wait_seconds(error: BaseException) -> int | None:
    """Whole seconds a refusal asks to wait (``Retry-After``), or None when it says nothing."""
    if isinstance(error, RateLimited) and error.retry_after is not None:
        return max(1, round(error.retry_after))
    return None


def is_login_slowdown(error: BaseException) -> bool:
    """The server's answer to a login after several wrong passwords (429 on the login)."""
    return isinstance(error, RateLimited) and "/auth/login" in (error.endpoint or "")


def _adds(detail: str, error: ApiError, said: str) -> bool:
    """The server's detail says something the sentence does not (and is not said already)."""
    if not detail or detail == error.title or detail == error.summary or detail in said:
        return False
    if error.code in _DETAIL_ADDS:
        return True
    return error.code is None or f"error.code.{error.code}" not in MESSAGES


def _api_text(t: Catalogue, error: ApiError) -> str:
    code = _SAME_AS.get(error.code or "", error.code or "")
    seconds = wait_seconds(error)
    if is_login_slowdown(error):
        return (
            t("error.login_slowdown.wait", seconds=seconds)
            if seconds
            else t("error.login_slowdown")
        )
    if isinstance(error, ShortListing):
        return t(
            "error.code.short_listing",
            endpoint=error.endpoint or "?",
            listed=f"{error.listed:,}",
            total=f"{error.total:,}",
            now=f"{error.now:,}",
        )
    if seconds and (code == "rate_limited" or isinstance(error, RateLimited)):
        return t("error.code.rate_limited.wait", seconds=seconds)
    if code and f"error.code.{code}" in MESSAGES:
        text = t(f"error.code.{code}")
    elif isinstance(error, MalformedResponse):
        text = t("error.kind.malformed", endpoint=error.endpoint or "?")
    else:
        key = next((k for cls, k in _BY_KIND if isinstance(error, cls)), "error.kind.api")
        text = t(key)
    detail = visible(error.detail or error.title or "")
    if isinstance(error, MalformedResponse) and error.detail:
        text += "\n" + t("error.detail", detail=visible(error.detail))
    elif _adds(detail, error, text):
        text += "\n" + t("error.server_said", detail=detail)
    if error.maybe_processed:
        text += "\n" + t("error.maybe_processed")
    return text


def error_text(t: Catalogue, error: BaseException) -> str:
    if isinstance(error, BulkIncomplete):
        if error.cause is not None:
            return t("error.bulk_incomplete", cause=error_text(t, error.cause))
        total = len(error.done) + len(error.failed) + len(error.unsent)
        return t("error.bulk_incomplete.count", done=len(error.done), total=total)
    if isinstance(error, Unreachable):
        text = t("error.unreachable", detail=f"{error.host}: {cause_text(t, error.cause)}")
        if error.maybe_processed:
            text += "\n" + t("error.maybe_processed")
        return text
    if isinstance(error, ApiError) and error.maybe_processed and 400 <= (error.status or 0) < 500:
        # The refusal of a retry whose first attempt may have acted: never "nothing changed".
        return t("error.outcome_unknown", detail=visible(error.answered()))
    if isinstance(error, ApiError):
        return _api_text(t, error)
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
        return t("error.journal", detail=problem_text(t, error))
    if isinstance(error, ConfigError):  # names the file or folder and what is wrong with it
        return t("error.files", detail=problem_text(t, error))
    if isinstance(error, OSError):
        return t("error.unexpected", kind=file_text(t, error))
    return t("error.unexpected", kind=type(error).__name__)
