"""``--debug`` and ``MOBITUI_LOG``: a 0600 log of mobitui's own events for a support ticket,
never a password, a token or an Authorization header."""

from __future__ import annotations

import io
import logging
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mobitui.cli import main
from mobitui.local import logging_setup, tokens
from mobitui.local.paths import state_dir
from mobitui.local.profiles import Profile, Profiles, save_profiles
from tests.cli.test_headless import PASSWORD, devices, plain


@pytest.fixture
def server(make_server):
    return make_server(fleet=60, seed=5, speed=0.0)


@pytest.fixture(autouse=True)
def detached() -> Iterator[None]:
    """Each test's log handler is removed afterwards (main() runs in this process)."""
    before = list(logging.getLogger("mobitui").handlers)
    yield
    for handler in logging.getLogger("mobitui").handlers:
        if handler not in before and isinstance(handler, logging_setup.PrivateFileHandler):
            logging_setup.stop_logging(handler)


def test_a_login_and_a_bulk_run_are_logged_without_a_secret(
    server, monkeypatch, capsys, tmp_path: Path
) -> None:
    chosen = plain(devices(server, monkeypatch, capsys))[:2]
    save_profiles(Profiles({"t": Profile(name="t", base_url=server.base_url, account="admin")}))
    log = tmp_path / "support" / "mobitui.log"
    monkeypatch.setenv("MOBITUI_LOG", str(log))
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    ids = [d["id"] for d in chosen]
    words = ["inactivate", "--profile", "t", "--password-stdin", "--device", *ids, "--agree"]
    code = main([*words, "--format", "json"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert str(log) not in err  # MOBITUI_LOG was chosen by the admin: nothing to say
    token = tokens.load_token("t", "admin", server=server.base_url)
    assert token is not None and len(token.token) >= 16
    text = log.read_text()
    assert PASSWORD not in text
    assert token.token not in text
    assert "authorization" not in text.lower() and "bearer" not in text.lower()
    assert "connected to" in text and "(login)" in text
    assert "POST /api/v1/auth/login -> 200 in" in text
    assert "POST /api/v1/inactivations -> 202 in" in text
    assert " ms (attempt 1)" in text
    assert text.splitlines()[0][:4].isdigit()  # each line starts with its timestamp
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(log.parent).st_mode) == 0o700


def test_httpx_and_httpcore_records_never_reach_the_log(tmp_path: Path) -> None:
    handler = logging_setup.start_logging(tmp_path / "x.log")
    try:
        logging.getLogger("httpcore.http11").debug("send_request_headers Authorization: Bearer s3")
        logging.getLogger("httpx").warning("HTTP Request: Authorization: Bearer s3")
        logging.getLogger("mobitui.sim.app").warning("server side password=s3")
        logging.getLogger("mobitui.api").info("oops Bearer abcdef and password=hunter2")
    finally:
        logging_setup.stop_logging(handler)
    text = (tmp_path / "x.log").read_text()
    assert "s3" not in text and "abcdef" not in text and "hunter2" not in text
    assert "oops Bearer [redacted]" in text


def test_debug_alone_writes_to_the_state_dir_and_says_where(monkeypatch, capsys) -> None:
    monkeypatch.delenv("MOBITUI_LOG", raising=False)
    code = main(
        ["retirement", "list", "--server", "http://127.0.0.1:9", "--account", "a", "--debug"]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    logs = list((state_dir() / "logs").glob("mobitui-*.log"))
    assert len(logs) == 1
    assert f"Debug log: {logs[0]}" in err
    assert stat.S_IMODE(os.stat(logs[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(logs[0].parent).st_mode) == 0o700


def test_a_log_that_is_a_link_or_another_kind_of_file_is_refused(
    monkeypatch, capsys, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    (tmp_path / "link.log").symlink_to(target)
    monkeypatch.setenv("MOBITUI_LOG", str(tmp_path / "link.log"))
    code = main(["retirement", "list", "--server", "http://127.0.0.1:9", "--account", "a"])
    assert code == 2
    assert "debug log" in capsys.readouterr().err
    monkeypatch.setenv("MOBITUI_LOG", str(tmp_path))
    assert main(["retirement", "list", "--server", "http://127.0.0.1:9", "--account", "a"]) == 2
