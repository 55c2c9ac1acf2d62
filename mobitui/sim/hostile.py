"""Hostile device data for ``--hostile``: names a malicious or broken tenant could send.

Every string a server sends is untrusted. These go into the seeded fleet so a demo, a test or a
reviewer can see, on screen and in every export, that mobitui shows them literally: Rich and
Textual markup, action links, ANSI CSI and OSC sequences (a title change, an OSC 52 clipboard
write), C0 and C1 controls, bidi overrides, zero-width characters, a 10,000-character name,
emoji and stacked combining marks.
"""

from __future__ import annotations

import sqlite3

ESC = "\x1b"
BEL = "\x07"

#: (name, user name) pairs; applied to the first devices of the fleet, in id order.
HOSTILE: tuple[tuple[str, str], ...] = (
    ("[bold red]x[/] [@click=app.quit]q", "[link=https://evil.example]click[/link]"),
    (f"{ESC}]0;pwned{BEL}iPad title", f"{ESC}]52;c;cHduZWQ={BEL}clipboard"),
    (f"{ESC}[31mRED{ESC}[0m {ESC}[2J{ESC}[H cleared", f"{ESC}[?1049l{ESC}c reset"),
    ("C0 \x01\x07\x08\x0b\x7f C1 \x85\x9b2J", "tab\there\rreturn\nnewline"),
    ("bidi \u202egnp.exe\u202c \u2066iso\u2069", "rtl \u200fmark\u200e"),
    ("zero\u200bwidth\u2060joiner\ufeff", "soft\u00adhyphen"),
    ("W" * 10_000, "u" * 10_000),
    ("emoji 📱👩\u200d💻🇯🇵 e\u0301\u0301\u0301\u0301", "Z\u0336a\u0337l\u0338g\u0335o"),
    ("a[/x] [/] ]]] [[ {{}} <b>html</b> `code`", '=HYPERLINK("http://evil")'),
    ("%s %n %x {0} ${PATH} $(id)", "'; DROP TABLE devices; --"),
)


def apply(conn: sqlite3.Connection) -> list[str]:
    """Give the first devices hostile names and user names; returns their ids."""
    ids = [
        row[0]
        for row in conn.execute("SELECT id FROM devices ORDER BY id LIMIT ?", (len(HOSTILE),))
    ]
    for device_id, (name, user) in zip(ids, HOSTILE, strict=False):
        conn.execute(
            "UPDATE devices SET name = ?, user_name = ? WHERE id = ?", (name, user, device_id)
        )
    return ids
