"""t2l as a user installs it: build the wheel, install it into a fresh virtual environment and run `t2l generate`
and `t2l eval` from a directory that is not the checkout. The configs, the description banks, the split lists
and the released bundle must come from the installed package (t2l.package_data), not from the repository.

The fresh venv gets t2l from the wheel only; its dependencies (torch, transformers, ...) are borrowed from the
running interpreter's site-packages through a .pth file, so the test installs nothing from an index and runs
offline. A .pth line only appends a directory to sys.path (the .pth files inside it are not run), so the
checkout's editable install is not seen by the fresh venv: `t2l` can only come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

pytestmark = pytest.mark.real_assets  # generate and eval read MiniLM and SmolLM2 from the offline bundle

BUILD_INPUTS = ("pyproject.toml", "README.md", "t2l", "hydra_plugins")
PACKAGE_DATA = ("conf", "data", "release")


def run(cmd: list, cwd: Path, env: dict, timeout: int = 600) -> str:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout's sources (a build leaves build/ and *.egg-info behind)."""
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, src],
        cwd=src, env=os.environ.copy())
    (built,) = dist.glob("t2l-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict, Path]:
    """(the fresh venv's bin/, the environment to run it with, a working directory outside the checkout)."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", "--clear", venv], cwd=venv, env=os.environ.copy())
    bin_dir = venv / "bin"
    purelib = Path(run([bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                       cwd=venv, env=os.environ.copy()).strip())
    borrowed = "\n".join(site.getsitepackages())
    (purelib / "t2l_test_dependencies.pth").write_text(f"# the test's dependencies, borrowed (tests/integration/test_wheel.py)\n{borrowed}\n")
    run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--no-deps", "--no-index", "-q", wheel],
        cwd=venv, env=os.environ.copy())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "T2L_CONF_DIR", "VIRTUAL_ENV")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", WANDB_MODE="offline",
               PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    return bin_dir, env, elsewhere


def test_the_wheel_holds_every_file_of_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in PACKAGE_DATA:
        files = [p for p in (REPO / "t2l" / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, folder
        missing = sorted(str(p.relative_to(REPO)) for p in files if str(p.relative_to(REPO)) not in names)
        assert not missing, f"the wheel lacks {missing[:5]}: list them in pyproject.toml's [tool.setuptools.package-data]"


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    bin_dir, env, elsewhere = installed
    where = run([bin_dir / "python", "-c", "import t2l.package_data as p; print(p.PACKAGE_DIR)"], elsewhere, env).strip()
    assert Path(where).is_relative_to(bin_dir.parent) and not Path(where).is_relative_to(REPO), where


def test_generate_from_the_installed_release(installed):
    bin_dir, env, elsewhere = installed
    out = run([bin_dir / "t2l", "generate", "description=Answer questions about dates.", "out=adapters/dates"],
              elsewhere, env)
    adapter = elsewhere / "adapters" / "dates"
    assert "wrote 1 adapter" in out and (adapter / "adapter_model.safetensors").is_file()
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_eval_from_the_installed_configs_banks_and_release(installed):
    bin_dir, env, elsewhere = installed
    run([bin_dir / "t2l", "eval", "checkpoint=release", "split=heldout_generated", "tasks=[boolean_expressions]",
         "eval_split=test", "limit=1", "controls=[]", "out=eval"], elsewhere, env)
    results = json.loads((elsewhere / "eval" / "results.json").read_text())
    assert set(results["methods"]) == {"t2l", "base"}
    assert results["methods"]["t2l"]["tasks"]["boolean_expressions"]["n"] == 1
