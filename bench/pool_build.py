"""How long the generated pool takes to build from nothing on this CPU (the goal: under 60 s).

    python bench/pool_build.py

Builds every pool and held-out described task into an empty T2L_HOME (a fresh process, so no input kind or
resource is cached), then loads the cache it wrote in a second fresh process. Prints wall and CPU seconds
of both with the machine line, and writes bench/results/pool_build.json. Another job on the same cores
inflates wall time, not CPU time: both are reported.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD = ("from t2l.tasks.pool import build; tasks = build.pool_tasks(); "
         "print(len(tasks), sum(len(t.examples) for t in tasks.values()), build.pool_hash())")


def timed(env: dict) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=REPO, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tasks, examples, pool_hash = out.stdout.split()
    return {"wall_s": round(wall, 1), "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "tasks": int(tasks), "examples": int(examples), "pool_hash": pool_hash}


def main() -> None:
    import os

    from t2l.hardware import machine_line

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "T2L_HOME": home}
        result = {"machine": machine_line(), "load_average": os.getloadavg(), "build": timed(env), "cached": timed(env)}
    print(json.dumps(result, indent=2))
    out = REPO / "bench" / "results" / "pool_build.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
