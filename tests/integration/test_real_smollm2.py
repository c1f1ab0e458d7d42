"""The real SmolLM2 on real BIG-bench JSON: our batched scorer against an independent plain loop."""

from __future__ import annotations

import pytest

from t2l.assets import require
from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.tasks.registry import TaskCatalog, TaskSources
from tests.helpers.scoring_oracle import plain_pick

pytestmark = pytest.mark.real_assets


def test_predictions_rescored_by_plain_loop_agree(smollm2):
    model, tokenizer, spec = smollm2
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(require("bigbench"))))
    for name in ["sports_understanding", "date_understanding"]:
        task = catalog.load(name)
        summary, rows = evaluate_task(model, tokenizer, task, EvalSettings(chat=spec.chat_template, limit=6, progress=False))
        assert summary["n"] == 6
        for row in rows:
            assert row["pred"] == plain_pick(model, tokenizer, row["prompt"], row["choices"])
