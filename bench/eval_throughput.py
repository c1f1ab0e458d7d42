"""Scoring throughput: `t2l eval`'s batched, prefix-shared scorer vs plain transformers loops.

    python bench/eval_throughput.py [--limit 40] [--tasks sports_understanding date_understanding navigate]

Same model (real SmolLM2-135M-Instruct, fp32), same prompts and choices, measured in one run:
  plain-per-choice : one forward per (prompt + choice) sequence - the textbook loop
  plain-per-example: one forward per example, its choices right-padded into one batch
  t2l              : t2l.eval.scoring.score_choices (left-padded prompt batches, KV cache shared by choices)
Predictions must be identical; the script fails otherwise. Writes bench/results/eval_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


@torch.no_grad()
def per_example_pick(model, tokenizer, prompt: str, choices: list[str]) -> int:
    """One forward per example: prompt+choice rows, right padded, masked."""
    p = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    cs = [tokenizer(c, add_special_tokens=False)["input_ids"] for c in choices]
    width = len(p) + max(len(c) for c in cs)
    ids = torch.zeros(len(cs), width, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for r, c in enumerate(cs):
        ids[r, : len(p) + len(c)] = torch.tensor(p + c)
        mask[r, : len(p) + len(c)] = 1
    logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits.float(), -1)
    scores = [sum(float(logp[r, len(p) + j - 1, t]) for j, t in enumerate(c)) for r, c in enumerate(cs)]
    return max(range(len(scores)), key=scores.__getitem__)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", nargs="+", default=["sports_understanding", "date_understanding", "navigate"])
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    torch.manual_seed(0)

    import yaml
    from tests.scoring_oracle import plain_pick

    from t2l.assets import require
    from t2l.eval.scoring import score_choices
    from t2l.models.base import BaseModelSpec, load_base
    from t2l.tasks.prompts import build_prompt, continuation
    from t2l.tasks.registry import TaskCatalog, TaskSources

    spec = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    model, tokenizer = load_base(spec)
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench"))))
    prompts, choices = [], []
    for name in args.tasks:
        for ex in catalog.load(name).test[: args.limit]:
            prompts.append(build_prompt(tokenizer, ex.input, chat=True))
            choices.append([continuation(c, True) for c in ex.choices])
    tokens = sum(len(tokenizer(p + c, add_special_tokens=False)["input_ids"]) for p, cs in zip(prompts, choices) for c in cs)

    def timed(fn):
        start = time.perf_counter()
        picks = fn()
        return time.perf_counter() - start, picks

    rows = {}
    rows["plain-per-choice"] = timed(lambda: [plain_pick(model, tokenizer, p, cs) for p, cs in zip(prompts, choices)])
    rows["plain-per-example"] = timed(lambda: [per_example_pick(model, tokenizer, p, cs) for p, cs in zip(prompts, choices)])
    rows["t2l"] = timed(lambda: [max(range(len(s)), key=lambda i: s[i][0])
                                 for s in score_choices(model, tokenizer, prompts, choices, args.batch_size)])
    reference = rows["plain-per-choice"][1]
    for name, (_, picks) in rows.items():
        if picks != reference:
            raise SystemExit(f"{name} predictions differ from the plain loop: {sum(a != b for a, b in zip(picks, reference))} of {len(picks)}")
    t2l_seconds = rows["t2l"][0]
    report = {
        "machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads",
        "torch": torch.__version__, "examples": len(prompts), "scored_sequences": sum(map(len, choices)),
        "tokens_as_full_sequences": tokens, "tasks": args.tasks, "identical_predictions": True,
        "rows": {name: {"seconds": round(sec, 2), "examples_per_s": round(len(prompts) / sec, 2),
                        "t2l_speedup": round(sec / t2l_seconds, 2)} for name, (sec, _) in rows.items()},
    }
    print(f"{'scorer':<20} {'seconds':>8} {'examples/s':>11} {'t2l speedup':>12}")
    for name, row in report["rows"].items():
        print(f"{name:<20} {row['seconds']:>8.2f} {row['examples_per_s']:>11.2f} {row['t2l_speedup']:>11.2f}x")
    out = REPO / "bench" / "results" / "eval_throughput.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"identical predictions on {len(prompts)} examples; wrote {out}")


if __name__ == "__main__":
    main()
