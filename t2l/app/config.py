"""Hydra config in, plain objects out: the one place that reads config.

Every default lives once, in a dataclass: the lower layers' settings (LoRAConfig, HyperNetConfig,
SFTObjective / ReconObjective, LoRATrainBudget, TaskSources, EvalSettings, LoraHubSettings) and the
top-level schemas below. `register_schemas` puts them in Hydra's ConfigStore; each t2l/conf/ file names its
schema in its defaults list and only overrides. So a misspelled or misplaced key fails when the config
is composed, before any model loads, with one line that names the key, the file and the fix:

    error: unknown key 'objective.lrr' (in t2l/conf/objective/sft.yaml, schema SFTObjective); did you mean objective.lr?
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import os
import re
from dataclasses import is_dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from t2l import package_data
from t2l.app.schemas import register_schemas
from t2l.errors import T2LError
from t2l.hardware import choose_precision, lightning_precision, machine_line
from t2l.lora.spec import LoRASpec
from t2l.models.base import BaseModelSpec
from t2l.tasks.descriptions import EVAL_BANK
from t2l.tasks.registry import TaskCatalog

log = logging.getLogger(__name__)

CONF_DIR = Path(os.environ.get("T2L_CONF_DIR", package_data.CONF_DIR))
DEVICES = ("auto", "cpu", "cuda", "mps")


# -- composing, with one-line errors ----------------------------------------------------------------------
# Keys whose values are free text (descriptions people type): passed as plain strings, never parsed by
# Hydra, so commas, quotes, '=', ':', brackets and newlines arrive as typed. A value that is a whole
# Hydra list (`[first, second]`) is still a list.
FREE_TEXT = {"generate": ("description",)}


def split_free_text(config_name: str, overrides: list[str]) -> tuple[list[str], dict[str, object]]:
    """(overrides for Hydra, {key: value} set verbatim after composing)."""
    keys = FREE_TEXT.get(config_name, ())
    hydra_overrides, verbatim = [], {}
    for override in overrides:
        key, eq, value = override.partition("=")
        if eq and key in keys:
            stripped = value.strip()
            if stripped.startswith("[") and stripped.endswith("]") and "\n" not in stripped:
                hydra_overrides.append(override)   # a Hydra list of descriptions
            else:
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]  # Hydra's quoting ('...') still works; the quotes are not part of the text
                verbatim.setdefault(key, []).append(value)
        else:
            hydra_overrides.append(override)
    return hydra_overrides, {k: v[0] if len(v) == 1 else v for k, v in verbatim.items()}


_UNKNOWN_KEY = re.compile(r"Key '(?P<key>[^']+)' (?:is )?not in (?:struct|'(?P<schema>\w+)')")
_FULL_KEY = re.compile(r"full_key: (?P<full>\S+)")


def _all_keys(cfg, prefix: str = "") -> list[str]:
    keys = []
    for key, value in (cfg.items_ex(resolve=False) if isinstance(cfg, DictConfig) else []):
        path = f"{prefix}{key}"
        if path == "hydra":
            continue
        keys.append(path)
        if isinstance(value, DictConfig) and not value._is_none():
            keys += _all_keys(value, path + ".")
    return keys


def explain_unknown_key(full_key: str, schema: str | None, config_name: str, choices: dict, known: list[str]) -> str:
    """One line: the key, the file its group came from, and the nearest real key (or where the key belongs)."""
    group = full_key.split(".", 1)[0] if "." in full_key else None
    if group and choices.get(group) and (CONF_DIR / group / f"{choices[group]}.yaml").is_file():
        where = f"t2l/conf/{group}/{choices[group]}.yaml"
    else:
        where = f"t2l/conf/{config_name}.yaml"
    leaf = full_key.rsplit(".", 1)[-1]
    siblings = [k for k in known if k.rsplit(".", 1)[0] == full_key.rsplit(".", 1)[0] and "." in k] if group else \
        [k for k in known if "." not in k]
    close = difflib.get_close_matches(full_key, siblings, n=1, cutoff=0.6)
    elsewhere = sorted(k for k in known if k.rsplit(".", 1)[-1] == leaf and k != full_key)
    if elsewhere:
        hint = f"'{leaf}' is a key of {', '.join(elsewhere[:3])}; set that instead"
    elif close:
        hint = f"did you mean {close[0]}?"
    elif group and not siblings and (CONF_DIR / "experiment" / f"{group}.yaml").is_file():
        hint = f"the '{group}' keys exist only with experiment={group}"
    else:
        shown = ", ".join(k.rsplit(".", 1)[-1] for k in siblings[:12])
        hint = f"{where} takes: {shown}"
    schema_note = f", schema {schema}" if schema else ""
    return f"unknown key '{full_key}' (in {where}{schema_note}); {hint}"


def compose(config_name: str, overrides: list[str]) -> DictConfig:
    """Compose t2l/conf/<config_name>.yaml with overrides, free-text keys (FREE_TEXT) taken as typed; every
    config error becomes one T2LError line. The one compose of the `t2l` subcommands and of train.py's
    up-front check (t2l.app.jobs.check_command_line)."""
    overrides, free = split_free_text(config_name, list(overrides))
    cfg = _compose_checked(config_name, overrides)
    for key, value in free.items():
        OmegaConf.update(cfg, key, value, merge=False)
    return cfg


def _compose_checked(config_name: str, overrides: list[str]) -> DictConfig:
    from hydra.errors import HydraException, MissingConfigException
    from omegaconf.errors import OmegaConfBaseException

    if not CONF_DIR.is_dir():
        raise T2LError(f"config directory {CONF_DIR} not found; set T2L_CONF_DIR or reinstall with `pip install -e .`")
    register_schemas()
    try:
        cfg = _hydra_compose(config_name, overrides, hydra_node=False)
        _resolve_given(cfg, overrides)
        return cfg
    except MissingConfigException as err:
        raise T2LError(_missing_config(err, overrides)) from None
    except (HydraException, OmegaConfBaseException) as err:
        raise T2LError(_explain(err, overrides, config_name)) from None
    except ValueError as err:   # Hydra's defaults list raises plain ValueErrors, e.g. for base_model=0
        raise T2LError(f"bad override in {' '.join(overrides)!r}: {str(err).splitlines()[0]}; a config group "
                       "takes a file name from t2l/conf/<group>/ (e.g. base_model=tiny_random)") from None


def _resolve_given(cfg: DictConfig, overrides: list[str]) -> None:
    """Resolve the ${...} a user typed in an override now, so a broken one fails here, named, not in a job."""
    for override in overrides:
        key, eq, value = override.lstrip("+~").partition("=")
        if eq and "${" in value:
            node = OmegaConf.select(cfg, key, throw_on_resolution_failure=True)
            if isinstance(node, (DictConfig, ListConfig)):
                OmegaConf.to_container(node, resolve=True)


def _missing_config(err, overrides: list[str]) -> str:
    for override in overrides:
        group, eq, value = override.lstrip("+~").partition("=")
        if eq and (CONF_DIR / group).is_dir() and value and value in str(err):
            choices = ", ".join(sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml")))
            return f"unknown {group} '{value}'; choose one of t2l/conf/{group}/*.yaml: {choices}"
    return str(err).splitlines()[0]


def _explain(err: Exception, overrides: list[str], config_name: str) -> str:
    text = str(err)
    cause = err.__cause__ or err.__context__
    full_text = text + ("\n" + str(cause) if cause is not None else "")
    unknown = _UNKNOWN_KEY.search(full_text)
    if unknown:
        full = _FULL_KEY.search(full_text)
        full_key = full["full"] if full else unknown["key"]
        choices, known = {}, []
        try:  # the config without the bad key: which files were chosen, which keys exist
            cfg = _hydra_compose(config_name, [o for o in overrides if o.split("=", 1)[0].lstrip("+~") != full_key])
            choices = dict(cfg.hydra.runtime.choices)
            known = _all_keys(cfg)
        except Exception:  # noqa: BLE001 - the hint is a nicety; the error line stands without it
            pass
        return explain_unknown_key(full_key, unknown["schema"], config_name, choices, known)
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    fragment = re.search(r"at input '(.*)'", first)   # a Hydra syntax error: name the override it is in
    culprit = next((o for o in overrides if fragment and fragment[1] and fragment[1] in o), None)
    return f"bad override{f' {culprit!r}' if culprit else ''}: {first}"


def _hydra_compose(config_name: str, overrides: list[str], hydra_node: bool = True) -> DictConfig:
    """Hydra's compose as is (errors not translated). hydra_node keeps cfg.hydra, whose
    runtime.choices names each group's file. Inside train.py's @hydra.main Hydra is already initialised
    on the same t2l/conf/ directory, so it is reused."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():
        return hydra_compose(config_name=config_name, overrides=overrides, return_hydra_config=hydra_node)
    with initialize_config_dir(str(CONF_DIR), version_base=None):
        return hydra_compose(config_name=config_name, overrides=overrides, return_hydra_config=hydra_node)


