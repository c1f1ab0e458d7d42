"""The example split (hash of seed, task, input) and the committed task lists in t2l/data/splits/."""

import random

import pytest

from t2l.errors import T2LError
from t2l.package_data import DATA_DIR
from t2l.tasks.registry import read_name_list
from t2l.tasks.schema import MIN_EXAMPLES, Example, RawTask, split_examples, split_task

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"]
# split_examples("toy", WORDS_EXAMPLES, seed=0)["test"], computed once and pasted: if this changes, every
# published split moves. Only change it on purpose (and say so in the release notes).
EXPECTED_TEST_SEED0 = ["india", "foxtrot", "alpha"]


def _examples(n: int, prefix: str = "question") -> list[Example]:
    return [Example(input=f"{prefix} {i}", targets=(f"answer {i}",)) for i in range(n)]


def _inputs(parts: dict) -> dict[str, list[str]]:
    return {name: [ex.input for ex in examples] for name, examples in parts.items()}


# The split of _examples(40) printed by a fresh interpreter; PYTHONHASHSEED varies between them.
SPLIT_IN_A_FRESH_PROCESS = (
    "import json; from t2l.tasks.schema import Example, split_examples; "
    "parts = split_examples('t', [Example(input=f'question {i}', targets=(f'answer {i}',)) for i in range(40)], seed=0); "
    "print(json.dumps({name: [ex.input for ex in part] for name, part in parts.items()}))"
)


def test_split_is_deterministic():
    """Stable across runs: two fresh interpreters with different string-hash seeds (what a run on another day
    or machine gets; Python's hash() of a str changes with it) split exactly as this process does."""
    import json
    import os
    import subprocess
    import sys

    from tests.helpers.paths import REPO

    here = _inputs(split_examples("t", _examples(40), seed=0))
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
        out = subprocess.run([sys.executable, "-c", SPLIT_IN_A_FRESH_PROCESS], env=env, cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
        assert json.loads(out) == here, f"PYTHONHASHSEED={hash_seed} splits differently"


def test_split_does_not_depend_on_input_order():
    examples = _examples(40)
    shuffled = examples[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != examples
    assert _inputs(split_examples("t", examples, seed=0)) == _inputs(split_examples("t", shuffled, seed=0))


def test_split_depends_on_seed_and_task_name():
    examples = _examples(40)
    base = _inputs(split_examples("t", examples, seed=0))
    assert set(_inputs(split_examples("t", examples, seed=1))["test"]) != set(base["test"])
    assert set(_inputs(split_examples("other_task", examples, seed=0))["test"]) != set(base["test"])


def test_split_is_a_partition():
    examples = _examples(40)
    parts = _inputs(split_examples("t", examples, seed=3))
    together = parts["train"] + parts["validation"] + parts["test"]
    assert sorted(together) == sorted(ex.input for ex in examples)
    assert len(set(together)) == len(together)


@pytest.mark.parametrize("n, fractions, sizes", [
    (10, None, (6, 1, 3)),
    (20, None, (12, 2, 6)),
    (100, None, (60, 10, 30)),
    (100, {"train": 0.8, "validation": 0.1, "test": 0.1}, (80, 10, 10)),
    (100, {"train": 0.5, "validation": 0.0, "test": 0.5}, (50, 0, 50)),
    (3, None, (1, 1, 1)),  # every split gets at least one example
    (4, None, (2, 1, 1)),
])
def test_sizes_follow_fractions(n, fractions, sizes):
    parts = split_examples("t", _examples(n), seed=0, fractions=fractions)
    assert (len(parts["train"]), len(parts["validation"]), len(parts["test"])) == sizes


@pytest.mark.parametrize("fractions", [
    {"train": 0.6, "validation": 0.1, "test": 0.4},   # sums to 1.1
    {"train": 1.2, "validation": -0.2, "test": 0.0},  # negative share
])
def test_bad_fractions(fractions):
    with pytest.raises(T2LError, match="data.fractions must give train/validation/test shares that sum to 1"):
        split_examples("t", _examples(10), fractions=fractions)


def test_too_few_examples():
    with pytest.raises(T2LError) as err:
        split_examples("tiny_task", _examples(MIN_EXAMPLES - 1))
    message = str(err.value)
    assert "'tiny_task' has 2 usable examples" in message and "data.exclude=[tiny_task]" in message
    with pytest.raises(T2LError, match="too few to split"):
        split_task(RawTask("tiny_task", "local", ["d"], "gen", examples=_examples(1)))


def test_hashing_scheme_is_pinned():
    examples = [Example(input=word, targets=(word.upper(),)) for word in WORDS]
    parts = split_examples("toy", examples, seed=0)
    assert [ex.input for ex in parts["test"]] == EXPECTED_TEST_SEED0
    assert [ex.input for ex in parts["validation"]] == ["bravo"]
    assert sorted(ex.input for ex in parts["train"]) == ["charlie", "delta", "echo", "golf", "hotel", "juliett"]


def test_large_test_fraction_never_leaks_test_into_train():
    parts = _inputs(split_examples("t", _examples(3), seed=0,
                                   fractions={"train": 0.05, "validation": 0.05, "test": 0.9}))
    assert not set(parts["train"]) & set(parts["test"])


# ------------------------------------------------------------------ committed task lists

HELDOUT = DATA_DIR / "splits" / "heldout_bigbench.txt"   # the BIG-bench tasks BBH comes from
TRAIN = DATA_DIR / "splits" / "bigbench_train.txt"


def _family(name: str) -> str:
    return name.split(":", 1)[0]


def test_heldout_and_training_lists_share_no_family():
    heldout, train = read_name_list(HELDOUT), read_name_list(TRAIN)
    stated = next(line for line in TRAIN.read_text().splitlines() if line.startswith("# Count:"))
    assert stated == f"# Count: {len(train)} tasks."  # the header agrees with the list
    assert {"date_understanding", "sports_understanding", "logical_deduction:three_objects"} <= set(heldout)
    assert len(set(heldout)) == len(heldout) and len(set(train)) == len(train)
    assert not {_family(n) for n in heldout} & {_family(n) for n in train}


@pytest.mark.real_assets
@pytest.mark.real_bigbench(*read_name_list(HELDOUT), *read_name_list(TRAIN))   # a full BIG-bench copy
def test_every_listed_task_is_in_the_bundle():
    from t2l.assets import require
    from t2l.tasks.bigbench import bigbench_index

    index = bigbench_index(require("bigbench"))
    for path in (HELDOUT, TRAIN):
        missing = [n for n in read_name_list(path) if n not in index]
        assert not missing, f"{path.name} names tasks the bundle lacks: {missing}"
