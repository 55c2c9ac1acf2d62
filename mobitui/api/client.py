"""The async client of the management API: the only code in mobitui that speaks HTTP.

One :class:`MobiClient` per server, built from three parts, each with its own guarantees:
:mod:`~mobitui.api.transport` (the session: token, clock, limits, retries, bounded waits and
bodies, every answer sanitized where it enters), :mod:`~mobitui.api.reads` (listings taken
only whole, ids exact) and :mod:`~mobitui.api.writes` (one batch per bulk call, its answer
reconciled with the ids sent). Here: logging in and out, and cancelling a request.
"""

from __future__ import annotations

from collections.abc import Mapping

from mobitui.api.errors import Conflict, MalformedResponse, Unauthenticated
from mobitui.api.reads import Reads
from mobitui.api.transport import path_segment, where
from mobitui.api.writes import Writes
from mobitui.domain.models import (
    MAX_TOKEN,
    Account,
    InactivationRequest,
    RequestStatus,
    Session,
    usable_token,
)


class MobiClient(Reads, Writes):
    """Async client of the management API v1; use it as ``async with MobiClient(...) as c``."""

    async def login(self, account: str, password: str) -> Session:
        """Log in and keep the token for every later call."""
        body = {"account": account, "password": password}
        data = await self._call("POST", "/auth/login", body=body, auth=False)
        session = self._model(Session.from_json, data, "POST /auth/login")
        if not usable_token(session.token):
            # Never adopted, so never cached nor sent: httpx cannot encode it into a header.
            raise MalformedResponse(
                "field 'token': not a usable bearer token (printable ASCII without spaces, "
                f"at most {MAX_TOKEN} characters)",
                endpoint=where("POST /auth/login"),
            )
        self._token = session.token
        self._account = session.account
        return session

    async def logout(self) -> None:
        """Revoke the token. A token the server already considers gone counts as logged out."""
        if self._token is None:
            return
        try:
            await self._call("POST", "/auth/logout", resendable=True)
        except Unauthenticated:
            pass  # revoked already (perhaps by our own first try whose answer was lost)
        finally:
            self._token = None
            self._account = None

    async def me(self) -> Account:
        account = self._model(Account.from_json, await self._call("GET", "/me"), "GET /me")
        self._account = account
        return account

    async def cancel_inactivation(self, request_id: str) -> InactivationRequest:
        """Cancel a scheduled request; :class:`Conflict` once it has executed.

        Cancelling is idempotent here: if the request is already cancelled (say our first try
        succeeded but its answer was lost) the cancelled request is returned.
        """
        path = f"/inactivations/{path_segment(request_id)}"
        try:
            data = await self._call("DELETE", path)
        except Conflict:
            current = await self.inactivation(request_id)
            if current.status is RequestStatus.CANCELLED:
                return current
            raise
        if isinstance(data, Mapping) and data:
            return self._model(InactivationRequest.from_json, data, f"DELETE {path}")
        return await self.inactivation(request_id)
