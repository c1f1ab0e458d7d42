"""The real SmolLM2 on real held-out tasks (BIG-bench JSON where a copy is prepared, and the generated
ones always): our batched scorer against an independent plain loop."""

from __future__ import annotations

import pytest

from t2l.assets import require
from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.tasks.registry import TaskCatalog, TaskSources
from tests.helpers.scoring_oracle import plain_pick

pytestmark = pytest.mark.real_assets


@pytest.mark.parametrize("names", [
    pytest.param(["sports_understanding", "navigate"], marks=pytest.mark.real_bigbench("sports_understanding", "navigate"),
                 id="bigbench"),   # both among ../shared/data/bigbench's 22 tasks
    pytest.param(["boolean_expressions", "web_of_lies"], id="generated"),
])
def test_predictions_rescored_by_plain_loop_agree(smollm2, names):
    model, tokenizer, spec = smollm2
    bigbench = str(require("bigbench")) if names[0] == "sports_understanding" else None
    catalog = TaskCatalog(TaskSources(bigbench_dir=bigbench))
    for name in names:
        task = catalog.load(name)
        summary, rows = evaluate_task(model, tokenizer, task, EvalSettings(chat=spec.chat_template, limit=6, progress=False))
        assert summary["n"] == 6
        for row in rows:
            assert row["pred"] == plain_pick(model, tokenizer, row["prompt"], row["choices"])
