"""Task descriptions -> L2-normalised embeddings with a frozen sentence-transformers model, cached by text.

From a notebook (the offline MiniLM of `t2l assets`, or any sentence-transformers path / hub id):

    enc = TaskEncoder("bundle://minilm", dim=384)
    emb = enc.encode(["Answer yes/no questions about sports.", "Solve grade-school math."])  # [2, 384]
    enc = TaskEncoder.from_config(yaml.safe_load(open("t2l/conf/encoder/minilm.yaml")))

Descriptions are checked (empty ones are an error, ones longer than max_seq_length tokens are
truncated with a warning that says how much was dropped) and embeddings are cached in memory by the
sha256 of the text, so a description seen before costs nothing and always maps to the same numbers.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from collections import OrderedDict
from typing import Any, Mapping, Sequence

import torch
import torch.nn.functional as F

from t2l.assets import resolve
from t2l.errors import T2LError

CONFIG_KEYS = ("name", "model_id", "path", "dim", "max_seq_length", "normalize", "trust_remote_code",
               "device", "cache_size", "batch_size", "kind")
KINDS = ("sentence_transformer", "base_model")   # base_model: t2l.models.pooled_lm (mean-pooled LLM states)


PRECISIONS = ("fp32", "bf16")


def autocast(precision: str, device) -> "torch.autocast | contextlib.nullcontext":
    """bf16 autocast on the given device for precision="bf16", a no-op context for fp32."""
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=torch.bfloat16)


def text_key(text: str) -> str:
    """Cache key of a description: sha256 of its UTF-8 bytes (stable across runs and processes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TaskEncoder:
    """A frozen sentence embedder with validation and an in-memory LRU cache.

    path: sentence-transformers directory, hub id, or `bundle://NAME`. dim: the embedding size the
    hypernetwork expects (checked against the model). encode() returns float32 CPU tensors [n, dim].
    """

    def __init__(self, path: str, dim: int, max_seq_length: int = 256, normalize: bool = True,
                 trust_remote_code: bool = False, device: str = "cpu", cache_size: int = 4096,
                 batch_size: int = 64, name: str | None = None, kind: str = "sentence_transformer"):
        from sentence_transformers import SentenceTransformer

        if int(max_seq_length) != max_seq_length or max_seq_length < 1:
            raise T2LError(f"encoder.max_seq_length must be a positive integer, got {max_seq_length!r}")
        if int(cache_size) != cache_size or cache_size < 0:
            raise T2LError(f"encoder.cache_size must be a non-negative integer, got {cache_size!r}")
        self.path = path
        self.name = name or path
        self.dim = int(dim)
        self.normalize = bool(normalize)
        self.cache_size = int(cache_size)
        self.batch_size = int(batch_size)
        # Custom modelling code from the hub runs only when the config asks for it explicitly (the bool true:
        # a string such as 'false' from an untyped override or file would otherwise be truthy).
        if not isinstance(trust_remote_code, bool):
            raise T2LError(f"encoder.trust_remote_code must be true or false, got {trust_remote_code!r}")
        kwargs = {"trust_remote_code": True} if trust_remote_code is True else {}
        local = resolve(path)
        if kind not in KINDS:
            raise T2LError(f"encoder.kind '{kind}' is unknown; choose one of {list(KINDS)}")
        try:
            if kind == "base_model":
                from t2l.models.pooled_lm import PooledCausalLM

                self.model = PooledCausalLM(local, device=device, max_seq_length=int(max_seq_length))
            else:
                self.model = SentenceTransformer(local, device=device, **kwargs)
        except (OSError, ValueError) as err:
            raise T2LError(f"cannot load encoder '{path}' ({err}); set encoder.path to a local "
                           "sentence-transformers directory, or run `t2l assets` for bundle:// paths") from err
        self.model.eval()
        self.model.max_seq_length = int(max_seq_length)
        got = self.model.get_embedding_dimension()
        if got != self.dim:
            raise T2LError(f"encoder '{self.name}' produces {got}-d embeddings but encoder.dim={self.dim}; "
                           f"set encoder.dim={got} or point encoder.path at a {self.dim}-d model")
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> "TaskEncoder":
        """Build from a t2l/conf/encoder/*.yaml dict (name, model_id, path, dim, max_seq_length, ...)."""
        cfg = dict(cfg)
        unknown = set(cfg) - set(CONFIG_KEYS)
        if unknown:
            raise T2LError(f"encoder config has unknown keys {sorted(unknown)}; allowed: {list(CONFIG_KEYS)}")
        for key in ("path", "dim"):
            if cfg.get(key) is None:
                raise T2LError(f"encoder config needs '{key}'; see t2l/conf/encoder/minilm.yaml")
        cfg.pop("model_id", None)  # metadata for checkpoints; the weights come from `path`
        return cls(**cfg)

    @property
    def max_seq_length(self) -> int:
        return self.model.max_seq_length

    def cache_info(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "size": len(self._cache), "max_size": self.cache_size}

    def clear_cache(self) -> None:
        self._cache.clear()

    def encode(self, texts: Sequence[str], precision: str = "fp32", warn_truncated: bool = True) -> torch.Tensor:
        """Embeddings [len(texts), dim], float32 on CPU, L2-normalised when normalize=True.

        warn_truncated=False: texts over max_seq_length are cut silently (example inputs, where the
        start carries the task signal; a description that is cut is worth a warning).

        precision="bf16" runs the encoder's matmuls in bfloat16 (autocast; about 2x faster on CPUs with
        AVX512-BF16/AMX); rows are cached per precision, so fp32 calls never see bf16 numbers.
        """
        if precision not in PRECISIONS:
            raise T2LError(f"precision '{precision}' is unknown; choose one of {list(PRECISIONS)}")
        if isinstance(texts, str):
            raise T2LError("TaskEncoder.encode takes a list of descriptions; wrap a single one: encode([text])")
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise T2LError(f"task description {i} is a {type(text).__name__}, not a string")
            if not text.strip():
                raise T2LError(f"empty task description; description {i} of {len(texts)} is blank; "
                               "give every task a non-empty description (see the banks in t2l/data/descriptions/)")
        keys = [text_key(t) + ("" if precision == "fp32" else f"|{precision}") for t in texts]
        found: dict[str, torch.Tensor] = {}
        todo: dict[str, str] = {}  # key -> text, deduplicated so repeats in one call encode once
        for key, text in zip(keys, texts):
            if key in self._cache:
                self._cache.move_to_end(key)
                found[key] = self._cache[key]
                self.hits += 1
            elif key not in todo:
                todo[key] = text
                self.misses += 1
        if todo:
            fresh = self._embed(list(todo.values()), precision, warn_truncated)
            for key, row in zip(todo, fresh):
                found[key] = row
                self._remember(key, row)
        if not texts:
            return torch.empty(0, self.dim)
        # Stacking copies, so callers can modify the result without touching the cache.
        return torch.stack([found[k] for k in keys])

    def _remember(self, key: str, row: torch.Tensor) -> None:
        if self.cache_size == 0:
            return
        self._cache[key] = row
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _embed(self, texts: list[str], precision: str = "fp32", warn_truncated: bool = True) -> torch.Tensor:
        if warn_truncated:
            self._warn_truncated(texts)
        with torch.inference_mode(), autocast(precision, self.model.device):
            out = self.model.encode(texts, batch_size=self.batch_size, convert_to_tensor=True,
                                    normalize_embeddings=False, show_progress_bar=False)
        # Leave inference mode (clone) so the rows can feed autograd graphs, e.g. the hypernet's input.
        out = out.detach().to(device="cpu", dtype=torch.float32).clone()
        if self.normalize:
            out = F.normalize(out, dim=-1)
        return out

    def _warn_truncated(self, texts: list[str]) -> None:
        tokenizer = self.model.tokenizer
        limit = self.max_seq_length
        lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=True, truncation=False,
                                                  verbose=False)["input_ids"]]
        for text, n in zip(texts, lengths):
            if n > limit:
                msg = (f"task description of {n} tokens is longer than the encoder's max_seq_length {limit}; "
                       f"{n - limit} tokens dropped (starts {text[:60]!r}); shorten it or raise "
                       "encoder.max_seq_length")
                # stacklevel 4 points the warning at the caller of encode(), not at this helper.
                warnings.warn(msg, stacklevel=4)
