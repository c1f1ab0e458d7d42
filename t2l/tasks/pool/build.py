"""Build the generated pool: every family's tasks as `RawTask`s, deterministic by seed, cached by content hash.

    from t2l.tasks.pool.build import pool_tasks, task_index
    tasks = pool_tasks()                      # name -> RawTask (pool and held-out described tasks)
    task_index()["letter_at_3"]               # (Family, params, held_out)

The cache key hashes the pool's code (every file of t2l/tasks/pool), the seed and the resources'
versions; the cache file lives under $T2L_HOME/pool/ and is written atomically after every check
passed (oracles, example and description counts), so a refused build leaves nothing behind.
`pool_hash()` is the content hash of the built examples: what a bundle records as its pool version.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import pkgutil
from functools import lru_cache
from pathlib import Path

from t2l.errors import T2LError
from t2l.tasks.pool import families as families_package
from t2l.tasks.pool.core import MIN_DESCRIPTIONS, MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES, Family, build_examples
from t2l.tasks.pool.inputs import items
from t2l.tasks.schema import Example, RawTask

SOURCE = "pool"
POOL_SEED = 0
POOL_DIR = Path(__file__).resolve().parent
CACHE_FORMAT = 1


def family_modules() -> list[str]:
    """Every family module of t2l/tasks/pool/families/, in name order (a "_" module holds shared helpers)."""
    return sorted(m.name for m in pkgutil.iter_modules(families_package.__path__) if not m.name.startswith("_"))


@lru_cache(maxsize=1)
def all_families() -> tuple[Family, ...]:
    found: list[Family] = []
    for name in family_modules():
        module = importlib.import_module(f"{families_package.__name__}.{name}")
        found += list(getattr(module, "FAMILIES", []))
    names = [f.name for f in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise T2LError(f"pool families defined twice: {twice}; rename one (t2l/tasks/pool/families/)")
    return tuple(found)


@lru_cache(maxsize=1)
def task_index() -> dict[str, tuple[Family, dict, bool]]:
    """Task name -> (its family, its params, held out?); a name in two families is refused."""
    index: dict[str, tuple[Family, dict, bool]] = {}
    for fam in all_families():
        for name, (params, heldout) in fam.tasks().items():
            if name in index:
                raise T2LError(f"pool task '{name}' is defined by families '{index[name][0].name}' and '{fam.name}' "
                               f"({fam.origin}); rename one")
            index[name] = (fam, params, heldout)
    return index


def pool_names(heldout: bool = False) -> list[str]:
    return sorted(n for n, (_, _, h) in task_index().items() if h == heldout)


def build_task(name: str, seed: int = POOL_SEED) -> RawTask:
    fam, params, heldout = task_index()[name]
    examples = build_examples(fam, name, params, items(fam.inputs), seed)
    floor = MIN_HELDOUT_EXAMPLES if heldout else MIN_EXAMPLES
    if len(examples) < floor:
        raise T2LError(f"pool task '{name}' ({fam.origin}) has {len(examples)} examples, fewer than {floor}; widen its "
                       f"input kind '{fam.inputs}' or drop the variant")
    descriptions = [] if heldout else fam.describe(params)
    if not heldout and len(descriptions) < MIN_DESCRIPTIONS:
        raise T2LError(f"pool task '{name}' ({fam.origin}) has {len(descriptions)} distinct descriptions, fewer than "
                       f"{MIN_DESCRIPTIONS}; write more in its family's descriptions")
    meta = {"family": fam.name, "inputs": fam.inputs, "params": params, "heldout": heldout, "task_prefix": "",
            "resources": list(fam.resources), "generation_seed": seed}
    return RawTask(name=name, source=SOURCE, descriptions=descriptions, metric=fam.metric, examples=examples, meta=meta)


def code_hash(seed: int = POOL_SEED) -> str:
    """What the built pool depends on: the pool's code, the seed and the resources' recorded versions."""
    from t2l.tasks.pool.resources import RESOURCES

    digest = hashlib.sha256(f"{CACHE_FORMAT}:{seed}:{sorted((k, r.version) for k, r in RESOURCES.items())}".encode())
    for path in sorted(POOL_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(POOL_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _to_json(raw: RawTask) -> dict:
    return {"name": raw.name, "metric": raw.metric, "descriptions": raw.descriptions, "meta": raw.meta,
            "examples": [e.to_dict() for e in raw.examples]}


def _from_json(row: dict) -> RawTask:
    examples = [Example(input=e["input"], choices=tuple(e["choices"]), answers=tuple(e["answers"])) if "choices" in e
                else Example(input=e["input"], targets=tuple(e["targets"])) for e in row["examples"]]
    return RawTask(name=row["name"], source=SOURCE, descriptions=list(row["descriptions"]), metric=row["metric"],
                   examples=examples, meta=dict(row["meta"]))


def cache_path(seed: int = POOL_SEED) -> Path:
    from t2l.assets import t2l_home

    return t2l_home() / "pool" / f"pool-{code_hash(seed)}.json.gz"


@lru_cache(maxsize=2)
def pool_tasks(seed: int = POOL_SEED) -> dict[str, RawTask]:
    """Every pool and held-out described task, from the cache when its key matches, else built and cached."""
    from t2l.io import atomic_write_bytes

    path = cache_path(seed)
    if path.is_file():
        rows = json.loads(gzip.decompress(path.read_bytes()))
        return refuse_evaluation_texts({row["name"]: _from_json(row) for row in rows})
    built = refuse_evaluation_texts({name: build_task(name, seed) for name in sorted(task_index())})
    payload = json.dumps([_to_json(raw) for raw in built.values()], ensure_ascii=False, sort_keys=True)
    atomic_write_bytes(path, gzip.compress(payload.encode("utf-8"), mtime=0))
    return built


def refuse_evaluation_texts(tasks: dict[str, RawTask]) -> dict[str, RawTask]:
    """A pool task described by a held-out task's evaluation text would be trained on it: refused, naming
    the family's file (checked on every load, since the evaluation bank is not part of the cache key)."""
    from t2l.tasks.descriptions import EVAL_BANK, DescriptionBank, normalise_text

    evaluation = DescriptionBank.read(EVAL_BANK).texts()
    for name, raw in tasks.items():
        shared = sorted({normalise_text(t) for t in raw.descriptions} & evaluation)
        if shared:
            raise T2LError(f"pool task '{name}' ({task_index()[name][0].origin}) is described by an evaluation "
                           f"description of a held-out task ({shared[0]!r}, in {EVAL_BANK}): contamination; reword "
                           "it in the family's descriptions")
    return tasks


