"""Real processes: queries during an ingest, and two ingests at once."""
import shutil
import subprocess
import sys
import time

from rag.index import Index

from ..conftest import ROOT

QUERY_LOOP = """
import os, sys, time
from rag.index import Index
from rag.retriever import search
ix = Index(sys.argv[1])
search(ix, "樱桃冷库能储存多少吨", 3)   # model load and first open happen before the timed part
print("READY", flush=True)
n = errors = 0
while not os.path.exists(sys.argv[2]):
    try:
        hits = search(ix, "樱桃冷库能储存多少吨", 3)
        assert hits and hits[0].article_id == "cherry-harvest", hits[:1]
        st = ix.stats()
        assert st["chunks"] == st["dense"] == st["bm25"]
        n += 1
    except Exception as e:
        errors += 1
        print("ERR", type(e).__name__, e, flush=True)
print("DONE", n, errors, ix.stats()["articles"])
"""


def _new_files(folder, tag, count=10):
    folder.mkdir()
    for i in range(count):
        (folder / f"{tag}{i}.txt").write_text(f"{tag}快讯{i}\n本报讯 {tag}第{i}号仓库新增货架{i * 3 + 1}组。", encoding="utf-8")


def test_queries_keep_working_during_an_ingest(tmp_path, fixture_index_dir):
    ix_dir = tmp_path / "ix"
    shutil.copytree(fixture_index_dir, ix_dir)
    _new_files(tmp_path / "a", "a")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", QUERY_LOOP, str(ix_dir), str(stop)], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    assert reader.stdout.readline().strip() == "READY"
    subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(ix_dir), "ingest", str(tmp_path / "a")],
                   check=True, capture_output=True, cwd=ROOT)
    time.sleep(0.5)   # a few queries against the new generation too
    stop.touch()
    out, _ = reader.communicate(timeout=120)
    done = [l for l in out.splitlines() if l.startswith("DONE")][0].split()
    # queries ran all through the ingest (a separate process loading a model, embedding, committing)
    assert int(done[1]) > 5 and int(done[2]) == 0, out
    assert int(done[3]) == 15, "the reader switched to the new generation"
    assert len(Index(ix_dir).articles()) == 15


def test_second_concurrent_ingest_fails_clearly_and_nothing_is_lost(tmp_path, fixture_index_dir):
    ix_dir = tmp_path / "ix"
    shutil.copytree(fixture_index_dir, ix_dir)
    _new_files(tmp_path / "a", "a", 30)
    _new_files(tmp_path / "b", "b", 3)
    cmd = [sys.executable, "-m", "rag.cli", "--index", str(ix_dir), "ingest"]
    first = subprocess.Popen(cmd + [str(tmp_path / "a")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=ROOT)
    # wait until the first writer holds the lock (it has created its staging folder)
    deadline = time.time() + 60
    while time.time() < deadline and not list(ix_dir.glob("gen-*.tmp")):
        time.sleep(0.05)
    second = subprocess.run(cmd + [str(tmp_path / "b")], capture_output=True, text=True, cwd=ROOT)
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert second.returncode == 1 and "another process is writing the index" in second.stderr, second.stderr
    # retried after the first finished, nothing is lost
    subprocess.run(cmd + [str(tmp_path / "b")], check=True, capture_output=True, cwd=ROOT)
    ids = {a["id"] for a in Index(ix_dir).articles()}
    assert {f"a{i}" for i in range(30)} | {f"b{i}" for i in range(3)} <= ids
