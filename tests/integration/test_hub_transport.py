"""Contract of `fetch.source=hub` (t2l.app.fetch.HubTransport) with the installed huggingface_hub.

The paper's setup as users run it (`experiment=paper_recon_mistral`, whose lora.rank is 16 like the
Lots-of-LoRAs "r16" adapters), on tiny_random instead of Mistral, with huggingface_hub replaced only at its
network boundary (tests/helpers/fake_hub.py): HubTransport lists the org and calls the real
snapshot_download. The hub serves rank-16 adapters saved by real peft; they must reach the library as
they are - rank 16, the same tensors - and train T2L at rank 16, never cast to the default rank 8.
"""

from __future__ import annotations

import json
import shutil

import pytest
import safetensors.torch
import torch

from t2l.lora.peft_io import ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE
from tests.helpers.experiments import TINY, compose_train
from tests.helpers.fake_hub import FakeHub
from tests.helpers.paths import FIXTURES
from tests.helpers.specs import base_spec

pytestmark = pytest.mark.real_assets  # tiny_random uses SmolLM2's tokenizer; MiniLM

ORG = "Lots-of-LoRAs"
TASKS = ["task2_toy_qa", "task7_toy_qa_again"]
RANK = 16


def peft_adapter(out, seed: int):
    """A rank-16 q/v LoRA of tiny_random saved by peft itself (random A and B, so equality means something)."""
    from peft import LoraConfig, get_peft_model

    from t2l.models.base import load_base

    base = base_spec("tiny_random")
    model, _ = load_base(base)
    torch.manual_seed(seed)
    config = LoraConfig(r=RANK, lora_alpha=16, use_rslora=True, lora_dropout=0.05, target_modules=["q_proj", "v_proj"],
                        task_type="CAUSAL_LM", init_lora_weights=False)
    peft_model = get_peft_model(model, config)
    # the base id a hub adapter carries (peft takes it from a model loaded by name; this one is built from a config)
    peft_model.peft_config["default"].base_model_name_or_path = base.model_id
    peft_model.save_pretrained(out)
    assert json.loads((out / ADAPTER_CONFIG_FILE).read_text())["base_model_name_or_path"] == base.model_id
    return out


def fake_hub(tmp_path) -> FakeHub:
    hub = FakeHub()
    for i, name in enumerate(TASKS):
        data = shutil.copytree(FIXTURES / "sni" / "lol" / "task2_toy_qa", tmp_path / "hub" / "datasets" / name)
        hub.add("dataset", f"{ORG}/{name}", data)
        repo = f"Mistral-7B-Instruct-v0.2-4b-r16-task{name.split('_')[0][4:]}"
        hub.add("model", f"{ORG}/{repo}", peft_adapter(tmp_path / "hub" / "models" / repo, seed=i))
    hub.add("dataset", f"{ORG}/task9_no_adapter", tmp_path / "hub" / "datasets" / TASKS[0])
    return hub


def hub_cfg(tmp_path, *extra):
    tiny = [o for o in TINY if not o.startswith(("base_model=", "tasks=", "data.bigbench_dir"))]
    return compose_train("experiment=paper_recon_mistral", *tiny, "base_model=tiny_random", "encoder=minilm",
                         "precision=fp32", "fetch.source=hub", f"fetch.cache={tmp_path / 'cache'}",
                         f"library.dir={tmp_path / 'lib'}", f"out_dir={tmp_path / 'run'}",
                         f"logger.save_dir={tmp_path / 'logs'}", "objective.val_tasks=0", *extra)


def test_hub_adapters_are_imported_as_they_are_and_trained_on(tmp_path, monkeypatch):
    from t2l.app.jobs import run as train
    from t2l.models.bundle import T2L

    hub = fake_hub(tmp_path)
    hub.install(monkeypatch, tmp_path / "hf-cache")
    cfg = hub_cfg(tmp_path)
    assert cfg.fetch.source == "hub" and cfg.lora.rank == RANK   # the experiment's own rank, not overridden
    assert train(cfg)["steps"] == 2

    assert ("list_models", ORG) in hub.calls and ("list_datasets", ORG) in hub.calls
    downloaded = {(c[1], c[2].split("/")[1]) for c in hub.calls if c[0] == "download"}
    assert {("dataset", t) for t in TASKS} <= downloaded and ("dataset", "task9_no_adapter") not in downloaded
    manifest = json.loads((tmp_path / "lib" / "manifest.json").read_text())["entries"]["tasks"]
    assert sorted(manifest) == TASKS
    for i, name in enumerate(TASKS):
        repo = f"Mistral-7B-Instruct-v0.2-4b-r16-task{name.split('_')[0][4:]}"
        fetched = tmp_path / "cache" / "models" / repo
        assert (fetched / ".cache" / "huggingface").is_dir()   # snapshot_download's own bookkeeping, left out of:
        checksums = json.loads((tmp_path / "cache" / "fetched.json").read_text())[f"model:{ORG}/{repo}"]
        assert set(checksums) == {ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, "README.md"}
        imported = tmp_path / "lib" / manifest[name]["path"]
        assert json.loads((imported / ADAPTER_CONFIG_FILE).read_text())["r"] == RANK
        assert manifest[name]["lora"]["rank"] == RANK
        published = safetensors.torch.load_file(str(tmp_path / "hub" / "models" / repo / ADAPTER_WEIGHTS_FILE))
        stored = safetensors.torch.load_file(str(imported / ADAPTER_WEIGHTS_FILE))
        assert stored.keys() == published.keys() and all(torch.equal(stored[k], published[k]) for k in published)
        assert published["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"].shape == (RANK, 64)
    bundle = T2L.from_pretrained(tmp_path / "run" / "hypernet")
    assert bundle.spec.rank == RANK and bundle.training["tasks"] == TASKS
    assert bundle.generate(["Answer the question."])["q_proj.A"].shape == (1, 2, RANK, 64)


def test_a_rank_the_config_does_not_expect_is_refused_not_cast(tmp_path, monkeypatch):
    """lora.rank=8 against the hub's rank-16 adapters: the import stops naming both ranks and the fix."""
    from t2l.app.jobs import run as train
    from t2l.errors import T2LError

    fake_hub(tmp_path).install(monkeypatch, tmp_path / "hf-cache")
    with pytest.raises(T2LError, match=r"has lora rank=16 but 8 is expected; set lora\.rank=16 to use it"):
        train(hub_cfg(tmp_path, "lora.rank=8"))
    assert not (tmp_path / "lib" / "tasks").exists() or not any((tmp_path / "lib" / "tasks").iterdir())
