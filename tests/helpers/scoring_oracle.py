"""An independent, deliberately plain scorer: one (prompt + choice) sequence per forward pass.

It reads only the prompt text and the choice strings, as any outside tool reading predictions.jsonl
would, and shares no code with t2l.eval.scoring.
"""

from __future__ import annotations

import torch


@torch.no_grad()
def plain_choice_logprob(model, tokenizer, prompt: str, choice: str) -> float:
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    choice_ids = tokenizer(choice, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([prompt_ids + choice_ids])
    logp = torch.log_softmax(model(input_ids=ids).logits[0].float(), dim=-1)
    return sum(float(logp[len(prompt_ids) + j - 1, tok]) for j, tok in enumerate(choice_ids))


def plain_pick(model, tokenizer, prompt: str, choices: list[str]) -> int:
    scores = [plain_choice_logprob(model, tokenizer, prompt, c) for c in choices]
    return max(range(len(scores)), key=scores.__getitem__)
