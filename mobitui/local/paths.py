"""Where mobitui's files live, and the one check every private directory passes.

platformdirs chooses, overridable for tests and unusual hosts:

- profiles: ``$MOBITUI_CONFIG_DIR`` or the user config dir;
- tokens, journals, the audit log, checklists, crash reports: ``$MOBITUI_STATE_DIR`` or the
  user state dir;
- what can be rebuilt (the fleet snapshot, demo templates): ``$MOBITUI_CACHE_DIR`` or the user
  cache dir.

Each is made 0700 (with every level mobitui creates above it); one that is not a directory,
not writable, writable by others or owned by another user is refused with a
:class:`ConfigError` naming it.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

from mobitui.local import private_files
from mobitui.local.private_files import PrivateFileError
from mobitui.local.problem import LocalProblem


class ConfigError(LocalProblem):
    """A configuration or state file cannot be used; the message names the file and place.

    Made by :meth:`said` or :meth:`of`, it is said in the run's language; ``str(error)`` is its
    English (for logs).
    """


def config_dir() -> Path:
    return Path(os.environ.get("MOBITUI_CONFIG_DIR") or platformdirs.user_config_dir("mobitui"))


def state_dir() -> Path:
    return Path(os.environ.get("MOBITUI_STATE_DIR") or platformdirs.user_state_dir("mobitui"))


def cache_dir() -> Path:
    """What can be rebuilt at any time (seeded demo databases): safe to delete."""
    return Path(os.environ.get("MOBITUI_CACHE_DIR") or platformdirs.user_cache_dir("mobitui"))


def ensure_state_dir() -> Path:
    """The state directory, created 0700 and checked (a directory of this user, private and
    writable); :class:`ConfigError` naming it otherwise.

    Called before anything that needs it (a login whose token is cached, a bulk run), so a
    read-only or misplaced state directory is one clear message, not a traceback later.
    """
    try:
        return private_files.ensure_private_dir(state_dir())
    except PrivateFileError as exc:
        raise ConfigError.of(exc, "problem.state_dir") from None


def fleet_cache_path(profile: str, account: str) -> Path:
    """Where the fleet of ``profile`` and ``account`` is cached (:mod:`mobitui.fleet.snapshot`).

    One file per profile and account, in the cache directory (it can be rebuilt from the server
    at any time). The readable part of the name is made safe like a token file's; the digest of
    the exact pair keeps two pairs that make the same safe name (``a b`` and ``a_b``) apart.
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{profile}--{account}")[:80]
    digest = hashlib.sha256(f"{profile}\x00{account}".encode()).hexdigest()[:12]
    return cache_dir() / "fleets" / f"{safe}-{digest}.msgpack"
