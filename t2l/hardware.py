"""What this machine is, and the numeric precision that is fast on it.

bf16 autocast pays on CPUs with bf16 matrix instructions (AVX512-BF16, AMX) and on recent GPUs; on
AVX2-only CPUs torch emulates it and a step gets slower (bench/t2l_sft_step.py measures both), so
`precision=auto` looks at the CPU's flags rather than assuming. Every timing the project prints
carries `machine_line()` beside it.
"""

from __future__ import annotations

import os
import platform
import re
from functools import lru_cache
from pathlib import Path

from t2l.errors import T2LError

PRECISIONS = ("auto", "fp32", "bf16")
SIMD_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16")   # the flags that change float kernels
BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


@lru_cache(maxsize=1)
def _cpuinfo() -> str:
    path = Path("/proc/cpuinfo")
    return path.read_text(errors="replace") if path.is_file() else ""


def cpu_model() -> str:
    found = re.search(r"model name\s*:\s*(.*)", _cpuinfo())
    return found.group(1).strip() if found else (platform.processor() or platform.machine())


def cpu_flags() -> set[str]:
    found = re.search(r"^flags\s*:\s*(.*)$", _cpuinfo(), re.MULTILINE)
    return set(found.group(1).split()) if found else set()


def simd_flags() -> list[str]:
    return [f for f in SIMD_FLAGS if f in cpu_flags()]


def machine_line() -> str:
    """One line for beside a timing: CPU model, cores, the SIMD flags that matter, torch threads."""
    import torch

    flags = simd_flags()
    return (f"{cpu_model()}, {os.cpu_count()} cores, flags: {' '.join(flags) or 'none of ' + ' '.join(SIMD_FLAGS)}, "
            f"torch {torch.__version__} with {torch.get_num_threads()} threads")


def choose_precision(precision: str, device: str = "cpu") -> tuple[str, str]:
    """(fp32 | bf16, why) for a requested precision (auto | fp32 | bf16) on a device type."""
    if precision not in PRECISIONS:
        raise T2LError(f"precision '{precision}' is unknown; choose one of {list(PRECISIONS)}")
    if precision != "auto":
        return precision, "as configured"
    kind = device.split(":")[0]
    if kind == "cuda":
        import torch

        if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
            return "bf16", "the GPU supports bf16"
        return "fp32", "the GPU lacks bf16"
    if kind == "cpu":
        have = [f for f in BF16_CPU_FLAGS if f in cpu_flags()]
        if have:
            return "bf16", f"the CPU has {'/'.join(have)}"
        return "fp32", "the CPU has no AVX512-BF16/AMX, where bf16 autocast is slower than fp32"
    return "fp32", f"bf16 autocast is not measured on {kind}"


def lightning_precision(precision: str) -> str:
    """Lightning's name for a chosen precision: bf16 trains in bf16 autocast with fp32 weights."""
    return {"fp32": "32-true", "bf16": "bf16-mixed"}[precision]
