"""The paper's setup in one command: fetch the Lots-of-LoRAs SNI adapters and their SNI task data into
the cache, import the adapters into the library, and point the run's data at the fetched tasks.

    python train.py experiment=paper_recon_mistral device=cuda      # needs network (the hub) and a GPU
    python train.py experiment=paper_sft_mistral device=cuda

Adapters are the hub's `Lots-of-LoRAs/Mistral-7B-Instruct-v0.2-4b-r16-task<NUM>` repos, data the
`Lots-of-LoRAs/task<NUM>_<slug>` dataset repos; the task number joins them. `fetch.source` is `hub`
(huggingface_hub.snapshot_download) or a local directory laid out like the hub (`<org>/<repo>` for
models, `datasets/<org>/<repo>` for datasets), which is how the tests run this path offline.
Resumable and checksummed: a repo counts as fetched once its files' sha256 are in
`<cache>/fetched.json`; a repo whose files no longer match is fetched again; one that never finished
(a kill) has no entry and is fetched again. Imports go through `Library.import_adapter` (the code
behind `t2l library import`), which checks every adapter against the base model and LoRA spec.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from t2l.errors import T2LError
from t2l.io import atomic_write_json, read_json, sha256_file

log = logging.getLogger(__name__)
NUMBER = re.compile(r"^task(\d+)")


@dataclass
class FetchConfig:
    """`fetch.*` (t2l/conf/experiment/paper_{recon,sft}_mistral.yaml set it): what to fetch and from where;
    off unless enabled."""

    enabled: bool = False
    source: str = "hub"             # hub | a local directory laid out like the hub
    org: str = "Lots-of-LoRAs"
    adapter_repo: str = "Mistral-7B-Instruct-v0.2-4b-r16-task{number}"
    tasks: list[str] | None = None  # SNI task names (task<NUM>_<slug>); None: every task with an adapter and data
    exclude: list[str] = field(default_factory=list)   # e.g. the paper's held-out evaluation tasks
    import_adapters: bool = True    # into the library (reconstruction targets); SFT needs only the data
    cache: str = "~/.cache/t2l/hub"


def task_number(name: str) -> int:
    match = NUMBER.match(name)
    if not match:
        raise T2LError(f"'{name}' is not an SNI task name (task<NUM>_<slug>, e.g. task1391_winogrande_classification)")
    return int(match[1])


class HubTransport:
    """The Hugging Face hub through huggingface_hub (needs network)."""

    def list(self, org: str, kind: str) -> list[str]:
        from huggingface_hub import HfApi

        api = HfApi()
        found = api.list_models(author=org) if kind == "model" else api.list_datasets(author=org)
        return [item.id.split("/", 1)[1] for item in found]

    def download(self, repo_id: str, kind: str, dest: Path) -> None:
        from huggingface_hub import snapshot_download

        snapshot_download(repo_id, repo_type=kind, local_dir=str(dest))   # resumes partial files itself


class MirrorTransport:
    """A local directory laid out like the hub: <root>/<org>/<repo> (models), <root>/datasets/<org>/<repo>."""

    def __init__(self, root: Path):
        if not root.is_dir():
            raise T2LError(f"fetch.source {root} is not a directory; use fetch.source=hub or a local mirror "
                           "laid out like the hub (<org>/<repo>, datasets/<org>/<repo>)")
        self.root = root

    def _dir(self, kind: str) -> Path:
        return self.root / "datasets" if kind == "dataset" else self.root

    def list(self, org: str, kind: str) -> list[str]:
        folder = self._dir(kind) / org
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def download(self, repo_id: str, kind: str, dest: Path) -> None:
        source = self._dir(kind) / repo_id
        if not source.is_dir():
            raise T2LError(f"{repo_id} ({kind}) is not in the mirror {self.root}")
        shutil.copytree(source, dest, dirs_exist_ok=True)


def transport(source: str):
    return HubTransport() if source == "hub" else MirrorTransport(Path(source).expanduser())


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a fetched repo (hub bookkeeping under .cache/ left out)."""
    return {str(p.relative_to(folder)): sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(folder).parts}


class FetchCache:
    """<cache>/{models,datasets}/<repo>, with <cache>/fetched.json recording each finished repo's checksums."""

    def __init__(self, root: Path, via):
        self.root, self.via = root, via
        self.manifest_path = root / "fetched.json"
        self.manifest = read_json(self.manifest_path) if self.manifest_path.is_file() else {}

    def fetch(self, repo_id: str, kind: str) -> Path:
        dest = self.root / f"{kind}s" / repo_id.split("/", 1)[1]
        key = f"{kind}:{repo_id}"
        if key in self.manifest and dest.is_dir() and digest(dest) == self.manifest[key]:
            return dest   # fetched before and unchanged
        if key in self.manifest:
            log.warning("%s changed or went missing since it was fetched; fetching it again", repo_id)
            shutil.rmtree(dest, ignore_errors=True)
        self.via.download(repo_id, kind, dest)
        self.manifest[key] = digest(dest)
        atomic_write_json(self.manifest_path, self.manifest)   # written per repo: a kill loses one repo at most
        return dest


def pick_tasks(config: FetchConfig, via) -> list[str]:
    """The SNI tasks to fetch: the configured ones, or every dataset of the org that has an adapter."""
    if config.tasks:
        names = list(config.tasks)
    else:
        adapters = {int(m[1]) for r in via.list(config.org, "model")
                    if (m := re.search(r"task(\d+)$", r)) and r == config.adapter_repo.format(number=m[1])}
        names = [d for d in via.list(config.org, "dataset") if NUMBER.match(d) and task_number(d) in adapters]
    names = [n for n in names if n not in set(config.exclude)]
    if not names:
        raise T2LError(f"no SNI tasks to fetch from {config.source} (org {config.org}); set fetch.tasks or check "
                       "fetch.source / fetch.adapter_repo")
    return names


def fetch_paper_setup(config: FetchConfig, library) -> tuple[list[str], list[str]]:
    """Fetch every task's adapter and data, import the adapters; return (task names, dataset dirs)."""
    from t2l.tasks.sni import load_sni_dataset_dir

    via = transport(config.source)
    cache = FetchCache(Path(config.cache).expanduser(), via)
    names = pick_tasks(config, via)
    dirs = []
    for i, name in enumerate(names):
        data = cache.fetch(f"{config.org}/{name}", "dataset")
        if config.import_adapters and not library.has("tasks", name):
            adapter = cache.fetch(f"{config.org}/{config.adapter_repo.format(number=task_number(name))}", "model")
            library.import_adapter(adapter, name, list(load_sni_dataset_dir(data).descriptions))
        dirs.append(str(data))
        log.info("fetched %d/%d: %s", i + 1, len(names), name)
    imported = f" (adapters imported into {library.root})" if config.import_adapters else ""
    print(f"fetched {len(names)} SNI tasks{imported} from {config.source}")
    return names, dirs
