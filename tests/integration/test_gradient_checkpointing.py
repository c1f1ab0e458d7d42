"""`objective.gradient_checkpointing=true`: the frozen base's decoder layers are recomputed in backward,
inside each loss term's own backward (its generated LoRA's hooks still present), so training is unchanged:
the same losses and the same bundle as without it (LoRA dropout on: torch's checkpoint replays the RNG
state), with the mismatch hinge's second forward too."""

from __future__ import annotations

import pytest

from tests.helpers.train_runs import TASKS, csv_metrics, differing, hypernet_state, run_train

pytestmark = pytest.mark.real_assets

RUN = ["experiment=t2l_sft", TASKS, "objective.lr=1e-3", "objective.max_length=64", "objective.tasks_per_batch=2",
       "objective.samples_per_task=2", "objective.val_tasks=1", "objective.val_every=2", "objective.val_examples=2",
       "objective.warmup_steps=2", "objective.max_steps=4"]


@pytest.mark.parametrize("terms", [[], ["objective.mismatch_weight=0.5", "objective.mismatch_margin=5.0"]],
                         ids=["answer", "answer+hinge"])
def test_checkpointed_base_trains_exactly_like_the_plain_one(tmp_path, terms):
    plain, checkpointed = tmp_path / "plain", tmp_path / "ckpt"
    for work, extra in ((plain, []), (checkpointed, ["objective.gradient_checkpointing=true"])):
        proc = run_train(work, *RUN, *terms, *extra)
        assert proc.returncode == 0, proc.log[-4000:]
    losses = [[float(r["train_loss"]) for r in csv_metrics(w) if r.get("train_loss")] for w in (plain, checkpointed)]
    assert len(losses[0]) == 4 and max(abs(a - b) for a, b in zip(*losses)) < 1e-6, losses
    if terms:   # the hinge was active (margin 5 nats), so its backward ran under checkpointing
        gaps = [float(r["mismatch_gap"]) for r in csv_metrics(checkpointed) if r.get("mismatch_gap")]
        assert len(gaps) == 4 and all(g < 5.0 for g in gaps), gaps
    assert not differing(hypernet_state(plain), hypernet_state(checkpointed))
