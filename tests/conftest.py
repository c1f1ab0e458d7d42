"""Shared fixtures: a tiny random Llama (from t2l/conf/base_model/tiny_random.yaml) and the real SmolLM2."""

from __future__ import annotations

import os

import pytest

from tests.helpers.paths import SHARED_BBH, SHARED_BIGBENCH
from tests.helpers.specs import base_spec

# pytester: tests/unit/test_markers.py runs this file's collection hook on a sample test file
pytest_plugins = ["pytester"]

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


# The fixtures above load the offline bundle: a test that uses one (directly or through another fixture)
# is a real_assets test whether or not it says so; the hook below marks it.
REAL_ASSET_FIXTURES = frozenset({"smollm2", "tiny_model"})
# What `real_assets` needs (`t2l assets` prepares both; BIG-bench has its own marker, real_bigbench).
REAL_ASSETS = ("smollm2-135m-instruct", "minilm")


@pytest.hookimpl(tryfirst=True)   # before pytest's own hook deselects by `-m`, so `-m "not real_assets"` sees the marks
def pytest_collection_modifyitems(config, items):
    """Marked: `real_assets` on every test that uses a REAL_ASSET_FIXTURES fixture. Skipped, with the reason:
    `real_assets` tests where `t2l assets` has not prepared SmolLM2 and MiniLM under T2L_HOME; `device` tests
    (the GPU path) where torch sees no CUDA GPU; and `real_bigbench` tests where `t2l assets` could not
    prepare the real BIG-bench task JSON (the package index no longer serves bigbench 1.0.0;
    T2L_BIGBENCH_SOURCE names a copy) or, for a test that names the tasks it needs
    (`@pytest.mark.real_bigbench("navigate")`), where the prepared copy lacks one of them
    (../shared/data/bigbench holds 22 tasks)."""
    import torch

    from t2l.assets import BIGBENCH_COPIES, asset_dir, is_present, t2l_home

    for item in items:
        if REAL_ASSET_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("real_assets"):
            item.add_marker(pytest.mark.real_assets)
    skips = {}
    missing = [name for name in REAL_ASSETS if not is_present(name)]
    if missing:
        skips["real_assets"] = pytest.mark.skip(
            reason=f"needs the offline bundle ({', '.join(missing)} not prepared under {t2l_home()}): run `t2l assets` "
                   f"(`make test` does), or deselect these tests with -m 'not real_assets'")
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
