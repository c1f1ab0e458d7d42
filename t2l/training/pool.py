"""The training pool as training reads it - per task: descriptions, tokenised examples, unlabeled
inputs for example conditioning - built once and cached on disk, keyed by a content hash.

Loading 398 BIG-bench tasks holds 1.5M examples (~2.7 GB, ~2 minutes); training reads at most
`max_train_examples` of each. So the pool is built one task at a time (each task dropped once read)
and saved as flat int32 token tensors (safetensors) plus a JSON side file; a later run with the same
key loads it in seconds. The key hashes everything the pool depends on: each task's source file
bytes and descriptions, the split rule, the tokenizer and chat template, and the settings that shape
features. A changed input is a new key, never a stale pool.

    pool = training_pool(catalog, names, tokenizer, chat=True, options=PoolOptions(...), cache_dir=...)
    pool.features[t][i]      # {"input_ids": [...], "labels": [...]} of example i of task t
    pool.choices[t].rows_of(i)   # with options.choices: (one such dict per choice of an MC example, gold index)
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Sequence

import torch

from t2l.io import atomic_write_json
from t2l.tasks.prompts import choice_features, sft_features, training_view
from t2l.tasks.schema import IGNORE_INDEX as IGNORE
from t2l.tasks.schema import Task
from t2l.training.settings import T2LTrainSettings

log = logging.getLogger(__name__)
POOL_FORMAT = 2


_SETTINGS = T2LTrainSettings()   # the pool options' defaults are the training settings' defaults


@dataclass(frozen=True)
class PoolOptions:
    """The training settings that shape the tokenised pool (and so its cache key); `of` takes them from
    a T2LTrainSettings, the defaults are its defaults (tests and notebooks build one directly)."""

    max_length: int = _SETTINGS.max_length
    max_train_examples: int | None = _SETTINGS.max_train_examples
    prefix_free_fraction: float = _SETTINGS.prefix_free_fraction
    described_fraction: float = _SETTINGS.described_fraction   # share shown with a training description first
    choices: bool = _SETTINGS.choice_weight > 0   # also tokenise every choice of MC examples (choice ranking)
    condition_pool: int = _SETTINGS.condition_pool
    seed: int = _SETTINGS.seed
    val_examples: int = _SETTINGS.val_examples

    @classmethod
    def of(cls, settings: T2LTrainSettings) -> "PoolOptions":
        """The pool options of `settings`: every field of the same name, and choices when the choice term is on."""
        shared = {f.name: getattr(settings, f.name) for f in fields(cls) if f.name != "choices"}
        return cls(**shared, choices=settings.choice_weight > 0)


class PackedFeatures:
    """One task's tokenised examples as flat tensors; item i is the {"input_ids", "labels"} dict of lists."""

    def __init__(self, ids: torch.Tensor, lengths: torch.Tensor, prompt_lengths: torch.Tensor):
        self.ids, self.lengths, self.prompt_lengths = ids, lengths, prompt_lengths
        self.starts = torch.cumsum(lengths, 0) - lengths

    @classmethod
    def pack(cls, features: Sequence[dict[str, list[int]]]) -> "PackedFeatures":
        ids = [t for f in features for t in f["input_ids"]]
        prompts = [sum(1 for label in f["labels"] if label == IGNORE) for f in features]
        return cls(torch.tensor(ids, dtype=torch.int32),
                   torch.tensor([len(f["input_ids"]) for f in features], dtype=torch.long),
                   torch.tensor(prompts, dtype=torch.long))

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        start, n, p = int(self.starts[i]), int(self.lengths[i]), int(self.prompt_lengths[i])
        ids = self.ids[start:start + n].tolist()
        return {"input_ids": ids, "labels": [IGNORE] * p + ids[p:]}


