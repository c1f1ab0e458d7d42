"""Per-sample LoRA: t2l.apply's batched low-rank hooks vs a naive per-sample loop vs repeat-and-bmm.

    python bench/apply_naive_vs_batched.py [--batch 8] [--seq 128] [--steps 3]

Real SmolLM2-135M-Instruct (fp32, from the offline bundle), a batch of 8 x 128 random tokens and 8
distinct random adapters (q/v, r8, rsLoRA), one per row; the factors require grad as if they came from a
hypernetwork. Each step is forward + next-token CE + backward to the factors:
  batched    : t2l.apply.apply_lora (gather per-row A/B, bmm through rank r)
  naive      : one sample at a time with W + scaling * B @ A merged in (torch.func.functional_call, the
               differentiable form of merge / forward / unmerge), gradients accumulated over the loop
  repeat-bmm : hooks that copy each row's factors along the sequence ([b * s, r, in]) and bmm per token,
               in fp32, the way the reference implementation applies per-sample LoRA
Each variant runs in its own subprocess so its peak RSS is its own. Loss and gradient norms must agree.
Writes bench/results/apply_naive_vs_batched.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VARIANTS = ("batched", "naive", "repeat-bmm")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def setup(batch: int, seq: int):
    import yaml

    from t2l.base import BaseModelSpec, load_base
    from t2l.lora import LoRASpec

    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "conf/base_model/smollm2_135m.yaml").read_text()))
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
    from t2l.lora import MODULE_PARENT

    params = {}
    for module in spec.target_modules:
        for layer in range(spec.num_layers):
            name = f"model.layers.{layer}.{MODULE_PARENT[module]}.{module}.weight"
            delta = spec.scaling * weights[f"{module}.B"][row, layer] @ weights[f"{module}.A"][row, layer]
            params[name] = model.get_parameter(name) + delta
    return params


def repeat_bmm_hooks(model, spec, weights) -> list:
    """Per-token copies of each row's factors, fp32 bmm: memory grows with batch x seq x r x (in + out)."""
    from t2l.apply import find_target_linears

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


def step(variant: str, model, spec, ids, weights, grad: bool) -> float:
    from t2l.apply import apply_lora

    tokens = ids.shape[0] * (ids.shape[1] - 1)
    with torch.set_grad_enabled(grad):
        if variant == "batched":
            with apply_lora(model, weights, spec):
                loss = loss_of(model(input_ids=ids).logits, ids, tokens)
            if grad:
                loss.backward()
            return float(loss)
        if variant == "naive":
            total = 0.0
            for row in range(ids.shape[0]):
                logits = torch.func.functional_call(model, merged_params(model, spec, weights, row),
                                                    args=(), kwargs={"input_ids": ids[row:row + 1]}).logits
                loss = loss_of(logits, ids[row:row + 1], tokens)
                if grad:
                    loss.backward()   # accumulate: keeps one sample's activations alive, as a loop would
                total += float(loss)
            return total
        handles = repeat_bmm_hooks(model, spec, weights)
        try:
            loss = loss_of(model(input_ids=ids).logits, ids, tokens)
        finally:
            for handle in handles:
                handle.remove()
        if grad:
            loss.backward()
        return float(loss)


def run_variant(variant: str, args) -> dict:
    model, spec, ids, weights = setup(args.batch, args.seq)
    with torch.no_grad():
        model(input_ids=ids[:1, :2])   # pages in the mmapped weights, so the baseline holds the model
    loaded = rss_mb()
    result = {"variant": variant}
    for grad, label in ((False, "forward"), (True, "forward_backward")):
        times = []
        for i in range(args.steps + 1):       # first run is a warm-up, not timed
            for w in weights.values():
                w.grad = None
            t0 = time.perf_counter()
            loss = step(variant, model, spec, ids, weights, grad)
            if i:
                times.append(time.perf_counter() - t0)
        result[f"{label}_s"] = round(statistics.median(times), 3)
        result[f"{label}_all_s"] = [round(t, 3) for t in times]
        result["loss"] = loss
    result["grad_abs_sum"] = {k: float(w.grad.abs().sum()) for k, w in weights.items()}
    result["rss_after_load_mb"] = round(loaded)
    result["peak_rss_mb"] = round(rss_mb())
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--variant", choices=VARIANTS, help="internal: run one variant and print JSON")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args)))
        return

    load_before = os.getloadavg()
    results = {}
    for variant in VARIANTS:
        cmd = [sys.executable, __file__, "--variant", variant, "--batch", str(args.batch), "--seq", str(args.seq),
               "--steps", str(args.steps)]
        print(f"running {variant} ...", flush=True)
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        results[variant] = json.loads(out.stdout.strip().splitlines()[-1])
    ref = results["batched"]
    for name, res in results.items():   # the three must compute the same thing
        assert abs(res["loss"] - ref["loss"]) < 1e-4 * abs(ref["loss"]), (name, res["loss"], ref["loss"])
        for key, value in res["grad_abs_sum"].items():
            assert abs(value - ref["grad_abs_sum"][key]) < 1e-3 * ref["grad_abs_sum"][key], (name, key)
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads",
        "note": "CPU shared with another job while this ran (load average before/after below): "
                "treat absolute times as noisy, ratios as indicative",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "torch": torch.__version__, "model": "SmolLM2-135M-Instruct fp32 (30 layers, q 576x576, v 192x576)",
        "batch": args.batch, "seq": args.seq, "adapters": args.batch, "lora": "q_proj+v_proj r8 rsLoRA",
        "timed_steps": args.steps, "same_loss_and_grads": True, "rows": {},
    }
    for name, res in results.items():
        summary["rows"][name] = {
            "forward_s": res["forward_s"], "forward_backward_s": res["forward_backward_s"],
            "forward_backward_vs_batched": round(res["forward_backward_s"] / ref["forward_backward_s"], 2),
            "forward_vs_batched": round(res["forward_s"] / ref["forward_s"], 2),
            "peak_rss_mb": res["peak_rss_mb"], "peak_rss_over_load_mb": res["peak_rss_mb"] - res["rss_after_load_mb"],
            "all_forward_backward_s": res["forward_backward_all_s"]}
    print(f"{summary['machine']}; {summary['note']}")
    print(f"{'variant':<11} {'fwd s':>7} {'fwd+bwd s':>10} {'x batched':>10} {'peak RSS-load MB':>17}")
    for name, row in summary["rows"].items():
        print(f"{name:<11} {row['forward_s']:>7.2f} {row['forward_backward_s']:>10.2f} "
              f"{row['forward_backward_vs_batched']:>10.2f} {row['peak_rss_over_load_mb']:>17}")
    out_path = REPO / "bench/results/apply_naive_vs_batched.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {out_path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
