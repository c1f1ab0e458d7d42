"""What the web demo does, without the web: one bundle and one base model loaded once; an adapter from a
description (and/or example inputs), its picture, its nearest neighbours, side-by-side outputs, per-choice
scores and a zipped peft download. `t2l.app.serve` puts a Gradio page on top; tests drive both.

Every input is checked first (`check_text`): empty, too long, binary or control characters give one
message the page shows, and nothing is written outside the engine's own work directory.
"""

from __future__ import annotations

import re
import tempfile
from contextlib import nullcontext
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch

from t2l.errors import T2LError

MAX_DESCRIPTION = 2000        # characters
MAX_EXAMPLES = 16             # example input lines
MAX_PROMPT_TOKENS = 1024      # keeps a request to seconds on a laptop CPU
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(text: str | None, what: str, limit: int, required: bool = True) -> str:
    """The stripped text, or a T2LError whose message the page shows as it is."""
    text = (text or "").strip()
    if not text:
        if required:
            raise T2LError(f"the {what} is empty: type one (or click an example)")
        return ""
    if len(text) > limit:
        raise T2LError(f"the {what} is {len(text):,} characters; the limit is {limit:,}: shorten it")
    if CONTROL.search(text) or "\ufffd" in text:
        raise T2LError(f"the {what} holds binary or control characters; paste plain text")
    return text


