"""`t2l generate`: descriptions (and/or a task's unlabeled example inputs) -> peft adapter directories,
batched, without base-model weights. Without checkpoint= the released bundle is used (t2l/release/).

    t2l generate description="Answer questions about dates." out=adapters/dates
    t2l generate examples=my_task_inputs.jsonl out=adapters/mine            # k inputs, no labels
    t2l generate description="..." examples=FILE.jsonl out=DIR                # both
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Sequence

from t2l.errors import T2LError
from t2l.io import atomic_write_json, parse_json_line


def read_text_file(path: Path, what: str) -> str:
    """A user's text file as str; a binary or non-UTF-8 file is one T2LError naming it."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise T2LError(f"{what} {path} is not UTF-8 text ({err}); re-save it as UTF-8") from None
    except OSError as err:
        raise T2LError(f"cannot read {what} {path} ({err.strerror}); check the path and its permissions") from None


def read_example_inputs(path: str | Path) -> list[str]:
    """One task's unlabeled example inputs from a JSONL file: lines {"input": "..."} or JSON strings."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise T2LError(f"examples file {path} not found; give a JSONL file of lines {{\"input\": \"...\"}}")
    inputs = []
    for lineno, line in enumerate(read_text_file(path, "examples file").splitlines(), 1):
        if line.strip():
            row = parse_json_line(line, path, lineno)
            text = row.get("input") if isinstance(row, dict) else row
            if isinstance(text, str) and text.strip():
                inputs.append(text)
    if not inputs:
        raise T2LError(f"examples file {path} has no usable inputs; give lines like {{\"input\": \"Q: ...\"}} "
                       "(inputs only, no answers needed)")
    return inputs


def resolve_checkpoint(checkpoint: str | None) -> str:
    """checkpoint= as given, or the released bundle (t2l/release/) when none is given or `release` is."""
    from t2l.models.release import DEFAULT_RELEASE

    if checkpoint and checkpoint != "release":
        return checkpoint
    if not (DEFAULT_RELEASE / "hypernet").is_dir():
        raise T2LError(f"no released bundle at {DEFAULT_RELEASE / 'hypernet'}; pass checkpoint=DIR (a bundle "
                       "written by train.py) or build one: make demo TRAIN=1")
    return str(DEFAULT_RELEASE / "hypernet")


def descriptions_from_args(description, descriptions_file: str | None, required: bool = True) -> list[str]:
    """The descriptions to turn into adapters: `description` (a string or list) and/or a file of them."""
    texts: list[str] = []
    if description is not None:
        texts += [description] if isinstance(description, str) else [str(d) for d in description]
    if descriptions_file:
        path = Path(descriptions_file).expanduser()
        if not path.is_file():
            raise T2LError(f"descriptions_file {path} not found")
        for lineno, line in enumerate(read_text_file(path, "descriptions_file").splitlines(), 1):
            if not line.strip():
                continue
            if path.suffix == ".jsonl":
                row = parse_json_line(line, path, lineno)
                text = row.get("description") if isinstance(row, dict) else row
                if not isinstance(text, str):
                    raise T2LError(f"{path} line {lineno}: expected a JSON string or {{\"description\": \"...\"}}, "
                                   f"got {json.dumps(row)[:80]}; fix that line")
                texts.append(text)
            else:
                texts.append(line)
    if not texts and required:
        raise T2LError("no descriptions given; pass description=\"...\", descriptions_file=FILE or examples=FILE.jsonl")
    for i, text in enumerate(texts):
        if not text.strip():
            raise T2LError(f"description {i} is empty; describe the task in words (e.g. 'answer questions about dates')")
    return texts


def slug(text: str, width: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:width] or "task"


def write_adapters(checkpoint: str | None, descriptions: Sequence[str], out: str, batch_size: int = 512,
                   precision: str = "fp32", examples: Sequence[str] | None = None, mode: str = "rslora") -> list[Path]:
    """One adapter dir per description: `out` itself for one, `out/NNN-slug/` for several (+ index.json).

    With `examples` (one task's inputs): one adapter from them, and from the description if one is given.
    mode: rslora (use_rslora: true) or plain (scaling folded into B, lora_alpha = r; t2l.lora.peft_io).
    """
    from t2l.models.bundle import T2L

    if not out:
        raise T2LError("out= is required: where to write the adapter directory (or directories)")
    if examples is not None and len(descriptions) > 1:
        raise T2LError(f"examples= describe one task, but {len(descriptions)} descriptions were given; give one or none")
    start = time.perf_counter()
    t2l = T2L.from_pretrained(resolve_checkpoint(checkpoint))
    out_path = Path(out).expanduser()
    if examples is not None:
        t2l.save_adapters(descriptions, [out_path], precision=precision, mode=mode, examples=[list(examples)])
        print(f"wrote 1 adapter from {len(examples)} example inputs in {time.perf_counter() - start:.1f} s: {out_path}")
        return [out_path]
    dirs = [out_path] if len(descriptions) == 1 else [out_path / f"{i:03d}-{slug(d)}" for i, d in enumerate(descriptions)]
    if len(descriptions) > 1:   # index.json is written last: while it is absent the set is incomplete
        (out_path / "index.json").unlink(missing_ok=True)
    for i in range(0, len(descriptions), batch_size):  # bounded memory for very long description files
        t2l.save_adapters(descriptions[i:i + batch_size], dirs[i:i + batch_size], precision=precision, mode=mode)
    if len(descriptions) > 1:
        # names relative to out: the set stays valid when the directory is moved or copied
        atomic_write_json(out_path / "index.json", {d.name: text for d, text in zip(dirs, descriptions)})
    print(f"wrote {len(dirs)} adapter(s) in {time.perf_counter() - start:.1f} s: {dirs[0]}{' ...' if len(dirs) > 1 else ''}")
    return dirs