# -- cfg -> objects ----------------------------------------------------------------------------------------
# train.py's jobs convert the composed config once (`job_config`: a TrainConfig whose typed groups are the
# settings objects, the untyped ones plain dicts); `t2l` subcommands read their DictConfig. The helpers
# below take either, through `setting` and `to_object`.
def job_config(cfg: DictConfig) -> Any:
    """The composed config as its schema's dataclass (TrainConfig), every interpolation resolved: the one
    conversion of a train.py job's config."""
    return OmegaConf.to_object(cfg)


def to_object(node) -> Any:
    """A structured node as its dataclass instance, a plain node as dicts/lists (interpolations resolved);
    anything else (an already converted value) as it is."""
    if isinstance(node, (DictConfig, ListConfig)):
        if isinstance(node, DictConfig) and OmegaConf.get_type(node) not in (dict, None) and is_dataclass(
                OmegaConf.get_type(node)):
            return OmegaConf.to_object(node)
        return OmegaConf.to_container(node, resolve=True)
    return node


def setting(cfg, key: str, default: Any = None) -> Any:
    """cfg's top-level `key`, whether cfg is a composed DictConfig, a plain dict or a converted schema."""
    if isinstance(cfg, (dict, DictConfig)):
        return cfg.get(key, default)
    return getattr(cfg, key, default)


