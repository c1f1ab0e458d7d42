"""The per-task LoRA library, end to end on tiny_random and the fixture BIG-bench tasks.

train.py runs in a subprocess (the real entry: Hydra, Lightning, the CSV logger); `t2l` runs in-process.
Budgets are tiny (6 steps, validation every 2) so each test takes seconds.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import yaml

from t2l.app.cli import main
from t2l.errors import T2LError
from t2l.io import sha256_file
from t2l.lora.library import Library
from t2l.lora.peft_io import (
    ADAPTER_CONFIG_FILE,
    ADAPTER_WEIGHTS_FILE,
    load_adapter_weights,
    save_adapter,
)
from t2l.lora.spec import LoRASpec
from t2l.models.base import BaseModelSpec
from tests.helpers.paths import BIGBENCH, CONF, REPO

pytestmark = pytest.mark.real_assets  # tiny_random uses SmolLM2's tokenizer from the offline bundle

TINY_ID = "t2l/tiny-random-llama"
# lr 0.7 (huge, but the model is tiny and random): toy_choice's validation score moves 0.5 (base) -> 0.75
# (step 2, best) -> 0.5 (steps 4, 6), so the exported adapter must be the best checkpoint's, not the last.
BUDGET = ["library.budget.max_steps=6", "library.budget.val_every=2", "library.budget.val_examples=4",
          "library.budget.batch_size=2", "library.budget.max_length=64", "library.budget.lr=0.7",
          "library.budget.warmup_steps=1", "library.budget.keep_base_if_worse=false"]
# More validation examples than the default 10% (1 of 14): makes "eval reproduces val_after" a real check.
FRACTIONS = "data.fractions={train:0.4,validation:0.4,test:0.2}"
TASKS = ("toy_choice", "toy_generate")


def base_spec(name: str) -> BaseModelSpec:
    return BaseModelSpec.from_dict(yaml.safe_load((CONF / "base_model" / f"{name}.yaml").read_text()))


def run_train(work: Path, *overrides: str, bigbench: Path | None = BIGBENCH, timeout: float = 180):
    """`python train.py ...` in the repo, Hydra's run dir and the CSV logs under `work`."""
    run_dir = work / "hydra" / f"{time.monotonic_ns()}"
    cmd = [sys.executable, "train.py", "base_model=tiny_random", f"hydra.run.dir={run_dir}",
           f"logger.save_dir={work / 'logs'}", *BUDGET, *overrides]
    if bigbench is not None:
        cmd.append(f"data.bigbench_dir={bigbench}")
    env = {"OMP_NUM_THREADS": "1", **os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}  # one thread: the tiny model gains nothing from more
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    proc.log = proc.stdout + proc.stderr
    return proc


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text())


def tree(root: Path) -> list[str]:
    """Every path under root (hidden ones included), to show that nothing was added or left behind."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def tiny_library(root: Path) -> Library:
    tiny = base_spec("tiny_random")
    return Library(root, tiny, LoRASpec.for_base(tiny))


def random_weights(spec: LoRASpec, seed: int = 0) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return {f"{m}.{ab}": torch.randn(spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)),
                                     generator=gen) * 0.01
            for m in spec.target_modules for ab in "AB"}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One `experiment=library` run on both toy tasks: (work dir, library root, finished process)."""
    work = tmp_path_factory.mktemp("library_run")
    root = work / "lib"
    proc = run_train(work, "experiment=library", f"tasks=[{','.join(TASKS)}]", f"library.dir={root}", FRACTIONS)
    assert proc.returncode == 0, proc.log[-4000:]
    return work, root, proc


# ------------------------------------------------------------------ train.py experiment=library

