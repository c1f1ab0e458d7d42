"""A few LoRA training steps on the real SmolLM2 with a real BIG-bench task, through the library."""

from __future__ import annotations

import pytest
from peft import PeftModel

from t2l.assets import require
from t2l.lora.library import Library
from t2l.lora.spec import LoRASpec
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.training.lora_library import LoRATrainBudget, train_library

pytestmark = pytest.mark.real_assets


def test_library_trains_a_real_task_on_smollm2(smollm2, tmp_path):
    model, tokenizer, spec = smollm2
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench"))))
    library = Library(tmp_path / "lib", spec, LoRASpec.for_base(spec))
    budget = LoRATrainBudget(max_steps=2, batch_size=2, max_length=96, val_every=2, val_examples=4,
                             max_train_examples=8)
    train_library(library, ["anachronisms"], catalog.load, model, tokenizer, budget, chat=True)
    entry = library.entries()["anachronisms"]
    assert entry["steps"] == 2 and entry["train_examples"] == 8
    assert 0.0 <= entry["val_before"] <= 1.0 and 0.0 <= entry["val_after"] <= 1.0
    library.verify()
    assert not any(name.endswith("lora_A") for name, _ in model.named_modules())  # the LoRA was unloaded
    peft_model = PeftModel.from_pretrained(model, str(library.adapter_dir("tasks", "anachronisms")))
    try:
        assert peft_model.peft_config["default"].use_rslora
    finally:
        peft_model.unload()
