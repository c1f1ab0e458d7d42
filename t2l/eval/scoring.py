"""Batched, padding-correct scoring: multiple-choice log-likelihood and greedy generation.

Multiple choice shares each prompt's forward pass across its choices: prompts run once (left-padded,
explicit positions, logits only at the last position), then every choice of every prompt runs as one
batch on top of the selected KV cache. Identical, up to float rounding, to scoring each
prompt+choice on its own - a test checks it - and several times cheaper (bench/eval_throughput.py).

    from t2l.eval.scoring import evaluate_task
    summary, rows = evaluate_task(model, tokenizer, task, EvalSettings(limit=50))
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import torch
from tqdm.auto import tqdm

from t2l.tasks.prompts import build_prompt, continuation, encode, shots_from
from t2l.tasks.schema import Task


@dataclass
class EvalSettings:
    chat: bool = True
    shots: int = 0
    limit: int | None = None
    split: str = "test"
    batch_size: int = 16          # prompts per forward pass (16 measured faster than 8 on the 2-core CPU)
    max_rows: int = 64            # (prompt, choice) rows per forward pass: bounds KV-cache memory
    max_new_tokens: int = 32
    progress: bool = True


def _device(model) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def choice_logprobs(model, prompt_ids: Sequence[Sequence[int]], cont_ids: Sequence[Sequence[Sequence[int]]]
                    ) -> list[list[tuple[float, int]]]:
    """For each prompt and each of its continuations: (sum of log p(token), number of tokens)."""
    device, pad = _device(model), 0
    lengths = torch.tensor([len(p) for p in prompt_ids], device=device)
    width = int(lengths.max())
    ids = torch.full((len(prompt_ids), width), pad, dtype=torch.long, device=device)
    mask = torch.zeros_like(ids)
    for row, prompt in enumerate(prompt_ids):  # left padding: every prompt ends at the last column
        ids[row, width - len(prompt):] = torch.tensor(prompt, device=device)
        mask[row, width - len(prompt):] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True, logits_to_keep=1)
    first_logp = torch.log_softmax(out.logits[:, -1].float(), dim=-1)  # predicts each continuation's 1st token

    rows = [(b, c) for b, conts in enumerate(cont_ids) for c in range(len(conts))]
    select = torch.tensor([b for b, _ in rows], device=device)
    cache = out.cache
    cache.batch_select_indices(select)
    cont_width = max(len(cont_ids[b][c]) for b, c in rows)
    cids = torch.full((len(rows), cont_width), pad, dtype=torch.long, device=device)
    cmask = torch.zeros_like(cids)
    for r, (b, c) in enumerate(rows):
        toks = cont_ids[b][c]
        cids[r, :len(toks)] = torch.tensor(toks, device=device)
        cmask[r, :len(toks)] = 1
    cont_positions = lengths[select, None] + torch.arange(cont_width, device=device)
    out2 = model(input_ids=cids, attention_mask=torch.cat([mask[select], cmask], dim=1),
                 position_ids=cont_positions, cache=cache, use_cache=False)
    logp = torch.log_softmax(out2.logits[:, :-1].float(), dim=-1)
    later = logp.gather(-1, cids[:, 1:, None]).squeeze(-1) * cmask[:, 1:]
    totals = first_logp[select].gather(-1, cids[:, :1]).squeeze(-1) + later.sum(-1)

    result: list[list[tuple[float, int]]] = [[] for _ in prompt_ids]
    for r, (b, c) in enumerate(rows):
        result[b].append((float(totals[r]), len(cont_ids[b][c])))
    return result


def score_choices(model, tokenizer, prompts: Sequence[str], choices: Sequence[Sequence[str]],
                  batch_size: int = 8, progress: bool = False, max_rows: int = 64) -> list[list[tuple[float, int]]]:
    """Log-likelihood of every choice string after its prompt, batched by similar prompt length.

    A forward pass holds at most `batch_size` prompts and `max_rows` (prompt, choice) rows: each row
    carries its own copy of the prompt's KV cache, so a 100-choice task would otherwise need tens of
    GB. A prompt with more than `max_rows` choices is scored in chunks (its prompt runs once a chunk).
    """
    prompt_ids = [encode(tokenizer, p) for p in prompts]
    cont_ids = [[encode(tokenizer, c) for c in cs] for cs in choices]
    for cs, texts in zip(cont_ids, choices):
        if any(len(c) == 0 for c in cs):
            raise ValueError(f"a choice encodes to no tokens: {texts}")
    units = [(i, start, min(start + max_rows, len(cont_ids[i])))  # (prompt, first choice, end choice)
             for i in sorted(range(len(prompts)), key=lambda i: len(prompt_ids[i]))
             for start in range(0, len(cont_ids[i]), max_rows)]
    batches, current, rows = [], [], 0
    for unit in units:
        size = unit[2] - unit[1]
        if current and (len(current) == batch_size or rows + size > max_rows):
            batches.append(current)
            current, rows = [], 0
        current.append(unit)
        rows += size
    if current:
        batches.append(current)
    scores: list[list[tuple[float, int]]] = [[] for _ in prompts]
    for batch in tqdm(batches, desc="scoring", unit="batch", disable=not progress, leave=False):
        got = choice_logprobs(model, [prompt_ids[i] for i, _, _ in batch], [cont_ids[i][a:b] for i, a, b in batch])
        for (i, _, _), part in zip(batch, got):
            scores[i] += part  # units of one prompt arrive in choice order
    return scores


@torch.no_grad()
def greedy_generate(model, tokenizer, prompts: Sequence[str], max_new_tokens: int = 32, batch_size: int = 8,
             progress: bool = False) -> list[str]:
    """Greedy decoding, left-padded batches of similar length; returns the new text only."""
    from transformers import GenerationConfig

    config = GenerationConfig(max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id,
                              eos_token_id=tokenizer.eos_token_id)
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    outputs = [""] * len(prompts)
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    for batch in tqdm(batches, desc="generating", unit="batch", disable=not progress, leave=False):
        enc = tokenizer([prompts[i] for i in batch], add_special_tokens=False, padding=True,
                        padding_side="left", return_tensors="pt").to(_device(model))
        out = model.generate(**enc, generation_config=config)
        for i, seq in zip(batch, out[:, enc["input_ids"].shape[1]:]):
            outputs[i] = tokenizer.decode(seq, skip_special_tokens=True)
    return outputs


def normalise_answer(text: str) -> str:
    """Lowercase, collapse whitespace, strip surrounding punctuation: 'Plausible.' == 'plausible'."""
    return re.sub(r"\s+", " ", text).strip().strip(string.punctuation + " ").lower()


def exact_match(output: str, targets: Sequence[str]) -> bool:
    """Match after normalisation; a single-line target is compared with the output's first line."""
    for target in targets:
        candidate = output.strip()
        if "\n" not in target.strip():
            candidate = candidate.split("\n", 1)[0]
        if normalise_answer(candidate) == normalise_answer(target):
            return True
    return False


