"""Every t2l/conf/experiment/*.yaml composes, and every one the offline bundle can run trains two steps.

The experiment list is read from disk, so a new experiment file is covered without touching this file:
it must compose, and it must run two steps on tiny_random with the tiny overrides (tests/helpers/experiments.py)
unless it is named in COMPOSE_ONLY (with the reason). Runs go in-process through t2l.app.jobs.run, the function
train.py calls, with the same Hydra config train.py composes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from t2l.lora.peft_io import load_adapter_weights
from t2l.lora.spec import LoRASpec
from t2l.models.bundle import T2L
from tests.helpers.experiments import TASKS, compose_train, tiny_overrides
from tests.helpers.paths import CONF
from tests.helpers.specs import base_spec

EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
# Experiments that need more than the offline bundle (hub models, a GPU): composed and checked only.
# The 7B-class experiments: their code path runs two steps on tiny random models of their architectures
# (test_paper_experiments_run_two_steps_on_their_architecture).
PAPER = {"t2l_sft_mistral": "tiny_random_mistral", "t2l_sft_llama31_8b": "tiny_random",
         "t2l_sft_gemma2_2b": "tiny_random_gemma2"}
COMPOSE_ONLY = {**{name: "a 7B-class base + gte-large from the hub, bf16 on a GPU" for name in PAPER},
                **{name: "fetches from the hub; runs offline from a hub-like mirror in tests/integration/test_fetch.py"
                   for name in ("paper_recon_mistral", "paper_sft_mistral")},
                "benchmark": "runs end to end on tiny_random in tests/integration/test_benchmark.py "
                             "(needs its own held-out split)"}
# Experiments that read what another one writes: run that one first (same library dir).
PREREQUISITES = {"t2l_recon": "library", "t2l_pool_recon": "library"}


def test_experiment_files_are_found():
    assert {"library", "multitask", "oracle", "t2l_sft", "t2l_recon", "t2l_sft_mistral"} <= set(EXPERIMENTS)
    assert set(COMPOSE_ONLY) <= set(EXPERIMENTS), "COMPOSE_ONLY names an experiment that no longer exists"


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_composes_with_defaults_and_resolves(name):
    text = (CONF / "experiment" / f"{name}.yaml").read_text()
    assert "# @package _global_" in text.splitlines()[0], "experiment files start with `# @package _global_`"
    cfg = compose_train(f"experiment={name}")
    from t2l.app.jobs import JOBS

    assert cfg.job in JOBS  # the one job list; train.py dispatches through it
    resolved = OmegaConf.to_container(cfg, resolve=True)  # every interpolation resolves
    assert resolved["out_dir"] == f"outputs/{resolved['run']}"
    # The LoRA every experiment trains or generates is the method's: q/v, rank 8, alpha 16, rsLoRA.
    spec = LoRASpec.for_base(base_spec(cfg.base_model.name), **{
        k: tuple(v) if isinstance(v, list) else v for k, v in resolved["lora"].items()})
    # paper_recon_mistral reconstructs the Lots-of-LoRAs adapters, which are rank 16.
    rank = 16 if name == "paper_recon_mistral" else 8
    assert (spec.target_modules, spec.rank, spec.alpha, spec.use_rslora) == (("q_proj", "v_proj"), rank, 16, True)
    if cfg.job == "t2l":
        assert cfg.objective.objective in ("sft", "recon") and cfg.hypernet.size in ("L", "M", "S")


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_composes_with_tiny_overrides(name, tmp_path):
    cfg = compose_train(*tiny_overrides(name, tmp_path))
    assert cfg.base_model.name == "tiny_random" and list(cfg.tasks) == list(TASKS)
    assert cfg.objective.max_steps == 2 and cfg.library.budget.max_steps == 2
    OmegaConf.to_container(cfg, resolve=True)


def test_mistral_experiment_is_the_paper_setting():
    from t2l.models.hypernet import hypernet_param_count

    cfg = compose_train("experiment=t2l_sft_mistral")
    assert cfg.job == "t2l" and cfg.objective.objective == "sft"
    assert cfg.base_model.name == "mistral_7b_instruct_v02"
    assert cfg.base_model.model_id == "mistralai/Mistral-7B-Instruct-v0.2"
    assert cfg.encoder.name == "gte_large" and cfg.encoder.model_id == "Alibaba-NLP/gte-large-en-v1.5"
    assert cfg.encoder.dim == 1024
    # gte-large runs custom modelling code from the hub: the experiment must say so explicitly.
    assert cfg.encoder.trust_remote_code is True
    # Mistral is native to transformers: no remote code is trusted for the base model.
    assert cfg.base_model.trust_remote_code is False
    assert cfg.precision == "bf16"
    # The reference's recipe (t2l/conf/objective/sft_paper.yaml).
    assert cfg.objective.lr == pytest.approx(2.5e-5) and cfg.objective.label_smoothing == pytest.approx(0.1)
    assert (cfg.objective.tasks_per_batch, cfg.objective.samples_per_task) == (8, 1) and cfg.hypernet.size == "M"
    assert cfg.objective.warmup_fraction == pytest.approx(0.2) and cfg.objective.neftune_alpha == 5
    assert cfg.objective.weight_decay == pytest.approx(0.01) and cfg.objective.l2_weight == pytest.approx(1e-3)
    h = OmegaConf.to_container(cfg.hypernet, resolve=True)
    lora = OmegaConf.to_container(cfg.lora, resolve=True)
    count = hypernet_param_count(base_spec("mistral_7b_instruct_v02"), lora, int(cfg.encoder.dim), h.pop("size"), **h)
    assert abs(count - 34.4e6) / 34.4e6 < 0.05, count


JOB_RESULT_KEYS = {"library": {"adapters", "improved"}, "oracle": {"adapters", "improved"}, "multitask": {"adapter"},
                   "t2l": {"bundle", "steps"}}


def assert_trained(weights: dict) -> None:
    """A LoRA starts with B = 0 (a no-op); after its training steps every B has moved."""
    for key, tensor in weights.items():
        if key.endswith(".B"):
            assert float(tensor.abs().max()) > 0, f"{key} is still zero: the stored adapter is the untrained init"


@pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM
@pytest.mark.parametrize("name", [n for n in EXPERIMENTS if n not in COMPOSE_ONLY])
def test_runs_two_steps_on_tiny_random(name, tmp_path):
    from t2l.app.jobs import run as train

    if name in PREREQUISITES:
        train(compose_train(*tiny_overrides(PREREQUISITES[name], tmp_path)))
    cfg = compose_train(*tiny_overrides(name, tmp_path))
    result = train(cfg)
    # what train.py's job returns, exactly (t2l.app.builds): a key lost or renamed is a changed contract
    assert set(result) == JOB_RESULT_KEYS[cfg.job], (cfg.job, result)
    base = base_spec("tiny_random")
    spec = LoRASpec.for_base(base)
    lib = tmp_path / "lib"
    if cfg.job in ("library", "oracle"):
        namespace = "oracle" if cfg.job == "oracle" else "tasks"
        entries = json.loads((lib / "manifest.json").read_text())["entries"][namespace]
        assert set(entries) == set(TASKS) and result["adapters"] == len(TASKS)
        assert 0 <= result["improved"] <= len(TASKS)
        for entry in entries.values():
            assert 0 < entry["steps"] <= 2
            assert_trained(load_adapter_weights(lib / entry["path"], base, expect=spec)[0])
    elif cfg.job == "multitask":
        weights, _, base_id = load_adapter_weights(result["adapter"], base, expect=spec)
        assert base_id == base.model_id
        assert_trained(weights)
    elif cfg.job == "t2l":
        assert result["steps"] == 2
        t2l = T2L.from_pretrained(result["bundle"], base=base, lora=spec)
        assert t2l.training["objective"] == cfg.objective.objective and t2l.training["steps"] == 2
        assert Path(result["bundle"]) == tmp_path / name / "hypernet"
    else:  # a new job kind: at least it ran; teach this test what it writes
        pytest.fail(f"experiment {name} has job {cfg.job!r}, which this test does not know how to check")
    assert list((tmp_path / "logs").rglob("metrics.csv")), "the CSV logger wrote nothing"


@pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM
@pytest.mark.parametrize("name", sorted(PAPER))
def test_paper_experiments_run_two_steps_on_their_architecture(name, tmp_path):
    """The 7B-class experiment as composed (recipe, bf16 autocast, compile flag), on a tiny random model
    built from the same transformers class as its base, with MiniLM instead of gte-large (hub-only)."""
    from t2l.app.jobs import run as train

    tiny = PAPER[name]
    overrides = [o for o in tiny_overrides(name, tmp_path) if not o.startswith("base_model=")]
    cfg = compose_train(*overrides, f"base_model={tiny}", "encoder=minilm")
    assert cfg.precision == "bf16" and cfg.objective.compile_hypernet is True   # the GPU path, as configured
    result = train(cfg)
    assert result["steps"] == 2
    bundle = T2L.from_pretrained(tmp_path / name / "hypernet")
    assert bundle.base["name"] == tiny and bundle.training["settings"]["neftune_alpha"] == 5
