"""A believable Japanese company fleet, generated deterministically from ``(N, seed)``.

Demos, tests and benchmarks need thousands of devices that look like a real tenant: a group tree
of departments and branches, Japanese and Latin names, every enrollment method and every
documented corner case (DEP devices forbidding profile removal, silent Wi-Fi, Safari
restrictions, Android Device Owner, old iOS versions). Only ``random.Random(seed)`` is used and
the clock reading is an argument, so the same inputs give the same fleet, byte for byte.
The whole fleet is written with ``executemany`` in one transaction: 100,000 devices take seconds.
"""

from __future__ import annotations

import random
import sqlite3
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from mobitui.sim.behaviour import (
    REGULAR_MAX_DELAY,
    SILENT,
    SLOW_USER_MIN_DELAY,
    Behaviour,
    event_time,
)
from mobitui.sim.store import DEVICE_INSERT_COLUMNS, set_meta

#: (id, parent id, name, English label used in Latin device names). The tree is fixed, so a
#: scope such as 大阪支店 (``g17``) means the same thing in every fleet.
GROUPS: tuple[tuple[str, str | None, str, str], ...] = (
    ("g01", None, "株式会社みらい商事", "Mirai"),
    ("g02", "g01", "本社", "HQ"),
    ("g03", "g02", "経営企画部", "Planning"),
    ("g04", "g02", "総務部", "GA"),
    ("g05", "g02", "人事部", "HR"),
    ("g06", "g02", "経理部", "Finance"),
    ("g07", "g02", "情報システム部", "IT"),
    ("g08", "g07", "ヘルプデスク課", "Helpdesk"),
    ("g09", "g02", "営業部", "Sales"),
    ("g10", "g09", "東日本営業課", "Sales-East"),
    ("g11", "g09", "西日本営業課", "Sales-West"),
    ("g12", "g09", "法人営業課", "Corporate"),
    ("g13", "g02", "マーケティング部", "Marketing"),
    ("g14", "g02", "開発部", "Dev"),
    ("g15", "g14", "モバイル開発課", "Mobile"),
    ("g16", "g14", "品質保証課", "QA"),
    ("g17", "g01", "大阪支店", "Osaka"),
    ("g18", "g17", "営業課", "Osaka-Sales"),
    ("g19", "g17", "業務課", "Osaka-Ops"),
    ("g20", "g17", "サービス課", "Osaka-Service"),
    ("g21", "g01", "名古屋支店", "Nagoya"),
    ("g22", "g21", "営業課", "Nagoya-Sales"),
    ("g23", "g21", "業務課", "Nagoya-Ops"),
    ("g24", "g01", "福岡営業所", "Fukuoka"),
    ("g25", "g01", "札幌営業所", "Sapporo"),
    ("g26", "g01", "仙台営業所", "Sendai"),
    ("g27", "g01", "物流センター", "Logistics"),
    ("g28", "g27", "倉庫管理課", "Warehouse"),
    ("g29", "g27", "配送課", "Delivery"),
    ("g30", "g01", "貸出用端末", "Loaner"),
)

#: The branch the demo account ``branch-admin`` administers (with its subgroups).
BRANCH_GROUP = "g17"

SURNAMES = (
    ("佐藤", "Sato"),
    ("鈴木", "Suzuki"),
    ("高橋", "Takahashi"),
    ("田中", "Tanaka"),
    ("伊藤", "Ito"),
    ("渡辺", "Watanabe"),
    ("山本", "Yamamoto"),
    ("中村", "Nakamura"),
    ("小林", "Kobayashi"),
    ("加藤", "Kato"),
    ("吉田", "Yoshida"),
    ("山田", "Yamada"),
    ("佐々木", "Sasaki"),
    ("山口", "Yamaguchi"),
    ("松本", "Matsumoto"),
    ("井上", "Inoue"),
    ("木村", "Kimura"),
    ("林", "Hayashi"),
    ("斎藤", "Saito"),
    ("清水", "Shimizu"),
    ("山崎", "Yamazaki"),
    ("森", "Mori"),
    ("池田", "Ikeda"),
    ("橋本", "Hashimoto"),
    ("阿部", "Abe"),
    ("石川", "Ishikawa"),
    ("前田", "Maeda"),
    ("藤田", "Fujita"),
    ("後藤", "Goto"),
    ("岡田", "Okada"),
)
GIVEN = (
    ("太郎", "Taro"),
    ("花子", "Hanako"),
    ("一郎", "Ichiro"),
    ("健太", "Kenta"),
    ("翔太", "Shota"),
    ("大輔", "Daisuke"),
    ("美咲", "Misaki"),
    ("陽子", "Yoko"),
    ("直樹", "Naoki"),
    ("恵", "Megumi"),
    ("拓也", "Takuya"),
    ("由美", "Yumi"),
    ("誠", "Makoto"),
    ("愛", "Ai"),
    ("亮", "Ryo"),
    ("さくら", "Sakura"),
    ("裕子", "Yuko"),
    ("和也", "Kazuya"),
    ("真由美", "Mayumi"),
    ("悠人", "Yuto"),
)
LATIN_FIRST = ("Emily", "James", "Olivia", "Michael", "Sophie", "David", "Anna", "Lucas", "Grace")
LATIN_LAST = ("Clark", "Smith", "Brown", "Johnson", "Martin", "Lee", "Wilson", "Taylor", "Silva")

