"""Domain errors. The CLI and UI turn these into messages; anything else is a bug."""
from __future__ import annotations


class RagError(Exception):
    """Base class: str(err) is a complete, user-facing sentence."""


class ConfigError(RagError):
    pass


class InputError(RagError):
    """A file or question we cannot use; names the file/line/limit."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = path or ""
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.path, self.line = path, line


class IndexError_(RagError):
    """The index is missing, corrupt or built with something else."""


class IndexMismatchError(IndexError_):
    pass


class IndexCorruptError(IndexError_):
    pass


class IndexBusyError(IndexError_):
    pass


class ModelError(RagError):
    """A model is missing, tampered with, or failed to run."""


class BackendError(RagError):
    """An LLM backend (API or local) failed at run time."""
