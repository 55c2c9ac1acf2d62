"""The fleet on disk, so the next launch starts from it instead of paging in every device again.

A jump host with 100,000 devices would otherwise download some 40 MB at every launch. The
snapshot (groups, devices, the change-feed ``seq`` they are current at) is saved per profile
and account in the cache directory (:func:`mobitui.config.fleet_cache_path`); the next launch
loads it and asks the change feed only for what changed since (:mod:`mobitui.fleet.sync`).

What it may and may not hold:

- The snapshot says whose it is: the server's ``instance_id`` (``GET /limits``; one random id
  per database), the account's id and its group scope. A launch uses it only when all three
  match, so a fresh demo database, another server, or an account whose scope changed never
  shows a fleet that is not theirs.
- Never a secret: no token, no password (they are not in the domain models it encodes).
- Mode 0600 in a 0700 directory, written atomically (temporary file of a random name opened
  ``O_EXCL | O_NOFOLLOW``, length checked, fsync, rename, directory fsync) like every other
  file of mobitui (:mod:`mobitui.local.private_files`); a full disk leaves the previous snapshot
  whole. The cache directory must be private like the state directory.

Encoding: a magic line, a format version, a digest of the snapshot's shape (every field, type
and enum value of the models it holds: a snapshot saved before a model gained a field would
otherwise load with that field's default for every device), then msgpack of the domain
dataclasses
(``msgspec``, decoded with the same types, so a damaged or tampered file cannot put anything
but a ``str`` where a ``str`` belongs, nor an unknown state where an enum belongs). Every
string was made visible (:func:`mobitui.domain.text.visible`) when it came from the server and
is saved as it is. (Checking every string again on load would cost about a fifth of a warm
start at 100,000 devices, and guard only against someone who can already write this user's
files.) A file that is damaged, unreadable or of another version is logged and ignored: it
costs one full sync (whose save then replaces it), never a crash and never a device on screen.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import msgspec

from mobitui.domain.models import Device, Group
from mobitui.local import paths, private_files

log = logging.getLogger(__name__)

#: The first bytes of every cache file: what it is; then the format version (two bytes) and the
#: digest of the snapshot's shape (eight bytes).
MAGIC = b"mobitui fleet cache\n"
#: Raise it whenever the snapshot or a model it holds changes shape.
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Identity:
    """Whose fleet a snapshot is: which database, which account, seeing which groups."""

    instance_id: str
    account_id: str
    #: The account's group scope, sorted (``None``: the whole tenant).
    group_scope: tuple[str, ...] | None

    @classmethod
    def of(cls, instance_id: str, account_id: str, scope: list[str] | None) -> Identity:
        return cls(instance_id, account_id, None if scope is None else tuple(sorted(scope)))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The fleet as it stood at change-feed ``seq``."""

    identity: Identity
    seq: int
    groups: list[Group]
    devices: list[Device]


class CacheUnusable(ValueError):
    """The file is not a snapshot this version of mobitui can trust; the message says why."""


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Snapshot)


def shape() -> bytes:
    """A digest of the snapshot's shape (eight bytes)."""
    return shape_of(Snapshot)


@functools.cache
def shape_of(kind: type) -> bytes:
    """A digest of :func:`schema_of` ``kind`` (eight bytes)."""
    return hashlib.sha256(schema_of(kind)).digest()[:8]


def schema_of(kind: type) -> bytes:
    """``kind``'s JSON schema, canonical: field names, types, which are required, enum values;
    without titles and docstrings, whose edits change nothing on disk."""

    def bare(node: object) -> object:
        if isinstance(node, dict):
            return {k: bare(v) for k, v in node.items() if k not in ("title", "description")}
        if isinstance(node, list):
            return [bare(v) for v in node]
        return node

    return msgspec.json.encode(bare(msgspec.json.schema(kind)), order="sorted")


def _header() -> bytes:
    return MAGIC + FORMAT_VERSION.to_bytes(2, "big") + shape()


def encode(snapshot: Snapshot) -> bytes:
    return _header() + _ENCODER.encode(snapshot)


def decode(data: bytes) -> Snapshot:
    """The snapshot in ``data``; :class:`CacheUnusable` when it cannot be trusted."""
    if not data.startswith(MAGIC):
        raise CacheUnusable("not a mobitui fleet cache")
    header = _header()
    version = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 2], "big")
    if version != FORMAT_VERSION:
        raise CacheUnusable(f"format {version}, expected {FORMAT_VERSION}")
    if data[len(MAGIC) + 2 : len(header)] != shape():
        raise CacheUnusable("saved by a mobitui whose device model differs")
    # A hundred thousand devices are a million new objects: a cyclic collection in the middle
    # of making them finds nothing to free and can double the time it takes.
    collecting = gc.isenabled()
    gc.disable()
    try:
        snapshot = _DECODER.decode(memoryview(data)[len(header) :])
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise CacheUnusable(str(exc)) from None
    finally:
        if collecting:
            gc.enable()
    if snapshot.seq < 0:
        raise CacheUnusable("a negative seq")
    return snapshot


class FleetCache:
    """The snapshot file of one profile and account."""

    def __init__(self, path: Path, root: Path | None = None) -> None:
        self.path = path
        #: The cache directory it lives under: checked private along with the file's folder.
        self.root = root

    @classmethod
    def of(cls, profile: str, account: str) -> FleetCache:
        return cls(paths.fleet_cache_path(profile, account), paths.cache_dir())

    def load(self) -> Snapshot | None:
        """The saved snapshot, or None (no file yet, or one that cannot be used: logged).

        A snapshot in a folder others may write is not trusted either (it could put any
        device on screen): it costs a full sync, as a damaged one does.
        """
        try:
            data = private_files.read_private(self.path)
            private_files.check_private_dir(self.path.parent, writable=False)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("fleet cache %s: not used: %s", self.path, exc)
            return None
        try:
            return decode(data)
        except CacheUnusable as exc:
            log.warning("fleet cache %s: ignored: %s", self.path, exc)
        except Exception as exc:  # whatever else a damaged file may cause: a full sync, no more
            log.warning("fleet cache %s: ignored: %s: %s", self.path, type(exc).__name__, exc)
        return None

    def save(self, snapshot: Snapshot) -> None:
        """Write ``snapshot`` atomically, mode 0600, in a 0700 directory. Raises OSError
        (:class:`~mobitui.local.private_files.PrivateFileError`, naming the file or directory).

        Encoding 100,000 devices takes a tenth of a second or so: call it in a thread.
        """
        private_files.write_atomic(self.path, encode(snapshot), root=self.root)

    def forget(self) -> None:
        """Delete the file (logout): the tenant's device list does not outlive the session."""
        self.path.unlink(missing_ok=True)


def forget(profile: str, account: str) -> None:
    """Delete the fleet cache of ``profile`` and ``account``, if there is one."""
    FleetCache.of(profile, account).forget()
