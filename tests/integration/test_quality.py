"""Does the released T2L do what its description says, on tasks it never saw?

On three held-out described tasks (real SmolLM2, bare prompts: only the adapter says what to do) the
adapter generated from the task's own evaluation description must give the gold answers a higher
log-likelihood than the adapter generated from another task's description (wrong) and from a generic one,
paired over the same 40 test examples, by at least MARGIN nats on average for each task.

The same check is run with the hypernetwork's description input replaced by a constant: every adapter is
then the same, the differences are exactly zero, and the check must fail - so it cannot pass by
construction. Until the released bundle meets the bar, the test is an xfail(strict=True): it turns into a
failure the day a release passes, so the marker is removed with that release.
"""

from __future__ import annotations

import pytest
import torch

from t2l.eval.controls import GENERIC_DESCRIPTION
from t2l.eval.scoring import score_choices
from t2l.lora.apply import apply_lora
from t2l.tasks.prompts import build_prompt, continuation

pytestmark = pytest.mark.real_assets   # real SmolLM2, MiniLM, the released bundle, the pool's resources

TASKS = ("gerund", "agent_noun", "superlative")   # free-text described tasks an oracle LoRA lifts to 60-80%
EXAMPLES = 40
# Mean log-likelihood gain (nats) of the gold answer under the task's own adapter over each control: e^0.5,
# about 1.6x as likely. The released bundle measured below it (see the xfail reason for the numbers).
MARGIN = 0.5


def gold_logliks(model, tokenizer, bundle, examples, embedding: torch.Tensor) -> torch.Tensor:
    """Summed log-probability of each example's gold answer after its bare prompt, under the adapter the
    hypernetwork generates from `embedding`."""
    weights = {k: v.float() for k, v in bundle.hypernet(embedding).items()}
    prompts = [build_prompt(tokenizer, ex.input, True) for ex in examples]
    with torch.no_grad(), apply_lora(model, weights, bundle.spec):
        scores = score_choices(model, tokenizer, prompts, [[continuation(ex.target, True)] for ex in examples])
    return torch.tensor([s[0][0] for s in scores])


def description_gains(model, tokenizer, bundle, tasks, embed) -> dict[str, dict[str, float]]:
    """Per task, the mean paired gain of its own description's adapter over the wrong-task and generic ones;
    `embed(text)` is what the hypernetwork is given for a text."""
    gains = {}
    for i, task in enumerate(tasks):
        wrong_task = tasks[(i + 1) % len(tasks)]
        examples = task.test[:EXAMPLES]
        own = gold_logliks(model, tokenizer, bundle, examples, embed(task.descriptions[0]))
        gains[task.name] = {
            "wrong": float((own - gold_logliks(model, tokenizer, bundle, examples,
                                               embed(wrong_task.descriptions[0]))).mean()),
            "generic": float((own - gold_logliks(model, tokenizer, bundle, examples, embed(GENERIC_DESCRIPTION))).mean())}
    return gains


def meets_the_bar(gains: dict[str, dict[str, float]]) -> bool:
    return all(g > MARGIN for per_task in gains.values() for g in per_task.values())


@pytest.fixture(scope="module")
def setup(smollm2):
    from t2l.app.generate import resolve_checkpoint
    from t2l.models.bundle import T2L
    from t2l.tasks.descriptions import EVAL_BANK
    from t2l.tasks.registry import TaskCatalog, TaskSources

    model, tokenizer, spec = smollm2
    bundle = T2L.from_pretrained(resolve_checkpoint("release"), base=spec)
    catalog = TaskCatalog(TaskSources(eval_descriptions_dir=str(EVAL_BANK)))
    tasks = [catalog.load(name) for name in TASKS]
    assert all(len(t.test) >= EXAMPLES and t.metric == "gen" for t in tasks)
    return model, tokenizer, bundle, tasks


def test_a_constant_description_input_fails_the_check(setup):
    """The control of the test itself: with the description input held constant every adapter is the
    same one, so no gain can reach the margin."""
    model, tokenizer, bundle, tasks = setup
    constant = bundle.encoder.encode([GENERIC_DESCRIPTION])
    gains = description_gains(model, tokenizer, bundle, tasks, lambda text: constant)
    assert all(abs(g) < 1e-6 for per_task in gains.values() for g in per_task.values())
    assert not meets_the_bar(gains)


@pytest.mark.xfail(strict=True, reason="the released bundle (experiment=t2l_release: answer loss + hinge, 600 "
                   "steps) beats the generic description by 2.5-3.1 nats but not the wrong task's by MARGIN "
                   "(2026-12-08, commit a974543: gerund +0.49/+3.13, agent_noun -0.37/+2.51, superlative "
                   "-1.32/+2.70 nats, wrong/generic) (docs/t2l.md, 'The quality test')")
def test_the_own_description_beats_wrong_and_generic_by_the_margin(setup):
    model, tokenizer, bundle, tasks = setup
    gains = description_gains(model, tokenizer, bundle, tasks, lambda text: bundle.encoder.encode([text]))
    print("mean gold log-likelihood gain of the own description's adapter:", gains)
    assert meets_the_bar(gains), gains
