"""Crash-safe commits: each change is written to a fresh generation folder, then made
current by atomically replacing one small pointer file.

    index/CURRENT          "gen-000007"
    index/gen-000007/      manifest.json + every store's files
    index/LOCK             held by the single writer

A crash before the pointer moves leaves the old generation current; a crash after
leaves the new one, already complete and fsynced. Readers open whatever CURRENT names
and never see a half-written folder. The manifest carries counts and checksums so a
damaged file is detected at open instead of serving wrong results.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import xxhash
from filelock import FileLock

FORMAT_VERSION = 1
_GEN = re.compile(r"^gen-(\d{6})$")


class CorruptGeneration(Exception):
    pass


def _fsync_dir(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hash_file(path: Path, h) -> str:
    """Feed a file to a hashlib-style object in 4 MiB blocks; return its hex digest."""
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
    return h.hexdigest()


def checksum(path: Path) -> str:
    """Corruption check for index files: xxh3-128 (fast; not a security hash)."""
    return hash_file(path, xxhash.xxh3_128())


class Generations:
    def __init__(self, root: Path):
        self.root = Path(root)

    # ---- reading
    def current(self) -> Path | None:
        ptr = self.root / "CURRENT"
        try:
            name = ptr.read_text().strip()
        except FileNotFoundError:
            return None
        if not _GEN.match(name):
            raise CorruptGeneration(f"{ptr}: does not name a generation ({name!r})")
        return self.root / name

    def manifest(self, gen: Path) -> dict:
        try:
            return json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise CorruptGeneration(f"{gen}/manifest.json unreadable: {e}") from e

    def verify(self, gen: Path, manifest: dict) -> None:
        if manifest.get("format_version") != FORMAT_VERSION:
            raise CorruptGeneration(f"{gen}: format version {manifest.get('format_version')} "
                                    f"(this program reads {FORMAT_VERSION})")
        for name, want in manifest.get("checksums", {}).items():
            f = gen / name
            if not f.exists():
                raise CorruptGeneration(f"{f} is missing")
            got = checksum(f)
            if got != want:
                raise CorruptGeneration(f"{f} is damaged (checksum {got[:12]}… != manifest {want[:12]}…)")

    # ---- writing
    @contextmanager
    def writer(self, timeout: float = 600):
        """The single-writer lock. Raises filelock.Timeout if another writer holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / "LOCK"), timeout=timeout)
        with lock:
            yield

    def stage(self) -> Path:
        """A fresh, empty staging folder for the next generation (under the lock)."""
        cur = self.current()
        n = int(_GEN.match(cur.name).group(1)) + 1 if cur else 1
        tmp = self.root / f"gen-{n:06d}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)  # left by a writer that crashed
        orphan = tmp.with_suffix("")
        if orphan.exists():
            # renamed but never made current (a crash between the rename and the pointer
            # move): no reader can have opened it, and it would block this rename forever
            shutil.rmtree(orphan)
        tmp.mkdir(parents=True)
        return tmp

    def commit(self, tmp: Path, files: list[str], manifest: dict) -> Path:
        manifest = dict(manifest, format_version=FORMAT_VERSION, created_at=time.time(),
                        checksums={f: checksum(tmp / f) for f in files})
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        for f in [*files, "manifest.json"]:
            fd = os.open(tmp / f, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        _fsync_dir(tmp)
        final = tmp.with_suffix("")
        tmp.rename(final)
        ptr_tmp = self.root / "CURRENT.tmp"
        with open(ptr_tmp, "w") as f:
            f.write(final.name + "\n")
            f.flush()
            os.fsync(f.fileno())
        ptr_tmp.replace(self.root / "CURRENT")
        _fsync_dir(self.root)
        self._prune(keep={final.name})
        return final

    def _prune(self, keep: set[str], keep_last: int = 2) -> None:
        """Delete old generations, keeping the newest few for readers still opening them."""
        gens = sorted(p for p in self.root.iterdir() if _GEN.match(p.name))
        for p in gens[:-keep_last]:
            if p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)
        for p in self.root.glob("gen-*.tmp"):
            shutil.rmtree(p, ignore_errors=True)
