"""Next-token loss on answer tokens only: the LM head runs on the positions that carry a label.

A causal LM's head maps every position to the vocabulary (49,152 for SmolLM2): for a [batch, length]
batch that is a [batch, length, vocab] fp32 tensor and about a fifth of a SmolLM2 step, while SFT
scores only the answer (a few tokens per example). Running the decoder body, picking the positions
whose next token is labelled, and applying the head there gives the same loss (the mean over the
same label tokens) for a fraction of the head's work and memory.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from t2l.tasks.schema import IGNORE_INDEX as IGNORE


def body_and_head(model) -> tuple[torch.nn.Module, torch.nn.Module]:
    """(decoder body, LM head) of a Hugging Face causal LM, peft-wrapped or not."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    body = getattr(inner, inner.base_model_prefix, None)
    head = inner.get_output_embeddings()
    if body is None or head is None:
        raise TypeError(f"{type(inner).__name__} has no decoder body ('{inner.base_model_prefix}') or LM head; "
                        "answer-only loss needs a *ForCausalLM model")
    return body, head


def neftune_embeddings(body, input_ids: torch.Tensor, attention_mask: torch.Tensor, alpha: float) -> torch.Tensor:
    """NEFTune (Jain et al. 2023): input embeddings + uniform noise of scale alpha / sqrt(length * dim).

    The length is each row's real (unpadded) length, so short answers are not drowned by a long row.
    """
    embeds = body.get_input_embeddings()(input_ids)
    lengths = attention_mask.sum(dim=1, keepdim=True).clamp_min(1).to(embeds.dtype)      # [B, 1]
    scale = alpha / torch.sqrt(lengths * embeds.shape[-1])
    noise = torch.empty_like(embeds).uniform_(-1, 1) * scale.unsqueeze(-1)
    return embeds + noise * attention_mask.unsqueeze(-1).to(embeds.dtype)


def answer_logits(model, input_ids: torch.Tensor, attention_mask: torch.Tensor, labels: torch.Tensor,
                  neftune_alpha: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits [n, vocab], targets [n]) for the n positions whose next token carries a label."""
    body, head = body_and_head(model)
    if neftune_alpha > 0:
        inputs = {"inputs_embeds": neftune_embeddings(body, input_ids, attention_mask, neftune_alpha)}
    else:
        inputs = {"input_ids": input_ids}
    hidden = body(**inputs, attention_mask=attention_mask).last_hidden_state
    targets = labels[:, 1:]
    keep = targets != IGNORE
    logits = head(hidden[:, :-1][keep])
    cap = getattr(getattr(model, "config", None), "final_logit_softcapping", None)
    if cap:  # Gemma-2 caps its logits; the loss must see the same numbers generation does
        logits = torch.tanh(logits / cap) * cap
    return logits, targets[keep]


def answer_loss_terms(model, batch: dict, label_smoothing: float = 0.0,
                      neftune_alpha: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """(summed cross-entropy, number of labelled tokens): what a mean over several processes' rows needs
    (t2l.training.distributed.global_mean)."""
    logits, targets = answer_logits(model, batch["input_ids"], batch["attention_mask"], batch["labels"], neftune_alpha)
    # Summed in float64: a sum over one process's rows and one over several ranks' shares then agree
    # to well below fp32's resolution (the DDP equivalence test compares them).
    per_token = F.cross_entropy(logits.float(), targets, label_smoothing=label_smoothing, reduction="none")
    total = per_token.double().sum()
    return total, torch.tensor(float(targets.numel()), dtype=torch.float64, device=total.device)


def answer_loss(model, batch: dict, label_smoothing: float = 0.0, neftune_alpha: float = 0.0) -> torch.Tensor:
    """Mean next-token cross-entropy over labelled tokens (= model(**batch).loss when smoothing is 0).

    A batch without a labelled token gives NaN, like the full-vocabulary loss: the modules' finite check
    then stops the run with its message. One process trains with this; several ranks with
    answer_loss_terms + global_mean (equal to it within fp32 rounding, see tests/integration/test_ddp.py).
    """
    logits, targets = answer_logits(model, batch["input_ids"], batch["attention_mask"], batch["labels"], neftune_alpha)
    return F.cross_entropy(logits.float(), targets, label_smoothing=label_smoothing)


def choice_loss_terms(model, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """(summed cross-entropy over each group's choices, number of groups) for a choice batch
    (t2l.tasks.batching.choice_batch): a choice's score is its summed label log-likelihood, the number
    multiple-choice evaluation ranks (t2l.eval.scoring.score_choices), and each group is one example.

    Aimed at adapters that answer one class whatever the input: next-token loss on the gold answer
    alone can be lowered by raising that answer everywhere; ranking the choices cannot.
    """
    logits, targets = answer_logits(model, batch["input_ids"], batch["attention_mask"], batch["labels"])
    token_logp = torch.log_softmax(logits.float(), dim=-1).gather(-1, targets[:, None]).squeeze(-1)
    row_of = (batch["labels"][:, 1:] != IGNORE).nonzero()[:, 0]
    rows = batch["input_ids"].shape[0]
    scores = torch.zeros(rows, dtype=token_logp.dtype, device=token_logp.device).index_add(0, row_of, token_logp)
    groups = torch.unique_consecutive(batch["group"], return_inverse=True)[1]
    n_groups = int(groups.max()) + 1
    first = torch.full((n_groups,), rows, device=groups.device).scatter_reduce(
        0, groups, torch.arange(rows, device=groups.device), reduce="amin")
    position = torch.arange(rows, device=groups.device) - first[groups]      # the choice's index in its group
    table = torch.full((n_groups, int(position.max()) + 1), float("-inf"), dtype=scores.dtype, device=scores.device)
    table = table.index_put((groups, position), scores)
    gold = torch.zeros(n_groups, dtype=torch.long, device=groups.device).index_put((groups[batch["gold"]],),
                                                                                  position[batch["gold"]])
    total = F.cross_entropy(table, gold, reduction="sum").double()
    return total, torch.tensor(float(n_groups), dtype=torch.float64, device=total.device)