def safe_name(name: str | None) -> str:
    """A download name with no path in it: letters, digits, '-', '_' only."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", (name or "").strip()).strip("-")[:60]
    return cleaned or "t2l-adapter"


@dataclass
class Generated:
    weights: dict[str, torch.Tensor]   # one adapter: {"q_proj.A": [L, r, in], ...}
    seconds: float
    norms: dict[str, list[float]]      # per target module, ||delta-W||_F per layer
    nearest: list[tuple[str, float]]   # (training task, cosine of delta-W)
    description: str


class DemoEngine:
    def __init__(self, checkpoint: str | None = None, max_new_tokens: int = 48, neighbours: int = 5,
                 library: str | None = None):
        from t2l.app.config import base_model_spec, compose
        from t2l.app.generate import resolve_checkpoint
        from t2l.models.base import load_base
        from t2l.models.bundle import T2L

        self.bundle = T2L.from_pretrained(resolve_checkpoint(checkpoint))
        self.base_spec = base_model_spec(compose("train", [f"base_model={self.bundle.base['name']}"]))
        self.model, self.tokenizer = load_base(self.base_spec)
        self.spec, self.max_new_tokens, self.neighbours = self.bundle.spec, max_new_tokens, neighbours
        self.work = Path(tempfile.mkdtemp(prefix="t2l-serve-"))   # downloads live here and nowhere else
        self.lock = threading.Lock()   # one request at a time touches the shared model (the page also queues)
        self.references = self._training_task_adapters()
        if library:
            self.references = merge_references(self.references, self._library_adapters(Path(library)))

    def _training_task_adapters(self) -> tuple[list[str], dict[str, torch.Tensor]]:
        """The bundle's adapters for its own training tasks (first bank description each): the neighbours."""
        from t2l.tasks.descriptions import TRAIN_BANK, DescriptionBank

        bank = DescriptionBank.read(TRAIN_BANK)
        names = [n for n in self.bundle.training.get("tasks", []) if bank.for_task(n)[0]]
        if not names:
            return [], {}
        return names, self.bundle.generate([bank.for_task(n)[0][0] for n in names])

    def _library_adapters(self, root: Path) -> tuple[list[str], dict[str, torch.Tensor]]:
        """Trained per-task LoRAs of a library (t2l.lora.library) as neighbours, named library:<task>."""
        from t2l.lora.library import Library
        from t2l.lora.peft_io import load_adapter_weights

        if not (root / "manifest.json").is_file():
            raise T2LError(f"library={root} holds no manifest.json; train one (python train.py experiment=library) "
                           "or leave library= unset")
        adapters = Library(root, self.base_spec, self.spec).training_adapters()
        loaded = [load_adapter_weights(path, self.base_spec, expect=self.spec)[0] for path in adapters.values()]
        if not loaded:
            return [], {}
        return [f"library:{n}" for n in adapters], {k: torch.stack([w[k] for w in loaded]) for k in loaded[0]}

    # -- adapters -------------------------------------------------------------------------------------
    def generate(self, description: str | None, examples: str | None = None) -> Generated:
        from t2l.lora.spec import delta_norms

        lines = [line for line in check_text(examples, "example inputs", MAX_DESCRIPTION * MAX_EXAMPLES,
                                              required=False).splitlines() if line.strip()]
        if len(lines) > MAX_EXAMPLES:
            raise T2LError(f"{len(lines)} example inputs; the limit is {MAX_EXAMPLES}: keep the first few")
        text = check_text(description, "task description", MAX_DESCRIPTION, required=not lines)
        start = time.perf_counter()
        weights = self.bundle.generate([text] if text else None, examples=[lines] if lines else None)
        seconds = time.perf_counter() - start
        one = {k: v[0] for k, v in weights.items()}
        norms = {m: delta_norms(one, self.spec, m).tolist() for m in self.spec.target_modules}
        return Generated(one, seconds, norms, self.nearest(weights), text or f"{len(lines)} example inputs")

    def nearest(self, weights: dict[str, torch.Tensor]) -> list[tuple[str, float]]:
        """Training tasks whose generated delta-W is closest (cosine over all layers and modules)."""
        names, refs = self.references
        if not names:
            return []
        from t2l.lora.spec import delta_norms

        dot = norm_a = norm_b = 0.0
        for m in self.spec.target_modules:
            a, b = weights[f"{m}.A"], weights[f"{m}.B"]                 # [1, L, r, in], [1, L, out, r]
            ra, rb = refs[f"{m}.A"], refs[f"{m}.B"]                     # [T, L, ...]
            # <B1 A1, B2 A2>_F = sum((B1^T B2) * (A1 A2^T)): r x r products, never out x in
            cross = torch.einsum("xlor,tlos->xtlrs", b, rb) * torch.einsum("xlri,tlsi->xtlrs", a, ra)
            dot = dot + self.spec.scaling ** 2 * cross.sum(dim=(-3, -2, -1))[0]
            norm_a = norm_a + delta_norms(weights, self.spec, m).pow(2).sum(dim=-1)[0]
            norm_b = norm_b + delta_norms(refs, self.spec, m).pow(2).sum(dim=-1)
        cosine = dot / (norm_a.sqrt() * norm_b.sqrt()).clamp_min(1e-20)
        top = torch.argsort(cosine, descending=True)[:self.neighbours]
        return [(names[i], float(cosine[i])) for i in top]

    def export_zip(self, generated: Generated, name: str | None) -> Path:
        """The adapter as a zipped peft directory under the engine's work directory."""
        from t2l.lora.peft_io import save_adapter

        stem = safe_name(name)
        folder = Path(tempfile.mkdtemp(dir=self.work))
        save_adapter(generated.weights, self.spec, self.bundle.base["model_id"], folder / stem)
        archive = folder / f"{stem}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted((folder / stem).iterdir()):
                out.write(path, f"{stem}/{path.name}")
        return archive

    # -- prompts ------------------------------------------------------------------------------------------
    def prompt_ids(self, prompt: str | None) -> str:
        from t2l.tasks.prompts import build_prompt

        text = build_prompt(self.tokenizer, check_text(prompt, "prompt", MAX_PROMPT_TOKENS * 8),
                            self.base_spec.chat_template)
        n = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        if n > MAX_PROMPT_TOKENS:
            raise T2LError(f"the prompt is {n} tokens; the limit is {MAX_PROMPT_TOKENS}: shorten it")
        return text

    def stream(self, text: str, generated: Generated | None):
        """Greedy continuation of `text`, yielded as it grows (with the adapter applied when given)."""
        from transformers import TextIteratorStreamer

        from t2l.lora.apply import apply_lora

        enc = self.tokenizer(text, add_special_tokens=False, return_tensors="pt")
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        adapter = {k: v[None] for k, v in generated.weights.items()} if generated is not None else None

        def run():
            with torch.no_grad(), (apply_lora(self.model, adapter, self.spec) if adapter else nullcontext()):
                self.model.generate(**enc, max_new_tokens=self.max_new_tokens, do_sample=False, streamer=streamer,
                                    pad_token_id=self.tokenizer.pad_token_id)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        out = ""
        for piece in streamer:
            out += piece
            yield out
        worker.join()

    def choice_scores(self, text: str, choices: list[str], generated: Generated | None) -> list[float]:
        """Log-likelihood of each choice after the prompt (the scorer `t2l eval` uses)."""
        from t2l.eval.scoring import score_choices
        from t2l.lora.apply import apply_lora
        from t2l.tasks.prompts import continuation

        conts = [continuation(c, self.base_spec.chat_template) for c in choices]
        adapter = {k: v[None] for k, v in generated.weights.items()} if generated is not None else None
        with torch.no_grad(), (apply_lora(self.model, adapter, self.spec) if adapter else nullcontext()):
            return [logprob for logprob, _ in score_choices(self.model, self.tokenizer, [text], [conts])[0]]


def merge_references(*parts: tuple[list[str], dict[str, torch.Tensor]]) -> tuple[list[str], dict[str, torch.Tensor]]:
    names = [n for part_names, _ in parts for n in part_names]
    present = [w for _, w in parts if w]
    return names, ({k: torch.cat([w[k] for w in present]) for k in present[0]} if present else {})
