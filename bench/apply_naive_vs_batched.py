"""Per-sample LoRA: t2l.lora.apply's batched low-rank hooks vs a naive per-sample loop vs repeat-and-bmm.

    python bench/apply_naive_vs_batched.py [--batch 8] [--seq 128] [--steps 3]

Real SmolLM2-135M-Instruct (fp32, from the offline bundle), a batch of 8 x 128 random tokens and 8
distinct random adapters (q/v, r8, rsLoRA), one per row; the factors require grad as if they came from a
hypernetwork. Each step is forward + next-token CE + backward to the factors:
  batched    : t2l.lora.apply.apply_lora (gather per-row A/B, bmm through rank r)
  naive      : one sample at a time with W + scaling * B @ A merged in (torch.func.functional_call, the
               differentiable form of merge / forward / unmerge), gradients accumulated over the loop
  repeat-bmm : hooks that copy each row's factors along the sequence ([b * s, r, in]) and bmm per token,
               in fp32, the way the reference implementation applies per-sample LoRA
All three run in one process, interleaved in rotating order, so that load from other jobs on a shared
machine hits each alike; min and median of the timed steps are reported (a warm-up round is dropped).
Memory is what autograd keeps for backward (saved tensors, frozen base weights excluded), per forward pass.
Loss and gradients must agree between the variants or the script fails.
Writes bench/results/apply_naive_vs_batched.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VARIANTS = ("batched", "naive", "repeat-bmm")


class SavedBytes:
    """Largest set of tensors autograd saved for one backward, not counting the frozen parameters."""

    def __init__(self, model):
        self.frozen = {p.untyped_storage().data_ptr() for p in model.parameters()}
        self.peak, self.current = 0, {}

    def _pack(self, tensor):
        storage = tensor.untyped_storage()   # by storage: views of one buffer count once
        if storage.data_ptr() not in self.frozen:
            self.current[storage.data_ptr()] = storage.nbytes()
        return tensor

    @contextmanager
    def forward_pass(self):
        self.current = {}
        with torch.autograd.graph.saved_tensors_hooks(self._pack, lambda tensor: tensor):
            yield
        self.peak = max(self.peak, sum(self.current.values()))


def setup(batch: int, seq: int):
    import yaml

    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec, load_base

    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    model, _ = load_base(base)
    spec = LoRASpec.for_base(base)   # q/v, r8, alpha 16, rsLoRA
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(0, model.config.vocab_size, (batch, seq), generator=gen)
    weights = {}
    for module in spec.target_modules:
        for ab in "AB":
            shape = spec.a_shape(module) if ab == "A" else spec.b_shape(module)
            weights[f"{module}.{ab}"] = (torch.randn(batch, spec.num_layers, *shape, generator=gen) * 0.02
                                         ).requires_grad_()
    return model, spec, ids, weights


def loss_of(logits: torch.Tensor, ids: torch.Tensor, tokens: int) -> torch.Tensor:
    # Sum / total token count: the naive loop's per-sample losses then add up to the batched mean.
    return F.cross_entropy(logits[:, :-1].flatten(0, 1), ids[:, 1:].flatten(), reduction="sum") / tokens


def merged_params(model, spec, weights, row: int) -> dict[str, torch.Tensor]:
    from t2l.lora.spec import MODULE_PARENT

    params = {}
    for module in spec.target_modules:
        for layer in range(spec.num_layers):
            name = f"model.layers.{layer}.{MODULE_PARENT[module]}.{module}.weight"
            delta = spec.scaling * weights[f"{module}.B"][row, layer] @ weights[f"{module}.A"][row, layer]
            params[name] = model.get_parameter(name) + delta
    return params


def repeat_bmm_hooks(model, spec, weights) -> list:
    """Per-token copies of each row's factors, fp32 bmm: memory grows with batch x seq x r x (in + out)."""
    from t2l.lora.apply import find_target_linears

    handles = []
    for module, linears in find_target_linears(model, spec).items():
        for layer, linear in enumerate(linears):
            def hook(mod, args, out, module=module, layer=layer):
                x = args[0]
                b, s, _ = x.shape
                a = weights[f"{module}.A"][:b, layer].float().repeat_interleave(s, dim=0)  # [b*s, r, in]
                bb = weights[f"{module}.B"][:b, layer].float().repeat_interleave(s, dim=0)  # [b*s, out, r]
                h = torch.bmm(x.float().reshape(b * s, 1, -1), a.transpose(1, 2))
                return out + (spec.scaling * torch.bmm(h, bb.transpose(1, 2))).reshape(b, s, -1).to(out.dtype)
            handles.append(linear.register_forward_hook(hook))
    return handles


