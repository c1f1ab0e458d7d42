"""`python train.py experiment=benchmark` end to end on tiny_random: it builds every missing piece (library,
multi-task LoRA, oracle LoRAs, T2L-SFT and T2L-recon bundles), scores every row on the held-out task,
writes results.json + docs-style report, and refuses contamination: a held-out task, or a task of a
held-out family, in what trained the library, the multi-task LoRA or a T2L bundle (the benchmark's own
check, with artifacts already on disk), and benchmark tasks that are not held out."""

from __future__ import annotations

import json

import pytest

from t2l.errors import T2LError
from t2l.eval.controls import FALLBACK_WRONG, GENERIC_DESCRIPTION
from tests.helpers.behaviour import assert_same_behaviour, sha256
from tests.helpers.experiments import HELDOUT, benchmark_cfg

ROWS = {"base", "icl_1shot", "multitask", "retrieval", "retrieval_top1", "lorahub", "t2l_sft_M", "t2l_sft_M_icl1",
        "t2l_sft_M_random", "t2l_sft_M_wrong", "t2l_sft_M_generic", "t2l_recon", "oracle"}


@pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM
def test_benchmark_builds_missing_pieces_scores_every_row_and_reports(tmp_path, capsys):
    from t2l.app.jobs import run as train

    out = train(benchmark_cfg(tmp_path))
    built = [line for line in capsys.readouterr().out.splitlines() if line.startswith("benchmark: building:")]
    # library, multitask, oracle, T2L-SFT, T2L-recon: each missing piece built once, its command printed
    assert [line.split("experiment=")[1].split()[0] for line in built] == [
        "library", "multitask", "oracle", "t2l_sft", "t2l_recon"], built
    results = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert set(results["methods"]) == ROWS
    lines = [json.loads(x) for x in (tmp_path / "bench" / "predictions.jsonl").read_text().splitlines()]
    for name, row in results["methods"].items():
        assert list(row["tasks"]) == [HELDOUT] and row["tasks"][HELDOUT]["n"] == 2, name
        # Not "0 <= average <= 1": the row's numbers are those of its own prediction lines, and the
        # standard error is sqrt(p (1 - p) / n) / T (one task here).
        mine = [x for x in lines if x["method"] == name]
        accuracy = sum(x["correct"] for x in mine) / len(mine)
        assert len(mine) == 2 and row["tasks"][HELDOUT]["accuracy"] == accuracy == row["average"], name
        assert row["stderr"] == pytest.approx((accuracy * (1 - accuracy) / 2) ** 0.5, abs=1e-12), name
    assert results["methods"]["oracle"]["kind"] == "upper_bound"
    assert {n for n, r in results["methods"].items() if r["kind"] == "control"} == {
        "t2l_sft_M_random", "t2l_sft_M_wrong", "t2l_sft_M_generic"}
    assert results["methods"]["icl_1shot"]["shots"] == 1 and results["methods"]["t2l_sft_M_icl1"]["shots"] == 1
    assert results["methods"]["lorahub"]["budget"]["evaluations"] == 3
    # results.json's head is the primary row (benchmark.primary), and the job returns every row's average
    assert results["tasks"] == results["methods"]["t2l_sft_M"]["tasks"]
    assert out["average"] == {name: row["average"] for name, row in results["methods"].items()}
    assert {x["method"] for x in lines} == ROWS
    # The controls fed the bundle other descriptions than the task's own (one held-out task: the wrong-task
    # control falls back to a fixed off-task description); +ICL reuses the T2L row's.
    descriptions = {n: results["methods"][n]["descriptions"][HELDOUT] for n in ROWS if n.startswith("t2l_sft_M")}
    assert descriptions["t2l_sft_M_wrong"] == FALLBACK_WRONG and descriptions["t2l_sft_M_generic"] == GENERIC_DESCRIPTION
    assert len({descriptions[n] for n in ("t2l_sft_M", "t2l_sft_M_random", "t2l_sft_M_wrong", "t2l_sft_M_generic")}) == 4
    assert descriptions["t2l_sft_M_icl1"] == descriptions["t2l_sft_M"]
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
    # Second run: everything exists, nothing is rebuilt (no build printed, the library manifest and the
    # bundles unchanged byte for byte), the numbers repeat (seeded).
    lib_manifest = (tmp_path / "lib" / "manifest.json").read_text()
    bundles = {run: sha256(tmp_path / run / "hypernet" / "hypernet.safetensors") for run in ("t2l_sft", "t2l_recon")}
    again = train(benchmark_cfg(tmp_path))
    assert "benchmark: building:" not in capsys.readouterr().out
    assert again["average"] == out["average"]
    assert (tmp_path / "lib" / "manifest.json").read_text() == lib_manifest
    assert {run: sha256(tmp_path / run / "hypernet" / "hypernet.safetensors") for run in bundles} == bundles


