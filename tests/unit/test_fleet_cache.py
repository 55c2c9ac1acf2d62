"""The fleet snapshot on disk: a faithful round trip, private files, and distrust of bad ones."""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import msgspec
import pytest

from mobitui.domain.models import (
    Device,
    DeviceState,
    Enrollment,
    Group,
    InactivationRef,
    ItemProgress,
    Platform,
    RequestStatus,
)
from mobitui.fleet.snapshot import (
    FORMAT_VERSION,
    MAGIC,
    CacheUnusable,
    FleetCache,
    Identity,
    Snapshot,
    decode,
    encode,
    forget,
    schema_of,
    shape,
    shape_of,
)
from mobitui.local import paths

JST = timezone(timedelta(hours=9))


def every_field() -> Device:
    """A device whose every field differs from its default, with an inactivation request."""
    return Device(
        id="d000042",
        name="営業部 iPad ⟪U+202E⟫ ␛[31m",  # made visible on arrival: stays as it is
        group_id="g07",
        platform=Platform.ANDROID,
        os_version="14.1",
        model="Pixel 8",
        serial="SER-42",
        user_name="山田 太郎",
        phone_number="090-1234-5678",
        enrollment=Enrollment.HYBRID_MDM,
        dep=True,
        android_device_owner=True,
        dep_profile_removal_forbidden=True,
        silent_wlan=True,
        safari_restricted=True,
        state=DeviceState.INACTIVATION_PENDING,
        pending_jobs=7,
        last_seen_at=datetime(2026, 11, 1, 9, 30, 15, tzinfo=UTC),
        inactivation=InactivationRef(
            id="inact-000123",
            status=RequestStatus.IN_PROGRESS,
            progress=ItemProgress.PENDING,
            remove_apple_mdm_profile=True,
            scheduled_at=datetime(2026, 11, 2, 18, 0, tzinfo=JST),
            created_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        ),
    )


def plain() -> Device:
    return dataclasses.replace(
        every_field(), id="d000043", last_seen_at=None, inactivation=None, dep=False
    )


def snapshot(scope: tuple[str, ...] | None = ("g07", "g03")) -> Snapshot:
    return Snapshot(
        identity=Identity("inst-1", "acct-1", scope),
        seq=1234,
        groups=[Group("g01", None, "本社", 10), Group("g07", "g01", "営業部", 2)],
        devices=[every_field(), plain()],
    )


@pytest.fixture
def cache(tmp_path: Path) -> FleetCache:
    return FleetCache(tmp_path / "fleets" / "lab.msgpack")


def test_every_field_of_a_device_survives_the_round_trip(cache: FleetCache) -> None:
    saved = snapshot()
    cache.save(saved)
    loaded = cache.load()
    assert loaded == saved
    assert loaded is not None
    for field in dataclasses.fields(Device):
        assert getattr(loaded.devices[0], field.name) == getattr(saved.devices[0], field.name)
    ref = loaded.devices[0].inactivation
    assert ref is not None and ref.scheduled_at == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert type(loaded.devices[0].platform) is Platform  # the enum, not its string
    assert loaded.devices[1].inactivation is None and loaded.devices[1].last_seen_at is None
    assert loaded.identity.group_scope == ("g07", "g03")


def test_the_whole_tenant_scope_round_trips_as_none(cache: FleetCache) -> None:
    cache.save(snapshot(scope=None))
    loaded = cache.load()
    assert loaded is not None and loaded.identity.group_scope is None


def test_identity_sorts_the_scope() -> None:
    assert Identity.of("i", "a", ["g2", "g1"]) == Identity.of("i", "a", ["g1", "g2"])
    assert Identity.of("i", "a", None) != Identity.of("i", "a", [])


def test_the_file_is_0600_in_a_0700_directory(cache: FleetCache) -> None:
    cache.path.parent.mkdir(mode=0o755)
    os.chmod(cache.path.parent, 0o755)
    cache.save(snapshot())
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    assert [p.name for p in cache.path.parent.iterdir()] == [cache.path.name]  # no temp left


def test_a_save_replaces_the_file_whole(cache: FleetCache) -> None:
    cache.save(snapshot())
    smaller = dataclasses.replace(snapshot(), devices=[plain()], seq=1300)
    cache.save(smaller)
    assert cache.load() == smaller


