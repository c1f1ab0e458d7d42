"""LoraHub: compose k library LoRAs with weights w found by a gradient-free search on a few examples.

    A = sum_i w_i A_i,   B = sum_i w_i B_i   (per layer and module, as published)
    objective(w) = mean next-token cross-entropy on the examples' answers + 0.05 * mean|w|
    w starts at 0, bounded to [-1.5, 1.5]; defaults: 20 modules, 5 examples, 40 evaluations.

Unlike the public tool (seq2seq only, reloads the model, returns a merged model) the base model stays
loaded, every candidate is one batched forward through the in-process applier (t2l.lora.apply), and the
result is a normal peft adapter directory. From the command line:

    t2l lorahub task=sports_understanding out=outputs/lorahub/sports_understanding [modules=20 budget=40]

From a notebook (library: {task: LoRAWeights}, e.g. loaded with t2l.lora.peft_io.load_adapter_weights):

    result = lorahub_search(model, tokenizer, task.train[:5], library, spec, chat=True)
    save_lorahub(result, spec, base_spec.model_id, "out/lorahub")
"""

from __future__ import annotations

import logging
import random
import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from t2l.errors import T2LError
from t2l.io import atomic_write_json
from t2l.lora.apply import apply_lora
from t2l.lora.peft_io import load_adapter_weights, save_adapter
from t2l.lora.spec import LoRASpec, LoRAWeights
from t2l.tasks.batching import pad_batch
from t2l.tasks.prompts import sft_features
from t2l.tasks.schema import IGNORE_INDEX, Example, Task

log = logging.getLogger(__name__)

L1_PENALTY = 0.05
BOUND = 1.5
DEFAULT_OPTIMIZER = "Cobyla"
# Checked with nevergrad 1.0.12 / numpy 2 at 2, 5 and 20 dims with 40 evaluations. NGOpt is refused:
# it picks its optimiser by itself and was seen crashing at 2 dims with numpy 2 (it did not crash in
# that check, but a named optimiser is reproducible). Cobyla is the default: deterministic,
# its first candidate is the initial w = 0 and its next k are one module at a time, and at 20 dims /
# 40 evaluations it got the lowest value of these on a test quadratic (CMA second; the DE / PSO ones
# barely moved at 20 dims).
OPTIMIZERS = ("Cobyla", "CMA", "DiagonalCMA", "OnePlusOne", "TwoPointsDE", "PSO")
LORAHUB_FILE = "lorahub.json"


@dataclass
class LoraHubSettings:
    """The search (t2l/conf/lorahub.yaml for `t2l lorahub`, benchmark.lorahub for the benchmark row)."""

    modules: int = 20            # library adapters to compose, drawn with the seed from the tasks namespace
    examples: int = 5            # the first N examples of the task's train split
    budget: int = 40             # objective evaluations (one batched forward each)
    optimizer: str = DEFAULT_OPTIMIZER   # Cobyla | CMA | DiagonalCMA | OnePlusOne | TwoPointsDE | PSO (NGOpt refused)
    parallel: int = 1            # candidates scored per forward (a population optimizer, e.g. CMA; pays on a GPU)
    max_length: int = 192        # truncation of the examples: the library adapters' library.budget.max_length


@dataclass
class LoraHubResult:
    modules: list[str]              # library task names, in the order of `weights`
    weights: list[float]            # w of the best evaluated candidate (or all 0 if none beat the base)
    loss: float                     # cross-entropy at `weights`
    objective: float                # loss + L1_PENALTY * mean|w|
    base_loss: float                # cross-entropy at w = 0, i.e. the base model
    history: list[dict]             # per evaluation: {"weights", "loss", "objective"}
    seconds: float                  # the search, tokenisation included, model loading not
    lora: LoRAWeights = field(repr=False)   # the composed adapter {"q_proj.A": [L, r, in], ...}
    settings: dict = field(default_factory=dict)


def stack_library(library: Mapping[str, LoRAWeights], names: Sequence[str]) -> dict[str, torch.Tensor]:
    """{key: [k, L, ...]}: the modules stacked once so composing a candidate is one tensordot per key."""
    keys = sorted(library[names[0]])
    for name in names:
        if sorted(library[name]) != keys:
            raise T2LError(f"library adapter '{name}' has keys {sorted(library[name])} but '{names[0]}' has "
                           f"{keys}; every composed adapter must share one LoRASpec")
    return {k: torch.stack([library[n][k].float() for n in names]) for k in keys}


def compose(stacked: Mapping[str, torch.Tensor], w: Sequence[float]) -> LoRAWeights:
    """A = sum_i w_i A_i and B = sum_i w_i B_i (factor-wise, not of B @ A: the result stays rank r)."""
    any_tensor = next(iter(stacked.values()))
    w = torch.as_tensor(np.asarray(w, dtype=np.float64), dtype=any_tensor.dtype, device=any_tensor.device)
    return {k: torch.tensordot(w, v, dims=1) for k, v in stacked.items()}


