"""Description banks: the format, the contamination refusals, and the committed banks' own checks
(counts, no near-duplicates by the real encoder, no held-out task or text in the training bank)."""

from __future__ import annotations

import json
import random

import pytest

from t2l.errors import T2LError
from t2l.tasks.descriptions import (
    EVAL_BANK,
    TRAIN_BANK,
    DescriptionBank,
    check_training_bank,
    normalise_text,
    refuse_eval_bank,
)
from t2l.tasks.registry import read_name_list
from tests.helpers.paths import DATA

SPLITS = DATA / "splits"
POOL = read_name_list(SPLITS / "bigbench_train.txt")
# Every held-out list (t2l.tasks.heldout.heldout_names): BBH's files, the BIG-bench tasks BBH comes from, the
# generated three and the pool's held-out described tasks.
HELDOUT = [n for split in ("heldout_bbh", "heldout_bigbench", "heldout_generated", "heldout_described")
           if (SPLITS / f"{split}.txt").is_file() for n in read_name_list(SPLITS / f"{split}.txt")]


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_task_and_family_lines(tmp_path):
    write(tmp_path / "a.jsonl", [{"task": "fam:one", "descriptions": ["Own text."], "how": "hand"},
                                 {"family": "fam", "descriptions": ["Shared text.", "Own text."], "how": "template"}])
    bank = DescriptionBank.read(tmp_path)
    assert bank.for_task("fam:one") == (["Own text.", "Shared text."], False)
    assert bank.for_task("fam:two") == (["Shared text.", "Own text."], False)
    assert bank.for_task("other") == ([], False) and bank.how == {"fam:one": "hand", "fam": "template"}


@pytest.mark.parametrize("row, message", [({"task": "x", "family": "y", "descriptions": ["a"]}, "expected"),
                                          ({"task": "x", "descriptions": "a"}, "expected"),
                                          ({"task": "x", "descriptions": ["a"], "how": "guess"}, "how")])
def test_malformed_lines_name_file_and_line(tmp_path, row, message):
    write(tmp_path / "bad.jsonl", [{"task": "ok", "descriptions": ["fine"]}, row])
    with pytest.raises(T2LError, match=rf"bad.jsonl line 2: .*{message}"):
        DescriptionBank.read(tmp_path)


def test_training_never_reads_the_evaluation_bank():
    with pytest.raises(T2LError, match="training never reads it"):
        refuse_eval_bank(EVAL_BANK)
    refuse_eval_bank(TRAIN_BANK)


def test_a_held_out_task_in_the_training_bank_is_refused(tmp_path):
    write(tmp_path / "a.jsonl", [{"task": "navigate", "descriptions": ["Walk and see where you end up."]}])
    with pytest.raises(T2LError, match=r"held-out tasks \['navigate'\] \(contamination\)"):
        check_training_bank(DescriptionBank.read(tmp_path), HELDOUT)
    write(tmp_path / "a.jsonl", [{"family": "logical_deduction", "descriptions": ["Order the objects."]}])
    with pytest.raises(T2LError, match="contamination"):
        check_training_bank(DescriptionBank.read(tmp_path), HELDOUT)


def test_an_evaluation_text_in_the_training_bank_is_refused(tmp_path):
    evaluation = DescriptionBank.read(EVAL_BANK)
    stolen = evaluation.tasks["navigate"][0]
    write(tmp_path / "a.jsonl", [{"task": "some_pool_task", "descriptions": [stolen.upper() + " "]}])
    with pytest.raises(T2LError, match="repeats 1 evaluation description"):
        check_training_bank(DescriptionBank.read(tmp_path), HELDOUT, evaluation)


# -- the committed banks ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def train_bank():
    return DescriptionBank.read(TRAIN_BANK)


@pytest.fixture(scope="module")
def eval_bank():
    return DescriptionBank.read(EVAL_BANK)


def test_every_pool_task_has_at_least_16_descriptions(train_bank):
    short = {n: len(train_bank.for_task(n)[0]) for n in POOL if len(train_bank.for_task(n)[0]) < 16}
    assert not short, f"pool tasks with fewer than 16 descriptions: {short}"
    assert set(train_bank.how.values()) <= {"hand", "template", "generation"}


def test_every_held_out_task_has_at_least_5_evaluation_descriptions(eval_bank):
    assert {n: len(eval_bank.for_task(n)[0]) for n in HELDOUT if len(eval_bank.for_task(n)[0]) < 5} == {}
    assert set(eval_bank.tasks) == set(HELDOUT), "the evaluation bank describes exactly the held-out tasks"


def test_the_committed_training_bank_is_clean(train_bank, eval_bank):
    check_training_bank(train_bank, HELDOUT, eval_bank)
    covered = set(train_bank.tasks) | {n for n in POOL if n.split(":")[0] in train_bank.families}
    assert set(POOL) <= covered and not set(train_bank.tasks) - set(POOL)


def test_no_exact_duplicates_within_a_set(train_bank, eval_bank):
    for bank in (train_bank, eval_bank):
        for key, texts in {**bank.tasks, **bank.families}.items():
            assert len({normalise_text(t) for t in texts}) == len(texts), key


@pytest.mark.real_assets
def test_no_near_duplicates_by_the_real_encoder(train_bank, eval_bank):
    """Cosine <= 0.95 between any two descriptions of one set, with MiniLM (the training encoder), on a
    seeded sample of 40 sets plus every evaluation set (all 380 training sets take ~3 minutes on 2 cores;
    t2l/data/descriptions/README.md says how the whole bank was cleaned with the same rule)."""
    from t2l.models.encoder import TaskEncoder
    from tests.helpers.specs import minilm_config

    encoder = TaskEncoder.from_config(minilm_config())
    sets = {**train_bank.tasks, **train_bank.families}
    keys = random.Random(0).sample(sorted(sets), 40)
    for texts in [sets[k] for k in keys] + list(eval_bank.tasks.values()):
        emb = encoder.encode(texts)
        cos = emb @ emb.T
        cos.fill_diagonal_(0)
        assert float(cos.max()) <= 0.95, texts[int(cos.max(dim=1).values.argmax())]


def test_catalog_reads_the_evaluation_bank_only_when_asked(tmp_path):
    from t2l.tasks.registry import TaskCatalog, TaskSources

    bank = tmp_path / "bank"
    bank.mkdir()
    write(bank / "pool.jsonl", [{"task": "toy_gen", "descriptions": ["Training text."]}])
    write(tmp_path / "toy_gen.jsonl", [{"input": f"q{i}", "target": f"a{i}"} for i in range(6)])
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    write(eval_dir / "e.jsonl", [{"task": "toy_gen", "descriptions": ["Evaluation text."]}])
    train = TaskCatalog(TaskSources(local_files=[str(tmp_path / "toy_gen.jsonl")], descriptions_dir=str(bank)))
    assert "Training text." in train.load("toy_gen").descriptions
    assert "Evaluation text." not in train.load("toy_gen").descriptions
    evaluation = TaskCatalog(TaskSources(local_files=[str(tmp_path / "toy_gen.jsonl")], descriptions_dir=str(bank),
                                         eval_descriptions_dir=str(eval_dir)))
    assert evaluation.load("toy_gen").descriptions == ["Evaluation text."]
