"""Typed errors of the API client: one class per problem-code family.

The TUI catches :class:`ApiError` in one place and shows ``message``; the few screens that act
on a specific failure (the login screen on :class:`Unauthenticated`, the password field on
:class:`InvalidPassword`) catch the class. ``code`` keeps the server's stable machine-readable
code for the i18n catalogue. Every text here has already passed through
``mobitui.domain.text.visible`` where it entered the client, and no error ever carries the
request (whose body may hold a password) or a raw httpx exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from mobitui.domain.text import clip

#: Said after an error whose call may have reached the server and acted.
MAYBE_PROCESSED = "The request may or may not have been processed."


class ApiError(Exception):
    """A call to the management API did not succeed.

    ``detail`` is the server's own explanation (sanitized); ``message`` is what a screen shows.

    ``maybe_processed`` is True when an attempt of this call may have reached the server and
    acted before this error: the attempt itself (a lost connection, a 5xx, a 2xx that could
    not be read) or an earlier attempt of the same call that failed after sending, whose
    retry was then answered with this error. A gateway's 409 ``idempotency_key_in_use`` to
    the retry of a forced inactivation that did act is the case that matters: such an error
    never proves that nothing changed, so a bulk run keeps its batch open and says that the
    outcome is unknown (:func:`mobitui.api.runner.final_refusal`).
    """

    #: What a screen shows when the server said nothing more specific.
    summary = "The management API reported an error."

    def __init__(
        self,
        detail: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        endpoint: str | None = None,
        maybe_processed: bool = False,
    ) -> None:
        self.status = status
        self.code = code
        self.maybe_processed = maybe_processed
        # A server's explanation is shown: cut to the display maximum like every server string
        # (a 100 MB "detail" must not freeze a screen).
        self.title = None if title is None else clip(title)
        self.detail = clip(detail)
        self.endpoint = endpoint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """What a screen shows; never "nothing was changed" when that is not known."""
        if not self.maybe_processed:
            return self.said()
        if self.status is not None and 400 <= self.status < 500:
            return self.unknown_outcome()
        return f"{self.said()} {MAYBE_PROCESSED}"

    def said(self) -> str:
        """The error in its own words (the summary, and the server's explanation)."""
        extra = self.detail or self.title or ""
        if extra and extra != self.summary:
            return f"{self.summary} ({extra})"
        return self.summary

    def answered(self) -> str:
        """``409 idempotency_key_in_use: detail``: the server's answer, without our summary."""
        parts = [str(self.status) if self.status is not None else "", self.code or ""]
        head = " ".join(p for p in parts if p)
        extra = self.detail or self.title or ""
        return f"{head}: {extra}" if head and extra else head or extra or self.summary

    def unknown_outcome(self) -> str:
        """The message of an answered error that followed an attempt which may have acted."""
        return (
            f"The outcome is unknown: an earlier attempt of this call may have reached the "
            f"server before its answer was lost, so this answer ({self.answered()}) does not "
            f"prove that nothing changed."
        )

    def mark_maybe_processed(self) -> Self:
        """Say that an attempt of this call may have reached the server and acted (an earlier
        one failed after sending): the error then never passes for "nothing changed"."""
        self.maybe_processed = True
        self.args = (self.message,)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r})"


class InvalidCredentials(ApiError):
    summary = "The account name or password is wrong."


class Unauthenticated(ApiError):
    """Missing, expired or revoked token: the TUI brings the login back."""

    summary = "The session has ended; please log in again."


class InvalidPassword(ApiError):
    """The confirmation password of a destructive call was wrong; nothing changed."""

    summary = "The password is wrong; nothing was changed."


class Forbidden(ApiError):
    summary = "This account may not do that; nothing was changed."


class NotFound(ApiError):
    summary = "Not found (or outside this account's groups)."


class Conflict(ApiError):
    summary = "The request has already been executed and can no longer be cancelled."


class ValidationFailed(ApiError):
    """422 (and 400): ``code`` says which rule, e.g. ``agreement_required``."""

    summary = "The server refused the request as invalid; nothing was changed."


class TooManyDevices(ApiError):
    summary = "Too many devices in one call."


