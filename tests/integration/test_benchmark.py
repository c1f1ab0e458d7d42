"""`python train.py experiment=benchmark` end to end on tiny_random: it builds every missing piece (library,
multi-task LoRA, oracle LoRAs, T2L-SFT and T2L-recon bundles), scores every row on the held-out task,
writes results.json + docs-style report, and refuses contamination."""

from __future__ import annotations

import json

import pytest
from omegaconf import OmegaConf

from t2l.errors import T2LError
from tests.helpers.experiments import TINY, compose_train
from tests.helpers.paths import BIGBENCH

HELDOUT, POOL = "toy_generate", ("toy_choice", "toy_prefixed")
ROWS = {"base", "icl_1shot", "multitask", "retrieval", "retrieval_top1", "lorahub", "t2l_sft_M", "t2l_sft_M_icl1",
        "t2l_sft_M_random", "t2l_sft_M_wrong", "t2l_sft_M_generic", "t2l_recon", "oracle"}


def benchmark_cfg(tmp_path, heldout=HELDOUT):
    splits = tmp_path / "splits"
    splits.mkdir(exist_ok=True)
    (splits / "heldout_bbh.txt").write_text(f"{heldout}\n")
    (splits / "bigbench_train.txt").write_text("\n".join(POOL) + "\n")
    data = [f"data.bigbench_dir={BIGBENCH}", f"data.splits_dir={splits}", f"library.dir={tmp_path / 'lib'}",
            f"logger.save_dir={tmp_path / 'logs'}"]
    tiny = [o for o in TINY if not o.startswith(("tasks=", "base_model="))]
    cfg = compose_train("experiment=benchmark", "base_model=tiny_random", *data, f"tasks=[{heldout}]",
                        f"benchmark.out={tmp_path / 'bench'}", f"benchmark.report={tmp_path / 'results.md'}",
                        f"benchmark.plots={tmp_path / 'plots'}", "benchmark.limit=2", "benchmark.shots=1",
                        "benchmark.retrieval_k=1", "benchmark.min_library=2", "benchmark.lorahub.modules=2",
                        "benchmark.lorahub.examples=2", "benchmark.lorahub.budget=3",
                        f"benchmark.t2l.t2l_sft_M.bundle={tmp_path / 't2l_sft' / 'hypernet'}",
                        f"benchmark.t2l.t2l_recon.bundle={tmp_path / 't2l_recon' / 'hypernet'}")
    # Every build command gets the tiny budgets and this test's directories.
    cfg.benchmark.build_common = ["base_model=tiny_random", *data, *tiny]
    cfg.benchmark.build.library = ["experiment=library", f"tasks=[{','.join(POOL)}]"]
    cfg.benchmark.t2l.t2l_sft_M.build = ["experiment=t2l_sft", f"out_dir={tmp_path / 't2l_sft'}"]
    cfg.benchmark.t2l.t2l_recon.build = ["experiment=t2l_recon", f"out_dir={tmp_path / 't2l_recon'}"]
    return cfg


@pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM
def test_benchmark_builds_missing_pieces_scores_every_row_and_reports(tmp_path):
    from t2l.pipeline import train

    out = train(benchmark_cfg(tmp_path))
    results = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert set(results["methods"]) == ROWS
    for name, row in results["methods"].items():
        assert list(row["tasks"]) == [HELDOUT] and row["tasks"][HELDOUT]["n"] == 2, name
        assert 0 <= row["average"] <= 1 and row["stderr"] >= 0
    assert results["methods"]["oracle"]["kind"] == "upper_bound"
    assert {n for n, r in results["methods"].items() if r["kind"] == "control"} == {
        "t2l_sft_M_random", "t2l_sft_M_wrong", "t2l_sft_M_generic"}
    assert results["methods"]["icl_1shot"]["shots"] == 1 and results["methods"]["t2l_sft_M_icl1"]["shots"] == 1
    assert results["methods"]["lorahub"]["budget"]["evaluations"] == 3
    assert results["average"] == results["methods"]["t2l_sft_M"]["average"] == out["average"]["t2l_sft_M"]
    # every row's predictions are in predictions.jsonl, labelled by row
    lines = [json.loads(x) for x in (tmp_path / "bench" / "predictions.jsonl").read_text().splitlines()]
    assert {x["method"] for x in lines} == ROWS
    report = (tmp_path / "results.md").read_text()
    for name in ROWS:
        assert f"| {name} |" in report
    assert (tmp_path / "plots" / "per_task_accuracy.png").is_file()
    # Second run: everything exists, nothing is rebuilt, the numbers repeat (seeded).
    lib_manifest = (tmp_path / "lib" / "manifest.json").read_text()
    again = train(benchmark_cfg(tmp_path))
    assert again["average"] == out["average"]
    assert (tmp_path / "lib" / "manifest.json").read_text() == lib_manifest


@pytest.mark.real_assets
def test_benchmark_refuses_a_heldout_task_in_the_training_pool(tmp_path):
    from t2l.pipeline import train

    cfg = benchmark_cfg(tmp_path, heldout="toy_choice")  # toy_choice is also a library / T2L training task
    OmegaConf.update(cfg, "benchmark.build_common", [*cfg.benchmark.build_common])
    with pytest.raises(T2LError, match="contamination|held-out"):
        train(cfg)


def test_benchmark_refuses_tasks_that_are_not_heldout(tmp_path):
    from t2l.pipeline import train

    cfg = benchmark_cfg(tmp_path)
    cfg.tasks = ["toy_choice"]
    with pytest.raises(T2LError, match="must be held-out"):
        train(cfg)
