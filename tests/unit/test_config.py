"""Profiles and the token cache: round trips, clear errors naming file and line, mode 0600."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mobitui import config
from mobitui.config import ConfigError, Profile, Profiles


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(tmp_path / "state"))


def test_missing_file_is_an_empty_set() -> None:
    assert config.load_profiles().profiles == {}


def test_profiles_round_trip_and_default() -> None:
    prod = Profile("prod", "https://mdm.example.jp", "alice", ca_bundle="/etc/ca.pem", lang="ja")
    lab = Profile("lab", "http://127.0.0.1:8765", "admin")
    path = config.save_profiles(Profiles({"prod": prod, "lab": lab}, default="lab"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = config.load_profiles()
    assert loaded.profiles == {"prod": prod, "lab": lab}
    assert loaded.get(None) == lab
    assert loaded.get("prod") == prod
    assert loaded.get("nope") is None


def _write(text: str) -> Path:
    path = config.config_dir() / config.PROFILES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_toml_syntax_error_names_file_and_line() -> None:
    path = _write('[profiles.a]\nbase_url = "http://x"\naccount = \n')
    with pytest.raises(ConfigError) as info:
        config.load_profiles()
    assert str(path) in str(info.value)
    assert "line 3" in str(info.value)
    assert path.read_text("utf-8").startswith("[profiles.a]")  # never discarded


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[profiles.a]\nbase_url = 3\naccount = "x"\n', "profiles.a.base_url: must be a string"),
        ('[profiles.a]\nbase_url = "ftp://x"\naccount = "x"\n', "profiles.a.base_url"),
        ('[profiles.a]\nbase_url = "http://x"\naccount = "x"\npassword = "p"\n', "'password'"),
        ('[profiles.a]\nbase_url = "http://x"\naccount = ""\n', "profiles.a.account"),
        ('[profiles.a]\nbase_url = "http://x"\naccount = "x"\nlang = "fr"\n', "lang"),
        ('default_profile = "zz"\n[profiles.a]\nbase_url = "http://x"\naccount = "x"\n', "zz"),
        ("profiles = 3\n", "profiles: must be a table"),
    ],
)
def test_invalid_profiles_are_named(text: str, needle: str) -> None:
    path = _write(text)
    with pytest.raises(ConfigError) as info:
        config.load_profiles()
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_binary_garbage_is_a_clear_error() -> None:
    path = config.config_dir() / config.PROFILES_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        config.load_profiles()


LAB = "http://127.0.0.1:8765"


def test_token_cache_is_private_and_expires() -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = config.save_token("lab", "admin", "tok-123", soon, server=LAB)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    cached = config.load_token("lab", "admin", server=LAB)
    assert cached is not None and cached.token == "tok-123"
    config.forget_token("lab", "admin", server=LAB)
    assert not path.exists()
    assert config.load_token("lab", "admin", server=LAB) is None

    config.save_token("lab", "admin", "old", datetime.now(UTC) - timedelta(seconds=1), server=LAB)
    assert config.load_token("lab", "admin", server=LAB) is None
    assert not path.exists()  # an expired token is not kept around


def test_corrupt_token_cache_costs_only_a_prompt() -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = config.save_token("lab", "admin", "x", soon, server=LAB)
    path.write_text("{not json", "utf-8")
    assert config.load_token("lab", "admin", server=LAB) is None
    assert not path.exists()


def test_the_safety_thresholds_are_read_from_the_profile() -> None:
    from datetime import timedelta

    from mobitui.tui.app import Launch

    _write(
        '[profiles.prod]\nbase_url = "https://mdm.example.jp"\naccount = "alice"\n'
        "confirm_above = 20\nstall_after_minutes = 45\n"
    )
    profile = config.load_profiles().get("prod")
    assert profile is not None
    assert (profile.confirm_above, profile.stall_after_minutes) == (20, 45)
    launch = Launch.from_profile(profile, "en", False)
    assert launch.confirm_above == 20
    assert launch.stall_after == timedelta(minutes=45)
    assert Launch.from_profile(Profile("p", "https://x.jp", "a"), "en", False).confirm_above == 100


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('confirm_above = "20"', "confirm_above: must be a whole number"),
        ("confirm_above = true", "confirm_above: must be a whole number"),
        ("confirm_above = -1", "confirm_above: 0 or more"),
        ("stall_after_minutes = 0", "stall_after_minutes: 1 or more"),
    ],
)
def test_bad_thresholds_are_named(line: str, message: str) -> None:
    _write(f'[profiles.prod]\nbase_url = "https://mdm.example.jp"\naccount = "a"\n{line}\n')
    with pytest.raises(ConfigError, match=message):
        config.load_profiles()
