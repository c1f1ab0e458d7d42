"""`python train.py experiment=t2l_sft|t2l_recon` end to end on tiny_random + the fixture BIG-bench tasks.

Each run is a real subprocess (Hydra, Lightning, the CSV logger) with a tiny hypernet and a budget of a
few steps, so each takes seconds. Covered: the exported bundle loads, resume gives the same weights as
an uninterrupted run, reconstruction lowers its L1, a non-finite loss stops the run, held-out tasks are
refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from t2l.models.bundle import T2L
from tests.helpers.specs import base_spec
from tests.helpers.train_runs import (
    LIBRARY_BUDGET,
    SFT_BUDGET,
    TASKS,
    csv_metrics,
    differing,
    hypernet_state,
    run_train,
    training_summary,
)

pytestmark = pytest.mark.real_assets  # MiniLM, SmolLM2's tokenizer and (one test) BIG-bench from the bundle


# ------------------------------------------------------------------ SFT: export

@pytest.fixture(scope="module")
def sft_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("sft")
    proc = run_train(work, "experiment=t2l_sft", TASKS, "objective.max_steps=4", *SFT_BUDGET)
    assert proc.returncode == 0, proc.log[-4000:]
    return work, proc


def test_sft_exports_a_loadable_bundle(sft_run):
    work, proc = sft_run
    bundle = work / "run" / "hypernet"
    assert f"hypernet bundle: {bundle} (4 steps, 3 tasks)" in proc.stdout
    base = base_spec("tiny_random")
    from t2l.lora.spec import LoRASpec

    t2l = T2L.from_pretrained(bundle, base=base, lora=LoRASpec.for_base(base))
    summary = t2l.training
    assert summary["objective"] == "sft" and summary["steps"] == 4
    assert summary["tasks"] == ["toy_choice", "toy_generate", "toy_prefixed"]
    assert [h["step"] for h in summary["history"]] == [2, 4] and all("val_acc" in h for h in summary["history"])
    assert t2l.hypernet.size == "M" and t2l.hypernet.head_in == 32
    weights = t2l.generate(["Pick the right answer."])
    assert weights["q_proj.A"].shape == (1, 2, 8, 64) and weights["v_proj.B"].shape == (1, 2, 32, 8)
    # Training moved the heads off their zero init: the adapters are no longer no-ops.
    assert weights["q_proj.B"].abs().max() > 0
    rows = csv_metrics(work)
    losses = [float(r["train_loss"]) for r in rows if r.get("train_loss")]
    assert len(losses) == 4 and all(torch.isfinite(torch.tensor(losses)))
    # Lightning checkpoints hold the hypernet, never the base model.
    ckpt = torch.load(work / "run" / "ckpt" / "last.ckpt", map_location="cpu", weights_only=True)
    assert ckpt["state_dict"] and all(k.startswith("hypernet.") for k in ckpt["state_dict"])


def test_sft_lowers_the_training_loss(tmp_path):
    """SFT learns: on one task (4 examples a step, so one batch's draw moves the loss little) at a rate a tiny
    hypernet can use, the mean loss of the last 6 of 24 steps is below that of the first 6 by a margin.
    Measured 2026-12-07: first-6 minus last-6 = 0.13 at seed 0 (first-4 minus last-4: 0.075 to 0.19 over
    seeds 0-3); with the answers' gradient cut off from the hypernet (weights detached) it is -0.02."""
    proc = run_train(tmp_path, "experiment=t2l_sft", "tasks=[toy_choice]", *SFT_BUDGET, "objective.tasks_per_batch=1",
                     "objective.samples_per_task=4", "objective.max_steps=24", "objective.val_every=100",
                     "objective.lr=1e-2", "objective.head_lr=1e-2", "seed=0")
    assert proc.returncode == 0, proc.log[-4000:]
    losses = [float(r["train_loss"]) for r in csv_metrics(tmp_path) if r.get("train_loss")]
    assert len(losses) == 24 and all(torch.isfinite(torch.tensor(losses)))
    first, last = sum(losses[:6]) / 6, sum(losses[-6:]) / 6
    assert first - last > 0.08, f"SFT did not lower the loss: first 6 steps {first:.3f}, last 6 {last:.3f}"


# ------------------------------------------------------------------ SFT: reproducibility and resume

def assert_same_weights(a: Path, b: Path) -> None:
    """Bit for bit, as docs/guide.md says: every randomness is indexed by the step and restored on resume."""
    diff = differing(hypernet_state(a), hypernet_state(b), atol=0)
    if diff:
        worst = sorted(diff.items(), key=lambda kv: -kv[1])[:3]
        raise AssertionError(f"{len(diff)} tensors differ; largest |a - b|: {worst}")


RESUME_COMMON = ["experiment=t2l_sft", TASKS, *SFT_BUDGET, "objective.ckpt_every=2"]


@pytest.fixture(scope="module")
def straight_run(tmp_path_factory):
    """6 steps without a stop, a checkpoint every 2."""
    work = tmp_path_factory.mktemp("straight")
    proc = run_train(work, *RESUME_COMMON, "objective.max_steps=6")
    assert proc.returncode == 0, proc.log[-4000:]
    return work


@pytest.fixture(scope="module")
def stopped_run(tmp_path_factory):
    """The same config stopped after 3 steps (last.ckpt is step 2's); resume=true with no checkpoint yet."""
    work = tmp_path_factory.mktemp("stopped")
    proc = run_train(work, *RESUME_COMMON, "objective.max_steps=3", "resume=true")
    assert proc.returncode == 0, proc.log[-4000:]
    assert "resuming from" not in proc.log  # nothing to resume from: a fresh start, no error
    assert training_summary(work)["steps"] == 3
    assert torch.load(work / "run" / "ckpt" / "last.ckpt", map_location="cpu", weights_only=True)["global_step"] == 2
    return work


def copy_run(src: Path, dst: Path) -> Path:
    shutil.copytree(src / "run", dst / "run")
    return dst


def resume(work: Path, max_steps: int) -> None:
    proc = run_train(work, *RESUME_COMMON, f"objective.max_steps={max_steps}", "resume=true")
    assert proc.returncode == 0, proc.log[-4000:]
    assert f"resuming from {work / 'run' / 'ckpt' / 'last.ckpt'}" in proc.log
    assert training_summary(work)["steps"] == max_steps


def test_two_identical_runs_export_identical_weights(straight_run, tmp_path):
    proc = run_train(tmp_path, *RESUME_COMMON, "objective.max_steps=6")
    assert proc.returncode == 0, proc.log[-4000:]
    assert_same_weights(straight_run, tmp_path)


def test_resumed_run_ends_with_the_same_weights(straight_run, stopped_run, tmp_path):
    """A: 6 steps straight. B: stopped after 3 (last.ckpt is step 2), resumed to 6. Same weights."""
    work = copy_run(stopped_run, tmp_path)
    resume(work, 6)
    assert_same_weights(straight_run, work)


def test_resuming_twice_equals_resuming_once(stopped_run, tmp_path):
    """Isolates the data order from the init seed: both runs start from the same step-2 checkpoint.

    `once` resumes 2 -> 6 in one go; `twice` resumes 2 -> 4, then 4 -> 6. Steps 4 and 5 must see the
    same batches (and dropout masks) in both.
    """
    once, twice = copy_run(stopped_run, tmp_path / "once"), copy_run(stopped_run, tmp_path / "twice")
    resume(once, 6)
    resume(twice, 4)
    resume(twice, 6)
    assert_same_weights(once, twice)


# ------------------------------------------------------------------ reconstruction

@pytest.fixture(scope="module")
def library_dir(tmp_path_factory):
    work = tmp_path_factory.mktemp("library")
    lib = work / "lib"
    proc = run_train(work, "experiment=library", TASKS, f"library.dir={lib}", *LIBRARY_BUDGET)
    assert proc.returncode == 0, proc.log[-4000:]
    manifest = json.loads((lib / "manifest.json").read_text())
    assert set(manifest["entries"]["tasks"]) == {"toy_choice", "toy_generate", "toy_prefixed"}
    return lib


def test_recon_lowers_the_l1(library_dir, tmp_path):
    proc = run_train(tmp_path, "experiment=t2l_recon", TASKS, f"library.dir={library_dir}",
                     "objective.max_steps=20", "objective.lr=1e-2", "objective.head_lr=1e-2",
                     "hypernet.head_init_std=1e-3", "objective.val_every=5",
                     "objective.warmup_steps=1")
    assert proc.returncode == 0, proc.log[-4000:]
    summary = training_summary(tmp_path)
    assert summary["objective"] == "recon" and summary["steps"] == 20
    val = [h["val_l1"] for h in summary["history"]]
    assert [h["step"] for h in summary["history"]] == [5, 10, 15, 20]
    assert val[-1] < val[0] * 0.95, val
    train = [float(r["train_l1"]) for r in csv_metrics(tmp_path) if r.get("train_l1")]
    assert len(train) == 20
    assert sum(train[-5:]) / 5 < sum(train[:5]) / 5, train
    # The recon bundle loads and its adapters match the library's scale (heads started "small").
    t2l = T2L.from_pretrained(tmp_path / "run" / "hypernet")
    assert t2l.hypernet.options.init_head_weights == "small"


def test_recon_without_a_library_names_the_fix(tmp_path):
    proc = run_train(tmp_path, "experiment=t2l_recon", TASKS, f"library.dir={tmp_path / 'empty_lib'}",
                     "objective.max_steps=2")
    assert proc.returncode == 2, proc.log[-4000:]
    assert "python train.py experiment=library" in proc.stderr


# ------------------------------------------------------------------ guards

def test_saturating_update_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path):
    """lr 300: within a few steps the generated adapters pass guard.max_weight (saturation; the loss may stay
    finite); those steps are skipped, then the run stops with one line, no bundle is exported, and the
    checkpoints written before the fault stay, every weight in them finite and unsaturated."""
    proc = run_train(tmp_path, "experiment=t2l_sft", TASKS, *SFT_BUDGET, "objective.val_tasks=0",
                     "objective.max_steps=12", "objective.lr=300", "objective.warmup_steps=1",
                     "objective.ckpt_every=1")
    assert proc.returncode != 0, proc.log[-4000:]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.log[-4000:]
    assert "error: training stopped at step" in proc.stderr and "lower the learning rate" in proc.stderr
    assert "last good checkpoint is kept" in proc.stderr
    assert not (tmp_path / "run" / "hypernet").exists()  # no bundle exported from a diverged run
    ckpts = sorted((tmp_path / "run" / "ckpt").glob("*.ckpt"))
    assert ckpts, "the checkpoint written before the loss went non-finite should be kept"
    for path in ckpts:
        state = torch.load(path, map_location="cpu", weights_only=True)
        assert state["global_step"] >= 1 and state["state_dict"]
        assert all(torch.isfinite(v).all() and v.abs().max() <= 1e4 for v in state["state_dict"].values())