class FewShotLoss:
    """Mean next-token cross-entropy on the answers of a few examples, one batched forward per call.

    The examples are tokenised and padded once. Only the positions that predict an answer token get
    logits (a boolean `logits_to_keep`): the vocab projection of every prompt token is wasted work.
    """

    def __init__(self, model, tokenizer, examples: Sequence[Example], chat: bool, max_length: int):
        self.model = model
        batch = pad_batch([sft_features(tokenizer, ex, chat, max_length) for ex in examples],
                          tokenizer.pad_token_id)
        device = next(model.parameters()).device
        self.input_ids = batch["input_ids"].to(device)
        self.attention_mask = batch["attention_mask"].to(device)
        answer = batch["labels"][:, 1:] != IGNORE_INDEX   # token t+1 is an answer token ...
        keep = torch.zeros_like(batch["labels"], dtype=torch.bool)
        keep[:, :-1] = answer                              # ... so position t's logits are scored
        self.keep = keep.to(device)
        self.targets = batch["labels"][:, 1:][answer].to(device)  # row-major, the order keep selects

    @torch.no_grad()
    def __call__(self, lora: LoRAWeights | None = None, spec: LoRASpec | None = None) -> float:
        if lora is None:
            return self.many([None], spec)[0]
        return self.many([lora], spec)[0]

    @torch.no_grad()
    def many(self, loras: Sequence[LoRAWeights | None], spec: LoRASpec | None = None) -> list[float]:
        """The loss of each candidate, all in ONE forward: candidate u owns batch rows u*n .. u*n+n-1.

        A population-based optimiser (CMA, ...) proposes several candidates before it needs any loss,
        so they share a forward; on a GPU that is nearly free, on a 2-core CPU it saves little.
        """
        n, u = self.input_ids.shape[0], len(loras)
        with nullcontext() if loras[0] is None else apply_lora(
                self.model, {k: torch.stack([c[k] for c in loras]) for k in loras[0]}, spec,
                rows=torch.arange(u, device=self.input_ids.device).repeat_interleave(n)):
            logits = self.model(input_ids=self.input_ids.repeat(u, 1), attention_mask=self.attention_mask.repeat(u, 1),
                                logits_to_keep=self.keep.repeat(u, 1), use_cache=False).logits
        if logits.shape[:-1] != (u * self.targets.numel(),):
            raise T2LError(f"the base model returned logits of shape {list(logits.shape)} for a boolean "
                           "logits_to_keep mask; LoraHub needs a causal LM from transformers>=5")
        per_token = F.cross_entropy(logits.float(), self.targets.repeat(u), reduction="none")
        return per_token.reshape(u, -1).mean(dim=1).tolist()


def make_optimizer(name: str, dims: int, budget: int, seed: int, parallel: int = 1):
    """A named nevergrad optimiser over w in [-BOUND, BOUND]^dims, starting at 0.

    parallel > 1: the optimiser hands out that many candidates before it needs their losses (they are
    scored in one forward). Cobyla is sequential and refuses it; CMA, DE, PSO, OnePlusOne accept it.
    """
    import nevergrad as ng

    if name not in OPTIMIZERS:
        why = (" (NGOpt picks its optimiser by itself and has crashed at 2 dims with numpy 2; name one)"
               if name.startswith("NGOpt") else "")
        raise T2LError(f"unknown LoraHub optimizer '{name}'{why}; choose one of {list(OPTIMIZERS)}")
    if int(parallel) != parallel or parallel < 1:
        raise T2LError(f"LoraHub parallel must be a positive integer, got {parallel!r}")
    if parallel > 1 and name == "Cobyla":
        raise T2LError("optimizer=Cobyla is sequential and cannot score several candidates per forward; "
                       "use parallel=1, or a population optimizer such as optimizer=CMA with parallel>1")
    param = ng.p.Array(init=np.zeros(dims)).set_bounds(-BOUND, BOUND)
    param.random_state = np.random.RandomState(seed)  # CMA, DE, PSO draw from it: same seed, same run
    return ng.optimizers.registry[name](parametrization=param, budget=budget, num_workers=int(parallel))


