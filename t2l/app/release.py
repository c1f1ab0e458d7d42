"""`t2l release BUNDLE MULTITASK [out=DIR] [results=RESULTS.json]`: package a trained bundle and its
multi-task LoRA as the released default (t2l/release/), with a model card whose front matter lists
every file's sha256 (t2l.models.release checks them on load).

    python train.py experiment=t2l_release && python train.py experiment=multitask_release
    t2l eval checkpoint=outputs/t2l_release/hypernet ... out=outputs/demo
    t2l release outputs/t2l_release/hypernet outputs/library/smollm2_135m/multitask/all results=outputs/demo/results.json
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from t2l.errors import T2LError
from t2l.eval.paired import paired_markdown
from t2l.io import read_json, sha256_file
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE
from t2l.models.bundle import BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE
from t2l.models.release import CARD_FILE, DEFAULT_RELEASE, front_matter, verify_release

KEEP = {"hypernet": (BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE), "multitask": (ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE)}


def export_note(training: dict, settings: dict) -> list[str]:
    """A bundle exported partway (export_every, or from a checkpoint) carries its run's settings, whose
    max_steps and warmup are the run's: say so, or `steps: 200` beside `max_steps: 900` reads as an error."""
    planned = settings.get("max_steps")
    if planned is None or training.get("steps") == planned:
        return []
    return [f"- exported at step {training.get('steps')} of a run set to max_steps {planned}: the settings "
            "below are that run's (its warmup and schedule were planned for max_steps)"]


def card_text(training: dict, results: dict | None, body: str) -> str:
    settings = training.get("settings", {})
    lines = ["# T2L for SmolLM2-135M-Instruct (MiniLM encoder), released default", "",
             body.strip(), "", "## Training", "",
             "- command: `python train.py experiment=t2l_release` (multi-task LoRA: "
             "`python train.py experiment=multitask_release`)",
             f"- steps: {training.get('steps')} x {settings.get('tasks_per_batch')} tasks x "
             f"{settings.get('samples_per_task')} example(s); {len(training.get('tasks', []))} training tasks",
             *export_note(training, settings),
             f"- wall time: {training.get('seconds')} s; peak RSS {training.get('peak_rss_mb')} MB",
             f"- settings: `{json.dumps(settings, sort_keys=True)}`"]
    if results:
        lines += ["", "## Held-out results", *paired_markdown(results)]
    return "\n".join(lines) + "\n"


def refuse_other_results(results: dict, bundle: Path, multitask: Path, path: Path) -> None:
    """The card's tables must be the released files' results: results.json records the sha256 of the bundle
    and adapter it scored (t2l eval's `artifacts`), and both must be the ones being packaged."""
    scored = results.get("artifacts", {})
    packaged = {"hypernet": sha256_file(bundle / BUNDLE_WEIGHTS_FILE),
                "adapters": sha256_file(multitask / ADAPTER_WEIGHTS_FILE)}
    wrong = [f"{kind} ({'not recorded' if kind not in scored else 'another file'})"
             for kind in packaged if scored.get(kind) != packaged[kind]]
    if wrong:
        raise T2LError(f"{path} did not score the files being released: {', '.join(wrong)}; re-run "
                       f"`t2l eval checkpoint={bundle} adapters={multitask} ... out=DIR` and pass DIR/results.json")


def package_release(bundle: Path, multitask: Path, out: Path = DEFAULT_RELEASE, results: Path | None = None,
                    body: str = "") -> Path:
    """Copy the bundle and LoRA into `out` with a hashed card; atomic (a temp dir renamed into place)."""
    for directory, kind in ((bundle, "hypernet"), (multitask, "multitask")):
        missing = [f for f in KEEP[kind] if not (Path(directory) / f).is_file()]
        if missing:
            raise T2LError(f"{directory} is not a {kind} directory (missing {missing}); train it first")
    training = read_json(Path(bundle) / BUNDLE_CONFIG_FILE, "re-export the bundle").get("training", {})
    loaded = read_json(results, "pass the results.json that t2l eval wrote") if results else None
    if loaded is not None:
        refuse_other_results(loaded, Path(bundle), Path(multitask), Path(results))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        for directory, kind in ((bundle, "hypernet"), (multitask, "multitask")):
            (staging / kind).mkdir()
            for name in KEEP[kind]:
                shutil.copy2(Path(directory) / name, staging / kind / name)
        fields = {"release": out.name, "base_model": training.get("base_model", "HuggingFaceTB/SmolLM2-135M-Instruct")}
        (staging / CARD_FILE).write_text(front_matter(staging, fields) + card_text(training, loaded, body),
                                         encoding="utf-8")
        verify_release(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return out
