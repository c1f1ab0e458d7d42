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


def test_machine_line_names_the_cpu_and_its_flags():
    line = hardware.machine_line()
    assert hardware.cpu_model() in line and "flags:" in line and "threads" in line
    assert set(hardware.simd_flags()) <= set(hardware.SIMD_FLAGS)


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