def test_library_run_writes_manifest_entries_that_match_the_adapters(trained):
    work, root, proc = trained
    data = manifest(root)
    assert data["base_model_id"] == TINY_ID
    assert data["lora"] == LoRASpec.for_base(base_spec("tiny_random")).to_dict()
    assert set(data["entries"]) == {"tasks", "multitask", "oracle"}
    assert set(data["entries"]["tasks"]) == set(TASKS)
    assert data["entries"]["multitask"] == {} and data["entries"]["oracle"] == {}
    for name in TASKS:
        entry = data["entries"]["tasks"][name]
        directory = root / entry["path"]
        assert directory == root / "tasks" / name
        assert entry["task"] == name and entry["namespace"] == "tasks" and entry["base_model_id"] == TINY_ID
        assert entry["lora"] == data["lora"]
        assert 0 < entry["steps"] <= 6
        # accuracies over the 4 validation examples (multiples of 1/4), the ones the run printed
        for score in (entry["val_before"], entry["val_after"]):
            assert score * 4 == round(score * 4) and 0 <= score <= 1, score
        assert f"{name}: val {entry['val_before']:.3f} -> {entry['val_after']:.3f}" in proc.log
        assert entry["val_gain"] == pytest.approx(entry["val_after"] - entry["val_before"])
        assert entry["val_examples_per_task"] == 4 and entry["train_examples"] == 5
        assert entry["budget"]["max_steps"] == 6 and entry["budget"]["batch_size"] == 2
        assert entry["descriptions"] and all(isinstance(d, str) and d for d in entry["descriptions"])
        assert entry["sha256"] == sha256_file(directory / ADAPTER_WEIGHTS_FILE)
        config = json.loads((directory / ADAPTER_CONFIG_FILE).read_text())
        assert config["base_model_name_or_path"] == TINY_ID and config["use_rslora"] is True
        assert config["r"] == 8 and config["target_modules"] == ["q_proj", "v_proj"]
        assert (f"[{TASKS.index(name) + 1}/2] {name}: training") in proc.log
    # The finished tasks' Lightning checkpoints are cleaned up; nothing half-written is left.
    assert not list((root / ".work").rglob("*.ckpt"))
    assert not [p for p in tree(root) if p.endswith((".tmp", ".old"))]
    assert "2 tasks adapters" in proc.stdout or "2 tasks adapters" in proc.log


def test_library_adapters_load_with_peft(trained, tiny_model):
    from peft import PeftModel

    _, root, _ = trained
    model, tokenizer, spec = tiny_model
    ids = tokenizer("What color is snow?", return_tensors="pt")
    with torch.no_grad():
        base_logits = model(**ids).logits
    for name in TASKS:
        peft_model = PeftModel.from_pretrained(copy.deepcopy(model), str(root / "tasks" / name))
        peft_model.eval()
        with torch.no_grad():
            logits = peft_model(**ids).logits
        assert torch.isfinite(logits).all()
        assert not torch.equal(logits, base_logits)  # the trained B is not zero any more
        weights, lspec, base_id = load_adapter_weights(root / "tasks" / name, spec,
                                                       expect=LoRASpec.for_base(spec))
        assert base_id == TINY_ID and lspec.use_rslora
        assert any(float(w.abs().max()) > 0 for k, w in weights.items() if k.endswith(".B"))


def test_library_run_logs_metrics_to_csv(trained):
    work, _, _ = trained
    for name in TASKS:
        files = list((work / "logs" / name).rglob("metrics.csv"))
        assert len(files) == 1, sorted(tree(work / "logs"))
        header, *rows = files[0].read_text().splitlines()
        assert {"step", "train_loss", "val_acc"} <= set(header.split(","))
        assert len(rows) >= 6


def test_second_identical_run_skips_everything(trained):
    work, root, _ = trained
    before = (root / "manifest.json").read_bytes()
    watched = [root / "manifest.json"] + [root / "tasks" / n / f for n in TASKS for f in (ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE)]
    mtimes = {p: p.stat().st_mtime_ns for p in watched}
    logs = tree(work / "logs")
    proc = run_train(work, "experiment=library", f"tasks=[{','.join(TASKS)}]", f"library.dir={root}", FRACTIONS)
    assert proc.returncode == 0, proc.log[-4000:]
    for i, name in enumerate(TASKS, 1):
        assert f"[{i}/2] {name}: in the library already, skipped" in proc.log
    assert ": training" not in proc.log and "Trainer.fit" not in proc.log
    assert (root / "manifest.json").read_bytes() == before
    assert {p: p.stat().st_mtime_ns for p in watched} == mtimes
    assert tree(work / "logs") == logs  # no logger was even created


def val_accs(work: Path, task: str) -> list[float]:
    """The val_acc column of a task's CSV log, in order."""
    (path,) = (work / "logs" / task).rglob("metrics.csv")
    header, *rows = path.read_text().splitlines()
    column = header.split(",").index("val_acc")
    return [float(r.split(",")[column]) for r in rows if r.split(",")[column]]


