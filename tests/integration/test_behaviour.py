"""Behaviour kept bit for bit across the package reshaping: `t2l eval` with a tiny T2L bundle (and its
random / wrong / generic controls) writes what the pre-reshaping code wrote. The benchmark's twin check
is in test_benchmark.py. Fixtures: tests/fixtures/behaviour/ (see tests/helpers/behaviour.py)."""

from __future__ import annotations

import pytest

from tests.helpers.behaviour import assert_same_behaviour, sha256
from tests.helpers.experiments import compose_train, tiny_overrides
from tests.helpers.paths import BIGBENCH


@pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM
def test_t2l_eval_with_a_tiny_bundle_writes_the_fixture_numbers(tmp_path):
    from t2l.app.cli import main
    from t2l.app.jobs import run

    run(compose_train(*tiny_overrides("t2l_sft", tmp_path)))      # 2 SFT steps, as the fixture was made
    bundle = tmp_path / "t2l_sft" / "hypernet"
    code = main(["eval", f"checkpoint={bundle}", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}",
                 "tasks=[toy_choice,toy_generate]", "limit=3", f"out={tmp_path / 'eval'}",
                 "controls=[random,wrong,generic]"])
    assert code == 0
    assert_same_behaviour("eval_tiny_bundle.json", tmp_path / "eval",
                          {"t2l_sft/hypernet.safetensors": sha256(bundle / "hypernet.safetensors")})
