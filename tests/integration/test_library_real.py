"""A few LoRA training steps on the real SmolLM2 with a real BIG-bench task, through the library.

What is checked is what the library promises, not bounds any number satisfies: the stored adapter was
trained (every B is non-zero; B starts at zero), the manifest's validation numbers are what the base model
and the stored adapter score, and peft's loading of the written directory gives the logits of our
in-process application (t2l.lora.apply), rsLoRA scaling included.
"""

from __future__ import annotations

import json

import pytest
import torch
from peft import PeftModel

from t2l.assets import require
from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.lora.apply import apply_lora
from t2l.lora.library import Library
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE, load_adapter_weights
from t2l.lora.spec import LoRASpec
from t2l.tasks.batching import pad_batch
from t2l.tasks.prompts import sft_features
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.training.lora_library import LoRATrainBudget, train_library

TASK = "implicatures"   # a training-pool task among ../shared/data/bigbench's 22
pytestmark = [pytest.mark.real_assets, pytest.mark.real_bigbench(TASK)]

LOGITS_ATOL = 1e-5      # fp32 logits of magnitude ~10-30 (measured: equal bit for bit); the adapter moves them by ~13


def test_library_trains_a_real_task_on_smollm2(smollm2, tmp_path):
    model, tokenizer, spec = smollm2
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench"))))
    lora = LoRASpec.for_base(spec)
    library = Library(tmp_path / "lib", spec, lora)
    # No warmup (lr 1e-3 from step 1) so that 2 steps move the adapter well past the logits tolerance;
    # keep_base_if_worse off: this test is about training and export, the keep rule has its own tests.
    budget = LoRATrainBudget(max_steps=2, batch_size=2, max_length=96, val_every=2, val_examples=4,
                             max_train_examples=8, warmup_steps=0, keep_base_if_worse=False)
    train_library(library, [TASK], catalog.load, model, tokenizer, budget, chat=True)
    entry = library.entries()[TASK]
    assert entry["steps"] == 2 and entry["train_examples"] == 8
    library.verify()
    assert not any(name.endswith("lora_A") for name, _ in model.named_modules())  # the LoRA was unloaded

    directory = library.adapter_dir("tasks", TASK)
    config = json.loads((directory / ADAPTER_CONFIG_FILE).read_text())
    assert config["use_rslora"] is True and config["r"] == lora.rank and config["lora_alpha"] == lora.alpha
    weights, _, base_id = load_adapter_weights(directory, spec, expect=lora)
    assert base_id == spec.model_id
    for module in lora.target_modules:   # B starts at zero: non-zero in every layer means it was trained
        per_layer = weights[f"{module}.B"].flatten(1).abs().amax(dim=1)
        assert per_layer.shape == (lora.num_layers,) and bool((per_layer > 0).all()), (module, per_layer)

    # The manifest's numbers are the scores of the base model and of the stored adapter (the same scorer,
    # validation split, val_examples examples), not just numbers in [0, 1].
    task = catalog.load(TASK)
    settings = EvalSettings(chat=True, split="validation", limit=budget.val_examples, progress=False)
    assert evaluate_task(model, tokenizer, task, settings)[0]["accuracy"] == entry["val_before"]
    with apply_lora(model, {k: v[None] for k, v in weights.items()}, lora):
        assert evaluate_task(model, tokenizer, task, settings)[0]["accuracy"] == entry["val_after"]
    assert entry["val_gain"] == pytest.approx(entry["val_after"] - entry["val_before"])

    # peft's loading of the written dir == our in-process application, on a padded batch of real prompts.
    batch = pad_batch([sft_features(tokenizer, ex, True, 96) for ex in task.validation[:3]], tokenizer.pad_token_id)
    mask = batch["attention_mask"].bool()
    assert not bool(mask.all())   # rows of different lengths: padding is exercised
    with torch.no_grad():
        plain = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[mask]
        with apply_lora(model, {k: v[None] for k, v in weights.items()}, lora):
            ours = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[mask]
        peft_model = PeftModel.from_pretrained(model, str(directory)).eval()
        try:
            assert peft_model.peft_config["default"].use_rslora
            theirs = peft_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[mask]
        finally:
            peft_model.unload()
    assert not any(name.endswith("lora_A") for name, _ in model.named_modules())
    effect = float((ours - plain).abs().max())
    assert effect > 100 * LOGITS_ATOL, effect   # the comparison below could not pass by the adapter doing nothing
    torch.testing.assert_close(theirs, ours, atol=LOGITS_ATOL, rtol=0)
