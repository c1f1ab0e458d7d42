"""Config enters one way: structured schemas hold every default once, t2l/conf/ files only override, and a
misspelled key, a key in the wrong group, an unknown group choice or job is one line naming the fix,
before any model loads."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from omegaconf import OmegaConf

from t2l.app.config import compose, to_object
from t2l.app.schemas import BenchmarkConfig
from t2l.baselines.lorahub import LoraHubSettings
from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings
from t2l.lora.spec import LoRAConfig
from t2l.models.hypernet import HyperNetConfig
from t2l.tasks.descriptions import EVAL_BANK
from t2l.tasks.registry import TaskSources
from t2l.training.settings import ReconObjective, SFTObjective
from t2l.training.lora_library import LoRATrainBudget
from tests.helpers.paths import CONF, REPO


@pytest.mark.parametrize("overrides, message", [
    (["objective.lrr=1e-3"], r"unknown key 'objective.lrr' \(in t2l/conf/objective/sft.yaml, schema SFTObjective\); "
                             r"did you mean objective.lr\?"),
    (["experiment=t2l_recon", "objective.lrr=1"], r"in t2l/conf/objective/recon.yaml, schema ReconObjective"),
    (["objective.rank=16"], r"'rank' is a key of lora.rank; set that instead"),
    (["lora.rnk=4"], r"unknown key 'lora.rnk' \(in t2l/conf/lora/default.yaml.*did you mean lora.rank\?"),
    (["library.budget.lrr=1"], r"schema LoRATrainBudget\); did you mean library.budget.lr\?"),
    (["seeed=1"], r"unknown key 'seeed' \(in t2l/conf/train.yaml, schema TrainConfig\); did you mean seed\?"),
    (["benchmark.limit=3"], r"the 'benchmark' keys exist only with experiment=benchmark"),
    (["experiment=benchmark", "benchmark.limitt=3"], r"schema BenchmarkConfig\); did you mean benchmark.limit\?"),
    (["hypernet=XL"], r"unknown hypernet 'XL'; choose one of t2l/conf/hypernet/\*.yaml: L, M, S"),
    (["experiment=nope"], r"unknown experiment 'nope'; choose one of t2l/conf/experiment/\*.yaml"),
])
def test_bad_keys_and_groups_are_one_line_naming_the_fix(overrides, message):
    with pytest.raises(T2LError, match=message) as err:
        compose("train", overrides)
    assert "\n" not in str(err.value)


def test_defaults_live_in_the_dataclasses():
    """What train.py composes is exactly what a notebook gets from the dataclasses' defaults; the schemas
    type the groups, so to_object hands over the dataclasses themselves."""
    cfg = compose("train", ["experiment=t2l_sft"])
    assert to_object(cfg.objective) == SFTObjective()
    assert to_object(cfg.hypernet) == HyperNetConfig(size="M")
    assert to_object(cfg.library.budget) == LoRATrainBudget()
    assert OmegaConf.to_object(cfg.lora) == LoRAConfig()
    recon = compose("train", ["experiment=t2l_recon"])
    assert to_object(recon.objective) == ReconObjective()
    assert to_object(recon.hypernet) == HyperNetConfig(size="M", init_head_weights="small")
    whole = OmegaConf.to_object(recon)
    assert isinstance(whole.objective, ReconObjective) and isinstance(whole.data, TaskSources)
    lorahub = compose("lorahub", [])
    assert {f.name: lorahub[f.name] for f in dataclasses.fields(LoraHubSettings)} == dataclasses.asdict(LoraHubSettings())
    evaluation = compose("eval", [])
    assert (evaluation.limit, evaluation.batch_size, evaluation.eval_split) == (
        EvalSettings.limit, EvalSettings.batch_size, EvalSettings.split)


def test_the_benchmarks_t2l_builds_are_experiments():
    """benchmark.t2l.<row>.experiment names a t2l/conf/experiment/ file: the CPU-budget SFT row is t2l_sft
    plus its budget, the recon row t2l_recon itself."""
    rows = BenchmarkConfig().t2l
    sft = compose("train", [f"experiment={rows['t2l_sft_M'].experiment}"])
    assert to_object(sft.objective) == SFTObjective(max_steps=100, val_tasks=0, max_train_examples=64, lr=1.0e-4,
                                                     head_lr=3.0e-5)
    assert to_object(sft.hypernet) == HyperNetConfig(size="M") and (sft.job, sft.split) == ("t2l", "bigbench_train")
    recon = compose("train", [f"experiment={rows['t2l_recon'].experiment}"])
    assert to_object(recon.objective) == ReconObjective()
    assert to_object(recon.hypernet) == HyperNetConfig(size="M", init_head_weights="small")


def test_a_composed_objective_of_unknown_kind_fails_naming_the_choices():
    cfg = compose("train", ["objective.objective=nope"])
    with pytest.raises(T2LError, match=r"objective 'nope' is unknown; choose one of t2l/conf/objective"):
        to_object(cfg.objective)


def test_group_files_only_override():
    """No t2l/conf/ group file repeats a default: every key it sets differs from its schema's default."""
    checks = {"objective/sft.yaml": SFTObjective(), "objective/recon.yaml": ReconObjective(),
              "lora/default.yaml": LoRAConfig(), "hypernet/L.yaml": HyperNetConfig(), "hypernet/S.yaml": HyperNetConfig()}
    import yaml

    for path, defaults in checks.items():
        data = yaml.safe_load((CONF / path).read_text())
        data.pop("defaults")
        for key, value in data.items():
            assert value != getattr(defaults, key), f"t2l/conf/{path} repeats the default {key}={value!r}"


