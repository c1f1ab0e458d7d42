"""Shared fixtures: a tiny random Llama (from t2l/conf/base_model/tiny_random.yaml) and the real SmolLM2."""

from __future__ import annotations

import os

import pytest

from tests.helpers.paths import SHARED_BBH, SHARED_BIGBENCH
from tests.helpers.specs import base_spec

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Training in tests is fp32 on every machine: `precision=auto` would pick bf16 autocast on CPUs with
# AVX512-BF16/AMX, and the seeded trajectories tests check would then depend on the CPU. Tests of bf16 and
# of the auto choice set precision explicitly.
os.environ.setdefault("T2L_PRECISION", "fp32")
# The shared benchmark files beside the checkout (../shared/data), where present: what `t2l assets` prepares
# BIG-Bench Hard and BIG-bench from in tests (as `make test` does); a value already set wins.
for _variable, _folder in (("T2L_BBH_SOURCE", SHARED_BBH), ("T2L_BIGBENCH_SOURCE", SHARED_BIGBENCH)):
    if _folder.is_dir() and not os.environ.get(_variable):
        os.environ[_variable] = str(_folder)


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models: one torch thread. Two threads on a busy 2-core machine spend most of their time
    waiting on each other (measured ~100x slower for the tiny Llama); tests that time nothing lose nothing."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_model():
    """(model, tokenizer, spec) of the seeded tiny random Llama; the tokenizer is SmolLM2's real one."""
    from t2l.models.base import load_base

    spec = base_spec("tiny_random")
    model, tokenizer = load_base(spec)
    return model, tokenizer, spec


@pytest.fixture(scope="session")
def smollm2():
    """(model, tokenizer, spec) of the real SmolLM2-135M-Instruct from the offline bundle."""
    from t2l.models.base import load_base

    spec = base_spec("smollm2_135m")
    model, tokenizer = load_base(spec)
    return model, tokenizer, spec


def pytest_collection_modifyitems(config, items):
    """Skipped, with the reason: `device` tests (the GPU path) where torch sees no CUDA GPU, and
    `real_bigbench` tests where `t2l assets` could not prepare the real BIG-bench task JSON (the package
    index no longer serves bigbench 1.0.0; T2L_BIGBENCH_SOURCE names a copy) or, for a test that names
    the tasks it needs (`@pytest.mark.real_bigbench("navigate")`), where the prepared copy lacks one of them
    (../shared/data/bigbench holds 22 tasks)."""
    import torch

    from t2l.assets import BIGBENCH_COPIES, asset_dir, is_present

    skips = {}
    if not torch.cuda.is_available():
        skips["device"] = pytest.mark.skip(reason="needs a CUDA GPU (the GPU path: pytest -m device tests/device)")
    bigbench = is_present("bigbench")
    if not bigbench:
        skips["real_bigbench"] = pytest.mark.skip(
            reason=f"needs the real BIG-bench task JSON: run `T2L_BIGBENCH_SOURCE=PATH t2l assets` with a copy "
                   f"({BIGBENCH_COPIES})")
    prepared = None
    for item in items:
        for marker, skip in skips.items():
            if marker in item.keywords:
                item.add_marker(skip)
        needs = [name for mark in item.iter_markers("real_bigbench") for name in mark.args]
        if bigbench and needs:
            if prepared is None:
                from t2l.tasks.bigbench import bigbench_index

                prepared = set(bigbench_index(asset_dir("bigbench")))
            lacking = [name for name in needs if name not in prepared]
            if lacking:
                item.add_marker(pytest.mark.skip(
                    reason=f"needs BIG-bench tasks the prepared copy ({len(prepared)} tasks) lacks: "
                           f"{', '.join(lacking[:3])}{f' and {len(lacking) - 3} more' if len(lacking) > 3 else ''}; "
                           f"prepare a full copy: rm -r {asset_dir('bigbench')} && T2L_BIGBENCH_SOURCE=PATH t2l assets "
                           f"({BIGBENCH_COPIES})"))
