"""A whole department retired by keyboard, in tmux, as an admin does it: counted key by key.

The real program (``mobitui --lang ja`` with a profile, a password at the login screen) against
the reference server on a loopback port, its simulated clock running; the test moves it on as the
day passes (``/sim/advance``), and everything the screen shows after that arrives through the
change feed, with no key pressed. The journey (README, "Retiring a department"):

open 開発部 (``g``, one character, Enter) → its retirement view (``R``) → inactivate the active
ones with 「有効にする」 → watch the communicating devices go inactive → force the stalled ones →
force the Hybrid MDM user stuck in the on-device steps → delete the inactive ones → export the
report → quit. Every key is counted except the passwords' characters: ≤ 40 at 160×50, ≤ 50 at
80×24. Then the server's audit log is read: nothing outside the department was acted on, each
department device was deleted once, and the report agrees with the audit log device by device.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mobitui.sim.server import BackgroundServer
from tests.contract.faults import Sim, acted_on
from tests.e2e.test_tmux import DEMO_PASSWORD, MOBITUI, Tmux
from tests.lang_check import data_words, english_sentences
from tests.tui.test_japanese_everywhere import KEY_NAMES

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")

#: The department, and the seeded fleet it is in (seed 1, 1,000 devices): 48 devices of every
#: enrollment, two already stalled under an older tenant-wide request, three already inactive.
DEPARTMENT = "開発部"
FLEET, SEED = 1000, 1
#: The key budgets of the issue, passwords aside.
BUDGET = {(160, 50): 40, (80, 24): 50}


class CountingTmux(Tmux):
    """Tmux that counts every key a person presses; a password's characters are not counted."""

    def __init__(self, session: str, env: dict[str, str], size: tuple[int, int]) -> None:
        super().__init__(session, env)
        self.size = size
        self.count = 0
        self.pressed: list[str] = []
        #: Every screen read on the way, in order (each different one once).
        self.seen: list[str] = []

    def screen(self) -> str:
        text = super().screen()
        if not self.seen or self.seen[-1] != text:
            self.seen.append(text)
        return text

    def press(self, *keys: str) -> None:
        self.count += len(keys)
        self.pressed.extend(keys)
        self.keys(*keys)

    def write(self, text: str) -> None:
        self.count += len(text)
        self.pressed.append(text)
        self.type(text)

    def close(self, text: str) -> None:
        """Escape, then wait until ``text`` is gone: tmux holds a lone Escape for its
        escape-time, and a key sent within it would arrive with it as Alt+key."""
        self.press("Escape")
        self.wait_gone(text)

    def password(self) -> None:
        self.pressed.append("<password>")
        self.type(DEMO_PASSWORD)

    def stages(self) -> dict[str, int]:
        """The retirement view's stage rows as they are on screen now."""
        found = {}
        for line in self.screen().splitlines():
            hit = re.match(r"^(\S+)\s+(\d+)\s+[█·]", line)
            if hit:
                found[hit.group(1)] = int(hit.group(2))
        return found

    def wait_stages(self, wanted: Any, what: str, timeout: float = 90.0) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        found = self.stages()
        while not wanted(found) and time.monotonic() < deadline:
            time.sleep(0.3)
            found = self.stages()
        if not wanted(found):
            raise AssertionError(f"{what} never showed; the screen was:\n{self.screen()}")
        return found


@pytest.fixture(params=[(160, 50), (80, 24)], ids=["160x50", "80x24"])
def journey(
    request: pytest.FixtureRequest, make_server: Any, tmp_path: Path
) -> Iterator[tuple[CountingTmux, BackgroundServer, Path]]:
    server = make_server(fleet=FLEET, seed=SEED, speed=1.0)
    config = tmp_path / "config"
    config.mkdir()
    (config / "profiles.toml").write_text(
        f'default_profile = "tenant"\n[profiles.tenant]\nbase_url = "{server.base_url}"\n'
        'account = "admin"\n'
    )
    work = tmp_path / "work"  # the report's default folder: where the program started
    work.mkdir()
    env = {
        **os.environ,
        "TMUX_TMPDIR": str(tmp_path),
        "TERM": "xterm-256color",
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(config),
        "MOBITUI_CACHE_DIR": str(tmp_path / "cache"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
    }
    env.pop("TMUX", None)
    width, height = request.param
    session = f"retire-{uuid.uuid4().hex[:8]}"
    where = ["-x", str(width), "-y", str(height), "-c", str(work)]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, *where, f"{MOBITUI} --lang ja"],
        env=env,
        check=True,
        timeout=30,
    )
    t = CountingTmux(session, env, request.param)
    yield t, server, work
    subprocess.run(["tmux", "kill-server"], env=env, capture_output=True, timeout=30)


