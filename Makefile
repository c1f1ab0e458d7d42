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

RELEASE ?= release/t2l-smollm2-135m-minilm
DEMO_SPLIT ?= heldout_bbh
DEMO_LIMIT ?= 3
DEMO_PROMPTS ?= [task]
DEMO_OUT ?= outputs/demo

.PHONY: install assets browser demo release test bench clean serve

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(STAMP)

# Prepare the offline bundle (SmolLM2, MiniLM, BIG-bench) into $$T2L_HOME (~/.cache/t2l).
assets: $(STAMP)
	$(BIN)/t2l assets

# The main job, from the released bundle ($(RELEASE), committed): T2L adapters for the held-out tasks
# from their evaluation descriptions and from 8 unlabeled train inputs, against the base model, the
# multi-task LoRA shipped beside it and the random / wrong / generic (+ wrong-examples) controls, on
# DEMO_LIMIT test examples per task; table with paired intervals, $(DEMO_OUT)/results.json and a PNG.
# `make demo TRAIN=1` first retrains the bundle and the multi-task LoRA (make release).
demo: assets $(if $(filter 1,$(TRAIN)),release)
	$(BIN)/t2l eval checkpoint=$(RELEASE)/hypernet adapters=$(RELEASE)/multitask adapters_name=multitask_lora \
		split=$(DEMO_SPLIT) eval_split=test limit=$(DEMO_LIMIT) examples_k=8 prompt_settings=$(DEMO_PROMPTS) \
		controls=[random,wrong,generic] out=$(DEMO_OUT)
	$(BIN)/t2l report $(DEMO_OUT)/results.json out=$(DEMO_OUT)/results.md plots=$(DEMO_OUT)/plots

# Retrain the released default (resumable): T2L-SFT, the multi-task LoRA on the same budget, then
# package both with a hashed model card into $(RELEASE).
release: assets
	$(BIN)/python train.py experiment=t2l_release resume=true
	$(BIN)/python train.py experiment=multitask_release
	$(BIN)/t2l release outputs/t2l_release/hypernet outputs/library/smollm2_135m/multitask/multitask \
		out=$(RELEASE) body=docs/model_card_body.md

# The web demo's test drives Debian's chromium through Playwright (Playwright's own browser download
# cannot run here): installed with apt when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "could not install chromium (apt-get install chromium)"

test: assets browser
	$(BIN)/python -m pytest -q

# The web demo on http://127.0.0.1:7860 (the released bundle; SERVE_ARGS="checkpoint=DIR port=N").
serve: assets
	$(BIN)/t2l serve $(SERVE_ARGS)

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
