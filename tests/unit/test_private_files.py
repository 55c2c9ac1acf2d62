"""The one module every writer goes through: checked length, fsync, private, never a symlink.

Each guarantee is tried the way a full disk, a crash or another local user would break it:
short writes (a real ``RLIMIT_FSIZE`` in a child process), torn last lines, a symlink planted
where the temporary file will be, directories others may write or that are not directories.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from mobitui.local import private_files
from mobitui.local.private_files import PrivateFileError
from tests.disk_limits import python_limited


@pytest.fixture(autouse=True)
def _umask_022() -> None:
    """The usual umask: what ``mkdir -p`` then leaves is 0755, which is the bug to catch."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- short writes


def test_write_all_loops_over_short_writes_then_fails_past_the_limit(tmp_path: Path) -> None:
    """Under RLIMIT_FSIZE os.write writes part and returns its length: write_all goes on and
    the next write's EFBIG is raised; nothing is silently torn."""
    code = f"""
        import os
        from mobitui.local.private_files import write_all
        fd = os.open({str(tmp_path / "f")!r}, os.O_WRONLY | os.O_CREAT, 0o600)
        first = os.write(fd, b"x" * 5000)  # what the old code did: 4096 written, no error
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        try:
            write_all(fd, b"y" * 5000)
        except OSError as exc:
            print(first, "raised", exc.errno)
        else:
            print(first, "written")
    """
    run = python_limited(code, 4096)
    assert run.returncode == 0, run.stderr
    first, outcome, *why = run.stdout.split()
    assert int(first) == 4096  # a short write really happens
    assert outcome == "raised" and int(why[0]) == errno.EFBIG


def test_an_atomic_write_that_does_not_fit_leaves_the_old_file_and_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "data" / "file.bin"
    private_files.write_atomic(target, b"old content\n")
    code = f"""
        from pathlib import Path
        from mobitui.local import private_files
        try:
            private_files.write_atomic(Path({str(target)!r}), b"n" * 10000)
        except private_files.PrivateFileError as exc:
            print("refused:", exc)
    """
    run = python_limited(code, 4096)
    assert run.stdout.startswith("refused: ") and str(target) in run.stdout, run.stderr
    assert "File too large" in run.stdout
    assert target.read_bytes() == b"old content\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.bin"]


# --------------------------------------------------------------------------- appending


def test_an_append_after_a_torn_line_starts_a_line_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":')  # torn by a crash mid-write
    private_files.append_line(path, b'{"c":3}\n')
    assert path.read_bytes() == b'{"a":1}\n{"c":3}\n'  # never '{"b":{"c":3}'


