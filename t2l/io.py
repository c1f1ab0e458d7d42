"""Atomic file and directory writes (a reader sees the old content or the new, never half of it),
and the one way t2l reads JSON, so every malformed file is reported the same way: file, line, column
and the fix."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from t2l.errors import T2LError


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
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

    On any exception the temp directory is removed and `final` is left as it was.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; give the usual mode
    try:
        yield tmp
        if final.exists():
            # Move the old copy aside first: rename cannot replace a non-empty directory.
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
            os.replace(final, old / final.name)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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
