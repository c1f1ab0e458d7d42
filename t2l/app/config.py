"""Hydra config in, plain objects out: the one place that reads config.

Every default lives once, in a dataclass: the lower layers' settings (LoRAConfig, HyperNetConfig,
SFTObjective / ReconObjective, LoRATrainBudget, TaskSources, EvalSettings, LoraHubSettings) and the
top-level schemas below. `register_schemas` puts them in Hydra's ConfigStore; each conf/ file names its
schema in its defaults list and only overrides. So a misspelled or misplaced key fails when the config
is composed, before any model loads, with one line that names the key, the file and the fix:

    error: unknown key 'objective.lrr' (in conf/objective/sft.yaml, schema SFTObjective); did you mean objective.lr?
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from t2l.baselines.lorahub import LoraHubSettings
from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings
from t2l.lora.spec import LoRAConfig, LoRASpec
from t2l.models.base import BaseModelSpec
from t2l.models.hypernet import HyperNetConfig
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.training.hypernet import OBJECTIVES, T2LTrainSettings
from t2l.training.lora_library import LoRATrainBudget

CONF_DIR = Path(os.environ.get("T2L_CONF_DIR", Path(__file__).resolve().parents[2] / "conf"))
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass
class MultitaskConfig:
    val_tasks: int = 8          # validate the multi-task LoRA on this many pool tasks


@dataclass
class LibraryConfig:
    """conf/library/*.yaml: where the LoRA library lives and how its LoRAs train."""

    dir: str = "outputs/library/${base_model.name}"
    budget: LoRATrainBudget = field(default_factory=LoRATrainBudget)
    multitask: MultitaskConfig = field(default_factory=MultitaskConfig)


@dataclass
class RunConfig:
    """Keys every job reads (train.py and the `t2l` subcommands)."""

    seed: int = 0
    device: str = "auto"        # auto | cpu | cuda | mps: training (Lightning's accelerator), evaluation, benchmark
    tasks: list[str] | None = None   # explicit task names; win over split
    split: str | None = None    # a named task list (data/splits/NAME.txt) or a path to one


@dataclass
class TrainConfig(RunConfig):
    """conf/train.yaml: `python train.py experiment=NAME [overrides]`."""

    job: str | None = None      # set by the experiment: see t2l.app.jobs.JOBS
    run: str = "${job}"         # outputs/<run>/ holds checkpoints and the exported bundle
    resume: bool = False        # t2l: continue from outputs/<run>/ckpt/last.ckpt
    out_dir: str = "outputs/${run}"
    base_model: Any = None
    encoder: Any = None
    data: Any = None
    lora: Any = None
    library: Any = None
    trainer: Any = None
    logger: Any = None
    hypernet: Any = None
    objective: Any = None
    benchmark: Any = None       # experiment=benchmark: t2l.app.benchmark.BenchmarkConfig


@dataclass
class EvalConfig(RunConfig):
    """conf/eval.yaml: `t2l eval` (defaults from EvalSettings, the scorer's own)."""

    limit: int | None = EvalSettings.limit          # at most this many examples per task
    eval_split: str = EvalSettings.split            # which split of each task to score
    shots: int = EvalSettings.shots                 # in-context examples from the task's train split
    batch_size: int = EvalSettings.batch_size
    max_new_tokens: int = EvalSettings.max_new_tokens
    adapters: Any = None        # one peft dir (all tasks), {task: dir}, a JSON file of one, or a manifest.json
    out: str | None = None      # write DIR/results.json and DIR/predictions.jsonl
    checkpoint: str | None = None   # a T2L bundle: adapters generated from each task's description
    controls: list[str] = field(default_factory=lambda: ["random", "wrong"])
    include_base: bool = True   # with checkpoint: also the base model row
    base_model: Any = None
    data: Any = None
    lora: Any = None


@dataclass
class GenerateConfig:
    """conf/generate.yaml: `t2l generate` (descriptions -> peft adapter dirs, no base weights)."""

    checkpoint: str | None = None
    description: Any = None     # a string or a list of strings
    descriptions_file: str | None = None
    out: str | None = None
    batch_size: int = 512
    precision: str = "fp32"     # bf16: encoder + hypernet matmuls in bfloat16 (fast on AVX512-BF16 CPUs)


@dataclass
class LoraHubConfig(RunConfig, LoraHubSettings):
    """conf/lorahub.yaml: `t2l lorahub task=NAME out=DIR` (search settings from LoraHubSettings)."""

    task: str | None = None     # the target task; never one of the composed modules
    out: str | None = None      # adapter dir to write (adapter_config.json, adapter_model.safetensors, lorahub.json)
    base_model: Any = None
    data: Any = None
    lora: Any = None
    library: Any = None


def register_schemas() -> None:
    """Put every schema in Hydra's ConfigStore (idempotent); conf/ files name them in their defaults."""
    from hydra.core.config_store import ConfigStore

    from t2l.app.benchmark import BenchmarkConfig

    store = ConfigStore.instance()
    for name, node in (("train_schema", TrainConfig), ("eval_schema", EvalConfig),
                       ("generate_schema", GenerateConfig), ("lorahub_schema", LoraHubConfig)):
        store.store(name=name, node=node)
    for group, name, node in (("lora", "lora_schema", LoRAConfig), ("hypernet", "hypernet_schema", HyperNetConfig),
                              ("library", "library_schema", LibraryConfig), ("data", "data_schema", TaskSources),
                              ("objective", "sft_schema", OBJECTIVES["sft"]),
                              ("objective", "recon_schema", OBJECTIVES["recon"]),
                              ("benchmark", "benchmark_schema", BenchmarkConfig)):
        store.store(group=group, name=name, node=node)


# -- composing, with one-line errors ----------------------------------------------------------------------
_UNKNOWN_KEY = re.compile(r"Key '(?P<key>[^']+)' (?:is )?not in (?:struct|'(?P<schema>\w+)')")
_FULL_KEY = re.compile(r"full_key: (?P<full>\S+)")


def _group_file(group: str, overrides: list[str], config_name: str) -> str:
    """The conf/ file a group's keys come from, e.g. conf/objective/sft.yaml."""
    chosen = next((o.split("=", 1)[1] for o in overrides if o.split("=", 1)[0].lstrip("+~") == group), None)
    if chosen and (CONF_DIR / group / f"{chosen}.yaml").is_file():
        return f"conf/{group}/{chosen}.yaml"
    return f"conf/{group}/ (the choice in conf/{config_name}.yaml or the experiment)"


def _all_keys(cfg, prefix: str = "") -> list[str]:
    keys = []
    for key, value in (cfg.items_ex(resolve=False) if isinstance(cfg, DictConfig) else []):
        path = f"{prefix}{key}"
        keys.append(path)
        if isinstance(value, DictConfig):
            keys += _all_keys(value, path + ".")
    return keys


def explain_unknown_key(full_key: str, schema: str | None, overrides: list[str], config_name: str,
                        known: list[str]) -> str:
    group = full_key.split(".", 1)[0] if "." in full_key else None
    where = _group_file(group, overrides, config_name) if group and (CONF_DIR / group).is_dir() else f"conf/{config_name}.yaml"
    leaf = full_key.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(full_key, known, n=1, cutoff=0.75)
    elsewhere = sorted(k for k in known if k.rsplit(".", 1)[-1] == leaf and k != full_key)
    if close:
        hint = f"did you mean {close[0]}?"
    elif elsewhere:
        hint = f"'{leaf}' belongs to {', '.join(elsewhere[:3])}; set that key instead"
    else:
        hint = f"see {where} for the keys it takes"
    schema_note = f", schema {schema}" if schema else ""
    return f"unknown key '{full_key}' (in {where}{schema_note}); {hint}"


def compose(config_name: str, overrides: list[str]) -> DictConfig:
    """Compose conf/<config_name>.yaml with overrides; every config error becomes one T2LError line."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException, MissingConfigException
    from omegaconf.errors import OmegaConfBaseException

    if not CONF_DIR.is_dir():
        raise T2LError(f"config directory {CONF_DIR} not found; set T2L_CONF_DIR or reinstall with `pip install -e .`")
    register_schemas()
    overrides = list(overrides)
    try:
        if GlobalHydra.instance().is_initialized():  # inside train.py's @hydra.main (same conf/ directory)
            return hydra_compose(config_name=config_name, overrides=overrides)
        with initialize_config_dir(str(CONF_DIR), version_base=None):
            return hydra_compose(config_name=config_name, overrides=overrides)
    except MissingConfigException as err:
        raise T2LError(_missing_config(err, overrides)) from None
    except (HydraException, OmegaConfBaseException) as err:
        raise T2LError(_explain(err, overrides, config_name)) from None


def _missing_config(err, overrides: list[str]) -> str:
    for override in overrides:
        group, eq, value = override.lstrip("+~").partition("=")
        if eq and (CONF_DIR / group).is_dir() and value and value in str(err):
            choices = ", ".join(sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml")))
            return f"unknown {group} '{value}'; choose one of conf/{group}/*.yaml: {choices}"
    return str(err).splitlines()[0]


def _explain(err: Exception, overrides: list[str], config_name: str) -> str:
    text = str(err)
    cause = err.__cause__ or err.__context__
    full_text = text + ("\n" + str(cause) if cause is not None else "")
    unknown = _UNKNOWN_KEY.search(full_text)
    if unknown:
        full = _FULL_KEY.search(full_text)
        full_key = full["full"] if full else unknown["key"]
        try:  # the keys that do exist, to suggest the nearest one
            known = _all_keys(compose_plain(config_name, [o for o in overrides if not o.startswith(full_key)]))
        except Exception:  # noqa: BLE001 - a suggestion is a nicety; the error stands without it
            known = []
        return explain_unknown_key(full_key, unknown["schema"], overrides, config_name, known)
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return f"bad config or override: {first}"


def compose_plain(config_name: str, overrides: list[str]) -> DictConfig:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():
        return hydra_compose(config_name=config_name, overrides=overrides)
    with initialize_config_dir(str(CONF_DIR), version_base=None):
        return hydra_compose(config_name=config_name, overrides=overrides)


# -- cfg -> objects ----------------------------------------------------------------------------------------
def to_object(node) -> Any:
    """A structured node as its dataclass instance, a plain node as dicts/lists (interpolations resolved)."""
    if isinstance(node, (DictConfig, ListConfig)):
        if isinstance(node, DictConfig) and OmegaConf.get_type(node) not in (dict, None) and is_dataclass(
                OmegaConf.get_type(node)):
            return OmegaConf.to_object(node)
        return OmegaConf.to_container(node, resolve=True)
    return node


def resolve_device(device: str) -> str:
    if device not in DEVICES and not str(device).startswith("cuda:"):
        raise T2LError(f"device '{device}' is unknown; choose one of {list(DEVICES)}")
    if device == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def base_model_spec(cfg: DictConfig) -> BaseModelSpec:
    return BaseModelSpec.from_dict(OmegaConf.to_container(cfg.base_model, resolve=True))


def lora_spec(cfg: DictConfig, base: BaseModelSpec) -> LoRASpec:
    return LoRASpec.for_base(base, to_object(cfg.lora))


def task_catalog(cfg: DictConfig) -> TaskCatalog:
    return TaskCatalog(to_object(cfg.data))


def select_tasks(cfg: DictConfig, catalog: TaskCatalog, default_split: str | None = None) -> list[str]:
    """Names from `tasks=` or `split=` (or `default_split`), minus data.exclude / data.exclude_file."""
    tasks, split = cfg.get("tasks"), cfg.get("split") or default_split
    names = catalog.select(tasks=list(tasks) if tasks else None, split=split)
    if not names:
        raise T2LError("every selected task is excluded; loosen data.exclude / data.exclude_file")
    return names


def trainer_arguments(cfg: DictConfig) -> dict:
    """conf/trainer/*.yaml as pl.Trainer keyword arguments; the accelerator follows the one `device` key."""
    kwargs = OmegaConf.to_container(cfg.trainer, resolve=True) if cfg.get("trainer") else {}
    device = str(cfg.get("device", "auto"))
    if device != "auto" and "accelerator" not in kwargs:
        kwargs["accelerator"] = "gpu" if device.startswith("cuda") else device
    return kwargs


def logger_factory(cfg: DictConfig):
    """name -> a Lightning logger from conf/logger/*.yaml (Hydra's instantiate), or None without one."""
    from hydra.utils import instantiate

    if not cfg.get("logger"):
        return None
    return lambda name: instantiate(cfg.logger, name=name.replace(":", "__"))


def settings_of(node, cls) -> Any:
    """A dataclass of type `cls` from a structured node, or from a plain dict of its fields (tests, notebooks)."""
    value = to_object(node)
    if isinstance(value, cls):
        return value
    unknown = set(value) - {f.name for f in fields(cls)}
    if unknown:
        raise T2LError(f"{cls.__name__} has no keys {sorted(unknown)}; allowed: {[f.name for f in fields(cls)]}")
    return cls(**value)


def objective_settings(node) -> T2LTrainSettings:
    kind = node.get("objective") if hasattr(node, "get") else None
    if kind not in OBJECTIVES:
        raise T2LError(f"objective '{kind}' is unknown; choose one of conf/objective/*.yaml: {sorted(OBJECTIVES)}")
    return settings_of(node, OBJECTIVES[kind])


def check_command_line(config_name: str, argv: list[str]) -> None:
    """Compose train.py's overrides once up front, so a bad key, group or job is one line and exit 2.

    Hydra's own flags (-m, --cfg, hydra/... overrides) are left to Hydra, which reports those itself.
    """
    import sys

    if any(a.startswith("-") for a in argv):
        return
    overrides = [a for a in argv if not a.startswith(("hydra.", "hydra/", "+hydra", "~hydra"))]
    try:
        cfg = compose(config_name, overrides)
        from t2l.app.jobs import JOBS

        if cfg.get("job") not in JOBS:
            raise T2LError(f"no job to run (job={cfg.get('job')!r}); choose an experiment: "
                           f"{', '.join(sorted(p.stem for p in (CONF_DIR / 'experiment').glob('*.yaml')))} "
                           f"(python train.py experiment=NAME)")
    except T2LError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
