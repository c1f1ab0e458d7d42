"""The peer check's inputs and the lm-evaluation-harness side of it (tests/integration/test_peer_lm_eval.py).

The same BIG-Bench-Hard examples go to both harnesses as multiple choice with a fixed answer set per task:
to `t2l eval` as a user task file (data.local_files, the JSONL of t2l/tasks/local.py), to lm-eval as a
`multiple_choice` task read from local files (a task YAML + a JSONL in a temporary directory). lm-eval
builds its own prompt: the raw input as the single user message through the tokenizer's chat template
(`apply_chat_template=True`), the choice as the whole assistant reply (lm-eval drops the target delimiter
under a chat template). Nothing here imports t2l: the lm-eval side sees only the BBH text and the choices.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# BBH tasks whose answers form a fixed set, with their choice strings exactly as BBH's targets spell them,
# and how many examples (the file's first distinct inputs) each contributes: mostly the shortest inputs (a
# prompt of ~44 tokens, chat template included), a few longer ones with multi-token choices such as "(A)".
CHOICES = {
    "boolean_expressions": ["True", "False"],
    "sports_understanding": ["yes", "no"],
    "hyperbaton": ["(A)", "(B)"],
    "web_of_lies": ["Yes", "No"],
}
COUNTS = {"boolean_expressions": 100, "sports_understanding": 80, "hyperbaton": 12, "web_of_lies": 12}
TASK_PREFIX = "peer_"   # t2l task names: peer_<bbh stem> (t2l generates its own boolean_expressions, web_of_lies)
LM_EVAL_TASK = "t2l_peer_bbh"


def bbh_dir() -> Path:
    """Where the BBH files are: $T2L_BBH_SOURCE, else the shared data beside the repository."""
    if os.environ.get("T2L_BBH_SOURCE"):
        return Path(os.environ["T2L_BBH_SOURCE"])
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "bbh"


def select_examples(root: Path, counts: dict[str, int] = COUNTS) -> list[dict]:
    """The first `counts[stem]` distinct inputs of each BBH file, as MC records {task, input, choices, answer}."""
    chosen = []
    for stem, n in counts.items():
        examples = json.loads((root / f"{stem}.json").read_text(encoding="utf-8"))["examples"]
        seen: set[str] = set()
        for ex in examples:
            if ex["input"] in seen:
                continue
            seen.add(ex["input"])
            choices = CHOICES[stem]
            chosen.append({"task": TASK_PREFIX + stem, "input": ex["input"], "choices": list(choices),
                           "answer": choices.index(ex["target"].strip())})
            if len(seen) == n:
                break
    return chosen


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_lm_eval_task(task_dir: Path, records: list[dict], cache_dir: Path) -> Path:
    """A `multiple_choice` lm-eval task over `records`, read from a local JSONL; returns the include path.

    doc_to_text / doc_to_choice name document fields, so lm-eval takes them verbatim (no Jinja rendering).
    """
    task_dir.mkdir(parents=True, exist_ok=True)
    data = write_jsonl(task_dir / "docs.jsonl", records)
    config = {
        "task": LM_EVAL_TASK,
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data)}, "cache_dir": str(cache_dir)},
        "test_split": "test",
        "output_type": "multiple_choice",
        "doc_to_text": "input",
        "doc_to_choice": "choices",
        "doc_to_target": "answer",
        "target_delimiter": "",
        "num_fewshot": 0,
        "metric_list": [{"metric": "acc", "aggregation": "mean", "higher_is_better": True}],
    }
    # JSON is valid YAML: no YAML writer needed.
    (task_dir / f"{LM_EVAL_TASK}.yaml").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return task_dir


def run_lm_eval(model_dir: Path, task_dir: Path, adapter_dir: Path | None = None, batch_size: int = 16,
                shared_every: int = 4) -> list[dict]:
    r"""lm-eval's HF model on the task: one row per document with lm-eval's context, continuations and
    summed log-likelihoods, in document order.

    lm-eval moves a context's trailing whitespace into each continuation before tokenising (its
    `_encode_pair`), so under a chat template ending in "assistant\n" every choice's log-likelihood also
    holds log p("\n" | context without it). The same model is asked for that term alone (`shared`, on every
    `shared_every`-th document: it costs as much again as the choices, which lm-eval scores in one forward
    pass per document when they are single tokens), so a choice's own log-likelihood can be compared token
    for token with a scorer that keeps "\n" in the prompt.
    """
    from lm_eval import simple_evaluate
    from lm_eval.api.instance import Instance
    from lm_eval.api.registry import get_model
    from lm_eval.tasks import TaskManager

    model_args = f"pretrained={model_dir},dtype=float32"
    if adapter_dir is not None:
        model_args += f",peft={adapter_dir}"
    lm = get_model("hf").create_from_arg_string(model_args, {"batch_size": batch_size, "device": "cpu"})
    out = simple_evaluate(model=lm, tasks=[LM_EVAL_TASK], apply_chat_template=True, log_samples=True,
                          bootstrap_iters=0,
                          task_manager=TaskManager(include_path=str(task_dir), include_defaults=False))
    rows = []
    for sample in sorted(out["samples"][LM_EVAL_TASK], key=lambda s: s["doc_id"]):
        args = sample["arguments"]            # one (context, continuation) per choice
        lls = [float(r[0][0]) for r in sample["resps"]]   # per choice: [(log-likelihood, is_greedy)]
        rows.append({"doc": sample["doc"], "contexts": [a[0] for a in args],
                     "continuations": [a[1] for a in args], "lls": lls,
                     "pred": max(range(len(lls)), key=lls.__getitem__)})
    asked = rows[::shared_every]
    requests = []
    for i, row in enumerate(asked):
        context = row["contexts"][0]
        head = context.rstrip()
        requests.append(Instance(request_type="loglikelihood", doc={}, arguments=(head, context[len(head):]), idx=i))
    shared = iter(lm.loglikelihood([r for r in requests if r.args[1]], disable_tqdm=True))
    for row, request in zip(asked, requests):
        row["shared"] = float(next(shared)[0]) if request.args[1] else 0.0
    return rows
