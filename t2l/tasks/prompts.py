"""Prompt text for a task example: chat template for instruct models, plain Q/A text otherwise.

The strings built here are the contract with every scorer: a prompt is scored by tokenising it with
`add_special_tokens=False` (any BOS or chat markers are already in the text), and a choice's
continuation string is tokenised the same way and appended.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Sequence

from t2l.tasks.schema import IGNORE_INDEX, SPLITS, Example, Task

# How a prompt states the task: `task` keeps the source's own instruction (BIG-bench's task_prefix,
# e.g. "If you follow these instructions, do you return to the starting point?"); `bare` drops it, so
# the user message holds only the example's input - as users often write - and the task is stated
# nowhere but in the description a T2L adapter is generated from.
# `described` puts one of the task's descriptions (at evaluation: its evaluation descriptions, rotated over
# the examples) before the bare input: the prompting baseline, what a user without T2L would write.
PROMPT_SETTINGS = ("task", "bare", "described")
DESCRIBED_SEPARATOR = "\n\n"

PLAIN_SHOT_SEPARATOR = "\n\n"


def build_prompt(tokenizer, text: str, chat: bool, shots: Sequence[tuple[str, str]] = ()) -> str:
    """The exact text given to the model; `shots` are (input, answer) demonstrations."""
    if chat:
        messages = []
        for question, answer in shots:
            messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        messages.append({"role": "user", "content": text})
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    parts = [f"{question} {answer}" for question, answer in shots] + [text]
    bos = tokenizer.bos_token if getattr(tokenizer, "add_bos_token", False) and tokenizer.bos_token else ""
    return bos + PLAIN_SHOT_SEPARATOR.join(parts)


def continuation(answer: str, chat: bool) -> str:
    """The scored string for an answer: the assistant's whole reply, or a space after `A:`."""
    return answer if chat else " " + answer


def shots_from(examples: Sequence[Example], k: int) -> list[tuple[str, str]]:
    """The first k training examples as (input, answer) pairs (the split is already hash-shuffled)."""
    return [(ex.input, ex.target) for ex in list(examples)[:k]]


def encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def sft_features(tokenizer, example: Example, chat: bool, max_length: int) -> dict[str, list[int]]:
    """Token ids and labels for next-token training on one example: loss on the answer only.

    The answer is followed by EOS (the chat template's end-of-turn for instruct models) so the model
    learns to stop. Over-long prompts lose their beginning, never the answer.
    """
    prompt = encode(tokenizer, build_prompt(tokenizer, example.input, chat))
    answer = encode(tokenizer, continuation(example.target, chat)) + [tokenizer.eos_token_id]
    answer = answer[:max_length]
    prompt = prompt[max(0, len(prompt) + len(answer) - max_length):]
    return {"input_ids": prompt + answer, "labels": [IGNORE_INDEX] * len(prompt) + answer}


def choice_features(tokenizer, example: Example, chat: bool, max_length: int) -> list[dict[str, list[int]]]:
    """One row per choice of a multiple-choice example: the prompt, then the choice's continuation as
    evaluation scores it (t2l.eval.scoring.score_choices: no EOS), labels on the choice's tokens only.

    The rows' summed label log-likelihoods are the scores evaluation ranks, so a loss over them (the
    choice-ranking term of T2L-SFT) trains exactly what multiple-choice evaluation measures.
    """
    prompt = encode(tokenizer, build_prompt(tokenizer, example.input, chat))
    rows = []
    for choice in example.choices:
        answer = encode(tokenizer, continuation(choice, chat))[:max_length]
        if not answer:
            raise ValueError(f"a choice encodes to no tokens: {example.choices}")
        head = prompt[max(0, len(prompt) + len(answer) - max_length):]
        rows.append({"input_ids": head + answer, "labels": [IGNORE_INDEX] * len(head) + answer})
    return rows


def without_task_prefix(example: Example, prefix: str) -> Example:
    """The example with the task's leading instruction removed (unchanged when it has none)."""
    head = prefix.strip()
    if not head or not example.input.startswith(head):
        return example
    rest = example.input[len(head):].lstrip()
    return dataclasses.replace(example, input=rest) if rest else example


def in_setting(task: Task, setting: str) -> Task:
    """`task` as prompts in `setting` (PROMPT_SETTINGS) show it; the split itself never moves."""
    if setting not in PROMPT_SETTINGS:
        raise ValueError(f"prompt setting '{setting}' is unknown; choose one of {list(PROMPT_SETTINGS)}")
    prefix = str(task.meta.get("task_prefix", ""))
    if setting == "task" or (setting == "bare" and not prefix.strip()):
        return task
    stripped = {name: [without_task_prefix(e, prefix) for e in task.split(name)] for name in SPLITS}
    if setting == "described":
        if not task.descriptions:
            raise ValueError(f"task '{task.name}' has no description to place before its inputs (setting "
                             "'described'); give it one in a description bank")
        stripped = {name: [described(e, task.descriptions[i % len(task.descriptions)]) for i, e in enumerate(part)]
                    for name, part in stripped.items()}
    return dataclasses.replace(task, **stripped)


def described(example: Example, description: str) -> Example:
    """The example with a description before its input (the `described` prompt setting)."""
    return dataclasses.replace(example, input=description.strip() + DESCRIBED_SEPARATOR + example.input)


def in_bare_share(seed: int, task: str, index: int, fraction: float) -> bool:
    """Whether training example `index` of `task` is shown bare: a fixed, seeded share of each task."""
    return in_share("bare", seed, task, index, fraction)


def in_share(kind: str, seed: int, task: str, index: int, fraction: float) -> bool:
    """Whether example `index` of `task` is in the seeded `fraction` of the task marked `kind` (each kind
    draws independently of the others)."""
    if fraction <= 0:
        return False
    digest = hashlib.sha256(f"{kind}:{seed}:{task}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64 < fraction


def training_view(task: Task, index: int, seed: int, bare_fraction: float, described_fraction: float) -> Example:
    """How T2L-SFT shows train example `index`: in the `described` setting (one of the task's training
    descriptions, chosen by the index, before the bare input) for a seeded `described_fraction`; else
    bare for a seeded `bare_fraction`; else as the task states it."""
    example = task.train[index]
    prefix = str(task.meta.get("task_prefix", ""))
    if task.descriptions and in_share("described", seed, task.name, index, described_fraction):
        return described(without_task_prefix(example, prefix), task.descriptions[index % len(task.descriptions)])
    if in_bare_share(seed, task.name, index, bare_fraction):
        return without_task_prefix(example, prefix)
    return example
