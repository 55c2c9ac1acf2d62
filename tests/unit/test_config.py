"""Profiles and the token cache: round trips, clear errors naming file and line, mode 0600."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mobitui.domain.models import MAX_TOKEN, usable_token
from mobitui.local import paths, profiles, tokens
from mobitui.local.paths import ConfigError
from mobitui.local.profiles import Profile, Profiles


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(tmp_path / "state"))


def test_missing_file_is_an_empty_set() -> None:
    assert profiles.load_profiles().profiles == {}


def test_profiles_round_trip_and_default() -> None:
    prod = Profile("prod", "https://mdm.example.jp", "alice", ca_bundle="/etc/ca.pem", lang="ja")
    lab = Profile("lab", "http://127.0.0.1:8765", "admin")
    path = profiles.save_profiles(Profiles({"prod": prod, "lab": lab}, default="lab"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = profiles.load_profiles()
    assert loaded.profiles == {"prod": prod, "lab": lab}
    assert loaded.get(None) == lab
    assert loaded.get("prod") == prod
    assert loaded.get("nope") is None


def _write(text: str) -> Path:
    path = paths.config_dir() / profiles.PROFILES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_toml_syntax_error_names_file_and_line() -> None:
    path = _write('[profiles.a]\nbase_url = "http://x"\naccount = \n')
    with pytest.raises(ConfigError) as info:
        profiles.load_profiles()
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
        profiles.load_profiles()
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_binary_garbage_is_a_clear_error() -> None:
    path = paths.config_dir() / profiles.PROFILES_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        profiles.load_profiles()


LAB = "http://127.0.0.1:8765"


def test_token_cache_is_private_and_expires() -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = tokens.save_token("lab", "admin", "tok-123", soon, server=LAB)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    cached = tokens.load_token("lab", "admin", server=LAB)
    assert cached is not None and cached.token == "tok-123"
    tokens.forget_token("lab", "admin", server=LAB)
    assert not path.exists()
    assert tokens.load_token("lab", "admin", server=LAB) is None

    tokens.save_token("lab", "admin", "old", datetime.now(UTC) - timedelta(seconds=1), server=LAB)
    assert tokens.load_token("lab", "admin", server=LAB) is None
    assert not path.exists()  # an expired token is not kept around


def test_corrupt_token_cache_costs_only_a_prompt() -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = tokens.save_token("lab", "admin", "x", soon, server=LAB)
    path.write_text("{not json", "utf-8")
    assert tokens.load_token("lab", "admin", server=LAB) is None
    assert not path.exists()


def test_the_safety_thresholds_are_read_from_the_profile() -> None:
    from datetime import timedelta

    from mobitui.tui.launch import Launch

    _write(
        '[profiles.prod]\nbase_url = "https://mdm.example.jp"\naccount = "alice"\n'
        "confirm_above = 20\nstall_after_minutes = 45\n"
    )
    profile = profiles.load_profiles().get("prod")
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
        profiles.load_profiles()


# --------------------------------------------------------------------------- tokens and origins


def test_a_token_is_handed_back_only_for_the_origin_that_issued_it() -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    tokens.save_token("lab", "admin", "tok-lab", soon, server="https://mdm.example.jp")
    same = ["https://mdm.example.jp/", "HTTPS://MDM.example.jp:443", "https://mdm.example.jp/x"]
    for server in same:
        cached = tokens.load_token("lab", "admin", server=server)
        assert cached is not None and cached.token == "tok-lab", server
    for server in ("http://mdm.example.jp", "https://mdm.example.jp:8443", "https://evil.jp"):
        assert tokens.load_token("lab", "admin", server=server) is None, server
    assert tokens.load_token("lab", "root", server="https://mdm.example.jp") is None
    # still there for its own origin: another origin's question removed nothing
    assert tokens.load_token("lab", "admin", server="https://mdm.example.jp") is not None


def test_a_token_file_that_names_another_origin_is_not_used() -> None:
    """A copied or edited file: the name says one origin, the content another."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    theirs = tokens.save_token("lab", "admin", "tok-a", soon, server="https://a.example.jp")
    ours = tokens.save_token("lab", "admin", "tok-b", soon, server="https://b.example.jp")
    ours.write_bytes(theirs.read_bytes())
    assert tokens.load_token("lab", "admin", server="https://b.example.jp") is None
    assert not ours.exists()


def test_a_token_cached_before_origins_is_never_sent_and_is_removed() -> None:
    legacy = paths.state_dir() / "tokens" / "lab--admin.json"
    legacy.parent.mkdir(parents=True, mode=0o700)
    expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    legacy.write_text(f'{{"token": "old-host-token", "expires_at": "{expires}"}}', "utf-8")
    assert tokens.load_token("lab", "admin", server=LAB) is None
    assert not legacy.exists()