def raw_task(name: str, seed: int = POOL_SEED) -> RawTask:
    """One task of the pool, as a copy (callers extend its descriptions; the cached pool stays as built)."""
    raw = pool_tasks(seed)[name]
    return RawTask(raw.name, raw.source, list(raw.descriptions), raw.metric, list(raw.examples), None, dict(raw.meta))


def pool_hash(seed: int = POOL_SEED) -> str:
    """The content hash of the built pool (every task's examples and descriptions): its version."""
    tasks = pool_tasks(seed)
    payload = json.dumps([_to_json(tasks[n]) for n in sorted(tasks)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def check_pool_version(trained: str | None, what: str, seed: int = POOL_SEED) -> None:
    """Refuse to score pool tasks with a bundle trained on another version of the pool: its held-out
    tasks, contamination check and training examples were other ones. `trained` is the bundle's
    recorded pool hash (None: trained without pool tasks, nothing to compare)."""
    if trained is None:
        return
    installed = pool_hash(seed)
    if trained != installed:
        raise T2LError(f"{what} was trained on pool version {trained}, but the installed pool is {installed} "
                       "(t2l/tasks/pool code, its seed or a resource version differs; the bundle's model card lists "
                       "the versions it used): retrain it on this pool with `python train.py experiment=t2l_release`, "
                       "or install the resource versions it was trained with")
