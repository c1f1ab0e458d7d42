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

demo: assets
	$(BIN)/t2l eval tasks=$(DEMO_TASKS) limit=$(DEMO_LIMIT) out=outputs/demo

test: assets
	$(BIN)/python -m pytest -q

bench: assets
	$(BIN)/python bench/eval_throughput.py

clean:
	rm -rf outputs .pytest_cache
