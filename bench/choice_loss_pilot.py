"""Pilot: does ranking the choices in training stop a LoRA from answering one class on every example?

The measurements of 2026-12-06 found every adapter on the generated binary tasks (T2L, its controls, the multi-task LoRA and
even the oracle LoRA) giving one answer to nearly every test example (docs/t2l.md). All of them were
trained with next-token cross-entropy on the gold answer. This trains one LoRA per task on the task's
own train split twice, with the same seed, batches, steps and learning rate, and scores the test split:

    ce      next-token cross-entropy on the gold answer's tokens (what library / oracle / T2L-SFT train with)
    choice  cross-entropy over the choices' summed log-likelihoods (what multiple-choice evaluation ranks)

An oracle-style experiment (upper-bound rows only: the generated tasks are held out, never T2L training
data). Prints accuracy, `top_pred_share` and the paired difference per task; writes
bench/results/choice_loss_pilot.json.

    python bench/choice_loss_pilot.py [--steps 80] [--lr 1e-3] [--tasks boolean_expressions web_of_lies]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def choice_scores(model, tokenizer, examples, chat: bool) -> torch.Tensor:
    """[examples, choices] summed log-probabilities of each choice after its prompt, with gradients."""
    from t2l.tasks.prompts import build_prompt, continuation, encode

    rows, spans = [], []
    for ex in examples:
        prompt = encode(tokenizer, build_prompt(tokenizer, ex.input, chat))
        for choice in ex.choices:
            answer = encode(tokenizer, continuation(choice, chat))
            spans.append((len(prompt), len(answer)))
            rows.append(prompt + answer)
    width = max(map(len, rows))
    ids = torch.full((len(rows), width), tokenizer.pad_token_id or 0, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for r, row in enumerate(rows):
        ids[r, :len(row)], mask[r, :len(row)] = torch.tensor(row), 1
    logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits[:, :-1].float(), dim=-1)
    token_logp = logp.gather(-1, ids[:, 1:, None]).squeeze(-1)          # log p(token t+1 | tokens <= t)
    totals = torch.stack([token_logp[r, start - 1:start - 1 + n].sum() for r, (start, n) in enumerate(spans)])
    return totals.view(len(examples), -1)


def train_and_score(model, tokenizer, base, spec, task, objective: str, args) -> dict:
    from peft import get_peft_model

    from t2l.eval.scoring import EvalSettings, evaluate_task
    from t2l.lora.peft_io import to_peft_config
    from t2l.tasks.batching import pad_batch
    from t2l.tasks.prompts import sft_features
    from t2l.training.losses import answer_loss

    torch.manual_seed(args.seed)
    peft_model = get_peft_model(model, to_peft_config(spec, base.model_id))
    peft_model.train()
    opt = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=args.lr)
    order = random.Random(args.seed)
    start = time.perf_counter()
    for _ in range(args.steps):
        batch = order.sample(task.train, args.batch_size)   # the same draws for both objectives
        if objective == "ce":
            features = [sft_features(tokenizer, ex, base.chat_template, 192) for ex in batch]
            loss = answer_loss(peft_model, pad_batch(features, tokenizer.pad_token_id))
        else:
            scores = choice_scores(peft_model, tokenizer, batch, base.chat_template)
            loss = F.cross_entropy(scores, torch.tensor([ex.answer for ex in batch]))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    seconds = time.perf_counter() - start
    peft_model.eval()
    summary, rows = evaluate_task(peft_model, tokenizer, task, EvalSettings(chat=base.chat_template, split="test",
                                                                           progress=False))
    peft_model.unload()
    return {"accuracy": summary["accuracy"], "top_pred_share": summary["top_pred_share"],
            "top_gold_share": summary["top_gold_share"], "train_seconds": round(seconds, 1),
            "correct": [bool(r["correct"]) for r in rows]}


def paired_interval(a: list[bool], b: list[bool]) -> tuple[float, float, float]:
    """(mean of a - b, bootstrap 95% low, high) in % points over the same examples (t2l eval's bootstrap)."""
    from t2l.eval.paired import paired_difference

    d = paired_difference({"task": [float(x) for x in a]}, {"task": [float(x) for x in b]})
    return 100 * d["difference"], 100 * d["low"], 100 * d["high"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", nargs="+", default=["boolean_expressions", "web_of_lies"])
    parser.add_argument("--steps", type=int, default=80)        # the library budget's
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import yaml

    from t2l.eval.scoring import EvalSettings, evaluate_task
    from t2l.hardware import machine_line
    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec, load_base
    from t2l.tasks.registry import TaskCatalog, TaskSources

    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    spec = LoRASpec.for_base(base)
    model, tokenizer = load_base(base)
    catalog = TaskCatalog(TaskSources(bigbench_dir=None))
    print(machine_line())
    results = {"machine": machine_line(), "args": vars(args), "tasks": {}}
    for name in args.tasks:
        task = catalog.load(name)
        if task.metric != "mc":
            raise SystemExit(f"{name} is not multiple choice; the pilot ranks choices")
        summary, base_rows = evaluate_task(model, tokenizer, task, EvalSettings(chat=base.chat_template, split="test",
                                                                                progress=False))
        entry = {"base": {"accuracy": summary["accuracy"], "top_pred_share": summary["top_pred_share"],
                          "top_gold_share": summary["top_gold_share"],
                          "correct": [bool(r["correct"]) for r in base_rows]}}
        for objective in ("ce", "choice"):
            entry[objective] = train_and_score(model, tokenizer, base, spec, task, objective, args)
        for row in ("ce", "base"):
            entry[f"choice_minus_{row}"] = paired_interval(entry["choice"]["correct"], entry[row]["correct"])
        results["tasks"][name] = entry
        print(f"{name} (test, {len(base_rows)} examples; top_gold_share {summary['top_gold_share']:.2f})")
        for row in ("base", "ce", "choice"):
            r = entry[row]
            print(f"  {row:<7} accuracy {100 * r['accuracy']:5.1f}  top_pred_share {r['top_pred_share']:.2f}"
                  + (f"  trained {r['train_seconds']} s" if "train_seconds" in r else ""))
        for row in ("ce", "base"):
            d, lo, hi = entry[f"choice_minus_{row}"]
            print(f"  choice minus {row}: {d:+.1f} [{lo:+.1f}, {hi:+.1f}] (paired bootstrap 95%)")
    out = REPO / "bench" / "results" / "choice_loss_pilot.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
