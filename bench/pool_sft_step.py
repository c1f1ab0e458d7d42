"""T2L-SFT steps on the generated pool: peak memory and step time of the release recipe, beside a plain
peft LoRA step on the same batches.

    python bench/pool_sft_step.py [--steps 4] [--tasks-every 8]

Real SmolLM2-135M-Instruct and MiniLM, the `experiment=t2l_pool` objective read from its YAML (8 tasks x 2
examples, <= 96 tokens, bf16 autocast where the CPU has bf16 instructions, as precision=auto picks; LoRA
dropout 0, so the staged and the joint step draw no random masks and must end equal), batches
drawn from every `--tasks-every`-th pool task (the pool's length distribution; a subset so a fresh machine
builds it in seconds). Each row runs in its own process, so its peak RSS is its own; one warm-up step is
excluded from the step time. Rows:
  peft-answer     : one shared peft LoRA (q/v r8), the answer loss: the floor a T2L step is compared with
  t2l-answer      : T2LSFTModule.training_step with the answer loss only (no hinge, no ranking)
  t2l-pool        : T2LSFTModule.training_step with the recipe's hinge and choice ranking (staged backward:
                    one loss term's activations alive at a time)
  t2l-pool-joint  : the same loss as one graph and one backward (how steps ran until 2026-12-07)
t2l-pool and t2l-pool-joint must end with the same hypernetwork (checksum: the sum of |weights|, relative
difference printed); each row's peak RSS is printed.
Writes bench/results/pool_sft_step.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
ROWS = ("peft-answer", "t2l-answer", "t2l-pool", "t2l-pool-joint")


def recipe_settings(row: str):
    import yaml

    from t2l.training.settings import T2LTrainSettings

    objective = yaml.safe_load((REPO / "t2l/conf/experiment/t2l_pool.yaml").read_text())["objective"]
    objective = {k: v for k, v in objective.items() if not k.startswith("val_")}
    if row == "t2l-answer":
        objective.update(mismatch_weight=0.0, choice_weight=0.0)
    return T2LTrainSettings(**objective)


def pool_batches(settings, tokenizer, steps: int, every: int) -> tuple[list[dict], object]:
    """(steps + 1 seeded batches, the TrainingPool they come from)."""
    from t2l.tasks.batching import TaskBalancedBatches, task_batch
    from t2l.tasks.registry import TaskCatalog, TaskSources
    from t2l.training.pool import PoolOptions, training_pool

    catalog = TaskCatalog(TaskSources(bigbench_dir=os.environ.get("T2L_BIGBENCH_SOURCE")))
    names = catalog.split_names("pool")[::every]
    pool = training_pool(catalog, names, tokenizer, True, PoolOptions.of(settings))
    sampler = TaskBalancedBatches(pool.sizes(), settings.tasks_per_batch, settings.samples_per_task, seed=0)
    batches = [task_batch(sampler.batch(k), pool.features, tokenizer.pad_token_id, choices=pool.choices or None)
               for k in range(steps + 1)]
    return batches, pool


def joint_loss(module, batch):
    """The recipe's loss in one graph (every term's activations alive until the one backward)."""
    import torch

    from t2l.lora.apply import apply_lora
    from t2l.training.losses import choice_loss_terms

    s, base = module.settings, module._base
    weights = module.hypernet(module.sample_embeddings(batch["task_ids"]))
    with apply_lora(base, weights, module.spec, rows=batch["rows"], dropout=True):
        ce = module.answer_loss(batch)
    with apply_lora(base, weights, module.spec, rows=(batch["rows"] + 1) % len(batch["task_ids"]), dropout=True):
        wrong = module.answer_loss(batch)
    loss = ce + s.mismatch_weight * torch.relu(s.mismatch_margin + ce - wrong)
    if batch.get("choice") is not None:
        with apply_lora(base, weights, module.spec, rows=batch["choice"]["rows"], dropout=True):
            loss = loss + s.choice_weight * torch.div(*choice_loss_terms(base, batch["choice"])).to(ce.dtype)
    l2 = sum(w.pow(2).mean() for w in weights.values()) / len(weights)
    return loss + s.l2_weight * l2


def run_row(row: str, steps: int, every: int) -> dict:
    import torch
    import yaml

    from t2l.hardware import choose_precision
    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec, load_base
    from t2l.models.encoder import TaskEncoder
    from t2l.models.hypernet import HyperNet
    from t2l.training.hypernet_modules import T2LSFTModule
    from t2l.training.losses import answer_loss

    torch.manual_seed(0)
    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    spec = LoRASpec.for_base(base, dropout=0.0)   # no dropout draws: staged and joint rows must end equal
    model, tokenizer = load_base(base)
    settings = recipe_settings(row)
    batches, pool = pool_batches(settings, tokenizer, steps, every)
    if row == "peft-answer":
        from peft import get_peft_model

        from t2l.lora.peft_io import to_peft_config

        lm = get_peft_model(model, to_peft_config(spec, base.model_id))
        params = [p for p in lm.parameters() if p.requires_grad]

        def step(batch, i):
            return answer_loss(lm, batch)
    else:
        encoder = TaskEncoder.from_config(yaml.safe_load((REPO / "t2l/conf/encoder/minilm.yaml").read_text()))
        embeddings = [encoder.encode(d) for d in pool.descriptions]
        module = T2LSFTModule(HyperNet(spec, encoder.dim, size="M"), embeddings, settings, base_model=model)
        params = list(module.hypernet.parameters())

        def step(batch, i):
            return joint_loss(module, batch) if row == "t2l-pool-joint" else module.training_step(batch, i)
    bf16 = choose_precision("auto")[0] == "bf16"
    cast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
    opt = torch.optim.AdamW(params, lr=1e-4)
    seconds = 0.0
    for i, batch in enumerate(batches):
        t0 = time.perf_counter()
        with cast:
            loss = step(batch, i)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i > 0:
            seconds += time.perf_counter() - t0
    return {"seconds_per_step": round(seconds / steps, 2), "checksum": float(sum(p.double().abs().sum() for p in params)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--tasks-every", type=int, default=8)
    parser.add_argument("--row", choices=ROWS)
    args = parser.parse_args()
    if args.row:
        print(json.dumps(run_row(args.row, args.steps, args.tasks_every)))
        return
    from t2l.hardware import machine_line

    rows = {}
    for row in ROWS:
        out = subprocess.run([sys.executable, __file__, "--row", row, "--steps", str(args.steps),
                              "--tasks-every", str(args.tasks_every)], check=True, capture_output=True, text=True).stdout
        rows[row] = json.loads(out.strip().splitlines()[-1])
        print(row, rows[row], flush=True)
    seconds = {k: v["seconds_per_step"] for k, v in rows.items()}
    report = {"machine": machine_line(), "batch": "8 tasks x 2 examples, <= 96 tokens (experiment=t2l_pool)",
              "pool_tasks": f"every {args.tasks_every}th pool task", "steps_timed": args.steps, "rows": rows,
              "t2l_answer_over_peft": round(seconds["t2l-answer"] / seconds["peft-answer"], 3),
              "t2l_pool_over_peft": round(seconds["t2l-pool"] / seconds["peft-answer"], 3),
              "staged_over_joint_time": round(seconds["t2l-pool"] / seconds["t2l-pool-joint"], 3),
              "staged_over_joint_rss": round(rows["t2l-pool"]["peak_rss_mb"] / rows["t2l-pool-joint"]["peak_rss_mb"], 3),
              "checksum_rel_diff": abs(rows["t2l-pool"]["checksum"] / rows["t2l-pool-joint"]["checksum"] - 1)}
    print(json.dumps(report, indent=2))
    (REPO / "bench" / "results" / "pool_sft_step.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