def prebuilt_cfg(tmp_path, heldout: str, library_tasks, multitask_tasks=None, bundle_tasks=None):
    """A benchmark whose artifacts are already on disk (random tiny adapters, a tiny untrained bundle),
    recording the training tasks given, with benchmark.build.missing=false: no nested build can run, so a
    refusal can only come from the benchmark's own contamination check (a missing piece would instead
    fail with "the benchmark is missing artifacts")."""
    import torch
    from omegaconf import open_dict

    from t2l.lora.library import Library
    from t2l.lora.spec import LoRASpec
    from t2l.models.bundle import T2L, base_summary
    from t2l.models.hypernet import HyperNet, HyperNetConfig
    from tests.helpers.specs import base_spec, minilm_config

    base = base_spec("tiny_random")
    spec = LoRASpec.for_base(base)
    library = Library(tmp_path / "lib", base, spec)
    gen = torch.Generator().manual_seed(0)
    random_lora = {f"{m}.{ab}": 0.01 * torch.randn(spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)),
                                                   generator=gen) for m in spec.target_modules for ab in "AB"}
    for name in library_tasks:
        library.add("tasks", name, random_lora, {"steps": 1})
    if multitask_tasks is not None:
        library.add("multitask", "multitask", random_lora, {"steps": 1, "tasks": list(multitask_tasks)})
    cfg = benchmark_cfg(tmp_path, heldout)
    cfg.benchmark.build.missing = False
    cfg.benchmark.build.min_library = len(library_tasks)
    cfg.benchmark.rows.multitask = multitask_tasks is not None
    cfg.benchmark.rows.oracle = cfg.benchmark.rows.lorahub = cfg.benchmark.rows.retrieval = False
    if bundle_tasks is None:
        cfg.benchmark.t2l = {}
    else:
        hypernet = HyperNet.from_config_options(spec, 384, HyperNetConfig(latent=16, head_in=32, mixer_hidden=32,
                                                                          bottleneck=16))
        run_dir = tmp_path / "t2l_sft"
        T2L(hypernet, base_summary(base), minilm_config(), {"tasks": list(bundle_tasks), "objective": "sft",
                                                            "steps": 0}).save_pretrained(run_dir / "hypernet")
        with open_dict(cfg.benchmark.t2l):
            del cfg.benchmark.t2l["t2l_recon"]
        cfg.benchmark.t2l.t2l_sft_M.run_dir = str(run_dir)
    return cfg


def test_benchmark_build_refuses_to_train_the_library_on_the_heldout_task(tmp_path):
    """The nested build's own refusal (what the old contamination test hit): building the missing library
    on a pool holding the held-out task stops before any training, naming the build."""
    from t2l.app.jobs import run as train

    cfg = benchmark_cfg(tmp_path, heldout="toy_choice")  # toy_choice is also a library / T2L training task
    with pytest.raises(T2LError) as err:
        train(cfg)
    assert str(err.value).startswith("experiment 'library' would train on held-out tasks ['toy_choice'] (contamination)")
    assert not (tmp_path / "lib" / "tasks").exists() and not (tmp_path / "bench").exists()


def test_benchmark_refuses_a_library_trained_on_the_heldout_task(tmp_path):
    """The benchmark's own check (not the nested library build's, which the old version of this test hit:
    building the library refused toy_choice before the benchmark checked anything)."""
    from t2l.app.jobs import run as train

    cfg = prebuilt_cfg(tmp_path, "toy_choice", ["toy_choice", "toy_prefixed"])
    with pytest.raises(T2LError) as err:
        train(cfg)
    assert str(err.value) == ("the LoRA library (retrieval, LoraHub, recon targets) would train on held-out tasks "
                              "['toy_choice'] (contamination); remove them or add them to data.exclude")
    assert not (tmp_path / "bench").exists()   # refused before anything was scored or written


@pytest.mark.real_assets  # the clean run loads the tiny model (SmolLM2 tokenizer)
def test_benchmark_refuses_a_library_task_of_a_heldout_family(tmp_path):
    """toy_family:sub_a is held out; the library holds its sibling toy_family:sub_b (same family)."""
    from t2l.app.jobs import run as train

    cfg = prebuilt_cfg(tmp_path, "toy_family:sub_a", ["toy_family:sub_b", "toy_prefixed"])
    cfg.tasks = ["toy_family:sub_a"]
    with pytest.raises(T2LError, match=r"^the LoRA library \(retrieval, LoraHub, recon targets\) would train on "
                                       r"held-out tasks \['toy_family:sub_b'\] \(contamination\)"):
        train(cfg)
    # The same library is fine when the family is not held out: the refusal is about the family.
    clean = prebuilt_cfg(tmp_path / "clean", "toy_generate", ["toy_family:sub_b", "toy_prefixed"])
    clean.benchmark.shots = 0
    clean.benchmark.report = None
    assert set(train(clean)["average"]) == {"base", "icl_0shot"}


def test_benchmark_refuses_a_multitask_lora_trained_on_the_heldout_task(tmp_path):
    from t2l.app.jobs import run as train

    cfg = prebuilt_cfg(tmp_path, "toy_choice", ["toy_prefixed", "toy_generate"],
                       multitask_tasks=["toy_prefixed", "toy_choice"])
    with pytest.raises(T2LError) as err:
        train(cfg)
    assert str(err.value).startswith("the multi-task LoRA would train on held-out tasks ['toy_choice'] (contamination)")


def test_benchmark_refuses_a_t2l_bundle_trained_on_the_heldout_task(tmp_path):
    from t2l.app.jobs import run as train

    cfg = prebuilt_cfg(tmp_path, "toy_choice", ["toy_prefixed", "toy_generate"],
                       bundle_tasks=["toy_generate", "toy_choice"])
    with pytest.raises(T2LError) as err:
        train(cfg)
    assert str(err.value).startswith("T2L bundle 't2l_sft_M' would train on held-out tasks ['toy_choice'] "
                                     "(contamination)")


def test_benchmark_refuses_tasks_that_are_not_heldout(tmp_path):
    from t2l.app.jobs import run as train

    cfg = benchmark_cfg(tmp_path)
    cfg.tasks = ["toy_choice"]
    with pytest.raises(T2LError) as err:
        train(cfg)
    assert str(err.value) == "benchmark tasks must be held-out (heldout_bbh, heldout_generated); ['toy_choice'] are not"
    assert not (tmp_path / "lib").exists()   # refused before any build


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