@pytest.mark.parametrize("task", [pytest.param("navigate", marks=pytest.mark.real_bigbench("navigate")),
                                  "web_of_lies"])   # a BIG-bench held-out task; a generated one
def test_heldout_tasks_are_refused(tmp_path, task):
    proc = run_train(tmp_path, "experiment=t2l_sft", f"tasks=[{task}]", "objective.max_steps=2",
                     bigbench=None)  # the real bundle's BIG-bench, where navigate is held out
    assert proc.returncode == 2, proc.log[-4000:]
    assert "contamination" in proc.stderr and task in proc.stderr
    assert not (tmp_path / "run").exists()


# ------------------------------------------------------------------ recipe options

def test_recipe_options_run_and_log(tmp_path):
    """Mismatch hinge, choice ranking, NEFTune, example conditioning, prefix-free and described shares,
    warmup fraction, validation on a held-out split's development examples and intermediate bundles,
    together for 3 steps: the run finishes, logs the mismatch gap, the ranking loss, the validation answers'
    top share and the gradient norm of every step, and exports."""
    proc = run_train(tmp_path, "experiment=t2l_sft", TASKS, "objective.max_steps=3", *SFT_BUDGET,
                     "objective.mismatch_weight=1.0", "objective.neftune_alpha=5", "objective.condition=both",
                     "objective.condition_examples=2", "objective.prefix_free_fraction=0.5",
                     "objective.described_fraction=0.3", "objective.choice_weight=1.0",
                     "objective.val_split=heldout_generated", "objective.val_descriptions=2",
                     "objective.warmup_fraction=0.5", "objective.export_every=1")
    assert proc.returncode == 0, proc.log[-3000:]
    summary = training_summary(tmp_path)
    assert summary["settings"]["condition"] == "both" and summary["steps"] == 3
    assert summary["pool"]["cache"] in ("built", "hit") and summary["peak_rss_mb"] > 0
    assert sorted(p.name for p in (tmp_path / "run" / "bundles").iterdir()) == ["step_1", "step_2"]
    T2L.from_pretrained(tmp_path / "run" / "bundles" / "step_1")
    metrics = csv_metrics(tmp_path)
    assert any(row.get("mismatch_gap") for row in metrics)
    assert any(row.get("choice_loss") for row in metrics)   # toy_choice is multiple choice
    shares = [float(row["val_top_pred_share"]) for row in metrics if row.get("val_top_pred_share")]
    assert shares and all(0 < s <= 1 for s in shares)
    assert summary["val_tasks"] == ["boolean_expressions"]   # val_tasks=1 of heldout_generated, not the training tasks
    grad_norms = [float(row["grad_norm"]) for row in metrics if row.get("grad_norm")]
    assert len(grad_norms) == 3 and all(g > 0 and g == g for g in grad_norms)   # one per step, finite


def test_condition_examples_refuses_an_unknown_condition(tmp_path):
    proc = run_train(tmp_path, "experiment=t2l_sft", TASKS, "objective.max_steps=1", *SFT_BUDGET,
                     "objective.condition=labels")
    assert proc.returncode != 0 and "condition 'labels' is unknown" in proc.log


def test_a_bundle_from_a_checkpoint_equals_the_exported_one(sft_run, tmp_path):
    from t2l.training.export import bundle_from_checkpoint

    work = sft_run[0] if isinstance(sft_run, tuple) else sft_run
    ckpt = work / "run" / "ckpt" / "last.ckpt"
    made = bundle_from_checkpoint(ckpt, work / "run" / "hypernet", tmp_path / "from_ckpt")
    exported = T2L.from_pretrained(work / "run" / "hypernet")
    assert made.training["steps"] == exported.training["steps"] and "last.ckpt" in made.training["exported_from"]
    for key, value in exported.hypernet.state_dict().items():
        assert torch.equal(value, made.hypernet.state_dict()[key]), key
