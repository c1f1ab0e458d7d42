"""precision=auto picks bf16 only where the CPU has bf16 matrix instructions, and says why."""

from __future__ import annotations

import pytest

from t2l import hardware
from t2l.errors import T2LError


def test_auto_on_an_avx2_only_cpu_is_fp32(monkeypatch):
    monkeypatch.setattr(hardware, "cpu_flags", lambda: {"avx2", "fma"})
    picked, why = hardware.choose_precision("auto", "cpu")
    assert picked == "fp32" and "AVX512-BF16" in why


@pytest.mark.parametrize("flag", ["avx512_bf16", "amx_bf16"])
def test_auto_with_bf16_instructions_is_bf16(monkeypatch, flag):
    monkeypatch.setattr(hardware, "cpu_flags", lambda: {"avx2", flag})
    assert hardware.choose_precision("auto", "cpu") == ("bf16", f"the CPU has {flag}")


def test_explicit_precision_wins_and_unknown_is_refused():
    assert hardware.choose_precision("bf16", "cpu") == ("bf16", "as configured")
    with pytest.raises(T2LError, match=r"choose one of \['auto', 'fp32', 'bf16'\]"):
        hardware.choose_precision("fp16", "cpu")
    assert hardware.lightning_precision("bf16") == "bf16-mixed" and hardware.lightning_precision("fp32") == "32-true"


def test_machine_line_names_the_cpu_and_its_flags(monkeypatch):
    line = hardware.machine_line()
    assert hardware.cpu_model() in line and "flags:" in line and "threads" in line
    # simd_flags keeps exactly the CPU's flags that change float kernels, in SIMD_FLAGS order, and the line
    # prints them (flags chosen here, so the check does not depend on the machine it runs on)
    monkeypatch.setattr(hardware, "cpu_flags", lambda: {"sse4_2", "amx_bf16", "avx2", "ht"})
    assert hardware.simd_flags() == ["avx2", "amx_bf16"]
    assert "flags: avx2 amx_bf16, " in hardware.machine_line()
    monkeypatch.setattr(hardware, "cpu_flags", lambda: {"sse4_2"})
    assert hardware.simd_flags() == []
    assert f"flags: none of {' '.join(hardware.SIMD_FLAGS)}, " in hardware.machine_line()


def test_training_gets_the_chosen_precision(monkeypatch):
    from t2l.app import config

    monkeypatch.setattr(hardware, "cpu_flags", lambda: {"avx2"})
    monkeypatch.setattr(config, "choose_precision", hardware.choose_precision)
    cfg = config.compose("train", ["experiment=t2l_sft", "device=cpu"])
    assert config.trainer_arguments(cfg)["precision"] == "32-true"
    cfg = config.compose("train", ["experiment=t2l_sft", "device=cpu", "precision=bf16"])
    assert config.trainer_arguments(cfg)["precision"] == "bf16-mixed"
    cfg = config.compose("train", ["experiment=t2l_sft", "device=cpu", "+trainer.precision=16-mixed"])
    assert config.trainer_arguments(cfg)["precision"] == "16-mixed"
