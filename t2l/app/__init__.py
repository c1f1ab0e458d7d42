"""The application layer: the only code that reads Hydra / OmegaConf config.

- `schemas`    the structured-config schemas (top-level keys; lower layers' dataclasses for the groups)
- `config`     compose with one-line errors for unknown keys and groups; cfg -> objects
- `builds`     the training jobs as functions of plain objects (RunContext in, artifacts out)
- `jobs`       the JOBS registry behind `python train.py experiment=...` (library, multitask, oracle, t2l, benchmark)
- `evaluate`   `t2l eval`: base / ICL / peft adapters / a T2L bundle + controls, through eval.rows
- `benchmark`  the held-out benchmark: reads artifacts, builds the missing ones through the job functions
- `generate`   `t2l generate`: descriptions -> peft adapter directories
- `release`    `t2l release`: a trained bundle + multi-task LoRA -> the released default with a hashed card
- `fetch`      the paper's setup: Lots-of-LoRAs adapters and SNI task data into the cache and the library
- `demo_engine`  the web demo without the web: generate, inspect, compare and download an adapter
- `serve`      `t2l serve`: the Gradio page on top of demo_engine
- `cli`        the `t2l` command

May import everything in t2l. Nothing in t2l imports it (train.py and the console script do).
"""
