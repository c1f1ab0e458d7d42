"""`python train.py experiment=benchmark` end to end on tiny_random: it builds every missing piece (library,
multi-task LoRA, oracle LoRAs, T2L-SFT and T2L-recon bundles), scores every row on the held-out task,
writes results.json + docs-style report, and refuses contamination."""

from __future__ import annotations

import json

import pytest

from t2l.errors import T2LError
from tests.helpers.behaviour import assert_same_behaviour, sha256
from tests.helpers.experiments import TINY, compose_train
from tests.helpers.paths import BIGBENCH

HELDOUT, POOL = "toy_generate", ("toy_choice", "toy_prefixed")
ROWS = {"base", "icl_1shot", "multitask", "retrieval", "retrieval_top1", "lorahub", "t2l_sft_M", "t2l_sft_M_icl1",
        "t2l_sft_M_random", "t2l_sft_M_wrong", "t2l_sft_M_generic", "t2l_recon", "oracle"}


def tiny_settings(prefix: str) -> dict:
    """TINY's `prefix.key=value` overrides as a {key: value} dict (the builds' structured arguments)."""
    import yaml

    return {o.split("=", 1)[0][len(prefix) + 1:]: yaml.safe_load(o.split("=", 1)[1])
            for o in TINY if o.startswith(prefix + ".")}


def benchmark_cfg(tmp_path, heldout=HELDOUT, *extra: str):
    splits = tmp_path / "splits"
    splits.mkdir(parents=True, exist_ok=True)
    (splits / "heldout_bbh.txt").write_text(f"{heldout}\n")
    (splits / "bigbench_train.txt").write_text("\n".join(POOL) + "\n")
    data = [f"data.bigbench_dir={BIGBENCH}", f"data.splits_dir={splits}", f"library.dir={tmp_path / 'lib'}",
            f"logger.save_dir={tmp_path / 'logs'}"]
    budgets = [o for o in TINY if o.startswith("library.")]
    cfg = compose_train("experiment=benchmark", "base_model=tiny_random", *data, *budgets, f"tasks=[{heldout}]",
                        f"benchmark.out={tmp_path / 'bench'}", f"benchmark.report={tmp_path / 'results.md'}",
                        f"benchmark.plots={tmp_path / 'plots'}", "benchmark.limit=2", "benchmark.shots=1",
                        "benchmark.retrieval_k=1", "benchmark.build.min_library=2", "benchmark.lorahub.modules=2",
                        "benchmark.lorahub.examples=2", "benchmark.lorahub.budget=3",
                        f"benchmark.build.library_tasks=[{','.join(POOL)}]",
                        f"benchmark.t2l.t2l_sft_M.run_dir={tmp_path / 't2l_sft'}",
                        f"benchmark.t2l.t2l_recon.run_dir={tmp_path / 't2l_recon'}", *extra)
    # What each missing piece is built with: the tiny budgets, as structured arguments (no command strings).
    cfg.benchmark.build.multitask = {"max_steps": 2, "val_every": 2, "max_train_examples": 64}
    cfg.benchmark.t2l.t2l_sft_M.build.settings = tiny_settings("objective")
    cfg.benchmark.t2l.t2l_sft_M.build.hypernet = tiny_settings("hypernet")
    cfg.benchmark.t2l.t2l_recon.build.settings = tiny_settings("objective")
    cfg.benchmark.t2l.t2l_recon.build.hypernet = {**tiny_settings("hypernet"), "init_head_weights": "small"}
    return cfg


@pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM
def test_benchmark_builds_missing_pieces_scores_every_row_and_reports(tmp_path):
    from t2l.app.jobs import run as train

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
    # Behaviour unchanged by the package reshaping: the numbers the pre-reshaping code wrote for this
    # exact run (tests/fixtures/behaviour/benchmark_tiny.json, captured before any file moved).
    manifest = json.loads((tmp_path / "lib" / "manifest.json").read_text())
    artifacts = {f"library/{ns}/{name}": e["sha256"] for ns, es in manifest["entries"].items() for name, e in es.items()}
    for run in ("t2l_sft", "t2l_recon"):
        artifacts[f"{run}/hypernet.safetensors"] = sha256(tmp_path / run / "hypernet" / "hypernet.safetensors")
    assert_same_behaviour("benchmark_tiny.json", tmp_path / "bench", artifacts)
    # Second run: everything exists, nothing is rebuilt, the numbers repeat (seeded).
    lib_manifest = (tmp_path / "lib" / "manifest.json").read_text()
    again = train(benchmark_cfg(tmp_path))
    assert again["average"] == out["average"]
    assert (tmp_path / "lib" / "manifest.json").read_text() == lib_manifest


@pytest.mark.real_assets
def test_benchmark_refuses_a_heldout_task_in_the_training_pool(tmp_path):
    from t2l.app.jobs import run as train

    cfg = benchmark_cfg(tmp_path, heldout="toy_choice")  # toy_choice is also a library / T2L training task
    with pytest.raises(T2LError, match="contamination|held-out"):
        train(cfg)


def test_benchmark_refuses_tasks_that_are_not_heldout(tmp_path):
    from t2l.app.jobs import run as train

    cfg = benchmark_cfg(tmp_path)
    cfg.tasks = ["toy_choice"]
    with pytest.raises(T2LError, match="must be held-out"):
        train(cfg)


@pytest.mark.real_assets
def test_benchmark_logs_its_table_and_plots_to_wandb(tmp_path, monkeypatch):
    """logger=wandb (offline, as without network): the table and the report's PNGs land in the run."""
    from t2l.app.jobs import run as train
    from tests.helpers.wandb_records import offline_run

    monkeypatch.setenv("WANDB_MODE", "offline")
    out = train(benchmark_cfg(tmp_path, HELDOUT, "logger=wandb"))
    run = offline_run(tmp_path / "logs")
    tables = sorted((run["files"] / "media" / "table").rglob("*.table.json"))
    assert tables, f"no table under {run['files']}"
    table = json.loads(tables[-1].read_text())
    assert table["columns"] == ["method", "kind", "average", "stderr", HELDOUT]
    assert {row[0] for row in table["data"]} == ROWS
    assert {row[0]: row[2] for row in table["data"]} == out["average"]
    assert list((run["files"] / "media" / "images").rglob("*.png"))
    logged = {k: v for h in run["history"] for k, v in h.items() if k.startswith("benchmark/")}
    assert logged["benchmark/base"] == out["average"]["base"]
    assert run["config"]["benchmark"]["limit"] == 2   # the composed config is the run's config