def test_a_failed_append_cuts_its_own_bytes_back(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    private_files.append_line(path, b"x" * 3000 + b"\n")
    code = f"""
        from pathlib import Path
        from mobitui.local import private_files
        try:
            private_files.append_line(Path({str(path)!r}), b"y" * 3000 + b"\\n")
        except private_files.PrivateFileError as exc:
            print("refused:", exc)
    """
    run = python_limited(code, 4096)
    assert run.stdout.startswith("refused: ") and str(path) in run.stdout, run.stderr
    assert path.read_bytes() == b"x" * 3000 + b"\n"  # no half line for the next one to glue on


def test_split_lines_names_a_torn_tail_and_keeps_the_rest(tmp_path: Path) -> None:
    lines = private_files.split_lines(tmp_path / "j", b"one\ntwo\nthr")
    assert lines.lines == [b"one", b"two"] and lines.good_length == 8
    assert str(lines.torn_note) == f"{tmp_path / 'j'}: line 3: torn (no newline, 3 bytes): ignored"
    assert private_files.split_lines(tmp_path / "j", b"one\n").torn_note is None


# --------------------------------------------------------------------------- temporary names


def test_a_symlink_planted_at_the_temporary_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attacker who guessed the name (here: told it) plants a link there: O_EXCL and
    O_NOFOLLOW refuse it; the secret never reaches the attacker's file."""
    directory = tmp_path / "private"
    directory.mkdir(mode=0o700)
    bait = tmp_path / "attacker"
    bait.write_bytes(b"")
    monkeypatch.setattr(private_files.secrets, "token_hex", lambda n: "feedface")
    (directory / ".secret.feedface.tmp").symlink_to(bait)
    with pytest.raises(PrivateFileError) as info:
        private_files.write_atomic(directory / "secret", b"the token")
    assert str(directory / ".secret.feedface.tmp") in str(info.value)
    assert bait.read_bytes() == b""
    assert not (directory / "secret").exists()


def test_temporary_names_are_random(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = os.open

    def spy(path, flags, *args):
        if str(path).endswith(".tmp"):
            seen.append(Path(path).name)
            assert flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT
        return real(path, flags, *args)

    monkeypatch.setattr(private_files.os, "open", spy)
    for _ in range(3):
        private_files.write_atomic(tmp_path / "d" / "f", b"x")
    assert len(set(seen)) == 3 and all(str(os.getpid()) not in name for name in seen)


# --------------------------------------------------------------------------- directories


def test_every_missing_level_is_created_0700(tmp_path: Path) -> None:
    leaf = tmp_path / "a" / "b" / "c"
    private_files.ensure_private_dir(leaf, root=tmp_path / "a")
    for level in (tmp_path / "a", tmp_path / "a" / "b", leaf):
        assert mode(level) == 0o700, level


def test_a_directory_of_ours_readable_by_others_is_narrowed(tmp_path: Path) -> None:
    directory = tmp_path / "state"
    directory.mkdir(mode=0o755)
    private_files.ensure_private_dir(directory)
    assert mode(directory) == 0o700


@pytest.mark.parametrize("wide", [0o770, 0o707, 0o777, 0o1777], ids=lambda m: f"{m:04o}")
def test_a_directory_others_may_write_is_refused_by_name(tmp_path: Path, wide: int) -> None:
    state = tmp_path / "state"
    state.mkdir()
    os.chmod(state, wide)
    with pytest.raises(PrivateFileError) as info:
        private_files.ensure_private_dir(state / "tokens", root=state)
    assert str(info.value).startswith(f"{state}: writable by ")
    assert "refused" in str(info.value)
    assert not (state / "tokens").exists() or mode(state) == wide  # left as it was


def test_a_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a directory to another user")
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    os.chown(state, 65534, 65534)
    with pytest.raises(PrivateFileError, match="owned by another user"):
        private_files.ensure_private_dir(state)


def test_not_a_directory_is_named(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.write_text("oops")
    with pytest.raises(PrivateFileError) as info:
        private_files.ensure_private_dir(state / "journal", root=state)
    assert str(info.value) == f"{state}: not a directory"


def test_the_audit_log_and_a_journal_are_never_written_through_a_symlink(tmp_path: Path) -> None:
    """Before: the audit log was opened O_APPEND without O_NOFOLLOW, so a link in its place
    sent every entry (device ids, names) to the file it pointed at."""
    from datetime import UTC, datetime

    from mobitui.domain.operation import Batch, OperationSpec
    from mobitui.domain.rules import Inactivate
    from mobitui.local.audit_log import AuditLog
    from mobitui.local.journal import Journal, JournalError

    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    bait = tmp_path / "attacker"
    bait.write_bytes(b"")
    spec = OperationSpec(
        id="op1",
        action=Inactivate(),
        created_at=datetime.now(UTC),
        server="http://x",
        profile="lab",
        account="admin",
        batches=(Batch("k1", ("d000001",)),),
    )
    (state / "audit.jsonl").symlink_to(bait)
    with pytest.raises(JournalError) as info:
        AuditLog(state / "audit.jsonl").record(spec, "k1", ["d000001"], result="done")
    assert str(state / "audit.jsonl") in str(info.value)
    journal = Journal(state / "journal")
    real = journal.start(spec)
    real.close()
    planted = real.path.with_name("20990101T000000Z-inactivate-planted.jsonl")
    planted.symlink_to(bait)
    with pytest.raises(JournalError, match="symbolic link"):
        journal.open(planted)
    found, errors = journal.scan(server="http://x", profile="lab", account="admin")
    assert [f.path for f in found] == [real.path]
    assert [str(planted) in str(e) for e in errors] == [True]
    assert bait.read_bytes() == b""


def test_create_exclusive_never_replaces_a_file_that_appears_after_its_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's file (or a symbolic link planted to redirect the write) that appears
    between the name's check and the new file's publication stays as it was: the new file is
    refused, and no temporary file is left behind."""
    target = tmp_path / "report.md"
    real_lexists = os.path.lexists

    def appears_after_the_check(path: object) -> bool:
        found = real_lexists(path)  # type: ignore[arg-type]
        if Path(str(path)) == target and not target.exists():
            target.write_bytes(b"theirs")
            return False  # the check saw nothing: the file appeared just after it
        return found

    monkeypatch.setattr(private_files.os.path, "lexists", appears_after_the_check)
    with pytest.raises(PrivateFileError) as caught:
        private_files.create_exclusive(target, b"ours")
    assert caught.value.errno == errno.EEXIST and "already exists" in str(caught.value)
    assert target.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_create_exclusive_without_hard_links_still_writes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system without hard links (some network and FAT mounts): the name is checked
    again and the file renamed into place, whole and private."""

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(private_files.os, "link", no_links)
    target = tmp_path / "journal.jsonl"
    os.close(private_files.create_exclusive(target, b"whole"))
    assert target.read_bytes() == b"whole"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.jsonl"]


def test_a_file_that_cannot_be_written_is_named_not_its_temporary_name(tmp_path: Path) -> None:
    """Before, a grid export into a read-only folder named ``.grid.csv.<random>.tmp``."""
    from tests.disk_limits import tiny_tmpfs

    with (
        tiny_tmpfs(tmp_path / "locked", "64k", read_only=True) as locked,
        pytest.raises(PrivateFileError) as info,
    ):
        private_files.write_atomic(locked / "grid.csv", b"a,b\n", private=False)
    assert info.value.filename == str(locked / "grid.csv"), str(info.value)
    assert ".tmp" not in str(info.value)
