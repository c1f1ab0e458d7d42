"""Training-time validation tasks are drawn from the cheap half of the pool, seeded, never the dearest."""

from t2l.tasks.schema import Example, Task, validation_tasks


def task(name: str, input_len: int, choices: int, n_val: int = 4) -> Task:
    ex = Example(input="x" * input_len, choices=tuple(f"c{i}" for i in range(choices)), answers=(0,))
    return Task(name=name, source="test", descriptions=[name], metric="mc", train=[ex], validation=[ex] * n_val, test=[ex])


def test_picks_cheap_tasks_seeded_and_skips_tasks_without_validation():
    pool = [task(f"cheap{i}", 50, 2) for i in range(6)] + [task(f"dear{i}", 3000, 100) for i in range(6)]
    pool.append(task("noval", 10, 2, n_val=0))
    picked = validation_tasks(pool, 3, seed=0)
    assert len(picked) == 3 and all(t.name.startswith("cheap") for t in picked)
    assert [t.name for t in validation_tasks(pool, 3, seed=0)] == [t.name for t in picked]  # seeded
    assert {t.name for t in validation_tasks(pool, 6, seed=1)} == {f"cheap{i}" for i in range(6)}
    assert validation_tasks(pool, 0) == []
    assert len(validation_tasks(pool[:2], 5)) == 2  # fewer tasks than asked: all of them