def _tampered_type() -> bytes:
    data = msgspec.to_builtins(snapshot())
    data["devices"][0]["name"] = 12345
    return MAGIC + FORMAT_VERSION.to_bytes(2, "big") + shape() + msgspec.msgpack.encode(data)


DAMAGE = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "garbage": lambda good: os.urandom(len(good)),
    "another kind of file": lambda good: b"{}" + good,
    "another format version": lambda good: (
        MAGIC + (FORMAT_VERSION + 1).to_bytes(2, "big") + good[len(MAGIC) + 2 :]
    ),
    "another device model": lambda good: (
        good[: len(MAGIC) + 2] + bytes(8) + good[len(MAGIC) + 10 :]
    ),
    "a number where a name belongs": lambda good: _tampered_type(),
    "an unknown platform": lambda good: good.replace(b"android", b"beos\x00\x00\x00", 1),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_file_is_ignored_and_logged(
    cache: FleetCache, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache.save(snapshot())
    cache.path.write_bytes(DAMAGE[kind](cache.path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="mobitui.fleet.snapshot"):
        assert cache.load() is None
    assert str(cache.path) in caplog.text
    cache.save(snapshot())  # the next good save replaces it
    assert cache.load() == snapshot()


def test_the_file_says_what_it_is_and_its_format() -> None:
    data = encode(snapshot())
    assert data.startswith(MAGIC + FORMAT_VERSION.to_bytes(2, "big") + shape())
    assert decode(data) == snapshot()


@dataclasses.dataclass(frozen=True, slots=True)
class GrownDevice(Device):
    """Device as a later version might have it: one more field, with a default."""

    supervised: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class GrownSnapshot(Snapshot):
    devices: list[GrownDevice]  # type: ignore[assignment]


def test_the_shape_is_every_field_and_value_but_no_prose() -> None:
    """A snapshot saved before Device gained a field must not load with its default; a
    docstring edit must not throw every cache away."""
    assert shape() == shape_of(Snapshot)
    assert shape_of(GrownSnapshot) != shape()
    assert b'"supervised"' in schema_of(GrownSnapshot)
    assert b'"inactivation_pending"' in schema_of(Snapshot)  # enum values count
    assert b'"last_seen_at"' in schema_of(Snapshot)
    assert b"description" not in schema_of(Snapshot)
    assert Snapshot.__doc__ and Snapshot.__doc__.encode() not in schema_of(Snapshot)


def test_random_damage_never_raises(cache: FleetCache) -> None:
    """Flipped, dropped and inserted bytes anywhere: a snapshot or None, never an exception."""
    cache.save(snapshot())
    good = cache.path.read_bytes()
    rng = random.Random(20261126)
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            match rng.randrange(3):
                case 0:
                    data[at] = rng.randrange(256)
                case 1:
                    del data[at]
                case _:
                    data.insert(at, rng.randrange(256))
        cache.path.write_bytes(bytes(data))
        loaded = cache.load()
        assert loaded is None or isinstance(loaded, Snapshot)


def test_decode_names_what_is_wrong() -> None:
    with pytest.raises(CacheUnusable, match="format"):
        decode(MAGIC + (99).to_bytes(2, "big"))
    with pytest.raises(CacheUnusable, match="name"):
        decode(_tampered_type())


def test_an_unreadable_file_is_ignored(cache: FleetCache) -> None:
    cache.path.mkdir(parents=True)  # a directory where the file should be
    assert cache.load() is None


def test_no_file_is_no_snapshot(cache: FleetCache) -> None:
    assert cache.load() is None


def test_one_file_per_profile_and_account_with_a_safe_name() -> None:
    found = {
        paths.fleet_cache_path("lab", "admin"),
        paths.fleet_cache_path("lab", "operator"),
        paths.fleet_cache_path("prod", "admin"),
        paths.fleet_cache_path("lab", "a b"),
        paths.fleet_cache_path("lab", "a_b"),  # the same safe name as "a b": kept apart
    }
    assert len(found) == 5
    odd = paths.fleet_cache_path("lab", "../../etc/passwd\x00\n")
    assert odd.parent == paths.cache_dir() / "fleets"
    assert all(c.isalnum() or c in "._-" for c in odd.name)


def test_forget_deletes_the_file_and_minds_no_file(tmp_path: Path) -> None:
    cache = FleetCache.of("lab", "admin")
    cache.save(snapshot())
    assert cache.path.exists()
    forget("lab", "admin")
    assert not cache.path.exists()
    forget("lab", "admin")
