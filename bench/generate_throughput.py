"""`t2l generate` speed for SmolLM2 shapes on this CPU: adapters/s batched, cold start, peak memory.

    python bench/generate_throughput.py [--n 256] [--size M]

Builds a hypernet bundle of the given size (random weights: speed does not depend on them), then
measures in one run: (1) in-process batched generation (encode + hypernet) of n descriptions, in fp32
and with bf16 matmuls (`precision=bf16`),
(2) the same plus writing n peft adapter directories, (3) a cold `t2l generate` process for one
description (wall time to the first adapter, peak RSS). No base-model weights are loaded anywhere.
Writes bench/results/generate_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--size", default="M")
    args = parser.parse_args()
    import yaml

    from t2l.lora.spec import LoRASpec
    from t2l.models.base import BaseModelSpec
    from t2l.models.bundle import T2L, base_summary
    from t2l.models.hypernet import HyperNet

    base = BaseModelSpec.from_dict(yaml.safe_load((REPO / "t2l/conf/base_model/smollm2_135m.yaml").read_text()))
    encoder_cfg = yaml.safe_load((REPO / "t2l/conf/encoder/minilm.yaml").read_text())
    torch.manual_seed(0)
    hypernet = HyperNet(LoRASpec.for_base(base), encoder_cfg["dim"], size=args.size, init_head_weights="small")
    descriptions = [f"Task number {i}: answer questions about topic {i % 17} in the style {i % 5}." for i in range(args.n)]
    with tempfile.TemporaryDirectory() as tmp:
        bundle_dir = Path(tmp) / "bundle"
        T2L(hypernet, base_summary(base), encoder_cfg).save_pretrained(bundle_dir)
        t2l = T2L.from_pretrained(bundle_dir)
        rates = {}
        for precision in ("fp32", "bf16"):
            t2l.generate(descriptions[:8], precision=precision)  # warm-up: encoder load, first matmuls
            t2l.encoder.clear_cache()
            start = time.perf_counter()
            generated = t2l.generate(descriptions, precision=precision)
            rates[precision] = args.n / (time.perf_counter() - start)
            if precision == "fp32":
                reference = generated
        rel = max(float((generated[k] - reference[k]).norm() / reference[k].norm()) for k in reference)
        t2l.encoder.clear_cache()
        start = time.perf_counter()
        t2l.save_adapters(descriptions, [Path(tmp) / "out" / str(i) for i in range(args.n)])
        with_files = time.perf_counter() - start
        start = time.perf_counter()
        cold = subprocess.run([sys.executable, "-c", (
            "import resource, sys; from t2l.app.cli import main; code = main(sys.argv[1:]); "
            # VmHWM, not ru_maxrss: Linux carries the parent's ru_maxrss into a forked child, so a child
            # started from this big process would report the parent's peak (measured: identical numbers).
            "import re; hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); "
            "print('PEAK_RSS_MB', hwm / 1024); sys.exit(code)"),
            "generate", f"checkpoint={bundle_dir}", "description=Answer questions about dates", f"out={tmp}/cold"],
            capture_output=True, text=True, cwd=REPO)
        cold_s = time.perf_counter() - start
        if cold.returncode != 0:
            raise SystemExit(cold.stderr[-2000:])
        peak = float(next(line.split()[1] for line in cold.stdout.splitlines() if line.startswith("PEAK_RSS_MB")))
    report = {
        "machine": f"x86_64, {torch.get_num_threads()} torch threads", "torch": torch.__version__, "size": args.size,
        "hypernet_params": sum(p.numel() for p in hypernet.parameters()), "n": args.n,
        "adapters_per_s_in_memory": round(rates["fp32"], 1),
        "adapters_per_s_in_memory_bf16": round(rates["bf16"], 1),
        "bf16_vs_fp32_relative_weight_difference": round(rel, 5),
        "adapters_per_s_with_peft_dirs": round(args.n / with_files, 1),
        "cold_process_to_first_adapter_s": round(cold_s, 2), "cold_process_peak_rss_mb": round(peak, 1),
        "this_process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(report, indent=2))
    (REPO / "bench" / "results" / "generate_throughput.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
