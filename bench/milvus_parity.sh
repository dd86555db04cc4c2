#!/usr/bin/env bash
# Retrieval parity, FAISS vs Milvus Lite: the same eval commands, the backend chosen by env.
# Run from the repo root with the project venv; out/parity-* gets report.json per run.
# Usage: bench/milvus_parity.sh [python]   (RAG_HOME, RAG_MODELS as usual)
set -euo pipefail
PY=${1:-python}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
HOME_DIR=${RAG_HOME:?set RAG_HOME}
run() {  # name, env..., -- rag args...
  local name=$1; shift
  local envs=(); while [[ $1 != -- ]]; do envs+=("$1"); shift; done; shift
  local t0=$(date +%s.%N)
  env "${envs[@]}" "$PY" -m rag.cli "$@" --out "out/parity-$name" --json > "out/parity-$name.json"
  echo "$name $(echo "$(date +%s.%N) - $t0" | bc) s"
}
mkdir -p out
run seed-faiss  RAG_BACKEND=faiss  -- --index "$HOME_DIR/index-faiss"  eval evals/seed_qa.jsonl --retrieval-only
run seed-milvus RAG_BACKEND=milvus -- --index "$HOME_DIR/index-milvus" eval evals/seed_qa.jsonl --retrieval-only
run cmrc-faiss  RAG_BACKEND=faiss  -- eval "$SHARED/evals/cmrc2018_dev.json" --retrieval-only --limit 200 --sample-seed 0
run cmrc-milvus RAG_BACKEND=milvus -- eval "$SHARED/evals/cmrc2018_dev.json" --retrieval-only --limit 200 --sample-seed 0
