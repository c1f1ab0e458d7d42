"""T2L-SFT training step vs a plain peft LoRA step, same base model and batch (tokens/s).

    python bench/t2l_sft_step.py [--steps 4]

Rows (real SmolLM2-135M-Instruct fp32, batch = 4 tasks x 2 examples, length-grouped, <= 192 tokens):
  peft-lora    : one shared peft LoRA (q/v r8), forward + backward + AdamW step
  t2l-sft      : hypernet M generates a LoRA per task, t2l.lora.apply.apply_lora per sample, same loss, step
  naive-loop   : the same T2L step, but each sample runs alone (batch 1) with its own adapter
One warm-up step each is excluded. Writes bench/results/t2l_sft_step.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    import yaml
    from peft import get_peft_model

    from t2l.assets import require
    from t2l.lora.apply import apply_lora
    from t2l.lora.peft_io import to_peft_config
    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec, load_base
    from t2l.models.encoder import TaskEncoder
    from t2l.models.hypernet import HyperNet
    from t2l.tasks.batching import TaskBalancedBatches, task_batch
    from t2l.tasks.prompts import sft_features
    from t2l.tasks.registry import TaskCatalog, TaskSources

    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "conf/base_model/smollm2_135m.yaml").read_text()))
    spec = LoRASpec.for_base(base)
    model, tokenizer = load_base(base)
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench"))))
    tasks = [catalog.load(n) for n in ["social_iqa", "implicatures", "anachronisms", "strategyqa"]]
    features = [[sft_features(tokenizer, ex, True, 192) for ex in t.train[:64]] for t in tasks]
    sampler = TaskBalancedBatches([len(f) for f in features], 4, 2, seed=0)
    batches = [task_batch(sampler.batch(k), features, tokenizer.pad_token_id) for k in range(args.steps + 1)]
    encoder = TaskEncoder.from_config(yaml.safe_load((REPO / "conf/encoder/minilm.yaml").read_text()))
    emb = encoder.encode([t.description for t in tasks])

    def ce(logits, labels):
        return F.cross_entropy(logits[:, :-1].flatten(0, 1), labels[:, 1:].flatten(), ignore_index=-100)

    def timed(step_fn):
        seconds, tokens = 0.0, 0
        for i, batch in enumerate(batches):
            t0 = time.perf_counter()
            step_fn(batch)
            if i > 0:
                seconds += time.perf_counter() - t0
                tokens += int(batch["attention_mask"].sum())
        return tokens / seconds

    rows = {}
    peft_model = get_peft_model(model, to_peft_config(spec, base.model_id))
    opt = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=1e-4)

    def peft_step(batch):
        ce(peft_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, batch["labels"]).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    rows["peft-lora"] = timed(peft_step)
    model = peft_model.unload()
    hypernet = HyperNet(spec, encoder.dim, size="M", init_head_weights="small")
    hopt = torch.optim.AdamW(hypernet.parameters(), lr=3e-5)

    def t2l_step(batch):
        weights = hypernet(emb[batch["task_ids"]])
        with apply_lora(model, weights, spec, rows=batch["rows"]):
            loss = ce(model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, batch["labels"])
        loss.backward()
        hopt.step()
        hopt.zero_grad(set_to_none=True)

    def naive_step(batch):
        weights = hypernet(emb[batch["task_ids"]])
        for r in range(batch["input_ids"].shape[0]):
            n = int(batch["attention_mask"][r].sum())
            one = {k: v[batch["rows"][r]:batch["rows"][r] + 1] for k, v in weights.items()}
            with apply_lora(model, one, spec):
                loss = ce(model(input_ids=batch["input_ids"][r:r + 1, :n]).logits, batch["labels"][r:r + 1, :n])
            loss.backward(retain_graph=True)
        hopt.step()
        hopt.zero_grad(set_to_none=True)

    rows["t2l-sft"] = timed(t2l_step)
    rows["naive-loop"] = timed(naive_step)
    report = {"machine": f"x86_64, {torch.get_num_threads()} torch threads", "torch": torch.__version__,
              "batch": "4 tasks x 2 examples", "steps_timed": args.steps,
              "tokens_per_s": {k: round(v, 1) for k, v in rows.items()},
              "t2l_over_peft": round(rows["t2l-sft"] / rows["peft-lora"], 3),
              "naive_over_peft": round(rows["naive-loop"] / rows["peft-lora"], 3)}
    print(json.dumps(report, indent=2))
    (REPO / "bench" / "results" / "t2l_sft_step.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
