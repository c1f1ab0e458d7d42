"""Atomic file and directory writes (a reader sees the old content or the new, never half of it),
the one way t2l reads JSON, so every malformed file is reported the same way: file, line, column
and the fix, and the one file hash (sha256) that libraries, releases and fetched repos record."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from t2l.errors import T2LError


KILL_AT_ENV = "T2L_KILL_AT"
_passes: dict[str, int] = {}


def kill_point(name: str) -> None:
    """A crash-test hook at the moments a kill would hurt most (inside the atomic writers' windows).

    With T2L_KILL_AT=NAME:N in the environment the process SIGKILLs itself at the N-th pass through
    point NAME (tests/integration/test_kills.py lands seeded kills there); NAME:N:TERM sends SIGTERM
    instead (a scheduler's polite stop, which the process may handle); unset, it does nothing.
    """
    wanted = os.environ.get(KILL_AT_ENV, "").split(":")
    if wanted[0] != name or len(wanted) < 2:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if str(_passes[name]) == wanted[1]:
        os.kill(os.getpid(), signal.SIGTERM if wanted[2:] == ["TERM"] else signal.SIGKILL)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_prefix(name: str) -> str:
    """Temp names carry the writer's pid, so a leftover of a dead writer can be told from a live one's."""
    return f".{name}.{os.getpid()}."


def _leftovers(final: Path) -> list[Path]:
    """Temp files / dirs (and old copies) that dead writers left beside `final`."""
    found = []
    for leftover in final.parent.glob(f".{final.name}.*"):
        pid = leftover.name[len(final.name) + 2:].partition(".")[0]
        if leftover.suffix in (".tmp", ".old") and pid.isdigit() and not _alive(int(pid)):
            found.append(leftover)
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftovers are from an earlier, finished attempt
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write `text` to a temp file beside `path`, fsync it, then rename it over `path`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to a temp file beside `path`, fsync it, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in _leftovers(path):
        leftover.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        kill_point("write-file")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")


@contextmanager
def atomic_directory(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a fresh temp directory; on success it replaces `final` in one rename.

    On any exception the temp directory is removed and `final` is left as it was. Its files are
    fsynced before the rename. Replacing an existing `final` takes two renames (old aside, new in); a
    kill between them leaves no `final` but `.NAME.*.old/NAME`, which `recover_directory` (called here
    first, and by readers such as the library) puts back.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    recover_directory(final)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(final.name), suffix=".tmp", dir=final.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; give the usual mode
    try:
        yield tmp
        for file in (p for p in tmp.rglob("*") if p.is_file()):
            with open(file, "rb+") as handle:
                os.fsync(handle.fileno())
        _fsync_directory(tmp)
        kill_point("write-directory")
        if final.exists():
            # Move the old copy aside first: rename cannot replace a non-empty directory.
            old = Path(tempfile.mkdtemp(prefix=_temp_prefix(final.name), suffix=".old", dir=final.parent))
            os.replace(final, old / final.name)
            kill_point("swap-directory")
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
        _fsync_directory(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def recover_directory(final: str | os.PathLike) -> None:
    """Undo what a kill left around `final`: temp copies of unfinished writes are deleted, and an old
    copy moved aside by a replace that never finished is moved back (so `final` is whole or absent)."""
    final = Path(final)
    if not final.parent.is_dir():
        return
    for leftover in _leftovers(final):
        if leftover.suffix == ".old" and (leftover / final.name).is_dir() and not final.exists():
            os.replace(leftover / final.name, final)
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)


def recover_tree(root: str | os.PathLike) -> None:
    """recover_directory for every directory a dead writer left leftovers beside, under `root`."""
    root = Path(root)
    if not root.is_dir():
        return
    for leftover in sorted(root.rglob(".*.old")) + sorted(root.rglob(".*.tmp")):
        name = leftover.name[1:].rsplit(".", 3)[0]   # .NAME.PID.RANDOM.SUFFIX
        if leftover.exists():
            recover_directory(leftover.parent / name)


def json_error(path: str | os.PathLike, err: json.JSONDecodeError, fix: str, line: int | None = None) -> T2LError:
    """The one message for a JSON parse failure: where it is, what is wrong, how to fix it."""
    return T2LError(f"malformed JSON in {path} at line {err.lineno if line is None else line}, column {err.colno}: "
                    f"{err.msg}; {fix}")


def read_json(path: str | os.PathLike, fix: str = "fix the file", encoding: str = "utf-8") -> Any:
    """Parse a JSON file; a missing, non-UTF-8 or malformed file is one T2LError naming it and `fix`."""
    path = Path(path)
    try:
        text = path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise T2LError(f"{path} not found; {fix}") from None
    except UnicodeDecodeError as err:
        raise T2LError(f"{path} is not UTF-8 text ({err}); {fix}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise json_error(path, err, fix) from None


def parse_json_line(line: str, path: str | os.PathLike, lineno: int, fix: str = "fix that line") -> Any:
    """One line of a JSONL file; errors name the file and the line."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise json_error(path, err, fix, line=lineno) from None


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes, read in blocks (a multi-GB weights file never sits in memory whole)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
