"""A file problem met by a command after its start is said in the run's language too.

``mobitui retirement rename`` refuses a name in Japanese; a record it cannot write back (a full
disk) was said by ``str()`` of the problem: English under ``--lang ja``.
"""

from __future__ import annotations

import shutil

from mobitui.local.retirements import RetirementStore
from tests.cli.test_japanese_cli import english
from tests.cli.test_retirement import NOWHERE, hostile_record, run, saved
from tests.disk_limits import fill, tiny_tmpfs


def test_a_rename_that_cannot_be_written_is_said_in_japanese(monkeypatch, capsys, tmp_path) -> None:
    path = saved(hostile_record())
    kept = tmp_path / path.name
    shutil.copy2(path, kept)
    with tiny_tmpfs(path.parent, "64k"):
        shutil.copy2(kept, path)
        fill(path.parent, leave=0)
        assert RetirementStore(NOWHERE, "admin").load("evil").id == "evil"
        result = run(
            NOWHERE,
            "rename",
            "evil",
            "経理部",
            "--lang",
            "ja",
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        english_run = run(
            NOWHERE,
            "rename",
            "evil",
            "経理部",
            "--lang",
            "en",
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
    assert result.code == 2 and "Traceback" not in result.err, result.err
    assert "ディスクの空き容量がありません" in result.err, result.err
    assert english(result.err) == [], result.err
    assert "No space left on device" in english_run.err, english_run.err