class PackedChoices:
    """One task's choice rows (t2l.tasks.prompts.choice_features), flat: example i owns rows
    start[i] .. start[i] + count[i] (count 0: not multiple choice), and row start[i] + gold[i] is its answer."""

    def __init__(self, rows: PackedFeatures, count: torch.Tensor, gold: torch.Tensor):
        self.rows, self.count, self.gold = rows, count, gold
        self.start = torch.cumsum(count, 0) - count

    @classmethod
    def pack(cls, per_example: Sequence[tuple[list[dict[str, list[int]]], int]]) -> "PackedChoices":
        flat = [row for rows, _ in per_example for row in rows]
        return cls(PackedFeatures.pack(flat), torch.tensor([len(rows) for rows, _ in per_example], dtype=torch.long),
                   torch.tensor([gold for _, gold in per_example], dtype=torch.long))

    def rows_of(self, i: int) -> tuple[list[dict[str, list[int]]], int]:
        """(choice rows, index of the gold one) of example i; ([], -1) when it is not multiple choice."""
        start, n = int(self.start[i]), int(self.count[i])
        return [self.rows[start + j] for j in range(n)], int(self.gold[i]) if n else -1


@dataclass
class TrainingPool:
    names: list[str]
    descriptions: list[list[str]]
    features: list[PackedFeatures] = field(default_factory=list)   # empty when built without a tokenizer
    example_inputs: list[list[str]] = field(default_factory=list)
    val_costs: list[float | None] = field(default_factory=list)    # see t2l.tasks.schema.validation_cost
    choices: list[PackedChoices] = field(default_factory=list)     # empty unless PoolOptions.choices
    seconds: float = 0.0
    cache: str = "none"                                            # hit | built | none
    path: Path | None = None                                       # the cache entry (without suffix)

    def sizes(self) -> list[int]:
        return [len(f) for f in self.features]


def pool_entry(task: Task, tokenizer, chat: bool, options: PoolOptions):
    """What the pool keeps of one task (its examples are dropped afterwards)."""
    from t2l.tasks.schema import validation_cost

    features = choices = None
    if tokenizer is not None:
        shown = [training_view(task, i, options.seed, options.prefix_free_fraction, options.described_fraction)
                 for i in range(len(task.train[: options.max_train_examples]))]
        features = PackedFeatures.pack([sft_features(tokenizer, ex, chat, options.max_length) for ex in shown])
        if options.choices:
            choices = PackedChoices.pack([(choice_features(tokenizer, ex, chat, options.max_length), ex.answer)
                                          if ex.is_mc else ([], -1) for ex in shown])
    inputs = [e.input for e in task.train[: options.condition_pool]]
    return list(task.descriptions), features, choices, inputs, validation_cost(task, options.val_examples)


def pool_key(catalog, names: Sequence[str], tokenizer, chat: bool, options: PoolOptions) -> str:
    digest = hashlib.sha256()
    sources = catalog.sources
    head = {"format": POOL_FORMAT, "options": asdict(options), "chat": chat, "names": list(names),
            "split": {"seed": sources.seed, "fractions": sources.fractions, "max_input_chars": sources.max_input_chars}}
    if tokenizer is not None:
        head["tokenizer"] = [tokenizer.name_or_path, len(tokenizer), tokenizer.eos_token_id, tokenizer.pad_token_id,
                             hashlib.sha256(str(getattr(tokenizer, "chat_template", "")).encode()).hexdigest()]
    digest.update(json.dumps(head, sort_keys=True).encode())
    for name in names:
        digest.update(catalog.fingerprint(name).encode())
    return digest.hexdigest()


def save_pool(pool: TrainingPool, path: Path) -> None:
    from safetensors.torch import save_file

    tensors = {}
    for t, packed in enumerate(pool.features):
        tensors.update({f"{t}.ids": packed.ids, f"{t}.lengths": packed.lengths, f"{t}.prompt_lengths": packed.prompt_lengths})
    for t, packed in enumerate(pool.choices):
        rows = packed.rows
        tensors.update({f"{t}.choice_ids": rows.ids, f"{t}.choice_lengths": rows.lengths,
                        f"{t}.choice_prompt_lengths": rows.prompt_lengths, f"{t}.choice_count": packed.count,
                        f"{t}.choice_gold": packed.gold})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.safetensors")
    save_file(tensors or {"empty": torch.zeros(0)}, str(tmp))
    tmp.replace(path.with_suffix(".safetensors"))
    # The JSON is written last: its presence means the tensors beside it are complete.
    atomic_write_json(path.with_suffix(".json"), {"format": POOL_FORMAT, "names": pool.names,
                                                  "descriptions": pool.descriptions,
                                                  "example_inputs": pool.example_inputs, "val_costs": pool.val_costs,
                                                  "features": bool(pool.features), "choices": bool(pool.choices)})