def resolve_device(device: str) -> str:
    if device not in DEVICES and not str(device).startswith("cuda:"):
        raise T2LError(f"device '{device}' is unknown; choose one of {list(DEVICES)}")
    if device == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def base_model_spec(cfg: DictConfig) -> BaseModelSpec:
    return BaseModelSpec.from_dict(to_object(cfg.base_model))


def lora_spec(cfg: DictConfig, base: BaseModelSpec) -> LoRASpec:
    return LoRASpec.for_base(base, to_object(cfg.lora))


def task_catalog(cfg: DictConfig, evaluation: bool = False) -> TaskCatalog:
    """The tasks of `cfg.data`. evaluation=True also reads the held-out tasks' evaluation description
    bank (data.eval_descriptions_dir, default t2l/data/descriptions/eval); training catalogs never do."""
    sources = to_object(cfg.data)
    if evaluation and sources.eval_descriptions_dir is None:
        sources = dataclasses.replace(sources, eval_descriptions_dir=str(EVAL_BANK))
    return TaskCatalog(sources)


def select_tasks(cfg: DictConfig, catalog: TaskCatalog, default_split: str | None = None) -> list[str]:
    """Names from `tasks=` or `split=` (or `default_split`), minus data.exclude / data.exclude_file."""
    tasks, split = setting(cfg, "tasks"), setting(cfg, "split") or default_split
    names = catalog.select(tasks=list(tasks) if tasks else None, split=split)
    if not names:
        raise T2LError("every selected task is excluded; loosen data.exclude / data.exclude_file")
    return names


def trainer_arguments(cfg: DictConfig) -> dict:
    """t2l/conf/trainer/*.yaml as pl.Trainer keyword arguments (`_target_` nodes such as a strategy
    instantiated); the accelerator follows the one `device` key."""
    from hydra.utils import instantiate

    node = setting(cfg, "trainer")
    device = resolve_device(str(setting(cfg, "device", "auto")))
    refuse_fsdp_on_cpu(to_object(node) if node else {}, device)
    kwargs = instantiate(node, _convert_="all") if node else {}
    if str(setting(cfg, "device", "auto")) != "auto" and "accelerator" not in kwargs:
        kwargs["accelerator"] = "gpu" if device.startswith("cuda") else device
    if "precision" not in kwargs:   # trainer.precision (Lightning's own names) wins over the top-level key
        picked, why = choose_precision(str(setting(cfg, "precision", "auto")), device)
        log.info("precision=%s -> %s (%s; %s)", setting(cfg, "precision", "auto"), picked, why, machine_line())
        kwargs["precision"] = lightning_precision(picked)
    if "plugins" not in kwargs and under_slurm():
        # One requeue mechanism: submitit's (hydra/launcher=slurm). Lightning's SLURM environment still
        # gives ranks and nodes, but its own auto-requeue stays off.
        from pytorch_lightning.plugins.environments import SLURMEnvironment

        kwargs["plugins"] = [SLURMEnvironment(auto_requeue=False)]
    return kwargs


def refuse_fsdp_on_cpu(trainer: dict, device: str) -> None:
    strategy = trainer.get("strategy")
    name = strategy.get("_target_", "") if isinstance(strategy, dict) else str(strategy or "")
    accelerator = str(trainer.get("accelerator", "gpu" if device.startswith("cuda") else device))
    if "fsdp" in name.lower() and accelerator in ("cpu", "auto") and device == "cpu":
        raise T2LError("trainer=fsdp needs CUDA GPUs (device=cuda); on CPU use trainer=ddp (gloo) instead")


def under_slurm() -> bool:
    from pytorch_lightning.plugins.environments import SLURMEnvironment

    return SLURMEnvironment.detect()


def logger_factory(cfg: DictConfig):
    """name -> a Lightning logger from t2l/conf/logger/*.yaml (Hydra's instantiate), or None without one."""
    from hydra.utils import instantiate

    if not setting(cfg, "logger"):
        return None
    composed = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else dataclasses.asdict(cfg)

    def make(name: str):
        logger = instantiate(setting(cfg, "logger"), name=name.replace(":", "__"))
        logger.log_hyperparams(composed)   # the whole composed config (wandb: the run's config)
        return logger

    return make
