"""Evaluation: scoring, the one rows loop that `t2l eval` and the benchmark share, controls, reports.

- `scoring`   MC log-likelihood (prompt KV cache shared by the choices) and greedy generation + exact match
- `rows`      BenchmarkRow (a method, control or upper bound: adapters per task + shots), evaluate_rows, the SE
- `paired`    paired differences of two rows on the same examples, with bootstrap 95% intervals
- `controls`  control descriptions (random / wrong task / generic) and what each row kind means
- `report`    results.json -> tables and docs/results.md
- `plots`     the report's PNGs (matplotlib's object API, headless)

May import: torch, transformers, matplotlib, and t2l.tasks / t2l.lora / t2l.models / t2l.io / t2l.errors.
Never t2l.training, t2l.baselines or t2l.app.
"""