@pytest.mark.parametrize(
    "token",
    ["tök-1", "tok 1", "tok\x1b[31m", "tok\n", "", "t" * (MAX_TOKEN + 1)],
    ids=["non-ascii", "space", "escape", "newline", "empty", "too-long"],
)
def test_a_token_http_cannot_carry_is_never_saved_nor_loaded(token: str) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(ConfigError, match="not printable ASCII"):
        tokens.save_token("lab", "admin", token, soon, server=LAB)
    # One cached by an older mobitui (the same file, as it would have written it):
    path = tokens.save_token("lab", "admin", "good-token", soon, server=LAB)
    path.write_text(path.read_text("utf-8").replace('"good-token"', json.dumps(token)), "utf-8")
    assert tokens.load_token("lab", "admin", server=LAB) is None  # refused: a password prompt
    assert not path.exists()  # and not refused again at every launch


def test_the_longest_token_the_client_adopts_is_cached_too() -> None:
    """One rule for both: a token the client would send is one the cache keeps (a cache with a
    shorter limit made every launch ask for the password again)."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    token = "t" * MAX_TOKEN
    assert usable_token(token)
    tokens.save_token("lab", "admin", token, soon, server=LAB)
    cached = tokens.load_token("lab", "admin", server=LAB)
    assert cached is not None and cached.token == token


# --------------------------------------------------------------------------- private files


def test_a_symlink_planted_at_the_token_writers_temporary_name_is_not_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the temporary name was ``.<file>.<pid>.tmp`` and opened without O_NOFOLLOW,
    so a link planted there received the token. Both the old name and the new one (told to
    the attacker here) are planted."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = tokens.save_token("lab", "admin", "first", soon, server=LAB)
    bait = path.parent.parent / "attacker-owned"
    bait.write_text("")
    monkeypatch.setattr("secrets.token_hex", lambda n: "0123456789abcdef")
    for name in (f".{path.name}.{os.getpid()}.tmp", f".{path.name}.0123456789abcdef.tmp"):
        (path.parent / name).symlink_to(bait)
    with pytest.raises(ConfigError) as info:
        tokens.save_token("lab", "admin", "second-secret", soon, server=LAB)
    assert str(path.parent) in str(info.value)
    assert bait.read_text() == ""  # the token never reached the attacker's file
    assert tokens.load_token("lab", "admin", server=LAB).token == "first"


def test_config_state_and_token_dirs_are_created_0700_every_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(tmp_path / "xdg" / "config" / "mobitui"))
        monkeypatch.setenv("MOBITUI_STATE_DIR", str(tmp_path / "xdg" / "state" / "mobitui"))
        profiles.save_profiles(Profiles({"lab": Profile("lab", LAB, "admin")}, "lab"))
        tokens.save_token("lab", "admin", "tok", datetime.now(UTC) + timedelta(hours=1), server=LAB)
    finally:
        os.umask(old)
    for level in ("xdg", "xdg/config", "xdg/config/mobitui", "xdg/state", "xdg/state/mobitui"):
        assert stat.S_IMODE((tmp_path / level).stat().st_mode) == 0o700, level
    assert stat.S_IMODE((paths.state_dir() / "tokens").stat().st_mode) == 0o700


@pytest.mark.parametrize("which", ["state", "tokens"])
def test_a_token_dir_others_may_write_is_refused_by_name(which: str) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = tokens.save_token("lab", "admin", "tok", soon, server=LAB)
    wide = paths.state_dir() if which == "state" else path.parent
    os.chmod(wide, 0o777)
    with pytest.raises(ConfigError) as info:
        tokens.load_token("lab", "admin", server=LAB)
    assert str(info.value).startswith(f"{wide}: writable by its group and everyone")
    with pytest.raises(ConfigError):
        tokens.save_token("lab", "admin", "tok2", soon, server=LAB)
    assert json.loads(path.read_text("utf-8"))["token"] == "tok"


def test_a_token_dir_of_another_user_is_refused() -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a directory to another user")
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = tokens.save_token("lab", "admin", "tok", soon, server=LAB)
    os.chown(path.parent, 65534, 65534)
    with pytest.raises(ConfigError, match="owned by another user"):
        tokens.load_token("lab", "admin", server=LAB)


def test_a_profiles_dir_others_may_write_is_refused() -> None:
    """Whoever can write it chooses which server the admin types the password for."""
    path = profiles.save_profiles(Profiles({"lab": Profile("lab", LAB, "admin")}, "lab"))
    os.chmod(path.parent, 0o775)
    with pytest.raises(ConfigError, match="writable by its group"):
        profiles.load_profiles()