def _department_ids(server: BackgroundServer) -> set[str]:
    import httpx

    with httpx.Client(base_url=server.api_url) as http:
        login = http.post("/auth/login", json={"account": "admin", "password": DEMO_PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        groups = http.get("/groups", headers=headers).json()
        (group,) = [g for g in groups["items"] if g["name"] == DEPARTMENT]
        ids: set[str] = set()
        cursor = None
        while True:
            params = {"group_id": group["id"], "limit": 500}
            if cursor:
                params["cursor"] = cursor
            page = http.get("/devices", params=params, headers=headers).json()
            ids |= {d["id"] for d in page["items"]}
            cursor = page.get("next_cursor")
            if not cursor:
                return ids


def _fleet_words(server: BackgroundServer) -> set[str]:
    """The Latin words of every device's and group's fields (the tenant's data)."""
    import httpx

    with httpx.Client(base_url=server.api_url) as http:
        login = http.post("/auth/login", json={"account": "admin", "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        records = list(http.get("/groups", headers=headers).json()["items"])
        cursor = None
        while True:
            params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
            page = http.get("/devices", params=params, headers=headers).json()
            records += page["items"]
            if not (cursor := page.get("next_cursor")):
                break
    return data_words(str(v) for record in records for v in record.values()) | {"admin"}


def _advance(server: BackgroundServer, seconds: float) -> None:
    asyncio.run(Sim(server).advance(seconds))


def _report_sections(text: str) -> dict[str, dict[str, str]]:
    """The Markdown report's device sections: id → {label: value}."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        head = re.match(r"^### .*\(`([^`]+)`\)$", line)
        if head:
            current = sections.setdefault(head.group(1), {})
            continue
        item = re.match(r"^- ([^:]+): (.*)$", line)
        if item and current is not None:
            current[item.group(1)] = item.group(2).replace("`", "")
    return sections


def test_a_department_from_active_to_deleted_by_keyboard(
    journey: tuple[CountingTmux, BackgroundServer, Path],
) -> None:
    tmux, server, work = journey
    department = _department_ids(server)
    before = {e["id"] for e in asyncio.run(Sim(server).audit())}

    # Log in (the password is not counted; its Enter is).
    tmux.wait_for("パスワード")
    tmux.password()
    tmux.press("Enter")
    tmux.wait_for("接続済み")

    # Open the department: g, one character, Enter; then its retirement view.
    tmux.press("g")
    tmux.wait_gone("space 選択")  # the jump field has the focus
    tmux.write(DEPARTMENT[0])
    time.sleep(0.5)
    tmux.press("Enter")
    screen = tmux.wait_for(f"› {DEPARTMENT}")  # the open group named above the grid
    tmux.press("R")
    tmux.wait_for(f"登録解除の進み具合: {DEPARTMENT}")
    stages = tmux.wait_stages(lambda s: s.get("有効", 0) > 0, "the active devices")
    total = sum(stages.values())
    assert total == len(department), stages
    active = stages["有効"]

    # 一括インアクティベーション of the active ones, 「有効にする」 on (Enter: the stage's step).
    tmux.press("Enter")
    tmux.wait_for("▸手順6")
    tmux.press("Space")  # 「有効にする」: the profile goes with it (no procedure C)
    tmux.press("Enter")  # on to the first field still missing: the password
    tmux.wait_for("▸手順8")
    tmux.password()
    tmux.press("Enter")  # on to 「同意する」
    tmux.wait_for("▸手順9")
    tmux.press("Space", "Enter")  # agreed; on to the acknowledgement under it (Android wipe)
    tmux.wait_gone("▸手順9")
    tmux.press("Space", "Enter")  # acknowledged; Enter is OK now
    screen = tmux.wait_for("インアクティベーション要求が登録されました")
    assert f"受付 {active}" in screen
    tmux.close("インアクティベーション要求が登録されました")
    stages = tmux.wait_stages(lambda s: s.get("有効") == 0, "no active device left")

    # An hour passes: the communicating devices go inactive, shown with no key pressed.
    _advance(server, 3600)
    stages = tmux.wait_stages(
        lambda s: s.get("無効", 0) >= active // 2, "devices gone inactive by themselves"
    )
    # Two more hours: the silent ones come due as stalled (the change feed and the clock).
    _advance(server, 2 * 3600)
    stages = tmux.wait_stages(
        lambda s: s.get("通信なし", 0) > 0 and s.get("要求済み・端末の応答待ち") == 0,
        "the stalled devices",
    )
    stalled, stuck = stages["通信なし"], stages["端末側の作業待ち"]
    assert stuck > 0, stages  # a Hybrid MDM user who never finishes

    # 一括強制インアクティベーション of the stalled (f: the 通信なし ones wherever the cursor is).
    tmux.press("f")
    tmux.wait_for("▸手順6")
    tmux.press("Enter")  # past the option (delete afterwards: no) to the password
    tmux.wait_for("▸手順7")
    tmux.password()
    tmux.press("Enter")
    tmux.wait_for("▸手順8")
    tmux.press("Space", "Enter")
    screen = tmux.wait_for("強制インアクティベーションを実行しました")
    assert f"受付 {stalled}" in screen
    tmux.close("強制インアクティベーションを実行しました")
    tmux.wait_stages(lambda s: s.get("通信なし") == 0, "the stalled ones forced")

    # The stuck Hybrid MDM user: cursor to 端末側の作業待ち, f (its pending devices). It still
    # communicates: the acknowledgement under 「同意する」.
    tmux.press("Down", "Down", "f")
    screen = tmux.wait_for("▸手順6")
    found = re.search(r"選択した (\d+) 台", screen)
    assert found, screen
    chosen = int(found.group(1))
    assert 0 < chosen <= stuck, screen
    tmux.press("Enter")
    tmux.wait_for("▸手順7")
    tmux.password()
    tmux.press("Enter")
    tmux.wait_for("▸手順8")
    tmux.press("Space", "Enter")
    tmux.wait_gone("▸手順8")
    tmux.press("Space", "Enter")
    screen = tmux.wait_for("強制インアクティベーションを実行しました")
    assert f"受付 {chosen}" in screen, screen
    tmux.close("強制インアクティベーションを実行しました")
    stages = tmux.wait_stages(lambda s: s.get("無効") == total, "every device inactive", timeout=60)

    # 端末一括削除 of the inactive ones: d, the password, 「同意する」, OK.
    tmux.press("d")
    tmux.wait_for("▸手順6")
    tmux.password()
    tmux.press("Enter")
    tmux.wait_for("▸手順7")
    tmux.press("Space", "Enter")
    screen = tmux.wait_for("端末を削除しました")
    assert f"削除 {total}" in screen
    tmux.close("端末を削除しました")
    tmux.wait_stages(lambda s: s.get("削除済み") == total, "every device deleted")

    # The report, to the default file in the folder the program started in.
    tmux.press("e")
    tmux.wait_for("報告書を書き出す")
    tmux.press("Enter")
    tmux.wait_for("報告書を書き出しました")
    tmux.close("報告書を書き出しました")

    # Back to the grid, whose devices were deleted under its cursor; quit.
    tmux.close("登録解除の進み具合")
    tmux.press("q")
    deadline = time.monotonic() + 30
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not tmux.alive(), "q did not quit"

    # Issue 16: every screen of the whole job in Japanese (the fleet's own data aside).
    allowed = _fleet_words(server) | KEY_NAMES
    english = {line for seen in tmux.seen for line in english_sentences(seen, allow=allowed)}
    assert english == set(), (english, len(tmux.seen))

    budget = BUDGET[tmux.size]
    print(f"\n{tmux.size}: {tmux.count} keys plus 5 passwords: {' '.join(tmux.pressed)}")
    assert tmux.count <= budget, (tmux.count, tmux.pressed)

    # The server's audit log: only the department, each device deleted once.
    entries = [e for e in asyncio.run(Sim(server).audit()) if e["id"] not in before]
    touched = {i for e in entries for i in e["device_ids"]}
    assert touched <= department, touched - department
    deletions = acted_on(e for e in entries if e["action"] == "delete")
    assert deletions == {i: 1 for i in department}
    for action in ("inactivate", "force_inactivate"):  # never the same call twice
        changed = acted_on(e for e in entries if e["action"] == action)
        assert changed and all(n == 1 for n in changed.values()), (action, changed)

    # The report agrees with it, device by device.
    (report,) = work.glob("mobitui-retirement-*.md")
    assert oct(report.stat().st_mode & 0o777) == "0o600"
    sections = _report_sections(report.read_text())
    assert set(sections) == department
    requests_of: dict[str, set[str]] = {i: set() for i in department}
    for entry in entries:
        for outcome in entry["outcomes"]:
            if outcome["outcome"] in ("accepted", "deleted"):
                requests_of[outcome["device_id"]].add(entry["request_id"])
    for device_id, section in sections.items():
        assert section["段階"] == "削除済み", (device_id, section)
        assert section["監査ログとの照合"] == "一致", (device_id, section, requests_of[device_id])
        assert set(section["要求ID"].split()) == requests_of[device_id], (device_id, section)
        times = [section.get(k) for k in ("要求日時", "無効になった日時", "削除日時")]
        known = [t for t in times if t]
        assert known == sorted(known), (device_id, section)  # one clock: never out of order
