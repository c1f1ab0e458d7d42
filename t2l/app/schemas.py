"""The structured-config schemas of the application: the top-level keys of t2l/conf/train.yaml, eval.yaml,
generate.yaml, lorahub.yaml, the library group and the benchmark section, with their defaults.

Groups whose settings belong to a lower layer use that layer's dataclass directly (LoRAConfig,
HyperNetConfig, SFTObjective / ReconObjective, LoRATrainBudget, TaskSources, LoraHubSettings);
`register_schemas` puts all of them in Hydra's ConfigStore under the names the t2l/conf/ files use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from t2l.app.fetch import FetchConfig
from t2l.baselines.lorahub import LoraHubSettings
from t2l.eval.scoring import EvalSettings
from t2l.lora.spec import LoRAConfig
from t2l.models.hypernet import HyperNetConfig
from t2l.tasks.registry import TaskSources
from t2l.training.settings import OBJECTIVES, T2LTrainSettings
from t2l.training.lora_library import LoRATrainBudget


@dataclass
class MultitaskConfig:
    val_tasks: int = 8          # validate the multi-task LoRA on this many pool tasks


@dataclass
class LibraryConfig:
    """t2l/conf/library/*.yaml: where the LoRA library lives and how its LoRAs train."""

    dir: str = "outputs/library/${base_model.name}"
    budget: LoRATrainBudget = field(default_factory=LoRATrainBudget)
    multitask: MultitaskConfig = field(default_factory=MultitaskConfig)


@dataclass
class RunConfig:
    """Keys every job reads (train.py and the `t2l` subcommands)."""

    seed: int = 0
    device: str = "auto"        # auto | cpu | cuda | mps: training (Lightning's accelerator), evaluation, benchmark
    tasks: list[str] | None = None   # explicit task names; win over split
    split: str | None = None    # a named task list (t2l/data/splits/NAME.txt) or a path to one


@dataclass
class TrainConfig(RunConfig):
    """t2l/conf/train.yaml: `python train.py experiment=NAME [overrides]`."""

    job: str | None = None      # set by the experiment: see t2l.app.jobs.JOBS
    run: str = "${job}"         # outputs/<run>/ holds checkpoints and the exported bundle
    resume: bool = False        # t2l: continue from outputs/<run>/ckpt/last.ckpt
    # auto | fp32 | bf16 (autocast); auto: bf16 only where it is fast (t2l.hardware). $T2L_PRECISION sets the
    # default (the test suite pins fp32, so that trained numbers do not depend on the CPU's bf16 support).
    precision: str = "${oc.env:T2L_PRECISION,auto}"
    out_dir: str = "outputs/${run}"
    # Groups typed by the dataclass their file names, so `OmegaConf.to_object` hands a job the settings
    # objects themselves. base_model / encoder are read as dicts (BaseModelSpec.from_dict, the encoder's
    # config), trainer / logger are `_target_` nodes for Hydra's instantiate: those stay untyped.
    base_model: Any = None
    encoder: Any = None
    data: TaskSources = field(default_factory=TaskSources)
    lora: LoRAConfig = field(default_factory=LoRAConfig)
    library: LibraryConfig = field(default_factory=LibraryConfig)
    trainer: Any = None
    logger: Any = None
    hypernet: HyperNetConfig = field(default_factory=HyperNetConfig)
    # OmegaConf has no union of dataclasses; typed by their base class, the node takes the subclass that
    # t2l/conf/objective/{sft,recon}.yaml names (SFTObjective / ReconObjective), and to_object returns that.
    objective: T2LTrainSettings = field(default_factory=T2LTrainSettings)
    # experiment=benchmark only: its file merges a BenchmarkConfig here (to_object returns one). Not typed
    # `BenchmarkConfig | None`: OmegaConf then asserts on `benchmark.x=...` without the experiment, instead
    # of the one-line "the 'benchmark' keys exist only with experiment=benchmark".
    benchmark: Any = None
    fetch: FetchConfig = field(default_factory=FetchConfig)   # paper_* experiments: Lots-of-LoRAs from the hub


@dataclass
class EvalConfig(RunConfig):
    """t2l/conf/eval.yaml: `t2l eval` (defaults from EvalSettings, the scorer's own)."""

    limit: int | None = EvalSettings.limit          # at most this many examples per task
    eval_split: str = EvalSettings.split            # which split of each task to score
    shots: int = EvalSettings.shots                 # in-context examples from the task's train split
    batch_size: int = EvalSettings.batch_size
    max_new_tokens: int = EvalSettings.max_new_tokens
    adapters: Any = None        # one peft dir (all tasks), {task: dir}, a JSON file of one, or a manifest.json
    adapters_name: str = "adapters"   # the row name of adapters= in tables (multitask_lora; oracle: the library's oracle namespace, an upper bound)
    out: str | None = None      # write DIR/results.json and DIR/predictions.jsonl
    checkpoint: str | None = None   # a T2L bundle (`release`: the released one): adapters from each task's description
    controls: list[str] = field(default_factory=lambda: ["random", "wrong"])
    include_base: bool = True   # with checkpoint: also the base model row
    examples_k: int = 0         # with checkpoint: > 0 adds T2L from k unlabeled train inputs (+ wrong_examples control)
    eval_descriptions: str = "first"   # with checkpoint: first | all (rotate every evaluation description over the scored examples)
    prompt_settings: list[str] = field(default_factory=lambda: ["task"])   # task | bare (t2l.tasks.prompts)
    base_model: Any = None
    data: TaskSources = field(default_factory=TaskSources)
    lora: LoRAConfig = field(default_factory=LoRAConfig)


@dataclass
class GenerateConfig:
    """t2l/conf/generate.yaml: `t2l generate` (descriptions -> peft adapter dirs, no base weights)."""

    checkpoint: str | None = None   # a bundle dir; none (or `release`): the released bundle in t2l/release/
    description: Any = None     # a string or a list of strings
    descriptions_file: str | None = None
    examples: str | None = None     # JSONL of one task's unlabeled inputs ({"input": ...}): condition on them
    out: str | None = None
    batch_size: int = 512
    precision: str = "fp32"     # bf16: encoder + hypernet matmuls in bfloat16 (fast on AVX512-BF16 CPUs)
    export: str = "rslora"      # rslora | plain: scaling folded into B, lora_alpha = r (for runtimes without rsLoRA)


@dataclass
class ServeConfig:
    """t2l/conf/serve.yaml: `t2l serve` (the web demo)."""

    checkpoint: str | None = None   # a bundle dir; none (or `release`): the released bundle
    host: str = "127.0.0.1"         # local only unless changed on purpose
    port: int = 7860
    share: bool = False             # a public Gradio link: never by default
    library: str | None = None      # a LoRA library dir: its trained adapters join the nearest-neighbour list


@dataclass
class LoraHubConfig(RunConfig, LoraHubSettings):
    """t2l/conf/lorahub.yaml: `t2l lorahub task=NAME out=DIR` (search settings from LoraHubSettings)."""

    task: str | None = None     # the target task; never one of the composed modules
    out: str | None = None      # adapter dir to write (adapter_config.json, adapter_model.safetensors, lorahub.json)
    base_model: Any = None
    data: TaskSources = field(default_factory=TaskSources)
    lora: LoRAConfig = field(default_factory=LoRAConfig)
    library: LibraryConfig = field(default_factory=LibraryConfig)


def register_schemas() -> None:
    """Put every schema in Hydra's ConfigStore (idempotent); t2l/conf/ files name them in their defaults."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    for name, node in (("train_schema", TrainConfig), ("eval_schema", EvalConfig),
                       ("generate_schema", GenerateConfig), ("lorahub_schema", LoraHubConfig),
                       ("serve_schema", ServeConfig)):
        store.store(name=name, node=node)
    for group, name, node in (("lora", "lora_schema", LoRAConfig), ("hypernet", "hypernet_schema", HyperNetConfig),
                              ("library", "library_schema", LibraryConfig), ("data", "data_schema", TaskSources),
                              ("objective", "sft_schema", OBJECTIVES["sft"]),
                              ("objective", "recon_schema", OBJECTIVES["recon"]),
                              ("benchmark", "benchmark_schema", BenchmarkConfig)):
        store.store(group=group, name=name, node=node)


# The CPU library: 12 BIG-bench training tasks whose LoRAs train in ~25 min on 2 cores (docs/library.md).
CPU_LIBRARY_TASKS = ["strategyqa", "implicatures", "hindu_knowledge", "misconceptions", "anachronisms", "social_iqa",
                     "logical_fallacy_detection", "metaphor_boolean", "intent_recognition", "social_support",
                     "winowhy", "epistemic_reasoning"]


@dataclass
class T2LRow:
    """A T2L row of the benchmark: its bundle (run_dir/hypernet), and when that is missing, the experiment
    (t2l/conf/experiment/<experiment>.yaml, plus `overrides` in train.py's syntax) that trains it."""

    run_dir: str = "outputs/t2l_sft"   # the bundle is run_dir/hypernet; checkpoints in run_dir/ckpt
    experiment: str = "t2l_sft_benchmark"
    overrides: list[str] = field(default_factory=list)


def _default_t2l_rows() -> dict[str, T2LRow]:
    return {"t2l_sft_M": T2LRow("outputs/t2l_sft", "t2l_sft_benchmark"),   # the CPU budget (see its file)
            "t2l_recon": T2LRow("outputs/t2l_recon", "t2l_recon")}


@dataclass
class LibraryBuild:
    missing: bool = True                 # build what is missing; false: stop and name the command instead
    min_library: int = 10                # fewer task adapters than this: train the library first
    library_tasks: list[str] = field(default_factory=lambda: list(CPU_LIBRARY_TASKS))
    # Same number of training examples as the T2L-SFT row: 200 steps x batch 4 = 100 x 8.
    multitask: dict[str, Any] = field(default_factory=lambda: {"max_steps": 200, "val_every": 100,
                                                               "max_train_examples": 64})
    multitask_split: str = "bigbench_train"


@dataclass
class BenchmarkRows:
    multitask: bool = True
    retrieval: bool = True
    lorahub: bool = True
    oracle: bool = True


@dataclass
class BenchmarkConfig:
    """`benchmark.*` (t2l/conf/experiment/benchmark.yaml selects the tasks; everything else defaults here)."""

    out: str = "outputs/benchmark"       # results.json + predictions.jsonl
    report: str | None = "docs/results.md"   # t2l report of the results (null: skip)
    plots: str | None = "docs/plots"
    limit: int | None = 40               # test examples per task (null: all)
    eval_split: str = EvalSettings.split
    batch_size: int = EvalSettings.batch_size
    max_new_tokens: int = EvalSettings.max_new_tokens
    shots: int = 3                       # in-context rows (base and the primary T2L row)
    retrieval_k: int = 3
    lorahub: LoraHubSettings = field(default_factory=lambda: LoraHubSettings(modules=12))  # the CPU library's size
    rows: BenchmarkRows = field(default_factory=BenchmarkRows)
    primary: str = "t2l_sft_M"           # the T2L row that also gets +ICL and the control descriptions
    controls: list[str] = field(default_factory=lambda: ["random", "wrong", "generic"])
    t2l: dict[str, T2LRow] = field(default_factory=_default_t2l_rows)
    build: LibraryBuild = field(default_factory=LibraryBuild)
