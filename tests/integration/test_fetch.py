"""`experiment=paper_recon_mistral` / `paper_sft_mistral` (the paper's setup in one command) through their
whole code path offline: a local directory laid out like the hub (Lots-of-LoRAs adapter repos for the
tiny random Llama, SNI dataset repos in the Lots-of-LoRAs parquet layout) replaces the network, the
rest - task listing, the number join, the checksummed resumable cache, `t2l library import`'s checks,
reconstruction training on the imported adapters - is the code users run against the hub.
"""

from __future__ import annotations

import json
import logging
import shutil

import pytest
import torch

from t2l.lora.peft_io import save_adapter
from t2l.lora.spec import LoRASpec
from t2l.models.bundle import T2L
from tests.helpers.experiments import TINY, compose_train
from tests.helpers.paths import FIXTURES
from tests.helpers.specs import base_spec

pytestmark = pytest.mark.real_assets  # SmolLM2's tokenizer, MiniLM

ORG = "Lots-of-LoRAs"
TASKS = ["task2_toy_qa", "task7_toy_qa_again"]


def hub_mirror(root):
    """<root>/Lots-of-LoRAs/<adapter repo> and <root>/datasets/Lots-of-LoRAs/<task> (+ a dataset without adapter)."""
    base = base_spec("tiny_random")
    spec = LoRASpec.for_base(base)
    for i, name in enumerate([*TASKS, "task9_no_adapter"]):
        shutil.copytree(FIXTURES / "sni" / "lol" / "task2_toy_qa", root / "datasets" / ORG / name)
        if name == "task9_no_adapter":
            continue
        number = name.split("_")[0][4:]
        torch.manual_seed(i)
        weights = {f"{m}.{ab}": torch.randn(spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m))) * 0.01
                   for m in spec.target_modules for ab in "AB"}
        save_adapter(weights, spec, base.model_id, root / ORG / f"Mistral-7B-Instruct-v0.2-4b-r16-task{number}")
    return root


def paper_cfg(tmp_path, name="paper_recon_mistral", *extra):
    # lora.rank=8: the mirror's adapters are rank 8 (quick); the experiment's own rank 16 against rank-16 peft
    # adapters, through fetch.source=hub, is tests/integration/test_hub_transport.py
    tiny = [o for o in TINY if not o.startswith(("base_model=", "tasks=", "data.bigbench_dir"))]
    return compose_train(f"experiment={name}", *tiny, "base_model=tiny_random", "encoder=minilm", "lora.rank=8",
                         "precision=fp32", f"fetch.source={tmp_path / 'mirror'}", f"fetch.cache={tmp_path / 'cache'}",
                         f"library.dir={tmp_path / 'lib'}", f"out_dir={tmp_path / 'run'}",
                         f"logger.save_dir={tmp_path / 'logs'}", "objective.val_tasks=0", *extra)


def test_paper_recon_fetches_imports_and_trains_offline(tmp_path, capsys, caplog):
    from t2l.app.jobs import run as train

    hub_mirror(tmp_path / "mirror")
    result = train(paper_cfg(tmp_path))
    assert result["steps"] == 2
    # Every task with both an adapter and data, joined by task number; the dataset without adapter is left out.
    bundle = T2L.from_pretrained(tmp_path / "run" / "hypernet")
    assert bundle.training["tasks"] == TASKS
    manifest = json.loads((tmp_path / "lib" / "manifest.json").read_text())
    assert sorted(manifest["entries"]["tasks"]) == TASKS
    assert manifest["entries"]["tasks"]["task2_toy_qa"]["descriptions"][0].startswith("In this task")
    fetched = json.loads((tmp_path / "cache" / "fetched.json").read_text())
    assert len(fetched) == 4 and all(files for files in fetched.values())   # 2 datasets + 2 adapters, checksummed
    assert "fetched 2 SNI tasks (adapters imported" in capsys.readouterr().out

    # Resumable: a damaged file is fetched again (that repo only), everything else is reused.
    data = tmp_path / "cache" / "datasets" / "task2_toy_qa" / "data" / "train-00000-of-00001.parquet"
    data.write_bytes(b"torn")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="t2l.app.fetch"):
        train(paper_cfg(tmp_path, "paper_recon_mistral", "resume=true"))
    refetched = [r.getMessage() for r in caplog.records if "fetching it again" in r.getMessage()]
    assert refetched == ["Lots-of-LoRAs/task2_toy_qa changed or went missing since it was fetched; fetching it again"]
    assert data.read_bytes() == (FIXTURES / "sni" / "lol" / "task2_toy_qa" / data.relative_to(data.parents[1])).read_bytes()
    assert json.loads((tmp_path / "cache" / "fetched.json").read_text()) == fetched


def test_paper_sft_fetches_the_data_only(tmp_path):
    from t2l.app.jobs import run as train

    hub_mirror(tmp_path / "mirror")
    result = train(paper_cfg(tmp_path, "paper_sft_mistral", "objective.tasks_per_batch=2", "objective.max_length=64",
                             "objective.samples_per_task=1"))
    assert result["steps"] == 2
    assert T2L.from_pretrained(tmp_path / "run" / "hypernet").training["tasks"] == TASKS
    assert not (tmp_path / "cache" / "models").exists() and not (tmp_path / "lib" / "manifest.json").exists()


def test_a_missing_mirror_is_one_clear_error(tmp_path):
    from t2l.app.jobs import run as train
    from t2l.errors import T2LError

    with pytest.raises(T2LError, match="fetch.source .* is not a directory; use fetch.source=hub"):
        train(paper_cfg(tmp_path))
