"""Prompt text for a task example: chat template for instruct models, plain Q/A text otherwise.

The strings built here are the contract with every scorer: a prompt is scored by tokenising it with
`add_special_tokens=False` (any BOS or chat markers are already in the text), and a choice's
continuation string is tokenised the same way and appended.
"""

from __future__ import annotations

from typing import Sequence

from t2l.tasks.schema import Example

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
