"""The per-task LoRA library: adapters on disk plus a manifest that never lies.

    library/
      manifest.json              {"base_model_id", "lora", "entries": {namespace: {name: entry}}}
      tasks/<task>/              peft adapter dirs (adapter_config.json + adapter_model.safetensors)
      multitask/multitask/       the multi-task LoRA baseline
      oracle/<task>/             oracle LoRAs for held-out tasks: report rows only, never training data
      .work/                     Lightning checkpoints of unfinished runs (resume after a kill)

An adapter directory is written atomically first, the manifest entry (with the weights' sha256) is
written atomically after it; so every manifest entry points at a complete adapter. A task whose
trained LoRA scored below the base model on validation is recorded under "kept_base" (with its
scores) and stores no adapter: the base model is that task's best LoRA (keep_base_if_worse).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from t2l.errors import T2LError
from t2l.io import atomic_write_json, read_json, recover_tree, sha256_file
from t2l.lora.peft_io import ADAPTER_WEIGHTS_FILE, load_adapter_weights, save_adapter
from t2l.lora.spec import LoRASpec

NAMESPACES = ("tasks", "multitask", "oracle")
TRAINING_NAMESPACES = ("tasks",)  # what reconstruction training and LoraHub may read


class Library:
    def __init__(self, root: str | Path, base, spec: LoRASpec):
        """root: the library directory; base: the BaseModelSpec its adapters are for; spec: their LoRASpec."""
        self.root, self.base, self.spec = Path(root).expanduser(), base, spec
        self.manifest_path = self.root / "manifest.json"
        recover_tree(self.root)   # whatever a killed writer left: temp copies removed, a half-done replace undone
        self.manifest = self._read_manifest()

    def _read_manifest(self) -> dict:
        if not self.manifest_path.is_file():
            return {"base_model_id": self.base.model_id, "lora": self.spec.to_dict(), "entries": {n: {} for n in NAMESPACES}}
        manifest = read_json(self.manifest_path, "restore the library manifest or delete it to rebuild the library")
        if manifest.get("base_model_id") != self.base.model_id:
            raise T2LError(f"library {self.root} is for base model {manifest.get('base_model_id')}, not "
                           f"{self.base.model_id}; choose another library.dir")
        self.spec.check_compatible(LoRASpec.from_dict(manifest["lora"]), what=f"library {self.root}")
        for namespace in NAMESPACES:
            manifest["entries"].setdefault(namespace, {})
        self._check_paths(manifest)
        return manifest

    def _check_paths(self, manifest: dict) -> None:
        """Every entry's path stays inside the library: a copied or hand-edited manifest must not point
        training, LoraHub or `t2l library rm` (which deletes the directory) at files elsewhere."""
        root = self.root.resolve()
        for namespace, entries in manifest["entries"].items():
            for name, entry in entries.items():
                path = entry.get("path") if isinstance(entry, dict) else None
                if not isinstance(path, str) or not (root / path).resolve().is_relative_to(root) \
                        or (root / path).resolve() == root:
                    raise T2LError(f"library manifest {self.manifest_path}: entry {namespace}/{name} has path "
                                   f"{path!r}, which is not a directory inside the library; fix or remove that "
                                   "entry (or delete the manifest to rebuild the library)")

    def kept_base(self, namespace: str = "tasks") -> dict[str, dict]:
        """Tasks trained but not stored, because their LoRA scored below the base model on validation."""
        self._check_namespace(namespace)
        return dict(self.manifest.get("kept_base", {}).get(namespace, {}))

    def record_kept_base(self, namespace: str, name: str, entry: dict) -> None:
        self._check_namespace(namespace)
        self.manifest.setdefault("kept_base", {}).setdefault(namespace, {})[name] = {"task": name, **entry,
                                                                                     "recorded": time.time()}
        atomic_write_json(self.manifest_path, self.manifest)

    def _check_namespace(self, namespace: str) -> None:
        if namespace not in NAMESPACES:
            raise T2LError(f"unknown library namespace '{namespace}'; choose one of {list(NAMESPACES)}")

    def adapter_dir(self, namespace: str, name: str) -> Path:
        self._check_namespace(namespace)
        if not name or "/" in name or "\\" in name or name.startswith("."):   # "." and ".." too
            raise T2LError(f"'{name}' is not a task name (no path separators, no leading dot); name a library task")
        return self.root / namespace / name.replace(":", "__")

    def work_dir(self, namespace: str, name: str) -> Path:
        return self.root / ".work" / namespace / name.replace(":", "__")

    def entries(self, namespace: str = "tasks") -> dict[str, dict]:
        self._check_namespace(namespace)
        return dict(self.manifest["entries"][namespace])

    def has(self, namespace: str, name: str) -> bool:
        """Trained already: an adapter on disk, or a recorded decision to keep the base model."""
        if name in self.manifest.get("kept_base", {}).get(namespace, {}):
            return True
        entry = self.manifest["entries"].get(namespace, {}).get(name)
        return bool(entry) and (self.root / entry["path"] / ADAPTER_WEIGHTS_FILE).is_file()

    def add(self, namespace: str, name: str, weights, entry: dict) -> Path:
        """Write the adapter (atomically), then record it in the manifest (atomically)."""
        directory = self.adapter_dir(namespace, name)
        save_adapter(weights, self.spec, self.base.model_id, directory)
        return self.record(namespace, name, directory, entry)

    def record(self, namespace: str, name: str, directory: Path, entry: dict) -> Path:
        entry = {"task": name, "namespace": namespace, "base_model_id": self.base.model_id, "lora": self.spec.to_dict(),
                 **entry, "path": str(directory.relative_to(self.root)),
                 "sha256": sha256_file(directory / ADAPTER_WEIGHTS_FILE), "recorded": time.time()}
        self.manifest["entries"][namespace][name] = entry
        atomic_write_json(self.manifest_path, self.manifest)
        return directory

    def verify(self, namespace: str = "tasks") -> None:
        """Every entry's directory exists and its weights match the recorded sha256."""
        for name, entry in self.entries(namespace).items():
            weights = self.root / entry["path"] / ADAPTER_WEIGHTS_FILE
            if not weights.is_file():
                raise T2LError(f"library entry '{name}' points at missing {weights}; re-run the library "
                               f"training command to rebuild it, or `t2l library rm {name}`")
            if sha256_file(weights) != entry["sha256"]:
                raise T2LError(f"library entry '{name}': {weights} does not match its recorded sha256; re-train or re-import it")

    def remove(self, namespace: str, name: str) -> None:
        self.manifest["entries"][namespace].pop(name, None)
        self.manifest.get("kept_base", {}).get(namespace, {}).pop(name, None)
        atomic_write_json(self.manifest_path, self.manifest)
        shutil.rmtree(self.adapter_dir(namespace, name), ignore_errors=True)

    def training_adapters(self, namespace: str = "tasks") -> dict[str, Path]:
        """Adapters that training code may read. Oracle and multitask LoRAs are refused."""
        if namespace not in TRAINING_NAMESPACES:
            raise T2LError(f"library namespace '{namespace}' holds evaluation-only adapters and is never "
                           f"training data; use one of {list(TRAINING_NAMESPACES)}")
        self.verify(namespace)
        return {name: self.root / entry["path"] for name, entry in self.entries(namespace).items()}

    def import_adapter(self, path: str | Path, task: str, descriptions: list[str], namespace: str = "tasks") -> Path:
        """Check a published peft adapter against base + LoRASpec, then copy it in."""
        weights, _, base_id = load_adapter_weights(path, self.base, expect=self.spec)
        if base_id and base_id != self.base.model_id:
            raise T2LError(f"adapter {path} is for base model {base_id}, not {self.base.model_id}; "
                           "import it into a library for that base model")
        return self.add(namespace, task, weights, {"source": str(path), "descriptions": descriptions, "imported": True})