class RateLimited(ApiError):
    summary = "The server is limiting requests; try again later."

    def __init__(self, detail: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(detail, **kw)

    def said(self) -> str:
        base = super().said()
        if self.retry_after is not None:
            return f"{base} (retry in {self.retry_after:g} s)"
        return base


class ServerError(ApiError):
    summary = "The server failed to answer the request."


class Unreachable(ApiError):
    """No usable answer arrived: refused, DNS, TLS, proxy, timeouts, connection lost.

    ``host`` and ``cause`` are separate so a screen can name both; ``maybe_processed`` is True
    when the request may have reached the server before the failure (its outcome is unknown).
    """

    summary = "Cannot reach the server."

    def __init__(self, host: str, cause: str, *, maybe_processed: bool = False, **kw: Any):
        self.host = host
        self.cause = cause
        super().__init__(cause, maybe_processed=maybe_processed, **kw)

    def said(self) -> str:
        return f"Cannot reach {self.host}: {self.cause}."


class MalformedResponse(ApiError):
    """The answer was not the JSON the contract promises (names the endpoint and the field)."""

    summary = "The server's answer could not be understood."

    def said(self) -> str:
        where = f" ({self.endpoint})" if self.endpoint else ""
        return f"{self.summary}{where} {self.detail}".strip()


class ShortListing(MalformedResponse):
    """A device listing ended (``next_cursor`` null) short of its ``total``, and the server's
    count, asked again, still says more: devices are missing from it (a broken cursor, a
    gateway cutting the listing). Nothing may be chosen from, or vouched for by, such a
    listing; reading it again is the way out once the server pages correctly."""

    def __init__(self, listed: int, total: int, now: int, **kw: Any) -> None:
        self.listed, self.total, self.now = listed, total, now
        kw.setdefault("code", "short_listing")
        super().__init__(
            f"the listing ended after {listed:,} of the {total:,} devices its first page "
            f"announced, and the server still counts {now:,}: devices are missing from it, "
            f"so it is refused (nothing is chosen from an incomplete listing)",
            **kw,
        )


class ProtocolError(MalformedResponse):
    """A 2xx bulk answer that is not about the devices sent: an outcome for an id never sent,
    or two for one id (:mod:`mobitui.domain.reconcile`).

    Nothing in such an answer is believed (a gateway that maps ids wrongly may have acted on
    other devices than the ones named): the batch stays open, no further batch is sent, and
    the admin is told it is the server's answer that is wrong. ``status`` is None: it is not a
    refusal, the server may have acted.
    """

    summary = "The server's answer does not match the devices sent (protocol error)."

    def __init__(self, detail: str = "", **kw: Any) -> None:
        kw.setdefault("code", "protocol_error")
        super().__init__(detail, **kw)


class BulkIncomplete(ApiError):
    """A bulk run stopped before every batch had a known outcome.

    ``done`` holds the (batch, result) pairs that succeeded, ``failed`` the (batch, error)
    pairs whose outcome is unknown or refused, ``unsent`` the batches never sent. A batch in
    ``failed`` may be resent with the SAME idempotency key: the server then answers the first
    outcome if it had been processed.
    """

    summary = "The bulk run stopped before it finished."

    def __init__(self, done: list[Any], failed: list[Any], unsent: list[Any]):
        self.done = done
        self.failed = failed
        self.unsent = unsent
        first = failed[0][1] if failed else None
        self.cause = first
        super().__init__(
            "" if first is None else first.message,
            status=None if first is None else first.status,
            code="bulk_incomplete",
        )

    @property
    def message(self) -> str:
        total = len(self.done) + len(self.failed) + len(self.unsent)
        text = f"{self.summary} {len(self.done)} of {total} batches done."
        return f"{text} {self.detail}" if self.detail else text


_BY_CODE: dict[str, type[ApiError]] = {
    "invalid_credentials": InvalidCredentials,
    "unauthenticated": Unauthenticated,
    "token_expired": Unauthenticated,
    "token_revoked": Unauthenticated,
    "invalid_password": InvalidPassword,
    "forbidden": Forbidden,
    "not_found": NotFound,
    "already_executed": Conflict,
    "too_many_devices": TooManyDevices,
    "rate_limited": RateLimited,
}

_BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationFailed,
    401: Unauthenticated,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: TooManyDevices,
    422: ValidationFailed,
    429: RateLimited,
}


def error_class(status: int, code: str | None) -> type[ApiError]:
    """The class for a problem: status decides the family, the code refines it within it."""
    by_code = _BY_CODE.get(code or "")
    family = _BY_STATUS.get(status)
    if status >= 500:
        return ServerError
    if by_code is not None and (family is None or _family_ok(status, by_code)):
        return by_code
    return family or ApiError


def _family_ok(status: int, cls: type[ApiError]) -> bool:
    """A code is trusted only with the status it belongs to (a 403 never becomes a 401)."""
    expected = {
        InvalidCredentials: 401,
        Unauthenticated: 401,
        InvalidPassword: 403,
        Forbidden: 403,
        NotFound: 404,
        Conflict: 409,
        TooManyDevices: 413,
        RateLimited: 429,
    }.get(cls)
    return expected is None or expected == status


def from_problem(
    status: int,
    problem: Mapping[str, Any] | None,
    *,
    endpoint: str,
    retry_after: float | None = None,
) -> ApiError:
    """Build the error for an HTTP error answer; ``problem`` is the sanitized document, if any."""
    doc = problem or {}
    code, title, detail = doc.get("code"), doc.get("title"), doc.get("detail")
    code = code if isinstance(code, str) else None
    title = title if isinstance(title, str) else None
    detail = detail if isinstance(detail, str) else ""
    cls = error_class(status, code)
    kw: dict[str, Any] = {"status": status, "code": code, "title": title, "endpoint": endpoint}
    if cls is RateLimited:
        return RateLimited(detail, retry_after=retry_after, **kw)
    return cls(detail, **kw)