def load_pool(path: Path) -> TrainingPool | None:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    meta_path, tensor_path = path.with_suffix(".json"), path.with_suffix(".safetensors")
    if not meta_path.is_file() or not tensor_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        tensors = load_file(str(tensor_path))
    except (OSError, ValueError, SafetensorError) as err:   # a damaged cache is rebuilt, never trusted
        log.warning("ignoring unreadable pool cache %s (%s)", path, err)
        return None
    features = [PackedFeatures(tensors[f"{t}.ids"], tensors[f"{t}.lengths"], tensors[f"{t}.prompt_lengths"])
                for t in range(len(meta["names"]))] if meta.get("features") else []
    choices = [PackedChoices(PackedFeatures(tensors[f"{t}.choice_ids"], tensors[f"{t}.choice_lengths"],
                                            tensors[f"{t}.choice_prompt_lengths"]),
                             tensors[f"{t}.choice_count"], tensors[f"{t}.choice_gold"])
               for t in range(len(meta["names"]))] if meta.get("choices") else []
    return TrainingPool(meta["names"], meta["descriptions"], features, meta["example_inputs"], meta["val_costs"],
                        choices)


def training_pool(catalog, names: Sequence[str], tokenizer, chat: bool, options: PoolOptions,
                  cache_dir: Path | None = None) -> TrainingPool:
    """The pool for `names`: from `cache_dir` when its key matches, else built task by task (and cached)."""
    start = time.perf_counter()
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"pool-{pool_key(catalog, names, tokenizer, chat, options)[:24]}"
        cached = load_pool(path)
        if cached is not None:
            cached.seconds, cached.cache, cached.path = round(time.perf_counter() - start, 1), "hit", path
            log.info("training pool: %d tasks from cache %s (%.1f s)", len(names), path, cached.seconds)
            return cached
    pool = TrainingPool(list(names), [])
    for name in names:
        descriptions, features, choices, inputs, cost = pool_entry(catalog.load(name), tokenizer, chat, options)
        pool.descriptions.append(descriptions)
        if choices is not None:
            pool.choices.append(choices)
        pool.example_inputs.append(inputs)
        pool.val_costs.append(cost)
        if features is not None:
            pool.features.append(features)
    if path is not None:
        save_pool(pool, path)
    pool.seconds, pool.cache, pool.path = round(time.perf_counter() - start, 1), "built" if path else "none", path
    log.info("training pool: %d tasks built in %.1f s%s", len(names), pool.seconds, f" -> {path}" if path else "")
    return pool


def cached_example_embeddings(pool: TrainingPool, encoder, encoder_key: str) -> list[torch.Tensor]:
    """Per task, the encoder's embeddings of the pool's example inputs, cached beside the pool (encoding
    25k long inputs with MiniLM takes ~10 minutes on 2 cores; a resumed or repeated run reads them back)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file, save_file

    name = hashlib.sha256(encoder_key.encode()).hexdigest()[:16]
    path = pool.path.with_name(f"{pool.path.name}.inputs-{name}.safetensors") if pool.path else None
    if path is not None and path.is_file():
        try:
            tensors = load_file(str(path))
            return [tensors[str(t)] for t in range(len(pool.names))]
        except (OSError, ValueError, KeyError, SafetensorError) as err:
            log.warning("ignoring unreadable embedding cache %s (%s)", path, err)
    rows = [encoder.encode(inputs, warn_truncated=False) for inputs in pool.example_inputs]
    if path is not None:
        tmp = path.with_name(path.name + ".tmp")
        save_file({str(t): r.contiguous() for t, r in enumerate(rows)}, str(tmp))
        tmp.replace(path)
    return rows
