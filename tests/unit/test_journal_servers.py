"""Which journal belongs to which server: the address compared as a URL, not as a string.

``mobitui resume --server URL/`` said "nothing to resume" for an operation planned with
``--server URL``, and left it open.
"""

from __future__ import annotations

import pytest

from mobitui.local.journal import server_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/"),
        ("https://mdm.example.jp", "HTTPS://MDM.example.jp"),
        ("https://mdm.example.jp", "https://mdm.example.jp:443/"),
        ("http://mdm.example.jp", "http://mdm.example.jp:80"),
        ("https://mdm.example.jp/tenant-a", "https://mdm.example.jp/tenant-a/"),
        ("https://[::1]:8443", "https://[::1]:8443/"),
    ],
)
def test_one_server_however_spelt(a: str, b: str) -> None:
    assert server_key(a) == server_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://127.0.0.1:8765", "http://localhost:8765"),  # two origins
        ("http://mdm.example.jp", "https://mdm.example.jp"),
        ("https://mdm.example.jp", "https://mdm.example.jp:8443"),
        ("https://mdm.example.jp/tenant-a", "https://mdm.example.jp/tenant-b"),
        ("https://mdm.example.jp/Tenant", "https://mdm.example.jp/tenant"),  # paths are exact
    ],
)
def test_different_servers_stay_apart(a: str, b: str) -> None:
    assert server_key(a) != server_key(b)


def test_a_string_that_is_no_url_is_compared_as_it_is() -> None:
    assert server_key("not a url/") == "not a url"
    assert server_key("http://[bad") == "http://[bad"
