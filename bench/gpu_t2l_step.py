"""The GPU figures of docs/performance.md: a T2L-SFT step on Mistral-7B shapes, against a plain peft LoRA
step on the same batch and against the reference's per-sample approach, in one run.

    python bench/gpu_t2l_step.py                    # CUDA: Mistral-7B-v0.2 shapes, random bf16 weights
    python bench/gpu_t2l_step.py --tiny             # CPU smoke run on tiny_random_mistral (checks the script)

Same random base (Mistral-7B-Instruct-v0.2's config, random weights: speed does not depend on them),
same batch (8 tasks x 1 example, --seq tokens, the last --answer tokens labelled), bf16 autocast:
  t2l        : hypernet M generates one LoRA per task, t2l.lora.apply (gather + bmm through rank r),
               answer-only logits (t2l.training.losses.answer_loss); trains the hypernet
  peft       : one shared peft LoRA (q/v, r8) on the same batch, answer-only logits; trains the LoRA (the floor)
  repeat-bmm : the reference's per-sample application: the generated factors copied per token and
               multiplied in fp32 (bench/apply_naive_vs_batched.py's hooks); trains the hypernet
Goals (issue 12): t2l / peft >= 0.9x tokens/s; t2l / repeat-bmm >= 3x. Also peak GPU memory and model-FLOPs
utilisation (4 x base parameters per token: forward, and backward to the activations of a frozen base;
attention FLOPs left out) against --peak-tflops (989: H100/H200 dense bf16). Writes gpu_t2l_step.json into
bench/results/ (--tiny: gpu_t2l_step_tiny.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
ROWS = ("t2l", "peft", "repeat-bmm")


def build(tiny: bool, device: str):
    import yaml
    from transformers import AutoConfig, AutoModelForCausalLM

    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec

    name = "tiny_random_mistral" if tiny else "mistral_7b_instruct_v02"
    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / f"t2l/conf/base_model/{name}.yaml").read_text()))
    if tiny:
        config = AutoConfig.for_model(**{k: v for k, v in base.random_init.items()}, vocab_size=49152)
    else:   # Mistral-7B-Instruct-v0.2's architecture (its config.json), random weights
        config = AutoConfig.for_model("mistral", vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                                      num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                                      max_position_embeddings=32768, rope_theta=1e6, sliding_window=None)
    torch.manual_seed(0)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16 if device == "cuda" else torch.float32)
    model.requires_grad_(False).eval()
    return base, LoRASpec.for_base(base), model


def run(row: str, base, spec, model, batch, steps: int, device: str) -> dict:
    from apply_naive_vs_batched import repeat_bmm_hooks

    from t2l.lora.apply import apply_lora
    from t2l.models.hypernet import HyperNet
    from t2l.training.losses import answer_loss

    torch.manual_seed(0)
    tasks = batch["input_ids"].shape[0]
    emb = torch.nn.functional.normalize(torch.randn(tasks, 1024, device=device), dim=-1)   # gte-large's width
    if row == "peft":
        from peft import get_peft_model

        from t2l.lora.peft_io import to_peft_config

        lm = get_peft_model(model, to_peft_config(spec, base.model_id))
        params = [p for p in lm.parameters() if p.requires_grad]
        forward = lambda: answer_loss(lm, batch)   # noqa: E731
    else:
        hypernet = HyperNet(spec, 1024, size="M", init_head_weights="small").to(device)
        params = list(hypernet.parameters())

        def forward():
            weights = hypernet(emb)
            if row == "t2l":
                with apply_lora(model, weights, spec, rows=batch["rows"]):
                    return answer_loss(model, batch)
            handles = repeat_bmm_hooks(model, spec, weights)
            try:
                return answer_loss(model, batch)
            finally:
                for h in handles:
                    h.remove()
    opt = torch.optim.AdamW(params, lr=1e-5)
    cast = torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda")
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    seconds = 0.0
    for i in range(steps + 1):   # step 0 warms up (kernels, allocator) and is not timed
        sync()
        t0 = time.perf_counter()
        with cast:
            loss = forward()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        sync()
        if i:
            seconds += time.perf_counter() - t0
    if row == "peft":
        lm.unload()
    tokens = int(batch["attention_mask"].sum()) * steps
    return {"tokens_per_s": round(tokens / seconds, 1), "loss": float(loss),
            "peak_memory_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2) if device == "cuda" else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help="CPU smoke run on tiny_random_mistral")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--seq", type=int, default=512)
    parser.add_argument("--answer", type=int, default=32)
    parser.add_argument("--peak-tflops", type=float, default=989.0)
    args = parser.parse_args()
    from t2l.hardware import machine_line
    from t2l.tasks.schema import IGNORE_INDEX

    device = "cpu" if args.tiny else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("bench/gpu_t2l_step.py needs a CUDA GPU (or --tiny for a CPU smoke run)")
    base, spec, model = build(args.tiny, device)
    seq = min(args.seq, 64) if args.tiny else args.seq
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(0, model.config.vocab_size, (8, seq), generator=gen)
    labels = torch.full_like(ids, IGNORE_INDEX)
    labels[:, -args.answer:] = ids[:, -args.answer:]
    batch = {"input_ids": ids.to(device), "labels": labels.to(device),
             "attention_mask": torch.ones_like(ids).to(device), "rows": torch.arange(8, device=device)}
    rows = {row: run(row, base, spec, model, batch, args.steps, device) for row in ROWS}
    params = sum(p.numel() for p in model.parameters())
    for value in rows.values():
        value["mfu"] = round(4 * params * value["tokens_per_s"] / (args.peak_tflops * 1e12), 4) if not args.tiny else None
    report = {"machine": machine_line(), "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
              "date": time.strftime("%Y-%m-%d"), "base": "tiny_random_mistral" if args.tiny else
              "Mistral-7B-Instruct-v0.2 shapes, random bf16 weights", "base_parameters": params,
              "batch": f"8 tasks x 1 example x {seq} tokens, {args.answer} answer tokens", "steps_timed": args.steps,
              "rows": rows, "t2l_over_peft": round(rows["t2l"]["tokens_per_s"] / rows["peft"]["tokens_per_s"], 3),
              "t2l_over_repeat_bmm": round(rows["t2l"]["tokens_per_s"] / rows["repeat-bmm"]["tokens_per_s"], 3)}
    print(json.dumps(report, indent=2))
    out = REPO / "bench" / "results" / ("gpu_t2l_step_tiny.json" if args.tiny else "gpu_t2l_step.json")
    out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
