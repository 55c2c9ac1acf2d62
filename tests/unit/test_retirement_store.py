"""Retirements on disk: 0600 files in 0700 directories, per server and account; a bad file is
refused by name and never hides the others."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from mobitui.domain.retirement import start
from mobitui.local import paths
from mobitui.local.retirements import MAX_BYTES, RetirementError, RetirementStore
from tests.unit.test_retirement import NOW, device, full


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def store() -> RetirementStore:
    return RetirementStore("http://h:80", "admin")


def test_save_load_modes_and_survives_a_new_store() -> None:
    r = full()
    path = store().save(r)
    assert path.parent.parent == paths.state_dir() / "retirements"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    # Another store of the same server, spelt otherwise: the same record.
    again = RetirementStore("HTTP://h/", "admin")
    assert again.load(r.id) == r
    assert again.list().retirements == [r]


def test_per_server_and_account() -> None:
    store().save(full())
    assert RetirementStore("http://h:80", "other").list().retirements == []
    assert RetirementStore("http://elsewhere", "admin").list().retirements == []
    with pytest.raises(RetirementError, match="another server or account"):
        RetirementStore("http://h:80", "other").save(full())


def test_list_oldest_first_and_corrupt_file_named() -> None:
    s = store()
    late = start("late", "b", "http://h:80", "admin", [device()], NOW + timedelta(days=1))
    early = start("early", "a", "http://h:80", "admin", [device()], NOW)
    s.save(late)
    s.save(early)
    bad = s.directory / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    os.chmod(bad, 0o600)
    listing = s.list()
    assert [r.id for r in listing.retirements] == ["early", "late"]
    assert len(listing.problems) == 1 and str(bad) in str(listing.problems[0])
    with pytest.raises(RetirementError, match=r"broken\.json"):
        s.load("broken")


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe",
        b"[]",
        b'{"type": "retirement", "format": 1}',
        b"[" * 100_000,
    ],
    ids=["not utf-8", "not an object", "fields missing", "deeply nested"],
)
def test_hostile_content_refused(content: bytes) -> None:
    s = store()
    s.save(full())
    bad = s.directory / "x.json"
    bad.write_bytes(content)
    listing = s.list()
    assert len(listing.retirements) == 1
    assert [str(bad) in str(p) for p in listing.problems] == [True]


def test_file_holding_another_id_refused() -> None:
    s = store()
    s.save(full())
    (s.directory / "other.json").write_bytes((s.directory / "ret1.json").read_bytes())
    with pytest.raises(RetirementError, match="not its own"):
        s.load("other")


def test_symlink_and_huge_file_refused(tmp_path: Path) -> None:
    s = store()
    s.save(full())
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(full().to_json()))
    (s.directory / "link.json").symlink_to(target)
    with pytest.raises(RetirementError, match="symbolic link"):
        s.load("link")
    huge = s.directory / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(RetirementError, match="larger than"):
        s.load("huge")
    assert [r.id for r in s.list().retirements] == ["ret1"]


def test_bad_id_and_missing() -> None:
    with pytest.raises(RetirementError, match="not a retirement id"):
        store().load("../../etc/passwd")
    with pytest.raises(RetirementError, match="no such retirement"):
        store().load("nothing")
    assert store().list().retirements == []


def test_directory_writable_by_others_refused() -> None:
    s = store()
    s.save(full())
    os.chmod(s.directory, 0o777)
    try:
        listing = s.list()
        assert listing.retirements == [] and "writable by" in str(listing.problems[0])
    finally:
        os.chmod(s.directory, 0o700)