def evaluate_task(model, tokenizer, task: Task, settings: EvalSettings) -> tuple[dict, list[dict]]:
    """Score one task; return (summary, prediction rows in the predictions.jsonl contract)."""
    examples = task.split(settings.split)[: settings.limit]
    shots = shots_from(task.train, settings.shots)
    prompts = [build_prompt(tokenizer, ex.input, settings.chat, shots) for ex in examples]
    rows = []
    if task.metric == "mc":
        choices = [[continuation(c, settings.chat) for c in ex.choices] for ex in examples]
        scores = score_choices(model, tokenizer, prompts, choices, settings.batch_size, settings.progress,
                               settings.max_rows)
        for ex, prompt, conts, sc in zip(examples, prompts, choices, scores):
            pred = max(range(len(sc)), key=lambda i: sc[i][0])
            pred_norm = max(range(len(sc)), key=lambda i: sc[i][0] / sc[i][1])
            rows.append({"task": task.name, "prompt": prompt, "choices": conts, "gold": ex.answer,
                         "gold_all": list(ex.answers), "pred": pred, "pred_norm": pred_norm,
                         "scores": [s for s, _ in sc], "n_tokens": [n for _, n in sc],
                         "correct": pred in ex.answers, "correct_norm": pred_norm in ex.answers})
    else:
        outputs = greedy_generate(model, tokenizer, prompts, settings.max_new_tokens, settings.batch_size, settings.progress)
        for ex, prompt, output in zip(examples, prompts, outputs):
            rows.append({"task": task.name, "prompt": prompt, "target": ex.target, "targets": list(ex.targets),
                         "output": output, "correct": exact_match(output, ex.targets)})
    return summarise(rows, task.metric, settings), rows


def top_share(answers: Sequence[str]) -> float:
    """The share of `answers` equal to the most frequent one (1.0: all alike)."""
    return max(Counter(answers).values()) / len(answers)


def prediction_share(rows: Sequence[dict]) -> float:
    """`top_share` of a task's predictions: the chosen choice's text (MC) or the stripped output (free text)."""
    return top_share([r["choices"][r["pred"]] if "choices" in r else r["output"].strip() for r in rows])


def summarise(rows: Sequence[dict], metric: str, settings: EvalSettings) -> dict:
    """A task's summary from its prediction rows (the one place accuracy is computed from them).

    For multiple choice it also says how varied the answers are: `top_pred_share`, the share of examples
    given the row's most frequent answer text, beside `top_gold_share`, the same for the gold answers. A row
    at 1.0 answers every example alike; its accuracy is then that answer's share of the split, whatever the
    adapter was generated from (docs/t2l.md, 2026-12-06: what the released adapters do on unseen tasks).
    """
    n = len(rows)
    summary = {"accuracy": sum(r["correct"] for r in rows) / n}
    if metric == "mc":
        summary["accuracy_norm"] = sum(r["correct_norm"] for r in rows) / n
        summary["top_pred_share"] = top_share([r["choices"][r["pred"]] for r in rows])
        summary["top_gold_share"] = top_share([r["choices"][r["gold"]] for r in rows])
    return {**summary, "n": n, "metric": metric, "shots": settings.shots, "split": settings.split}
