"""Attach saved peft adapters to a frozen base model and switch between them per task (peft's own
multi-adapter API: one PeftModel, one named adapter per distinct directory, `set_adapter` per task)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from t2l.errors import T2LError
from t2l.io import read_json
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE


def adapter_mapping(spec, tasks: list[str]) -> dict[str, str]:
    """`spec` is None, one adapter dir (all tasks), a {task: dir} mapping, or a JSON file of one."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        mapping = {str(k): str(v) for k, v in spec.items()}
    else:
        path = Path(str(spec)).expanduser()
        if path.is_file() and path.suffix == ".json":
            mapping = read_json(path, "adapters= takes a {task: adapter_dir} JSON file or a library manifest.json")
            if "entries" in mapping:  # a library manifest.json: its per-task adapters
                mapping = {task: str(path.parent / entry["path"]) for task, entry in mapping["entries"]["tasks"].items()}
        else:
            mapping = {task: str(path) for task in tasks}
    for task, directory in mapping.items():
        if not (Path(directory).expanduser() / ADAPTER_CONFIG_FILE).is_file():
            raise T2LError(f"adapter for task '{task}' at {directory} has no {ADAPTER_CONFIG_FILE}; "
                           "point adapters= at a peft adapter directory")
    return mapping


def attach_adapters(model, mapping: Mapping[str, str]):
    """Load each distinct adapter directory once; return (peft model, {task: adapter name})."""
    from peft import PeftModel

    names: dict[str, str] = {}
    by_dir: dict[str, str] = {}
    for task, directory in mapping.items():
        if directory not in by_dir:
            name = f"adapter{len(by_dir)}"
            if not by_dir:
                model = PeftModel.from_pretrained(model, directory, adapter_name=name, is_trainable=False)
            else:
                model.load_adapter(directory, adapter_name=name, is_trainable=False)
            by_dir[directory] = name
        names[task] = by_dir[directory]
    model.eval()
    return model, names


@contextmanager
def active_adapter(model, name: str | None) -> Iterator[None]:
    """Use adapter `name`, or the plain base model when None (peft's disable_adapter)."""
    from peft import PeftModel

    if not isinstance(model, PeftModel):
        if name is not None:
            raise T2LError("an adapter was requested but the model has none attached")
        yield
        return
    if name is None:
        with model.disable_adapter():
            yield
    else:
        model.set_adapter(name)
        yield