def test_eval_with_the_manifest_reproduces_validation_scores(trained, tmp_path, capsys):
    """`t2l eval adapters=<manifest.json> eval_split=validation` scores what training recorded.

    val_after is the best checkpoint's val_acc and the exported adapter holds the best weights, so the
    same scorer on the same validation examples must give the same accuracy; val_before is the base model.
    """
    work, root, _ = trained
    common = ["eval", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}", FRACTIONS,
              "tasks=[toy_choice]", "eval_split=validation", "limit=4"]  # toy_generate: always 0 here, and slow
    assert main([*common, f"adapters={root / 'manifest.json'}", f"out={tmp_path / 'with'}"]) == 0
    assert main([*common, f"out={tmp_path / 'base'}"]) == 0
    capsys.readouterr()
    with_adapters = json.loads((tmp_path / "with" / "results.json").read_text())["tasks"]
    base = json.loads((tmp_path / "base" / "results.json").read_text())["tasks"]
    entry = manifest(root)["entries"]["tasks"]["toy_choice"]
    scored = with_adapters["toy_choice"]
    assert scored["n"] == 4 and scored["adapter"] == str(root / "tasks" / "toy_choice")
    assert scored["accuracy"] == pytest.approx(entry["val_after"], abs=1e-6)
    assert base["toy_choice"]["accuracy"] == pytest.approx(entry["val_before"], abs=1e-6)
    scores = val_accs(work, "toy_choice")
    assert entry["val_after"] == pytest.approx(max(scores))
    # The seeded setup discriminates: the best validation is neither the base model's nor the last one's, so
    # the match above shows that the adapter is applied and holds the best checkpoint's weights.
    assert entry["val_after"] != entry["val_before"] and scores[-1] != max(scores), (
        f"toy_choice validation {entry['val_before']} -> {scores} no longer discriminates; change BUDGET's lr")


# ------------------------------------------------------------------ namespaces: oracle, multitask, held-out

def test_training_adapters_refuses_evaluation_only_namespaces(trained):
    _, root, _ = trained
    library = tiny_library(root)
    assert library.training_adapters("tasks") == {name: root / "tasks" / name for name in TASKS}
    for namespace in ("oracle", "multitask"):
        with pytest.raises(T2LError, match="never training data"):
            library.training_adapters(namespace)
    with pytest.raises(T2LError, match="unknown library namespace 'nope'"):
        library.entries("nope")


def test_oracle_experiment_writes_the_oracle_namespace_only(tmp_path):
    split = tmp_path / "my_heldout.txt"
    split.write_text("# oracle tasks\ntoy_choice\n")
    root = tmp_path / "lib"
    proc = run_train(tmp_path, "experiment=oracle", f"split={split}", f"library.dir={root}")
    assert proc.returncode == 0, proc.log[-4000:]
    entries = manifest(root)["entries"]
    assert set(entries["oracle"]) == {"toy_choice"} and entries["tasks"] == {} and entries["multitask"] == {}
    assert entries["oracle"]["toy_choice"]["namespace"] == "oracle"
    assert (root / "oracle" / "toy_choice" / ADAPTER_WEIGHTS_FILE).is_file()
    assert not (root / "tasks").exists()
    library = tiny_library(root)
    assert library.training_adapters("tasks") == {}
    with pytest.raises(T2LError, match="never training data"):
        library.training_adapters("oracle")


@pytest.mark.parametrize("task", [pytest.param("navigate", marks=pytest.mark.real_bigbench("navigate")),
                                  "web_of_lies"])   # a BIG-bench held-out task; a generated one