def lorahub_search(model, tokenizer, examples: Sequence[Example], library: Mapping[str, LoRAWeights],
                   spec: LoRASpec, *, chat: bool, budget: int = 40, optimizer: str = DEFAULT_OPTIMIZER,
                   seed: int = 0, max_length: int = 192, progress: bool = True, parallel: int = 1) -> LoraHubResult:
    """Search w for the adapters in `library` (all of them are composed) on `examples`.

    parallel: candidates scored per forward (population optimisers only; see make_optimizer).
    """
    from tqdm.auto import tqdm

    names = list(library)
    if not names:
        raise T2LError("LoraHub needs at least one library adapter to compose")
    if budget < 1:
        raise T2LError(f"LoraHub budget must be at least 1 evaluation, got {budget}")
    opt = make_optimizer(optimizer, len(names), budget, seed, parallel)  # before any forward: fail fast
    start = time.perf_counter()
    device = next(model.parameters()).device
    stacked = {k: v.to(device) for k, v in stack_library(library, names).items()}
    loss_of = FewShotLoss(model, tokenizer, examples, chat, max_length)
    base_loss = loss_of()
    # The search starts from w = 0 (the base model): a result never scores worse than it did.
    best = {"weights": [0.0] * len(names), "loss": base_loss, "objective": base_loss}
    history = []
    bar = tqdm(total=budget, desc="lorahub", disable=not progress, leave=False)
    with warnings.catch_warnings():
        # nevergrad runs scipy's COBYLA with tol=0 (and maxfun=budget, which may be < k + 2): scipy fixes
        # both with a warning per run; nevergrad still stops after `budget` evaluations.
        warnings.filterwarnings("ignore", message="COBYLA: Invalid (RHOEND|MAXFUN)")
        while len(history) < budget:
            candidates = [opt.ask() for _ in range(min(parallel, budget - len(history)))]
            ws = [[float(x) for x in c.value] for c in candidates]
            losses = loss_of.many([compose(stacked, w) for w in ws], spec)
            for candidate, w, loss in zip(candidates, ws, losses):
                objective = loss + L1_PENALTY * float(np.abs(w).mean())
                opt.tell(candidate, objective)
                history.append({"weights": w, "loss": loss, "objective": objective})
                if objective < best["objective"]:
                    best = history[-1]
            bar.update(len(candidates))
            bar.set_postfix(best=f"{best['objective']:.4f}", base=f"{base_loss:.4f}")
    bar.close()
    result = LoraHubResult(
        modules=names, weights=best["weights"], loss=best["loss"], objective=best["objective"],
        base_loss=base_loss, history=history, seconds=time.perf_counter() - start,
        lora={k: v.cpu() for k, v in compose(stacked, best["weights"]).items()},
        settings={"examples": len(examples), "budget": budget, "optimizer": optimizer, "seed": seed,
                  "max_length": max_length, "chat": chat, "l1_penalty": L1_PENALTY, "bound": BOUND,
                  "parallel": parallel})
    log.info("lorahub: loss %.4f -> %.4f with %d modules in %d evaluations (%.1f s)",
             base_loss, result.loss, len(names), budget, result.seconds)
    return result


def pick_modules(adapters: Mapping[str, Path], target: str, k: int, seed: int) -> list[str]:
    """k library tasks other than `target`, drawn with `seed` (sorted first: the draw is reproducible)."""
    pool = sorted(name for name in adapters if name != target)
    if k < 1:
        raise T2LError(f"modules must be at least 1, got {k}")
    if len(pool) < k:
        raise T2LError(f"LoraHub wants {k} library adapters but the library has {len(pool)} besides the "
                       f"target '{target}' ({len(adapters)} in all); lower modules= (e.g. modules={len(pool)}) "
                       "or train more: python train.py experiment=library")
    return random.Random(seed).sample(pool, k)


def few_shot_examples(task: Task, n: int) -> list[Example]:
    """The first n training examples: the split is already hash-shuffled, and n-shot ICL uses these too."""
    if n < 1:
        raise T2LError(f"examples must be at least 1, got {n}")
    if len(task.train) < n:
        raise T2LError(f"task '{task.name}' has {len(task.train)} training examples but LoraHub wants {n}; "
                       f"lower examples= (e.g. examples={len(task.train)}) or raise data.fractions.train")
    return list(task.train[:n])


def run_lorahub(task: Task, adapters: Mapping[str, Path], base, spec: LoRASpec, *,
                modules: int = LoraHubSettings.modules, examples: int = LoraHubSettings.examples,
                budget: int = LoraHubSettings.budget, optimizer: str = LoraHubSettings.optimizer, seed: int = 0,
                max_length: int = LoraHubSettings.max_length, model=None, tokenizer=None, device: str = "cpu",
                progress: bool = True, parallel: int = LoraHubSettings.parallel) -> LoraHubResult:
    """`t2l lorahub`: pick modules from `adapters` ({task: adapter dir}), load them, search.

    Everything that can be wrong is checked before the base model loads (pass model/tokenizer to reuse
    a loaded one).
    """
    shots = few_shot_examples(task, examples)
    names = pick_modules(adapters, task.name, modules, seed)
    make_optimizer(optimizer, len(names), budget, seed, parallel)
    library = {n: load_adapter_weights(adapters[n], base, expect=spec)[0] for n in names}
    if model is None:
        from t2l.models.base import load_base

        model, tokenizer = load_base(base, device)
    result = lorahub_search(model, tokenizer, shots, library, spec, chat=base.chat_template, budget=budget,
                            optimizer=optimizer, seed=seed, max_length=max_length, progress=progress,
                            parallel=parallel)
    result.settings.update(task=task.name, modules=modules, base_model_id=base.model_id)
    return result


def save_lorahub(result: LoraHubResult, spec: LoRASpec, base_model_id: str | None, out_dir: str | Path) -> Path:
    """A peft adapter dir (written atomically) with lorahub.json beside the weights, written last."""
    out_dir = save_adapter(result.lora, spec, base_model_id, out_dir)
    record = {f.name: getattr(result, f.name) for f in fields(result) if f.name != "lora"}
    record["weights_by_module"] = dict(zip(result.modules, result.weights))
    atomic_write_json(out_dir / LORAHUB_FILE, record)
    return out_dir
