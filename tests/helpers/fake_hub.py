"""The Hugging Face hub replaced at huggingface_hub's network boundary, for contract tests of HubTransport.

Only the calls that would go over the network are replaced - HfApi.list_models / list_datasets / repo_info /
list_repo_tree and the per-file hf_hub_download that snapshot_download calls - and they answer from local
folders with huggingface_hub's own types (ModelInfo, DatasetInfo, RepoFile). Everything above them is the
installed huggingface_hub: snapshot_download's listing, filtering, threading and the bookkeeping it writes
into local_dir/.cache/huggingface. Each replaced call is first bound against the real function's signature,
so a call t2l makes with arguments the installed huggingface_hub does not take fails here as it would there.
"""

from __future__ import annotations

import hashlib
import inspect
import shutil
from pathlib import Path

import huggingface_hub
from huggingface_hub import HfApi, constants
from huggingface_hub import _snapshot_download as snapshot_module
from huggingface_hub.hf_api import DatasetInfo, ModelInfo, RepoFile


class FakeHub:
    """repos[(kind, "org/name")] = a local folder holding the repo's files; `calls` records what was asked."""

    def __init__(self):
        self.repos: dict[tuple[str, str], Path] = {}
        self.calls: list[tuple] = []

    def add(self, kind: str, repo_id: str, folder: Path) -> None:
        self.repos[(kind, repo_id)] = folder

    def _folder(self, repo_id: str, kind: str | None) -> Path:
        return self.repos[(kind or "model", repo_id)]

    @staticmethod
    def _checked(real, *args, **kwargs) -> inspect.BoundArguments:
        bound = inspect.signature(real).bind(*args, **kwargs)   # TypeError on an argument the real one lacks
        bound.apply_defaults()
        return bound

    def install(self, monkeypatch, cache_dir: Path) -> None:
        hub = self
        real = {name: getattr(HfApi, name) for name in ("list_models", "list_datasets", "repo_info", "list_repo_tree")}
        real_download = snapshot_module.hf_hub_download

        def lister(kind: str, info_type):
            def listed(self, *args, **kwargs):
                author = hub._checked(real[f"list_{kind}s"], self, *args, **kwargs).arguments["author"]
                hub.calls.append((f"list_{kind}s", author))
                return iter([info_type(id=repo_id) for (k, repo_id) in hub.repos if k == kind
                             and repo_id.split("/")[0] == author])
            return listed

        def repo_info(self, *args, **kwargs):
            bound = hub._checked(real["repo_info"], self, *args, **kwargs).arguments
            folder = hub._folder(bound["repo_id"], bound["repo_type"])
            sha = hashlib.sha1(str(sorted(p.name for p in folder.rglob("*"))).encode()).hexdigest()
            info_type = DatasetInfo if bound["repo_type"] == "dataset" else ModelInfo
            return info_type(id=bound["repo_id"], sha=sha)

        def list_repo_tree(self, *args, **kwargs):
            bound = hub._checked(real["list_repo_tree"], self, *args, **kwargs).arguments
            folder = hub._folder(bound["repo_id"], bound["repo_type"])
            return iter([RepoFile(path=p.relative_to(folder).as_posix(), size=p.stat().st_size,
                                  oid=hashlib.sha1(p.read_bytes()).hexdigest())
                         for p in sorted(folder.rglob("*")) if p.is_file()])

        def hf_hub_download(*args, **kwargs):
            bound = hub._checked(real_download, *args, **kwargs).arguments
            hub.calls.append(("download", bound["repo_type"], bound["repo_id"], bound["filename"]))
            # t2l fetches into a plain folder (local_dir); the hub cache's blob/snapshot layout is not served here
            assert bound["local_dir"] is not None, "snapshot_download was not given local_dir"
            target = Path(bound["local_dir"]) / bound["filename"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(hub._folder(bound["repo_id"], bound["repo_type"]) / bound["filename"], target)
            return str(target)

        monkeypatch.setattr(HfApi, "list_models", lister("model", ModelInfo))
        monkeypatch.setattr(HfApi, "list_datasets", lister("dataset", DatasetInfo))
        monkeypatch.setattr(HfApi, "repo_info", repo_info)
        monkeypatch.setattr(HfApi, "list_repo_tree", list_repo_tree)
        monkeypatch.setattr(snapshot_module, "hf_hub_download", hf_hub_download)
        # snapshot_download records the resolved revision under the hub cache: keep that out of ~/.cache
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache_dir))
        assert huggingface_hub.snapshot_download is snapshot_module.snapshot_download   # the real one runs
