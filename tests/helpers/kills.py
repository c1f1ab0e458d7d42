"""Seeded `kill -9` for the kill suite (tests/integration/test_kills.py).

Two kinds of kill, both SIGKILL (nothing gets to clean up):
  * a point kill: T2L_KILL_AT=NAME:N makes the process kill itself at the N-th pass through
    t2l.io.kill_point(NAME) - inside the atomic writers' windows, where a torn write would hurt most;
  * a timer kill: the test kills the process a seeded delay after a sign of progress appears (a
    checkpoint, a file), so the kill lands mid-work rather than in Python's imports.
Each kill is tallied (what, where, whether it landed) so the suite can say how many it tried.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from t2l.io import KILL_AT_ENV
from tests.helpers.paths import REPO


@dataclass
class Kill:
    command: str           # which command was killed (library, sft, ...)
    how: str               # "point write-file:1" or "timer 1.23 s after <sign>"
    landed: bool           # False: the process finished before the timer fired


@dataclass
class KillLog:
    """Every kill the suite tried, in order; `seed` makes the timer delays reproducible."""
    seed: int
    kills: list[Kill] = field(default_factory=list)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def delay(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 3)

    def landed(self, command: str | None = None) -> int:
        return sum(k.landed for k in self.kills if command in (None, k.command))


def env_with(env: dict[str, str], point: str | None) -> dict[str, str]:
    env = {k: v for k, v in env.items() if k != KILL_AT_ENV}
    return {**env, KILL_AT_ENV: point} if point else env


def run_killed(log: KillLog, command: str, cmd: Sequence[str], env: dict[str, str], *, point: str | None = None,
               sign: Callable[[], bool] | None = None, sign_name: str = "start", delay: float = 0.0,
               timeout: float = 300, cwd: Path = REPO) -> Kill:
    """Run `cmd` until a kill lands (at `point`, or `delay` s after `sign()` first holds) or it ends.

    A point kill must land (the run reaching its point is part of the test); a timer kill that the
    run outpaces is recorded as not landed and the run must then have succeeded.
    """
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env_with(env, point), stdout=devnull,
                                stderr=subprocess.PIPE)
    try:
        if point is None:
            deadline = time.monotonic() + timeout
            while sign is not None and not sign() and proc.poll() is None:
                assert time.monotonic() < deadline, f"{command}: no '{sign_name}' after {timeout} s"
                time.sleep(0.01)
            fire = time.monotonic() + delay
            while proc.poll() is None and time.monotonic() < fire:
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    landed = proc.returncode == -signal.SIGKILL
    how = f"point {point}" if point else f"timer {delay:.2f} s after {sign_name}"
    if point:
        assert landed, f"{command}: {how} never fired (rc {proc.returncode}):\n{err.decode()[-3000:]}"
    else:
        assert landed or proc.returncode == 0, f"{command} failed (rc {proc.returncode}):\n{err.decode()[-3000:]}"
    kill = Kill(command, how, landed)
    log.kills.append(kill)
    return kill


def run_to_end(cmd: Sequence[str], env: dict[str, str], timeout: float = 300, cwd: Path = REPO) -> str:
    """Run `cmd` with no kill armed; it must succeed. Returns stdout + stderr."""
    proc = subprocess.run(list(cmd), cwd=cwd, env=env_with(env, None), capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc.stdout + proc.stderr


def tree_hashes(root: Path, skip: Callable[[Path], bool] = lambda p: False) -> dict[str, str]:
    """{relative path: sha256} of every file under root (symlinks to directories not followed)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            path = Path(dirpath) / name
            if not skip(path):
                out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def leftovers(root: Path) -> list[str]:
    """Temp files / directories of the atomic writers (`.NAME.PID.*.tmp` / `.old`) under root."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name.endswith((".tmp", ".old")))
