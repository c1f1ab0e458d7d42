"""LoraHub search cost: our in-process batched objective vs the naive per-candidate peft loop.

    python bench/lorahub_vs_naive.py [--task sports_understanding] [--modules 20] [--budget 40] [OVERRIDES]

OVERRIDES are Hydra overrides of t2l/conf/lorahub.yaml (e.g. base_model=tiny_random library.dir=DIR, a smoke run).

Real SmolLM2-135M-Instruct (fp32) and the real library (library.dir of t2l/conf/lorahub.yaml); the same
modules, the same 5 training examples and the same `budget` candidate weight vectors, measured in one run:
  search: `lorahub_search` itself (Cobyla); its candidates are recorded and replayed by the two rows below
  ours  : base loaded once, t2l.lora.apply hooks, one batched forward per candidate, logits only where scored
  ours_batched: the same, --parallel candidates per forward (what `parallel=N` with a population
          optimiser such as CMA does; Cobyla, the default, is sequential)
  floor : the physical floor: the same number of plain base-model forwards (no adapter) on the same
          examples and the same answer-only logits; ours / floor says what the adapters cost on top
  naive : what the public tool's loop amounts to: per candidate, wrap the base in a fresh peft LoRA model
          (get_peft_model + set_peft_model_state_dict of the composed adapter), one forward per example
          with full logits, then unload
  cli   : `t2l lorahub` end to end in a subprocess (imports, model load, search, writing the adapter)
The per-candidate losses of ours and naive must agree within 1e-4; the script fails otherwise.
`--synthetic N` composes N random adapters with the library's shapes instead of the trained library
(search time does not depend on the weights' values; the losses are then meaningless, the timings not).
Writes bench/results/lorahub_vs_naive.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


@torch.no_grad()
def naive_losses(model, tokenizer, examples, stacked, spec, candidates, chat: bool, max_length: int) -> list[float]:
    """Per candidate: a fresh peft model holding the composed adapter, one full-logits forward per example."""
    from peft import get_peft_model, set_peft_model_state_dict

    from t2l.baselines.lorahub import compose
    from t2l.lora.peft_io import to_peft_config, weights_to_peft_state
    from t2l.tasks.prompts import sft_features
    from t2l.tasks.schema import IGNORE_INDEX

    losses = []
    for w in candidates:
        peft_model = get_peft_model(model, to_peft_config(spec))
        set_peft_model_state_dict(peft_model, weights_to_peft_state(compose(stacked, w), spec))
        peft_model.eval()  # the new lora_dropout modules start in training mode
        total, count = 0.0, 0
        for ex in examples:
            f = sft_features(tokenizer, ex, chat, max_length)  # the public tool tokenises inside its loop too
            logits = peft_model(input_ids=torch.tensor([f["input_ids"]])).logits[0, :-1]
            labels = torch.tensor(f["labels"][1:])
            total += float(F.cross_entropy(logits.float(), labels, ignore_index=IGNORE_INDEX, reduction="sum"))
            count += int((labels != IGNORE_INDEX).sum())
        losses.append(total / count)
        model = peft_model.unload()  # back to the plain base for the next candidate
    return losses


def synthetic_library(root: Path, base, spec, count: int, task: str):
    """`count` random adapters (LoRA-sized entries) under `root`, named after BIG-bench training tasks."""
    from t2l.lora.library import Library
    from t2l.tasks.registry import read_name_list

    library = Library(root, base, spec)
    names = [n for n in read_name_list(REPO / "t2l/data/splits/bigbench_train.txt") if n != task]
    for i, name in enumerate(names[:count]):
        torch.manual_seed(i)
        weights = {f"{m}.{ab}": torch.randn(spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m))) * 6e-3
                   for m in spec.target_modules for ab in "AB"}
        library.add("tasks", name, weights, {"descriptions": [name], "synthetic": True})
    return library


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="sports_understanding")
    parser.add_argument("--modules", type=int, default=20)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--optimizer", default="Cobyla")
    parser.add_argument("--parallel", type=int, default=8, help="candidates per forward in the batched row")
    parser.add_argument("--synthetic", type=int, default=0, help="N random adapters instead of the trained library")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides of t2l/conf/lorahub.yaml")
    args = parser.parse_args()
    load_before = os.getloadavg()

    from t2l.app.config import base_model_spec, lora_spec, task_catalog
    from t2l.app.config import compose as compose_config
    from t2l.baselines.lorahub import (
        FewShotLoss,
        compose,
        few_shot_examples,
        lorahub_search,
        pick_modules,
        stack_library,
    )
    from t2l.lora.library import Library
    from t2l.lora.peft_io import load_adapter_weights
    from t2l.models.base import load_base

    cfg = compose_config("lorahub", [f"task={args.task}", *args.overrides])
    base = base_model_spec(cfg)
    library = Library(cfg.library.dir, base, lora_spec(cfg, base))
    if args.synthetic:
        library = synthetic_library(Path(tempfile.mkdtemp()), base, library.spec, args.synthetic, args.task)
    spec, max_length = library.spec, int(cfg.max_length)
    adapters = library.training_adapters()
    pool = [name for name in adapters if name != args.task]
    modules = min(args.modules, len(pool))  # the library may hold fewer than the 20 LoraHub uses
    task = task_catalog(cfg).load(args.task)
    examples = few_shot_examples(task, args.examples)
    names = pick_modules(adapters, args.task, modules, seed=0)
    weights = {n: load_adapter_weights(adapters[n], base, expect=spec)[0] for n in names}
    load_seconds, (model, tokenizer) = timed(lambda: load_base(base))
    chat = base.chat_template

    rows = {}
    rows["search"], result = timed(lambda: lorahub_search(model, tokenizer, examples, weights, spec, chat=chat,
                                                          budget=args.budget, optimizer=args.optimizer,
                                                          max_length=max_length, progress=False))
    candidates = [h["weights"] for h in result.history]
    stacked = stack_library(weights, names)

    def ours():
        loss_of = FewShotLoss(model, tokenizer, examples, chat, max_length)  # tokenising is part of the cost
        return [loss_of(compose(stacked, w), spec) for w in candidates]

    rows["ours"], ours_losses = timed(ours)

    def ours_batched():  # the same candidates, `--parallel` of them per forward (what parallel=N does)
        loss_of = FewShotLoss(model, tokenizer, examples, chat, max_length)
        return [loss for i in range(0, len(candidates), args.parallel)
                for loss in loss_of.many([compose(stacked, w) for w in candidates[i:i + args.parallel]], spec)]

    rows["ours_batched"], batched_losses = timed(ours_batched)
    def floor():   # the same number of forwards of the plain base on the same batch: no adapter at all
        loss_of = FewShotLoss(model, tokenizer, examples, chat, max_length)
        return [loss_of(None) for _ in candidates]

    rows["floor"], _ = timed(floor)
    rows["naive"], naive_losses_ = timed(lambda: naive_losses(model, tokenizer, examples, stacked, spec, candidates,
                                                              chat, max_length))
    diff = max(abs(a - b) for other in (naive_losses_, batched_losses) for a, b in zip(ours_losses, other))
    replay = max(abs(a - h["loss"]) for a, h in zip(ours_losses, result.history))
    if diff > 1e-4 or replay > 1e-4:
        raise SystemExit(f"losses differ: ours vs naive by {diff:.2e}, replay vs search by {replay:.2e}")

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "t2l.app.cli", "lorahub", f"task={args.task}", f"out={tmp}/adapter",
               f"modules={modules}", f"examples={args.examples}", f"budget={args.budget}",
               f"optimizer={args.optimizer}", *args.overrides,
               *([f"library.dir={library.root}"] if args.synthetic else [])]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        rows["cli"], proc = timed(lambda: subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True))
        if proc.returncode:
            raise SystemExit(f"t2l lorahub failed:\n{proc.stderr[-2000:]}")
        cli_record = json.loads((Path(tmp) / "adapter" / "lorahub.json").read_text())

    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                   f"{torch.get_num_threads()} torch threads, load average before {load_before[0]:.2f}",
        "torch": torch.__version__, "base_model": base.model_id, "task": args.task,
        "library": str(library.root), "library_adapters": len(adapters), "modules": modules, "module_names": names,
        "examples": len(examples), "answer_tokens": int(FewShotLoss(model, tokenizer, examples, chat,
                                                                   max_length).targets.numel()),
        "candidates": len(candidates), "optimizer": args.optimizer, "base_load_seconds": round(load_seconds, 2),
        "max_loss_diff_ours_vs_naive": diff, "max_loss_diff_replay_vs_search": replay,
        "seconds": {name: round(sec, 2) for name, sec in rows.items()},
        "seconds_per_candidate": {name: round(rows[name] / len(candidates), 3)
                                  for name in ("ours", "ours_batched", "floor", "naive")},
        "naive_over_ours": round(rows["naive"] / rows["ours"], 2),
        "ours_over_floor": round(rows["ours"] / rows["floor"], 2), "synthetic_library": bool(args.synthetic),
        "naive_over_ours_batched": round(rows["naive"] / rows["ours_batched"], 2), "parallel": args.parallel,
        "search": {"base_loss": result.base_loss, "loss": result.loss, "weights": dict(zip(names, result.weights))},
        "cli": {"seconds_end_to_end": round(rows["cli"], 2), "search_seconds": round(cli_record["seconds"], 2),
                "base_loss": cli_record["base_loss"], "loss": cli_record["loss"]},
    }
    print(f"{args.task}: {modules} modules (library has {len(adapters)}), {len(examples)} examples "
          f"({report['answer_tokens']} answer tokens), {len(candidates)} candidates, {args.optimizer}")
    print(f"{'row':<8} {'seconds':>8} {'s/candidate':>12}")
    for name in ("ours", "ours_batched", "floor", "naive"):
        print(f"{name:<8} {rows[name]:>8.2f} {rows[name] / len(candidates):>12.3f}")
    print(f"ours / floor (plain base forwards): {report['ours_over_floor']:.2f}x")
    print(f"naive / ours: {report['naive_over_ours']:.2f}x; naive / ours batched ({args.parallel} per forward): "
          f"{report['naive_over_ours_batched']:.2f}x; max loss difference {diff:.2e} (replay vs search {replay:.2e})")
    print(f"lorahub_search ({len(candidates)} evaluations, model loaded): {rows['search']:.2f} s; "
          f"loss {result.base_loss:.4f} (base) -> {result.loss:.4f}")
    print(f"t2l lorahub end to end: {rows['cli']:.2f} s (search {cli_record['seconds']:.2f} s, "
          f"base model load here {load_seconds:.2f} s)")
    out = REPO / "bench" / "results" / "lorahub_vs_naive.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
