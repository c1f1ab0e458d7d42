"""Write the pool's task lists and print its tables for the docs.

    python -m t2l.tasks.pool                 # t2l/data/splits/pool.txt and heldout_described.txt from the code
    python -m t2l.tasks.pool --table         # families / tasks / examples / descriptions / sources (markdown)
    python -m t2l.tasks.pool --samples 20    # seeded (input, answer, description) triples
    python -m t2l.tasks.pool --contamination # the largest behavioural overlap of each held-out task
"""

from __future__ import annotations

import argparse
import random
import time

from t2l.tasks.pool import build
from t2l.tasks.pool.resources import RESOURCES

SPLITS = {"pool": False, "heldout_described": True}
HEADERS = {
    "pool": "# pool: the generated training pool (t2l.tasks.pool; written by `python -m t2l.tasks.pool`).\n"
            "# Sibling tasks over shared inputs (words, numbers, pairs, sentences, word lists, dates, countries, ...).\n",
    "heldout_described": "# heldout_described: held-out tasks whose mapping is in no pool task (t2l.tasks.pool; written by\n"
                         "# `python -m t2l.tasks.pool`). Evaluation descriptions: t2l/data/descriptions/eval/described_*.jsonl.\n",
}


# The pool also takes the BIG-bench training tasks that are prepared (TaskCatalog.split_names reads `@list?`).
INCLUDES = {"pool": "@bigbench_train?   # BIG-bench training tasks, where a copy is prepared (12 in ../shared/data)\n"}


def split_text(split: str) -> str:
    names = build.pool_names(heldout=SPLITS[split])
    return (HEADERS[split] + f"# Count: {len(names)} generated tasks.\n" + "\n".join(names) + "\n"
            + INCLUDES.get(split, ""))


def write_splits() -> None:
    from t2l.io import atomic_write_text
    from t2l.package_data import DATA_DIR

    for split in SPLITS:
        path = DATA_DIR / "splits" / f"{split}.txt"
        atomic_write_text(path, split_text(split))
        print(f"wrote {path}")


def family_table() -> str:
    cached, start = build.cache_path().is_file(), time.perf_counter()
    tasks = build.pool_tasks()
    seconds = time.perf_counter() - start
    lines = ["| family | inputs | metric | pool tasks | held-out tasks | examples per task | descriptions per task | sources |",
             "|---|---|---|---:|---:|---|---|---|"]
    for fam in build.all_families():
        pool = [tasks[n] for n in fam.variants]
        held = [tasks[n] for n in fam.heldout]
        counts = sorted(len(t.examples) for t in pool + held)
        descs = sorted(len(t.descriptions) for t in pool) or [0]
        lines.append(f"| `{fam.name}` | {fam.inputs} | {fam.metric} | {len(pool)} | {len(held)} | {counts[0]}-{counts[-1]} | "
                     f"{descs[0]}-{descs[-1]} | {', '.join(fam.resources) or 'code'} |")
    pool_n, held_n = build.pool_names(False), build.pool_names(True)
    lines.append(f"\n{len(build.all_families())} families, {len(pool_n)} pool tasks "
                 f"({sum(len(tasks[n].examples) for n in pool_n)} examples), {len(held_n)} held-out tasks "
                 f"({sum(len(tasks[n].examples) for n in held_n)} examples); pool hash `{build.pool_hash()}`; "
                 f"{'read from the cache' if cached else 'built'} in {seconds:.1f} s.")
    return "\n".join(lines)


def resource_table() -> str:
    lines = ["| key | package | version | license | what |", "|---|---|---|---|---|"]
    lines += [f"| {k} | {r.package} | {r.version} | {r.license} | {r.what} |" for k, r in RESOURCES.items()]
    return "\n".join(lines)


def samples(n: int, seed: int = 0) -> str:
    tasks = build.pool_tasks()
    rng = random.Random(seed)
    lines = ["| task | input | answer | description |", "|---|---|---|---|"]
    for name in sorted(rng.sample(build.pool_names(False), n)):
        task = tasks[name]
        example = rng.choice(task.examples)
        answer = example.target + (f" (of {' / '.join(example.choices)})" if example.choices else "")
        lines.append(f"| `{name}` | {example.input} | {answer} | {rng.choice(task.descriptions)} |")
    return "\n".join(lines)


def contamination_table() -> str:
    from t2l.tasks.pool.contamination import contamination_report

    worst: dict[str, object] = {}
    for row in contamination_report():
        if row.heldout_task not in worst or row.share > worst[row.heldout_task].share:
            worst[row.heldout_task] = row
    lines = ["| held-out task | closest pool task | overlap |", "|---|---|---:|"]
    lines += [f"| `{h}` | `{r.pool_task}` | {r.share:.2f} |" for h, r in sorted(worst.items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--resources", action="store_true")
    parser.add_argument("--samples", type=int, default=0)
    parser.add_argument("--contamination", action="store_true")
    args = parser.parse_args()
    if not (args.table or args.resources or args.samples or args.contamination):
        write_splits()
    for wanted, make in ((args.table, family_table), (args.resources, resource_table),
                         (args.samples, lambda: samples(args.samples)), (args.contamination, contamination_table)):
        if wanted:
            print(make() + "\n")


if __name__ == "__main__":
    main()
