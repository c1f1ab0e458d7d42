"""`t2l eval adapters=`: which saved adapters score which task, and how the row is labelled."""

from __future__ import annotations

import json

import pytest

from t2l.app.evaluate import adapter_mapping
from t2l.errors import T2LError
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE


def library(root, entries: dict[str, list[str]]):
    """A manifest.json with peft-looking directories for each {namespace: [task]}."""
    for namespace, tasks in entries.items():
        for task in tasks:
            (root / namespace / task).mkdir(parents=True)
            (root / namespace / task / ADAPTER_CONFIG_FILE).write_text("{}")
    manifest = {"entries": {ns: {t: {"path": f"{ns}/{t}"} for t in tasks} for ns, tasks in entries.items()}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root / "manifest.json"


def test_a_manifest_gives_the_namespace_named_by_adapters_name(tmp_path):
    path = library(tmp_path, {"tasks": ["a"], "oracle": ["h1", "h2"], "multitask": []})
    assert adapter_mapping(str(path), ["h1", "h2"], namespace="oracle") == {
        "h1": str(tmp_path / "oracle" / "h1"), "h2": str(tmp_path / "oracle" / "h2")}
    # Any other row name (the default `adapters`, a namespace the manifest lacks): the task LoRAs.
    assert adapter_mapping(str(path), ["a"]) == {"a": str(tmp_path / "tasks" / "a")}
    assert adapter_mapping(str(path), ["a"], namespace="my_row") == {"a": str(tmp_path / "tasks" / "a")}


def test_an_entry_without_a_peft_config_is_refused_by_task(tmp_path):
    path = library(tmp_path, {"tasks": [], "oracle": ["h1"]})
    (tmp_path / "oracle" / "h1" / ADAPTER_CONFIG_FILE).unlink()
    with pytest.raises(T2LError, match="task 'h1'.*peft adapter directory"):
        adapter_mapping(str(path), ["h1"], namespace="oracle")


def test_a_namespace_missing_a_task_is_refused_rather_than_scored_as_the_base(tmp_path):
    path = library(tmp_path, {"tasks": ["h2"], "oracle": ["h1"]})
    with pytest.raises(T2LError, match=r"no 'oracle' LoRA for \['h2'\].*experiment=oracle"):
        adapter_mapping(str(path), ["h1", "h2"], namespace="oracle")


def test_a_task_whose_lora_lost_to_the_base_is_covered_and_scores_as_the_base(tmp_path):
    """The library trainer stores no adapter for a task whose LoRA lost on validation and records it under
    kept_base: the base model is then that task's selected oracle, not a missing one."""
    path = library(tmp_path, {"tasks": [], "oracle": ["h1"]})
    manifest = json.loads(path.read_text())
    manifest["kept_base"] = {"oracle": {"h2": {"task": "h2", "val_gain": -0.125}}}
    path.write_text(json.dumps(manifest))
    assert adapter_mapping(str(path), ["h1", "h2"], namespace="oracle") == {"h1": str(tmp_path / "oracle" / "h1")}
    with pytest.raises(T2LError, match=r"no 'oracle' LoRA for \['h3'\]"):   # kept_base covers h2 only
        adapter_mapping(str(path), ["h1", "h2", "h3"], namespace="oracle")


def test_saved_adapters_named_oracle_are_the_upper_bound_row():
    from t2l.eval.rows import adapter_dir_row

    row = adapter_dir_row("oracle", [None], base=None, spec=None, kind="upper_bound")
    assert row.kind == "upper_bound" and row.detail == {"bound": "oracle"}   # the report's glossary key
    assert adapter_dir_row("multitask_lora", [None], base=None, spec=None).detail == {}
