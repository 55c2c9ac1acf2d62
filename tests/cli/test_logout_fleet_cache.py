"""``mobitui logout`` also deletes the profile's fleet snapshot (and only that one)."""

from __future__ import annotations

import io
import sys

import pytest

from mobitui.cli import main
from mobitui.fleet.snapshot import FleetCache, Identity, Snapshot
from mobitui.local import profiles


def test_logout_deletes_the_fleet_snapshot_of_that_profile_and_account(
    make_server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = make_server(fleet=30, speed=0.0)
    profiles.save_profiles(
        profiles.Profiles({"lab": profiles.Profile("lab", server.base_url, "admin")}, default="lab")
    )
    empty = Snapshot(Identity("i", "a", None), 0, [], [])
    ours, other = FleetCache.of("lab", "admin"), FleetCache.of("prod", "admin")
    ours.save(empty)
    other.save(empty)
    monkeypatch.setattr(sys, "stdin", io.StringIO("demo-admin-pass\n"))
    assert main(["groups", "--profile", "lab", "--password-stdin"]) == 0  # a token to revoke
    assert main(["logout", "--profile", "lab"]) == 0
    assert not ours.path.exists()
    assert other.path.exists()  # another profile's session is not this logout's business
    assert main(["logout", "--profile", "lab"]) == 0  # nothing left to delete: still fine
    capsys.readouterr()
