"""A small bigbench sdist in the real layout, from the fixture tasks (t2l assets tests: the real 358 MB
download is not what they test; T2L_BIGBENCH_SDIST points the builder at this one)."""

from __future__ import annotations

import tarfile

from tests.helpers.paths import BIGBENCH


def fixture_task_files() -> list:
    """The fixture task.json files that are valid JSON (toy_broken is malformed on purpose, for the loader)."""
    return [p for p in sorted((BIGBENCH / "benchmark_tasks").rglob("task.json")) if p.parent.name != "toy_broken"]


def small_sdist(path, with_broken: bool = False) -> None:
    """A bigbench sdist in the real layout: bigbench-1.0.0/bigbench/benchmark_tasks/<task>[/<sub>]/task.json.

    with_broken: also the malformed fixture task (a damaged sdist)."""
    broken = [BIGBENCH / "benchmark_tasks" / "toy_broken" / "task.json"] if with_broken else []
    with tarfile.open(path, "w:gz") as archive:
        for task_json in fixture_task_files() + broken:
            rel = task_json.relative_to(BIGBENCH / "benchmark_tasks")
            archive.add(task_json, arcname=f"bigbench-1.0.0/bigbench/benchmark_tasks/{rel.as_posix()}")
        archive.add(BIGBENCH / "benchmark_tasks" / "toy_choice" / "task.json",
                    arcname="bigbench-1.0.0/bigbench/api/task.json")   # outside benchmark_tasks: ignored
