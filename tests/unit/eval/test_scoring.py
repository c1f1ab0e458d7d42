"""Scoring on the tiny random Llama: hand-computed log-likelihood, batching and padding invariance."""

from __future__ import annotations

import math

import pytest
import torch

from t2l.eval.scoring import (
    EvalSettings,
    choice_logprobs,
    evaluate_task,
    exact_match,
    greedy_generate,
    score_choices,
)
from t2l.tasks.prompts import build_prompt, continuation
from t2l.tasks.schema import Example, Task
from tests.helpers.scoring_oracle import plain_choice_logprob

PROMPTS = ["Q: Is the sky blue?\nA:", "Q: What is two plus two, written as a word?\nA:", "Hi",
           "A much longer question about the order of several coloured books on a shelf, left to right?"]
CHOICES = [["yes", "no"], ["four", "five", "twenty two"], ["there", "hello there friend"], ["red", "blue", "green", "x"]]


def test_logprob_matches_hand_computation(tiny_model):
    model, tokenizer, _ = tiny_model
    prompt = tokenizer("Q: Is the sky blue?\nA:", add_special_tokens=False)["input_ids"]
    choice = tokenizer(" yes it is", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([prompt + choice])).logits[0]
    probs = torch.softmax(logits.double(), dim=-1)
    expected = sum(math.log(float(probs[len(prompt) - 1 + j, tok])) for j, tok in enumerate(choice))
    (got, n), = choice_logprobs(model, [prompt], [[choice]])[0]
    assert n == len(choice) == 3
    assert got == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("batch_size", [1, 3, 8])
def test_batched_scores_equal_one_by_one(tiny_model, batch_size):
    model, tokenizer, _ = tiny_model
    prompts = [build_prompt(tokenizer, p, chat=True) for p in PROMPTS]
    choices = [[continuation(c, True) for c in cs] for cs in CHOICES]
    batched = score_choices(model, tokenizer, prompts, choices, batch_size=batch_size)
    for prompt, cs, scores in zip(prompts, choices, batched):
        assert len(scores) == len(cs)
        for choice, (score, _) in zip(cs, scores):
            assert score == pytest.approx(plain_choice_logprob(model, tokenizer, prompt, choice), abs=1e-4)


def test_many_choices_are_scored_in_bounded_chunks(tiny_model):
    model, tokenizer, _ = tiny_model
    prompts = [build_prompt(tokenizer, p, chat=True) for p in PROMPTS[:2]]
    choices = [[f"option {i}" for i in range(7)], ["yes", "no"]]
    chunked = score_choices(model, tokenizer, prompts, choices, batch_size=8, max_rows=3)
    whole = score_choices(model, tokenizer, prompts, choices, batch_size=8, max_rows=64)
    assert [len(s) for s in chunked] == [7, 2]
    for a, b in zip(chunked, whole):
        assert [n for _, n in a] == [n for _, n in b]
        assert [s for s, _ in a] == pytest.approx([s for s, _ in b], abs=1e-4)


def test_batched_generation_equals_single(tiny_model):
    model, tokenizer, _ = tiny_model
    prompts = [build_prompt(tokenizer, p, chat=True) for p in PROMPTS]
    together = greedy_generate(model, tokenizer, prompts, max_new_tokens=6, batch_size=4)
    alone = [greedy_generate(model, tokenizer, [p], max_new_tokens=6, batch_size=1)[0] for p in prompts]
    assert together == alone
    assert all(isinstance(t, str) and t for t in together)


def test_exact_match_normalisation():
    assert exact_match(" Plausible.\n", ["plausible"])
    assert exact_match("apple banana\nmore text", ["apple  banana"])
    assert not exact_match("apple banana cherry", ["apple banana"])
    assert exact_match("6", ["six", "6"])
    assert not exact_match("", ["6"])


def test_evaluate_task_rows_follow_the_contract(tiny_model):
    model, tokenizer, _ = tiny_model
    mc = [Example(input=p, choices=tuple(c), answers=(0,)) for p, c in zip(PROMPTS, CHOICES)]
    task = Task("toy", "test", ["toy task"], "mc", train=mc[:1], validation=[], test=mc)
    summary, rows = evaluate_task(model, tokenizer, task, EvalSettings(shots=1, limit=3, progress=False))
    assert summary["n"] == 3 and len(rows) == 3
    assert summary["accuracy"] == sum(r["pred"] == r["gold"] for r in rows) / 3
    for row, ex in zip(rows, mc):
        assert row["choices"] == list(ex.choices)  # chat: the choice is the whole assistant reply
        assert row["prompt"].count("<|im_start|>user") == 2  # one shot + the question
        assert row["pred"] == max(range(len(row["scores"])), key=row["scores"].__getitem__)
    gen = [Example(input="Say hi", targets=("hi",)), Example(input="Say bye", targets=("bye",))]
    task = Task("toy_gen", "test", ["say a word"], "gen", train=[], validation=[], test=gen)
    summary, rows = evaluate_task(model, tokenizer, task, EvalSettings(max_new_tokens=3, progress=False))
    assert summary["n"] == 2 and {"target", "output", "prompt"} <= set(rows[0])
