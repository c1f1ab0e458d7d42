"""The frozen base model as a task encoder: the mean of its last hidden states over a text's tokens.

`encoder=base_model` puts the task signal in the space the adapter acts on (Doc-to-LoRA and SHINE
condition on the LLM's own activations) instead of a separate sentence embedder's. The class offers
the small part of the SentenceTransformer interface TaskEncoder uses, so caching, validation and
normalisation stay in one place (t2l.models.encoder). Generating adapters then needs the base
model's weights, which the sentence-transformer encoders do not.
"""

from __future__ import annotations

from typing import Sequence

import torch


class PooledCausalLM:
    def __init__(self, path: str, device: str = "cpu", max_seq_length: int = 256):
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.tokenizer.padding_side = "right"
        self.body = AutoModel.from_pretrained(path, dtype=torch.float32).to(device).eval()
        for p in self.body.parameters():
            p.requires_grad_(False)
        self.max_seq_length = max_seq_length

    @property
    def device(self) -> torch.device:
        return next(self.body.parameters()).device

    def eval(self) -> "PooledCausalLM":
        self.body.eval()
        return self

    def get_embedding_dimension(self) -> int:
        return int(self.body.config.hidden_size)

    @torch.inference_mode()
    def encode(self, texts: Sequence[str], batch_size: int = 32, **_: object) -> torch.Tensor:
        parts = []
        for start in range(0, len(texts), batch_size):
            batch = self.tokenizer(list(texts[start:start + batch_size]), padding=True, truncation=True,
                                   max_length=self.max_seq_length, return_tensors="pt").to(self.device)
            hidden = self.body(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            parts.append((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp_min(1))
        return torch.cat(parts)
