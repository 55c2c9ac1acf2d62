"""One way to get a working session, for the TUI and the headless commands alike.

The cached token of this server's origin if the server still accepts it, else a login with a
password from a source the caller gives (the CLI's terminal or ``--password-stdin``, the TUI's
login dialog, the demo's public password), then the new token saved (0600, per origin:
:mod:`mobitui.local.tokens`) when the settings keep tokens. The source sees why the last
attempt failed and decides whether to ask again: the TUI's dialog does (a wrong password, the
server's slowdown after several), the CLI re-raises (one password per run, its exit code).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from mobitui.api.errors import ApiError, Unauthenticated
from mobitui.local import tokens

if TYPE_CHECKING:
    from mobitui.api.client import MobiClient
    from mobitui.domain.models import Account
    from mobitui.local.profiles import ConnectionSettings

#: Asked for the password to log in with, given the error of the last attempt (None for the
#: first); answers the password, None to give up, or raises (the error, to stop trying).
PasswordSource = Callable[[ApiError | None], Awaitable[str | None]]

log = logging.getLogger(__name__)


async def sign_in(
    client: MobiClient,
    settings: ConnectionSettings,
    password: PasswordSource,
    *,
    reuse_token: bool = True,
) -> Account | None:
    """The account ``client`` is now logged in as; None when the password source gave up.

    ``reuse_token`` False skips the cached token: a demo logs in with its own password, and
    after the server ended a session (the token was just refused) only a login helps.
    """
    if reuse_token and settings.cache_token:
        account = await _cached(client, settings)
        if account is not None:
            log.info("connected to %s as %s (cached token)", settings.base_url, settings.account)
            return account
    failure: ApiError | None = None
    while True:
        secret = await password(failure)
        if secret is None:
            return None
        try:
            session = await client.login(settings.account, secret)
        except ApiError as exc:
            log.info("login to %s as %s failed: %s", settings.base_url, settings.account, exc.code)
            failure = exc
            continue
        log.info("connected to %s as %s (login)", settings.base_url, settings.account)
        if settings.cache_token:
            tokens.save_token(
                settings.profile,
                settings.account,
                session.token,
                session.expires_at,
                server=settings.base_url,
            )
        return session.account


async def _cached(client: MobiClient, settings: ConnectionSettings) -> Account | None:
    """The account of the cached token, if the server still accepts it (else it is deleted)."""
    # Only a token this server's origin issued (base_url may have changed since).
    cached = tokens.load_token(settings.profile, settings.account, server=settings.base_url)
    if cached is None:
        return None
    client.use_token(cached.token)
    try:
        return await client.me()
    except Unauthenticated:
        forget_token(settings)
        return None


def forget_token(settings: ConnectionSettings) -> None:
    """Delete the cached token of these settings' profile, account and server origin."""
    tokens.forget_token(settings.profile, settings.account, server=settings.base_url)


def once(secret: Callable[[], str]) -> PasswordSource:
    """A source with one password (the terminal's, stdin's, the demo's): a failed login is
    raised, never asked again with the same password."""

    async def source(failure: ApiError | None) -> str:
        if failure is not None:
            raise failure
        return secret()

    return source
