"""A profile's ``trust``: "system" verifies with the OS trust store (truststore), where a
corporate CA is installed; the default and a CA bundle work as before."""

from __future__ import annotations

from pathlib import Path

import pytest
import truststore

from mobitui.api.client import MobiClient
from mobitui.api.errors import Unreachable
from mobitui.local.paths import ConfigError
from mobitui.local.profiles import ConnectionSettings, Profile, load_profiles
from tests.contract.test_transport import PASSWORDS, certificate, fast_retry, tls_server

__all__ = ["certificate", "tls_server"]  # the fixtures, shared with the transport's tests


def profiles_file(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "profiles.toml"
    body = f'[profiles.corp]\nbase_url = "https://mdm.example.jp"\naccount = "admin"\n{line}\n'
    path.write_text(body)
    path.chmod(0o600)
    return path


def test_trust_system_is_read_kept_and_resolved(tmp_path: Path) -> None:
    found = load_profiles(profiles_file(tmp_path, 'trust = "system"')).profiles["corp"]
    assert found.trust == "system"
    assert found.to_toml()["trust"] == "system"
    assert ConnectionSettings.from_profile(found, "en").trust == "system"
    default = Profile(name="x", base_url="https://a.example", account="a")
    assert ConnectionSettings.from_profile(default, "en").trust == "certifi"


@pytest.mark.parametrize("line", ['trust = "os"', "trust = true"])
def test_a_bad_trust_names_the_profile(tmp_path: Path, line: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_profiles(profiles_file(tmp_path, line))
    assert "profiles.corp.trust" in str(info.value)


def test_system_trust_builds_a_truststore_context() -> None:
    client = MobiClient("https://mdm.example.jp", trust="system")
    context = client._tls(None, True, "system")
    assert isinstance(context, truststore.SSLContext)
    assert isinstance(MobiClient("https://a.example")._tls(None, True), bool)
    with pytest.raises(ValueError):
        MobiClient("https://mdm.example.jp", trust="everything")


async def test_system_trust_refuses_a_self_signed_server_and_trusts_the_bundle_added(
    tls_server, certificate
) -> None:
    async with MobiClient(tls_server, trust="system", retry=fast_retry()) as untrusted:
        with pytest.raises(Unreachable) as info:
            await untrusted.login("admin", PASSWORDS["admin"])
    assert "certificate" in info.value.message
    bundle = certificate[0]
    async with MobiClient(tls_server, trust="system", ca_bundle=bundle, retry=fast_retry()) as ok:
        assert (await ok.login("admin", PASSWORDS["admin"])).account.name == "admin"
    async with MobiClient(tls_server, ca_bundle=bundle, retry=fast_retry()) as as_before:
        assert (await as_before.login("admin", PASSWORDS["admin"])).account.name == "admin"
