"""A jump host installs the client only: the reference server's libraries are the ``server``
extra, ``demo`` and ``serve`` say so in one line without it, and nothing else needs them.

"Not installed" is made real in a child process: a ``sitecustomize`` on ``PYTHONPATH`` puts a
finder first on ``sys.meta_path`` that refuses ``starlette`` and ``uvicorn`` (as a missing
package does: ``ModuleNotFoundError``), in that process and in any it starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from mobitui.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parents[2]
BLOCKER = """
import sys

class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("starlette", "uvicorn"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
"""


@pytest.fixture
def client_only(tmp_path: Path) -> dict[str, str]:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(BLOCKER)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(shim)
    env.pop("MOBITUI_LOG", None)
    return env


def mobitui(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mobitui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_the_shim_really_hides_the_server(client_only) -> None:
    code = "import starlette"
    run = subprocess.run([sys.executable, "-c", code], env=client_only, capture_output=True)
    assert run.returncode != 0 and b"ModuleNotFoundError" in run.stderr


def test_the_server_libraries_are_an_extra_that_the_tests_pull() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [dep.split(">")[0].split("[")[0].strip() for dep in project["dependencies"]]
    assert "starlette" not in names and "uvicorn" not in names
    server = project["optional-dependencies"]["server"]
    assert {d.split(">")[0] for d in server} == {"starlette", "uvicorn"}
    assert "mobitui[server]" in project["optional-dependencies"]["test"]


def test_every_module_outside_the_server_works_without_them(client_only) -> None:
    code = "import mobitui.cli, mobitui.tui.app, mobitui.commands.acting, mobitui.api.client"
    run = subprocess.run([sys.executable, "-c", code], env=client_only, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()


def test_help_and_a_headless_command_work_without_the_server(client_only) -> None:
    helped = mobitui(client_only, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "demo" in helped.stdout
    nowhere = ["--server", "http://127.0.0.1:9", "--account", "admin"]
    listed = mobitui(client_only, "retirement", "list", *nowhere, "--format", "json")
    assert listed.returncode == ExitCode.OK, listed.stderr
    assert listed.stdout.strip() == "[]"
    assert "Traceback" not in listed.stderr


@pytest.mark.parametrize("command", ["demo", "serve"])
@pytest.mark.parametrize(
    ("lang", "words"),
    [("C.UTF-8", "the reference server is not installed"), ("ja_JP.UTF-8", "参照サーバー")],
)
def test_demo_and_serve_without_the_extra_say_what_to_install(
    client_only, command: str, lang: str, words: str
) -> None:
    client_only.update(LANG=lang, LC_ALL="", LC_MESSAGES="")
    run = mobitui(client_only, command)
    assert run.returncode == ExitCode.USAGE
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert words in lines[0] and "pip install 'mobitui[server]'" in lines[0]
    assert lines[0].startswith(f"mobitui {command}: ")
