# Two commands for a fresh machine:  `make demo` (the main job)  and  `make test`.
# Both create .venv when missing and install torch first (CPU wheel pinned; on a CUDA
# machine use e.g. `make demo TORCH=torch`), then this package in editable mode.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.t2l-installed
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
export WANDB_MODE ?= offline

DEMO_TASKS ?= [sports_understanding,date_understanding,navigate]
DEMO_LIMIT ?= 50
DEMO_STEPS ?= 60
DEMO_EXAMPLES ?= 32

.PHONY: install assets demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(STAMP)

# Prepare the offline bundle (SmolLM2, MiniLM, BIG-bench) into $$T2L_HOME (~/.cache/t2l).
assets: $(STAMP)
	$(BIN)/t2l assets

# The main job: train T2L-SFT (hypernet M) on the BIG-bench training pool, export the bundle to
# outputs/demo/hypernet, then evaluate base vs T2L (+ random/wrong-description controls) on three
# held-out tasks -> outputs/demo/results.json. Re-running resumes/reuses what exists.
demo: assets
	$(BIN)/python train.py experiment=t2l_sft run=demo resume=true objective.max_steps=$(DEMO_STEPS) \
		objective.max_train_examples=$(DEMO_EXAMPLES) objective.val_every=$(DEMO_STEPS)
	$(BIN)/t2l eval checkpoint=outputs/demo/hypernet tasks=$(DEMO_TASKS) limit=$(DEMO_LIMIT) out=outputs/demo

test: assets
	$(BIN)/python -m pytest -q

# Performance ratios measured side by side in one run each; results in bench/results/*.json.
bench: assets
	$(BIN)/python bench/eval_throughput.py
	$(BIN)/python bench/lora_train_throughput.py
	$(BIN)/python bench/t2l_sft_step.py
	$(BIN)/python bench/generate_throughput.py
	$(BIN)/python bench/apply_naive_vs_batched.py
	@if [ -f outputs/library/smollm2_135m/manifest.json ]; then $(BIN)/python bench/lorahub_vs_naive.py; \
	else echo "bench/lorahub_vs_naive.py skipped: it composes the real library; build it first (docs/library.md)"; fi

clean:
	rm -rf outputs .pytest_cache