def step(variant: str, model, spec, ids, weights, grad: bool, meter: SavedBytes | None = None) -> float:
    from t2l.lora.apply import apply_lora

    tokens = ids.shape[0] * (ids.shape[1] - 1)
    measure = meter.forward_pass if meter is not None else nullcontext
    with torch.set_grad_enabled(grad):
        if variant == "naive":
            total = 0.0
            for row in range(ids.shape[0]):
                with measure():
                    logits = torch.func.functional_call(model, merged_params(model, spec, weights, row),
                                                        args=(), kwargs={"input_ids": ids[row:row + 1]}).logits
                    loss = loss_of(logits, ids[row:row + 1], tokens)
                if grad:
                    loss.backward()   # accumulate: one sample's activations alive at a time, as a loop would
                total += float(loss.detach())
            return total
        with measure():
            if variant == "batched":
                with apply_lora(model, weights, spec):
                    loss = loss_of(model(input_ids=ids).logits, ids, tokens)
            else:
                handles = repeat_bmm_hooks(model, spec, weights)
                try:
                    loss = loss_of(model(input_ids=ids).logits, ids, tokens)
                finally:
                    for handle in handles:
                        handle.remove()
        if grad:
            loss.backward()
        return float(loss.detach())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads; 1 by default: on a 2-core machine shared with another job, 2 OpenMP "
                             "threads wait on each other at every op and ran 5x slower (35 s vs 7 s a step)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    load_before = os.getloadavg()
    model, spec, ids, weights = setup(args.batch, args.seq)
    times = {v: {"forward": [], "forward_backward": []} for v in VARIANTS}
    grads, losses, saved = {}, {}, {}
    for rep in range(args.steps + 1):          # rep 0 is the warm-up: checks and memory, not timed
        order = VARIANTS[rep % 3:] + VARIANTS[:rep % 3]
        print(f"round {rep}/{args.steps} ({', '.join(order)}) ...", flush=True)
        for variant in order:
            for grad, label in ((False, "forward"), (True, "forward_backward")):
                for w in weights.values():
                    w.grad = None
                meter = SavedBytes(model) if rep == 0 and grad else None
                t0 = time.perf_counter()
                loss = step(variant, model, spec, ids, weights, grad, meter)
                if rep:
                    times[variant][label].append(time.perf_counter() - t0)
                if meter is not None:
                    saved[variant] = meter.peak
                    losses[variant] = loss
                    grads[variant] = {k: w.grad.clone() for k, w in weights.items()}
    worst = 0.0
    for variant in VARIANTS:   # the three must compute the same thing
        assert abs(losses[variant] - losses["batched"]) < 1e-4 * abs(losses["batched"]), (variant, losses)
        for key, g in grads[variant].items():
            ref = grads["batched"][key]
            err = float((g - ref).abs().max() / ref.abs().max())
            assert err < 1e-3, (variant, key, err)
            worst = max(worst, err)

    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads",
        "note": "CPU shared with another job while this ran (load average before/after below): absolute "
                "times are noisy; variants were interleaved so ratios are fairer; min is the least disturbed",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "torch": torch.__version__, "model": "SmolLM2-135M-Instruct fp32 (30 layers, q 576x576, v 192x576)",
        "batch": args.batch, "seq": args.seq, "adapters": args.batch, "lora": "q_proj+v_proj r8 rsLoRA",
        "timed_rounds": args.steps, "loss": losses["batched"], "max_rel_grad_diff_vs_batched": worst, "rows": {},
    }
    base = {label: min(times["batched"][label]) for label in ("forward", "forward_backward")}
    for variant in VARIANTS:
        row = {}
        for label in ("forward", "forward_backward"):
            row[f"{label}_min_s"] = round(min(times[variant][label]), 3)
            row[f"{label}_median_s"] = round(statistics.median(times[variant][label]), 3)
            row[f"{label}_min_vs_batched"] = round(min(times[variant][label]) / base[label], 2)
            row[f"{label}_all_s"] = [round(t, 3) for t in times[variant][label]]
        row["saved_for_backward_mb"] = round(saved[variant] / 2**20, 1)
        summary["rows"][variant] = row
    print(f"{summary['machine']}; {summary['note']}")
    print(f"load average before {summary['load_average_before']}, after {summary['load_average_after']}")
    print(f"{'variant':<11} {'fwd min s':>10} {'x':>6} {'fwd+bwd min s':>14} {'x':>6} {'median s':>9} "
          f"{'saved MB':>9}")
    for name, row in summary["rows"].items():
        print(f"{name:<11} {row['forward_min_s']:>10.2f} {row['forward_min_vs_batched']:>6.2f} "
              f"{row['forward_backward_min_s']:>14.2f} {row['forward_backward_min_vs_batched']:>6.2f} "
              f"{row['forward_backward_median_s']:>9.2f} {row['saved_for_backward_mb']:>9.1f}")
    out_path = REPO / "bench/results/apply_naive_vs_batched.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {out_path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
