"""LoRA training step throughput: t2l's Lightning module vs a plain hand-written torch + peft loop.

    python bench/lora_train_throughput.py [--steps 12] [--task social_iqa]

Same base model (real SmolLM2-135M-Instruct, fp32, peft LoRA r8 q/v rsLoRA), same batches in the same
order (length-grouped, batch 4, max 192 tokens), same optimiser; one warm-up step each is excluded.
Also reports the padding waste of random batches vs length-grouped ones.
Writes bench/results/lora_train_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from functools import partial
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class Timer:
    """Lightning callback timing each train batch after the first (warm-up)."""

    def __init__(self):
        import pytorch_lightning as pl

        outer = self

        class _CB(pl.Callback):
            def on_train_batch_start(self, trainer, module, batch, idx):
                outer.t0 = time.perf_counter()

            def on_train_batch_end(self, trainer, module, outputs, batch, idx):
                if idx > 0:
                    outer.seconds += time.perf_counter() - outer.t0
                    outer.tokens += int(batch["attention_mask"].sum())

        self.seconds, self.tokens, self.t0 = 0.0, 0, 0.0
        self.callback = _CB()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="social_iqa")
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=192)
    args = parser.parse_args()

    import pytorch_lightning as pl
    import yaml
    from peft import get_peft_model
    from torch.utils.data import DataLoader

    from t2l.assets import require
    from t2l.eval.scoring import EvalSettings
    from t2l.lora.peft_io import to_peft_config
    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec, load_base
    from t2l.tasks.batching import LengthGroupedBatches, pad_batch, padding_waste
    from t2l.tasks.prompts import sft_features
    from t2l.tasks.registry import TaskCatalog, TaskSources
    from t2l.training.modules import TaskLoRAModule

    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    spec = LoRASpec.for_base(base)
    model, tokenizer = load_base(base)
    task = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench")))).load(args.task)
    features = [sft_features(tokenizer, ex, True, args.max_length) for ex in task.train]
    lengths = [len(f["input_ids"]) for f in features]
    grouped = LengthGroupedBatches(lengths, args.batch_size, seed=0)
    order = list(range(len(features)))
    random.Random(0).shuffle(order)
    random_batches = [order[i:i + args.batch_size] for i in range(0, len(order), args.batch_size)]
    batches = grouped.batches()[: args.steps + 1]
    collate = partial(pad_batch, pad_id=tokenizer.pad_token_id)

    def fresh_peft():
        torch.manual_seed(0)
        return get_peft_model(model, to_peft_config(spec, base.model_id))

    # Plain loop.
    peft_model = fresh_peft()
    peft_model.train()
    opt = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=5e-4)
    plain_s, plain_tokens = 0.0, 0
    for i, b in enumerate(batches):
        batch = collate([features[j] for j in b])
        t0 = time.perf_counter()
        loss = peft_model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i > 0:
            plain_s += time.perf_counter() - t0
            plain_tokens += int(batch["attention_mask"].sum())
    model_base = peft_model.unload()

    # Lightning, same batches.
    peft_model = get_peft_model(model_base, to_peft_config(spec, base.model_id))
    module = TaskLoRAModule(peft_model, tokenizer, [task], EvalSettings(progress=False), lr=5e-4)
    timer = Timer()
    loader = DataLoader(features, batch_sampler=batches, collate_fn=collate)
    trainer = pl.Trainer(max_steps=len(batches), logger=False, enable_checkpointing=False, limit_val_batches=0,
                         enable_progress_bar=False, enable_model_summary=False, callbacks=[timer.callback],
                         accelerator="cpu", devices=1)
    trainer.fit(module, loader)

    plain_tps, lightning_tps = plain_tokens / plain_s, timer.tokens / timer.seconds
    report = {
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads", "torch": torch.__version__,
        "task": args.task, "steps_timed": len(batches) - 1, "batch_size": args.batch_size, "max_length": args.max_length,
        "plain_tokens_per_s": round(plain_tps, 1), "lightning_tokens_per_s": round(lightning_tps, 1),
        "lightning_over_plain": round(lightning_tps / plain_tps, 3),
        "padding_waste_random_batches": round(padding_waste(lengths, random_batches), 3),
        "padding_waste_length_grouped": round(padding_waste(lengths, grouped.batches()), 3),
    }
    print(json.dumps(report, indent=2))
    (REPO / "bench" / "results" / "lora_train_throughput.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
