"""The cached login token (mode 0600), tied to the origin that issued it and its account.

The token from a login is cached so the next launch skips the password until the token
expires; it is removed on logout (``mobitui logout``, or "Log out" in the TUI), or as soon as
the server refuses it. A cached token belongs to the origin (scheme, host, port) of the
``base_url`` that issued it and to its account: it is stored with both and handed back only
for the same pair, so a profile whose ``base_url`` changed never sends the old server's token
to the new one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from mobitui.domain.models import usable_token
from mobitui.local import private_files
from mobitui.local.paths import ConfigError, state_dir
from mobitui.local.private_files import PrivateFileError

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class CachedToken:
    token: str
    expires_at: datetime
    #: ``scheme://host:port`` of the server that issued it (:func:`origin_of`).
    origin: str = ""

    def valid(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or datetime.now(UTC))


def origin_of(base_url: str) -> str:
    """``scheme://host:port`` of ``base_url``, normalised (lower case, the default port
    written out), so ``HTTPS://MDM.example.jp/`` and ``https://mdm.example.jp:443`` are one
    origin and ``http://`` of the same host is another."""
    try:
        url = urlparse(base_url.strip())
        scheme = url.scheme.lower()
        host = url.hostname
        port = url.port
    except ValueError:
        raise ConfigError.said("problem.base_url", url=repr(base_url)) from None
    if scheme not in _DEFAULT_PORTS or not host:
        raise ConfigError.said("problem.base_url", url=repr(base_url))
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme]}"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def _tokens_dir() -> Path:
    return state_dir() / "tokens"


def _legacy_token_path(profile: str, account: str) -> Path:
    """Where tokens were cached before they were tied to an origin (never used again)."""
    return _tokens_dir() / f"{_safe(f'{profile}--{account}')}.json"


def _token_path(profile: str, origin: str, account: str) -> Path:
    """One file per profile, origin and account: the readable part for the admin, the digest
    of the exact triple so two that make the same safe name stay apart."""
    digest = hashlib.sha256(f"{profile}\x00{origin}\x00{account}".encode()).hexdigest()[:16]
    return _tokens_dir() / f"{_safe(f'{profile}--{account}')[:80]}-{digest}.json"


def _token_dir_ready() -> Path:
    """The token directory, private (created 0700 up from the state directory)."""
    directory = _tokens_dir()
    try:
        private_files.ensure_private_dir(directory, root=state_dir())
    except PrivateFileError as exc:
        raise ConfigError.of(exc, "problem.token_cache") from None
    return directory


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError.of(private_files.failure(path, "delete", exc)) from None


def save_token(
    profile: str, account: str, token: str, expires_at: datetime, *, server: str
) -> Path:
    """Cache ``token`` for ``profile`` and ``account`` on ``server``'s origin (0600).

    A token that HTTP could not carry is never cached (:class:`ConfigError`): it would only
    fail again at every later launch.
    """
    origin = origin_of(server)
    _token_dir_ready()
    path = _token_path(profile, origin, account)
    if not usable_token(token):
        raise ConfigError.said("problem.token_unusable", path=path)
    body = json.dumps(
        {
            "origin": origin,
            "account": account,
            "profile": profile,
            "token": token,
            "expires_at": expires_at.isoformat(),
        }
    )
    try:
        private_files.write_atomic(path, body.encode("utf-8"), root=state_dir())
    except PrivateFileError as exc:
        raise ConfigError.of(exc) from None
    return path


def load_token(profile: str, account: str, *, server: str) -> CachedToken | None:
    """The cached token of ``profile`` and ``account`` issued by ``server``'s origin, if it is
    still usable; one that is expired, unreadable, not printable ASCII or (tampered) says
    another origin or account is removed. The token directory is checked first (private,
    writable): :class:`ConfigError` naming it, before any password is asked for."""
    origin = origin_of(server)
    _token_dir_ready()
    _discard(_legacy_token_path(profile, account))  # not tied to an origin: never sent
    path = _token_path(profile, origin, account)
    try:
        data = json.loads(private_files.read_private(path).decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("bad token cache")
        cached = CachedToken(
            data["token"], datetime.fromisoformat(data["expires_at"]), data["origin"]
        )
        if (
            not usable_token(cached.token)
            or cached.expires_at.tzinfo is None
            or cached.origin != origin
            or data.get("account") != account
        ):
            raise ValueError("bad token cache")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # A token cache is disposable: a broken one only costs a password prompt.
        _discard(path)
        return None
    if not cached.valid():
        _discard(path)
        return None
    return cached


def forget_token(profile: str, account: str, *, server: str) -> None:
    """Delete the cached token of ``profile`` and ``account`` on ``server``'s origin."""
    _discard(_token_path(profile, origin_of(server), account))
    _discard(_legacy_token_path(profile, account))
