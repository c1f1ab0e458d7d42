"""A bundle trained on another version of the generated pool is refused where it would score pool tasks:
its held-out tasks and training examples were other ones. The message names both versions and the fix."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pytest

from t2l.errors import T2LError
from t2l.tasks.pool.build import check_pool_version, pool_hash
from tests.helpers.paths import RELEASE

pytestmark = pytest.mark.real_assets   # the released bundle, real SmolLM2's spec, the pool's resources


def test_the_installed_version_and_no_version_pass():
    check_pool_version(pool_hash(), "bundle b")
    check_pool_version(None, "bundle b")   # trained without pool tasks: nothing to compare


def test_another_version_is_refused_naming_both_and_the_fix():
    with pytest.raises(T2LError) as err:
        check_pool_version("0123456789abcdef", "bundle b")
    message = str(err.value)
    assert "0123456789abcdef" in message and pool_hash() in message
    assert "python train.py experiment=t2l_release" in message


def test_t2l_eval_refuses_it_before_scoring_and_writes_nothing(tmp_path):
    from t2l.app.cli import main

    bundle = tmp_path / "bundle"
    shutil.copytree(RELEASE / "hypernet", bundle)    # outside the release folder: no model card to verify
    config_path = bundle / "t2l_config.json"
    config = json.loads(config_path.read_text())
    config["training"]["data_versions"] = {"pool": "0123456789abcdef"}
    config_path.write_text(json.dumps(config))
    out = tmp_path / "eval"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["eval", f"checkpoint={bundle}", "split=heldout_described", "tasks=[gerund]", "limit=1",
                     "eval_split=validation", "prompt_settings=[bare]", f"out={out}"])
    assert code == 2
    assert "pool version 0123456789abcdef" in stderr.getvalue()
    assert not out.exists()
