"""`t2l generate`: descriptions -> peft adapter directories, batched, without base-model weights."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Sequence

from t2l.errors import T2LError
from t2l.io import atomic_write_json, parse_json_line


def descriptions_from_args(description, descriptions_file: str | None) -> list[str]:
    """The descriptions to turn into adapters: `description` (a string or list) and/or a file of them."""
    texts: list[str] = []
    if description is not None:
        texts += [description] if isinstance(description, str) else [str(d) for d in description]
    if descriptions_file:
        path = Path(descriptions_file).expanduser()
        if not path.is_file():
            raise T2LError(f"descriptions_file {path} not found")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            if path.suffix == ".jsonl":
                row = parse_json_line(line, path, lineno)
                texts.append(row["description"] if isinstance(row, dict) else str(row))
            else:
                texts.append(line)
    if not texts:
        raise T2LError("no descriptions given; pass description=\"...\" or descriptions_file=FILE")
    for i, text in enumerate(texts):
        if not text.strip():
            raise T2LError(f"description {i} is empty; describe the task in words (e.g. 'answer questions about dates')")
    return texts


def slug(text: str, width: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:width] or "task"


def write_adapters(checkpoint: str, descriptions: Sequence[str], out: str, batch_size: int = 512,
                      precision: str = "fp32") -> list[Path]:
    """One adapter dir per description: `out` itself for one, `out/NNN-slug/` for several (+ index.json)."""
    from t2l.models.bundle import T2L

    if not checkpoint:
        raise T2LError("checkpoint= is required: a hypernet bundle directory (e.g. outputs/demo/hypernet)")
    if not out:
        raise T2LError("out= is required: where to write the adapter directory (or directories)")
    start = time.perf_counter()
    t2l = T2L.from_pretrained(checkpoint)
    out_path = Path(out).expanduser()
    dirs = [out_path] if len(descriptions) == 1 else [out_path / f"{i:03d}-{slug(d)}" for i, d in enumerate(descriptions)]
    for i in range(0, len(descriptions), batch_size):  # bounded memory for very long description files
        t2l.save_adapters(descriptions[i:i + batch_size], dirs[i:i + batch_size], precision=precision)
    if len(descriptions) > 1:
        atomic_write_json(out_path / "index.json", {str(d): text for d, text in zip(dirs, descriptions)})
    print(f"wrote {len(dirs)} adapter(s) in {time.perf_counter() - start:.1f} s: {dirs[0]}{' ...' if len(dirs) > 1 else ''}")
    return dirs