def test_library_experiment_refuses_a_heldout_task_on_the_real_bundle(tmp_path, task):
    root = tmp_path / "lib"
    proc = run_train(tmp_path, "experiment=library", f"tasks=[{task}]", f"library.dir={root}",
                     bigbench=None)  # data.bigbench_dir defaults to the bundle's real BIG-bench
    assert proc.returncode == 2, proc.log[-4000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "contamination" in errors[0] and task in errors[0]
    assert not root.exists()  # refused before the library (or the model) was touched
    assert "Trainer" not in proc.log and not (tmp_path / "logs").exists()


def test_multitask_experiment(tmp_path):
    root = tmp_path / "lib"
    proc = run_train(tmp_path, "experiment=multitask", f"tasks=[{','.join(TASKS)}]", f"library.dir={root}",
                     "library.multitask.val_tasks=1")
    assert proc.returncode == 0, proc.log[-4000:]
    entries = manifest(root)["entries"]
    entry = entries["multitask"]["multitask"]
    assert entry["tasks"] == list(TASKS) and 0 < entry["steps"] <= 6
    assert entry["train_examples"] == 2 * 9  # the union of both tasks' train splits
    assert entry["sha256"] == sha256_file(root / "multitask" / "multitask" / ADAPTER_WEIGHTS_FILE)
    assert entries["tasks"] == {} and entries["oracle"] == {}
    assert list((tmp_path / "logs" / "multitask").rglob("metrics.csv"))
    with pytest.raises(T2LError, match="never training data"):
        tiny_library(root).training_adapters("multitask")
    # The stored LoRA is handed back only for the budget it was trained on: another budget is refused with
    # the command that removes it (not silently answered with the old adapter), the library untouched.
    before = manifest(root)
    again = run_train(tmp_path, "experiment=multitask", f"tasks=[{','.join(TASKS)}]", f"library.dir={root}",
                      "library.multitask.val_tasks=1", "library.budget.max_steps=7")
    assert again.returncode == 2, again.log[-4000:]
    errors = [line for line in again.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "max_steps: 6 there, 7 asked" in errors[0], again.log[-4000:]
    assert "t2l library rm multitask --namespace multitask" in errors[0]
    assert manifest(root) == before


# ------------------------------------------------------------------ t2l library import / ls

def _import(directory: Path, root: Path, task: str) -> int:
    # Overrides before --task: see test_import_accepts_overrides_after_task_option for the other order.
    return main(["library", "import", str(directory), "base_model=tiny_random", f"library.dir={root}", "--task", task])


@pytest.fixture
def imported(tmp_path, capsys):
    """A library holding one imported adapter (toy_x), and the spec/weights it was made from."""
    tiny = base_spec("tiny_random")
    spec = LoRASpec.for_base(tiny)
    weights = random_weights(spec)
    source = save_adapter(weights, spec, TINY_ID, tmp_path / "published" / "toy_x_lora")
    root = tmp_path / "lib"
    assert _import(source, root, "toy_x") == 0
    out, _ = capsys.readouterr()
    assert f"imported toy_x -> {root / 'tasks' / 'toy_x'}" in out
    return root, source, weights


def test_import_then_ls(imported, capsys):
    root, source, weights = imported
    entry = manifest(root)["entries"]["tasks"]["toy_x"]
    assert entry["imported"] is True and entry["source"] == str(source) and entry["descriptions"] == ["toy x"]
    assert entry["sha256"] == sha256_file(root / "tasks" / "toy_x" / ADAPTER_WEIGHTS_FILE)
    back, _, base_id = load_adapter_weights(root / "tasks" / "toy_x", base_spec("tiny_random"))
    assert base_id == TINY_ID and all(torch.equal(back[k], weights[k]) for k in weights)
    tiny_library(root).verify()

    assert main(["library", "ls", "base_model=tiny_random", f"library.dir={root}"]) == 0
    out, _ = capsys.readouterr()
    rows = [line.split() for line in out.splitlines()]
    assert ["tasks", "toy_x", "-", "-", "-", "-", "-"] in rows


def test_import_accepts_overrides_after_task_option(tmp_path, capsys):
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    source, root = save_adapter(random_weights(spec), spec, TINY_ID, tmp_path / "a"), tmp_path / "lib"
    # the order the brief and `t2l library --help` suggest: DIR --task T overrides... main returns its exit
    # code; an argument parser that rejected this order would raise SystemExit(2) here and fail the test
    assert main(["library", "import", str(source), "--task", "toy_x", "base_model=tiny_random",
                 f"library.dir={root}"]) == 0
    assert f"imported toy_x -> {root / 'tasks' / 'toy_x'}" in capsys.readouterr().out
    assert "toy_x" in manifest(root)["entries"]["tasks"]


def bad_adapter(kind: str, tmp: Path) -> Path:
    """A peft adapter that a tiny_random library (rank 8, q/v) must refuse, for the reason `kind`."""
    tiny, base_id, options = base_spec("tiny_random"), TINY_ID, {}
    if kind == "rank":
        options = {"rank": 4}
    elif kind == "target_modules":
        options = {"target_modules": ("k_proj", "v_proj")}
    elif kind == "shapes":  # made for SmolLM2 (30 layers, 576 wide)
        tiny = base_spec("smollm2_135m")
        base_id = tiny.model_id
    elif kind == "base_model_id":  # right shapes, but says it is for another model
        base_id = "someone/other-tiny-llama"
    spec = LoRASpec.for_base(tiny, **options)
    directory = save_adapter(random_weights(spec), spec, base_id, tmp / kind)
    if kind == "truncated":  # a download cut short
        weights = directory / ADAPTER_WEIGHTS_FILE
        weights.write_bytes(weights.read_bytes()[:-100])
    return directory


@pytest.mark.parametrize("kind, expected", [
    ("rank", ["lora rank=4", "8 is expected", "lora.rank=4"]),
    ("target_modules", ["lora target_modules=", "k_proj", "lora.target_modules"]),
    ("shapes", ["has shape (8, 576)", "need (8, 64)", "SmolLM2-135M-Instruct", "base_model"]),
    ("base_model_id", ["for base model someone/other-tiny-llama", TINY_ID]),
    ("truncated", ["corrupt or truncated", ADAPTER_WEIGHTS_FILE]),
])
def test_import_refusals_name_the_field_and_change_nothing(imported, tmp_path, capsys, kind, expected):
    root, _, _ = imported
    before, paths = (root / "manifest.json").read_bytes(), tree(root)
    assert _import(bad_adapter(kind, tmp_path), root, "toy_bad") == 2
    _, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    for text in expected:
        assert text in errors[0], errors[0]
    assert (root / "manifest.json").read_bytes() == before
    assert tree(root) == paths  # no adapter dir, no temp dir


# ------------------------------------------------------------------ verify

def test_verify_names_the_fix_for_a_deleted_adapter(imported):
    root, _, _ = imported
    (root / "tasks" / "toy_x" / ADAPTER_WEIGHTS_FILE).unlink()
    (root / "tasks" / "toy_x" / ADAPTER_CONFIG_FILE).unlink()
    (root / "tasks" / "toy_x").rmdir()
    library = tiny_library(root)
    assert not library.has("tasks", "toy_x")
    with pytest.raises(T2LError, match=r"library entry 'toy_x' points at missing .*re-run the library training"):
        library.verify()
    with pytest.raises(T2LError, match="points at missing"):
        library.training_adapters("tasks")  # training code never gets a dangling path


def test_verify_catches_changed_weights(imported):
    root, _, _ = imported
    weights = root / "tasks" / "toy_x" / ADAPTER_WEIGHTS_FILE
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    save_adapter(random_weights(spec, seed=1), spec, TINY_ID, weights.parent)  # overwritten behind its back
    with pytest.raises(T2LError, match="does not match its recorded sha256; re-train or re-import"):
        tiny_library(root).verify()


def test_the_fix_verify_names_exists(imported, capsys):
    root, _, _ = imported
    capsys.readouterr()
    assert main(["library", "rm", "toy_x", "base_model=tiny_random", f"library.dir={root}"]) == 0
    assert capsys.readouterr().out.splitlines() == ["removed tasks/toy_x"]
    assert "toy_x" not in manifest(root)["entries"]["tasks"]
    assert not (root / "tasks" / "toy_x").exists()


# ------------------------------------------------------------------ NaN guard

def test_task_lora_module_skips_a_nan_loss_step(tiny_model):
    """A step with no answer tokens (mean over nothing: NaN) backpropagates a zero and is marked faulty."""
    from peft import get_peft_model

    from t2l.eval.scoring import EvalSettings
    from t2l.lora.peft_io import to_peft_config
    from t2l.training.modules import TaskLoRAModule

    model, tokenizer, spec = tiny_model
    peft_model = get_peft_model(copy.deepcopy(model), to_peft_config(LoRASpec.for_base(spec), TINY_ID))
    module = TaskLoRAModule(peft_model, tokenizer, [], EvalSettings(progress=False), lr=1e-3)
    ids = torch.tensor([tokenizer("What color is snow? white")["input_ids"]])
    batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": ids.clone()}
    assert torch.isfinite(module.model(**batch).loss)
    batch["labels"] = torch.full_like(ids, -100)  # no answer tokens: mean over nothing is NaN
    loss = module.training_step(batch, 0)
    assert float(loss.detach()) == 0.0 and module._faulty_step.startswith("non-finite training loss")
    loss.backward()
    assert all(float(p.grad.abs().max()) == 0.0 for _, p in module.trainable())


def test_train_lora_stops_on_divergence_and_unloads_the_lora(tiny_model, tmp_path):
    from t2l.tasks.bigbench import load_bigbench_task
    from t2l.tasks.schema import split_task
    from t2l.training.lora_library import LoRATrainBudget, train_lora

    model, tokenizer, spec = tiny_model
    model = copy.deepcopy(model)
    task = split_task(load_bigbench_task("toy_choice", BIGBENCH))
    # lr=inf: B becomes +-inf (and NaN where Adam's step is 0 * inf) after one step, so step 1's loss is NaN.
    # (lr=1e30 is not enough: B ~ 1e30 saturates the model to a finite, uniform loss of log(vocab).)
    budget = LoRATrainBudget(max_steps=4, batch_size=2, max_length=64, lr=float("inf"), warmup_steps=1,
                             val_every=2, val_examples=1)
    with pytest.raises(FloatingPointError, match="training stopped at step 0: the update made .*lora_.* non-finite"):
        train_lora(model, tokenizer, LoRASpec.for_base(spec), TINY_ID, [task], [task], budget, tmp_path / "work",
                   chat=True, run_name="toy_choice")
    assert not [n for n, _ in model.named_parameters() if "lora_" in n]  # the base model is left clean
