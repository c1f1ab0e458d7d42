"""Compare a run with the behaviour fixtures in tests/fixtures/behaviour/, captured from the code as it
was before the package was reshaped (issue 10): the same commands must write the same numbers.

On the CPU kind a fixture was captured on (model name + the SIMD flags that change float kernels),
everything must match bit for bit: every score, every generated text, and the sha256 of every trained
artifact (library adapters, hypernet bundles). On another CPU kind, float kernels differ in the last
bits, so scores are compared to 1e-4 and the artifacts' hashes are not compared.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.helpers.paths import FIXTURES

BEHAVIOUR = FIXTURES / "behaviour"
SIMD_FLAGS = {"avx2", "avx512f", "avx512_bf16", "amx_bf16", "fma"}


def cpu_fingerprint() -> dict:
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    model = re.search(r"model name\s*:\s*(.*)", text)
    flags = re.search(r"flags\s*:\s*(.*)", text)
    return {"model": model.group(1).strip() if model else "unknown",
            "flags": sorted(set(flags.group(1).split() if flags else ()) & SIMD_FLAGS)}


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def assert_same_behaviour(fixture: str, results_dir: Path, artifacts: dict[str, str]) -> None:
    """results_dir holds results.json + predictions.jsonl; artifacts: {name: sha256} of what the run trained."""
    expected = json.loads((BEHAVIOUR / fixture).read_text())
    same_cpu = expected["cpu"] == cpu_fingerprint()
    results = json.loads((results_dir / "results.json").read_text())
    lines = [json.loads(x) for x in (results_dir / "predictions.jsonl").read_text().splitlines()]
    assert sorted(results["methods"]) == sorted(expected["methods"]), "the rows changed"
    for method, want in expected["methods"].items():
        got = results["methods"][method]
        assert got["average"] == want["average"], method
        assert {t: {k: v for k, v in s.items() if k in ("accuracy", "accuracy_norm", "n")}
                for t, s in got["tasks"].items()} == want["tasks"], method
        if "lorahub" in want:
            assert got["lorahub"] == want["lorahub"] if same_cpu else got["lorahub"].keys() == want["lorahub"].keys()
        rows = [x for x in lines if x["method"] == method]
        assert len(rows) == len(want["predictions"]), method
        for row, ref in zip(rows, want["predictions"]):
            assert row["task"] == ref["task"]
            if "scores" in ref:
                assert (row["pred"], row["pred_norm"]) == (ref["pred"], ref["pred_norm"]), (method, row["task"])
                if same_cpu:
                    assert row["scores"] == ref["scores"], (method, row["task"])
                else:
                    assert row["scores"] == pytest.approx(ref["scores"], abs=1e-4), (method, row["task"])
            elif same_cpu:
                assert row["output"] == ref["output"], (method, row["task"])
    if same_cpu:
        changed = sorted(k for k in set(artifacts) | set(expected["artifacts"])
                         if artifacts.get(k) != expected["artifacts"].get(k))
        assert not changed, ("trained artifacts not bit-identical to the fixture's: "
                             + ", ".join(f"{k} {artifacts.get(k)}" for k in changed))
    else:
        assert set(artifacts) == set(expected["artifacts"])
