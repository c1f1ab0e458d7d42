"""T2L-SFT and library LoRA training steps: full-vocabulary logits vs answer-only logits, fp32 vs bf16.

    python bench/t2l_sft_step.py [--steps 4]

Same real SmolLM2-135M-Instruct, same batches (4 tasks x 2 examples, <= 192 tokens, seeded), same
initial weights. Each row runs in its own process, so its peak RSS is its own; one warm-up step is
excluded from tokens/s. Rows:
  t2l-full      : hypernet M generates a LoRA per task, per-sample apply, logits over every position (before)
  t2l-answer    : the same step with t2l.training.losses.answer_loss (the LM head on answer positions only)
  t2l-answer-bf16 : the same under bf16 autocast
  peft-full     : one shared peft LoRA (q/v r8), logits everywhere (the library step before)
  peft-answer   : the same with answer_loss (the library step now; the floor a T2L step is compared with)
The first step's loss of the full and answer-only rows must agree within 1e-5.
Writes bench/results/t2l_sft_step.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
ROWS = ("t2l-full", "t2l-answer", "t2l-answer-bf16", "peft-full", "peft-answer")
TASKS = ["social_iqa", "implicatures", "anachronisms", "strategyqa"]


def run_row(row: str, steps: int) -> dict:
    import contextlib

    import torch
    import torch.nn.functional as F
    import yaml

    from t2l.assets import require
    from t2l.lora.apply import apply_lora
    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec, load_base
    from t2l.models.encoder import TaskEncoder
    from t2l.models.hypernet import HyperNet
    from t2l.tasks.batching import TaskBalancedBatches, task_batch
    from t2l.tasks.prompts import sft_features
    from t2l.tasks.registry import TaskCatalog, TaskSources
    from t2l.tasks.schema import IGNORE_INDEX
    from t2l.training.losses import answer_loss

    torch.manual_seed(0)
    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    spec = LoRASpec.for_base(base)
    model, tokenizer = load_base(base)
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench"))))
    tasks = [catalog.load(n) for n in TASKS]
    features = [[sft_features(tokenizer, ex, True, 192) for ex in t.train[:64]] for t in tasks]
    sampler = TaskBalancedBatches([len(f) for f in features], 4, 2, seed=0)
    batches = [task_batch(sampler.batch(k), features, tokenizer.pad_token_id) for k in range(steps + 1)]

    def full_loss(lm, batch):
        logits = lm(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return F.cross_entropy(logits[:, :-1].flatten(0, 1).float(), batch["labels"][:, 1:].flatten(), ignore_index=IGNORE_INDEX)

    loss_fn = full_loss if row.endswith("full") else (lambda lm, b: answer_loss(lm, b))
    cast = torch.autocast("cpu", dtype=torch.bfloat16) if row.endswith("bf16") else contextlib.nullcontext()
    if row.startswith("peft"):
        from peft import get_peft_model

        from t2l.lora.peft_io import to_peft_config

        lm = get_peft_model(model, to_peft_config(spec, base.model_id))
        params = [p for p in lm.parameters() if p.requires_grad]

        def forward(batch):
            return loss_fn(lm, batch)
    else:
        encoder = TaskEncoder.from_config(yaml.safe_load((REPO / "t2l/conf/encoder/minilm.yaml").read_text()))
        emb = encoder.encode([t.description for t in tasks])
        hypernet = HyperNet(spec, encoder.dim, size="M", init_head_weights="small")
        params = list(hypernet.parameters())

        def forward(batch):
            weights = hypernet(emb[batch["task_ids"]])
            with apply_lora(model, weights, spec, rows=batch["rows"]):
                return loss_fn(model, batch)
    opt = torch.optim.AdamW(params, lr=1e-4)
    seconds, tokens, first_loss = 0.0, 0, None
    for i, batch in enumerate(batches):
        t0 = time.perf_counter()
        with cast:
            loss = forward(batch)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        first_loss = float(loss) if first_loss is None else first_loss
        if i > 0:
            seconds += time.perf_counter() - t0
            tokens += int(batch["attention_mask"].sum())
    return {"tokens_per_s": round(tokens / seconds, 1), "first_loss": first_loss,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--row", choices=ROWS)
    args = parser.parse_args()
    if args.row:
        print(json.dumps(run_row(args.row, args.steps)))
        return
    from t2l.hardware import BF16_CPU_FLAGS, cpu_flags, machine_line

    # Without bf16 instructions the bf16 row runs ~25x slower (emulated); 2 timed steps measure it well enough.
    bf16_native = any(f in cpu_flags() for f in BF16_CPU_FLAGS)
    rows = {}
    for row in ROWS:
        steps = args.steps if bf16_native or not row.endswith("bf16") else min(2, args.steps)
        out = subprocess.run([sys.executable, __file__, "--row", row, "--steps", str(steps)],
                             check=True, capture_output=True, text=True).stdout
        rows[row] = json.loads(out.strip().splitlines()[-1])
        print(row, rows[row], flush=True)
    speed = {k: v["tokens_per_s"] for k, v in rows.items()}
    report = {"machine": machine_line(), "bf16_instructions": bf16_native,
              "batch": "4 tasks x 2 examples, <= 192 tokens", "steps_timed": args.steps,
              "rows": rows,
              "t2l_answer_over_full": round(speed["t2l-answer"] / speed["t2l-full"], 3),
              "t2l_bf16_over_fp32": round(speed["t2l-answer-bf16"] / speed["t2l-answer"], 3),
              "floor_over_t2l_answer": round(speed["peft-answer"] / speed["t2l-answer"], 3),
              "library_answer_over_full": round(speed["peft-answer"] / speed["peft-full"], 3),
              "t2l_loss_diff": abs(rows["t2l-answer"]["first_loss"] - rows["t2l-full"]["first_loss"]),
              "library_loss_diff": abs(rows["peft-answer"]["first_loss"] - rows["peft-full"]["first_loss"])}
    print(json.dumps(report, indent=2))
    (REPO / "bench" / "results" / "t2l_sft_step.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