IOS_VERSIONS = (
    ("12.0", 1),
    ("12.1", 1),
    ("12.2", 1),
    ("12.5.7", 2),
    ("13.0", 1),
    ("13.1", 1),
    ("13.7", 2),
    ("14.8", 3),
    ("15.0", 2),
    ("15.8.3", 4),
    ("16.7.10", 8),
    ("17.0", 3),
    ("17.5.1", 8),
    ("17.6.1", 10),
    ("18.0", 5),
    ("18.1", 8),
    ("18.3.2", 12),
    ("18.5", 12),
)
IPADOS_VERSIONS = (
    ("12.2", 1),
    ("13.1", 2),
    ("14.8", 3),
    ("15.0", 2),
    ("15.8.3", 4),
    ("16.7.10", 6),
    ("17.6.1", 8),
    ("18.1", 6),
    ("18.5", 8),
)
ANDROID_VERSIONS = (("9", 2), ("10", 3), ("11", 5), ("12", 6), ("13", 8), ("14", 10), ("15", 6))
WINDOWS_VERSIONS = (("10.0.19045", 5), ("10.0.22631", 8), ("10.0.26100", 4))
MACOS_VERSIONS = (("13.7.1", 1), ("14.6.1", 2), ("15.1", 2))

OLD_IPHONES = ("iPhone 6s", "iPhone 7", "iPhone 8", "iPhone X")
IPHONES = (
    "iPhone SE (第2世代)",
    "iPhone 11",
    "iPhone 12",
    "iPhone 13",
    "iPhone 14",
    "iPhone 15",
    "iPhone 16",
)
IPADS = (
    "iPad (第9世代)",
    "iPad (第10世代)",
    "iPad Air (第5世代)",
    "iPad mini (第6世代)",
    "iPad Pro 11",
)
ANDROIDS = (
    ("Pixel 7a", "Pixel"),
    ("Pixel 8", "Pixel"),
    ("Pixel 9", "Pixel"),
    ("Galaxy S23", "Galaxy"),
    ("Galaxy A54", "Galaxy"),
    ("AQUOS sense8", "AQUOS"),
    ("Xperia 10 V", "Xperia"),
    ("TORQUE G06", "TORQUE"),
)
WINDOWS = (
    "Surface Pro 9",
    "ThinkPad X1 Carbon",
    "Let's note SV1",
    "dynabook G83",
    "HP ProBook 450",
)
MACS = ("MacBook Air (M2)", "MacBook Pro 14", "Mac mini (M2)")
SITES = {"g17": "OSAKA", "g21": "NAGOYA", "g24": "FUKUOKA", "g25": "SAPPORO", "g26": "SENDAI"}

APPLE_SERIAL = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

PLATFORMS = (("ios", 50), ("ipados", 12), ("android", 25), ("windows", 11), ("macos", 2))
BEHAVIOURS = (
    (Behaviour.REGULAR, 80),
    (Behaviour.SLOW_USER, 5),
    (Behaviour.NEVER_FINISHES, 3),
    (Behaviour.WIPED, 4),
    (Behaviour.APP_DELETED, 4),
    (Behaviour.AWAY_FOR_REPAIR, 4),
)

DAY = 86400.0
SEED_REQUEST_ID = "inact-000001"