def test_one_device_key_reaches_the_trainer():
    from t2l.app.config import trainer_arguments

    assert trainer_arguments(compose("train", ["device=cpu"]))["accelerator"] == "cpu"
    assert "accelerator" not in trainer_arguments(compose("train", ["device=auto"]))  # Lightning's own auto
    with pytest.raises(T2LError, match="device 'tpu9' is unknown"):
        from t2l.app.config import resolve_device

        resolve_device("tpu9")


def test_a_trainer_key_lightning_does_not_know_is_refused():
    from t2l.training.trainer import check_trainer_arguments

    with pytest.raises(T2LError, match="trainer.precison is not a pytorch_lightning.Trainer argument"):
        check_trainer_arguments({"precison": "bf16-mixed"})
    with pytest.raises(T2LError, match="trainer.max_steps is set from the run's budget"):
        check_trainer_arguments({"max_steps": 3})


def run_train(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "train.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("args, message", [
    (["experiment=t2l_sft", "objective.lrr=1e-3"], "error: unknown key 'objective.lrr' (in t2l/conf/objective/sft.yaml"),
    (["experiment=library", "library.budget.rank=4"], "'rank' is a key of lora.rank"),
    ([], "error: no job to run (job=None); choose an experiment: benchmark, library"),
])
def test_train_py_bad_input_is_one_line_before_any_model_loads(args, message):
    proc = run_train(*args)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr  # one line, no traceback, nothing loaded
    assert proc.stdout == ""


def test_training_refuses_a_bank_that_describes_a_held_out_task(tmp_path):
    """Contamination through descriptions: one clear line, and no output directory is created."""
    import json

    from t2l.app.jobs import run
    from tests.helpers.experiments import compose_train, tiny_overrides

    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "x.jsonl").write_text(json.dumps({"task": "navigate", "descriptions": ["Walk and see."]}) + "\n")
    cfg = compose_train(*tiny_overrides("t2l_sft", tmp_path), f"data.descriptions_dir={bank}")
    with pytest.raises(T2LError, match=r"describes held-out tasks \['navigate'\] \(contamination\)"):
        run(cfg)
    cfg = compose_train(*tiny_overrides("t2l_sft", tmp_path), "data.descriptions_dir=" + str(EVAL_BANK))
    with pytest.raises(T2LError, match="training never reads it"):
        run(cfg)
    assert not (tmp_path / "t2l_sft").exists()