class _Picker:
    """Weighted choice with precomputed cumulative weights (``random.choices`` is slower)."""

    def __init__(self, rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> None:
        self._rng = rng
        self._values = [v for v, _ in pairs]
        self._cum = list(accumulate(w for _, w in pairs))
        self._total = self._cum[-1]

    def __call__(self) -> Any:
        return self._values[bisect(self._cum, self._rng.random() * self._total)]


@dataclass(slots=True)
class SimulatedFleet:
    """A generated fleet as database rows (the client's own fleet is
    :class:`mobitui.fleet.cache.Fleet`)."""

    groups: list[tuple[str, str | None, str]]
    devices: list[tuple[Any, ...]]
    #: The one historical request that made the seeded ``inactivation_pending`` devices pending.
    request: tuple[Any, ...] | None = None
    items: list[tuple[Any, ...]] = field(default_factory=list)


def generate(n: int, seed: int, now: float) -> SimulatedFleet:
    """``n`` devices as rows in :data:`mobitui.sim.store.DEVICE_INSERT_COLUMNS` order."""
    if n < 0:
        raise ValueError("fleet size must not be negative")
    rng = random.Random(seed)
    r = rng.random
    randint = rng.randint
    choice = rng.choice

    group_ids = [g[0] for g in GROUPS]
    # Big departments and branches get more devices; the tenant root holds a few strays.
    weights = [1 if g[0] == "g01" else randint(2, 12) for g in GROUPS]
    group_pick = _Picker(rng, tuple(zip(group_ids, weights, strict=True)))
    labels = {g[0]: (g[2], g[3]) for g in GROUPS}
    platform_pick = _Picker(rng, PLATFORMS)
    behaviour_pick = _Picker(rng, BEHAVIOURS)
    ios_pick = _Picker(rng, IOS_VERSIONS)
    ipados_pick = _Picker(rng, IPADOS_VERSIONS)
    android_pick = _Picker(rng, ANDROID_VERSIONS)
    windows_pick = _Picker(rng, WINDOWS_VERSIONS)
    macos_pick = _Picker(rng, MACOS_VERSIONS)

    seen_serials: set[str] = set()
    # The seeded request ran two days ago: whoever could act on it has; the rest are stuck.
    request_created = now - 2 * DAY
    devices: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []

    def serial(platform: str, model: str) -> str:
        while True:
            if platform in ("ios", "ipados", "macos"):
                value = "".join(choice(APPLE_SERIAL) for _ in range(12))
            elif platform == "android":
                if model.startswith("Galaxy"):
                    value = "R5C" + "".join(choice(ALNUM) for _ in range(8))
                else:
                    value = "".join(choice(ALNUM) for _ in range(14))
            else:
                value = choice(("PF", "5CG", "0F")) + "".join(choice(ALNUM) for _ in range(8))
            if value not in seen_serials:
                seen_serials.add(value)
                return value

    for num in range(1, n + 1):
        device_id = f"d{num:06d}"
        group_id = group_pick()
        group_ja, group_en = labels[group_id]
        platform = platform_pick()

        # The user: Japanese in kanji, Japanese in Latin letters, or a foreign colleague.
        kind = r()
        sur_ja, sur_en = choice(SURNAMES)
        giv_ja, giv_en = choice(GIVEN)
        if kind < 0.72:
            user, given, latin = f"{sur_ja} {giv_ja}", giv_ja, False
        elif kind < 0.9:
            user, given, latin = f"{sur_en} {giv_en}", giv_en, True
        else:
            first = choice(LATIN_FIRST)
            user, given, latin = f"{first} {choice(LATIN_LAST)}", first, True
        if group_id == "g30":
            user = ""  # loaners are shared

        serial_no = randint(1, 9999)
        phone = ""
        dep = dep_forbid = silent = safari = owner = False
        if platform in ("ios", "ipados"):
            version = ios_pick() if platform == "ios" else ipados_pick()
            major = int(version.split(".")[0])
            if platform == "ios":
                model = choice(OLD_IPHONES if major < 15 else IPHONES)
                family = "iPhone"
                phone = f"0{choice('789')}0-{randint(0, 9999):04d}-{randint(0, 9999):04d}"
            else:
                model = choice(IPADS)
                family = "iPad"
            enrollment = "apple_mdm" if r() < 0.6 else "hybrid_mdm"
            dep = r() < 0.45
            dep_forbid = dep and r() < 0.6
            silent = r() < 0.15
            safari = r() < 0.06
        elif platform == "macos":
            version, model, family = macos_pick(), choice(MACS), "Mac"
            enrollment = "apple_mdm"
            dep = r() < 0.5
            dep_forbid = dep and r() < 0.5
            silent = r() < 0.1
        elif platform == "android":
            version = android_pick()
            model, family = choice(ANDROIDS)
            enrollment = "client_app"
            owner = r() < 0.35
            phone = f"0{choice('789')}0-{randint(0, 9999):04d}-{randint(0, 9999):04d}"
        else:
            version, model, family = windows_pick(), choice(WINDOWS), "PC"
            enrollment = "client_app"

        style = r()
        if platform == "windows":
            site = SITES.get(group_id, "TOKYO")
            name = (
                f"PC-{site}-{serial_no:04d}"
                if style < 0.6
                else "LAPTOP-" + "".join(choice(ALNUM) for _ in range(7))
            )
        elif not user or style < 0.35:
            name = f"{group_ja}-{family}-{serial_no:04d}"
        elif style < 0.55:
            name = f"{group_en}-{family}-{serial_no:04d}"
        elif latin:
            name = f"{given}'s {family if family != 'Mac' else model.split(' (')[0]}"
        else:
            name = f"{user}の{family}"

        behaviour = behaviour_pick()
        if behaviour in (Behaviour.SLOW_USER, Behaviour.NEVER_FINISHES) and (
            enrollment != "hybrid_mdm"
        ):
            behaviour = Behaviour.REGULAR
        if behaviour is Behaviour.APP_DELETED and enrollment == "apple_mdm":
            behaviour = Behaviour.WIPED  # no app to delete on a plain Apple MDM device
        checkin = randint(300, 3600)
        if behaviour is Behaviour.SLOW_USER:
            delay = randint(SLOW_USER_MIN_DELAY, 36 * 3600)
        elif enrollment == "hybrid_mdm":
            delay = randint(60, REGULAR_MAX_DELAY)
        else:
            delay = 0

        roll = r()
        state = "inactive" if roll < 0.08 else "inactivation_pending" if roll < 0.11 else "active"
        silent_kind = behaviour in (
            Behaviour.WIPED,
            Behaviour.APP_DELETED,
            Behaviour.AWAY_FOR_REPAIR,
        )
        if state == "inactive":
            last_seen: float | None = now - r() * 70 * DAY - DAY
        elif silent_kind:
            last_seen = now - 3 * DAY - r() * 53 * DAY
        elif r() < 0.85:
            last_seen = now - r() * 2 * DAY
        else:
            last_seen = now - r() * 21 * DAY
        if state == "active" and not silent_kind and r() < 0.005:
            last_seen = None  # enrolled, never checked in yet
        if last_seen is not None:
            last_seen = float(round(last_seen))

        jobs = 0
        inactivation_id = None
        next_event = None
        if state == "active":
            jobs = _jobs(r())
        elif state == "inactivation_pending":
            # Still pending two days later: devices that cannot (or whose user will not) act.
            if enrollment == "hybrid_mdm" and r() < 0.4:
                behaviour = Behaviour.NEVER_FINISHES
            elif behaviour not in SILENT:
                behaviour = choice(
                    (Behaviour.WIPED, Behaviour.AWAY_FOR_REPAIR)
                    if enrollment == "apple_mdm"
                    else (Behaviour.WIPED, Behaviour.APP_DELETED, Behaviour.AWAY_FOR_REPAIR)
                )
            inactivation_id = SEED_REQUEST_ID
            if last_seen is not None and last_seen > request_created:
                last_seen = float(round(request_created - r() * 6 * 3600))
            next_event = event_time(
                request_created,
                behaviour=behaviour,
                enrollment=enrollment,
                safari_restricted=safari,
                last_seen=last_seen,
                checkin_seconds=checkin,
                user_delay_seconds=delay,
            )
            if next_event is not None and next_event <= now:
                # It checked in (and got the push) since; its user never finished.
                last_seen, next_event = float(round(next_event)), None
            items.append(
                (SEED_REQUEST_ID, device_id, len(items), group_id, "accepted", None, "pending")
            )

        devices.append(
            (
                num,
                device_id,
                name,
                group_id,
                platform,
                version,
                model,
                serial(platform, model),
                user,
                phone,
                enrollment,
                int(dep),
                int(owner),
                int(dep_forbid),
                int(silent),
                int(safari),
                state,
                jobs,
                last_seen,
                inactivation_id,
                0,
                behaviour.value,
                checkin,
                delay,
                next_event,
            )
        )

    request = None
    if items:
        request = (
            SEED_REQUEST_ID,
            "in_progress",
            float(round(request_created)),
            "admin",
            "admin",
            None,
            float(round(request_created)),
            0,
            0,
        )
    return SimulatedFleet([(g[0], g[1], g[2]) for g in GROUPS], devices, request, items)


def _jobs(x: float) -> int:
    if x < 0.5:
        return 0
    return 1 + min(4, int((x - 0.5) * 10))


def seed(conn: sqlite3.Connection, n: int, seed_value: int, now: float) -> None:
    """Write a fresh fleet (the caller holds the transaction)."""
    fleet = generate(n, seed_value, now)
    conn.executemany("INSERT INTO groups(id, parent_id, name) VALUES(?, ?, ?)", fleet.groups)
    columns = ", ".join(DEVICE_INSERT_COLUMNS)
    marks = ", ".join("?" * len(DEVICE_INSERT_COLUMNS))
    conn.executemany(f"INSERT INTO devices({columns}) VALUES({marks})", fleet.devices)
    if fleet.request is not None:
        conn.execute(
            "INSERT INTO requests(id, status, created_at, created_by, created_by_id, "
            "scheduled_at, executed_at, remove_profile, cancelled_jobs) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            fleet.request,
        )
        conn.executemany(
            "INSERT INTO request_items(request_id, device_id, pos, group_id, outcome, reason, "
            "progress) VALUES(?, ?, ?, ?, ?, ?, ?)",
            fleet.items,
        )
        set_meta(conn, "counter:inact", "1")
    set_meta(conn, "seq", "0")
