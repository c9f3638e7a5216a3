"""Typed errors that carry what the user needs to act: which file, which line, why."""

from __future__ import annotations


class WildTraceError(Exception):
    """Base of every error WildTrace raises on purpose."""


class InputError(WildTraceError):
    """An input could not be read at all (missing file, unknown format)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {reason}")


class StoreError(WildTraceError):
    """The database could not be opened, migrated or written."""


class ConfigError(WildTraceError):
    """A setting (environment variable or flag) has a value WildTrace cannot use."""


class ModelFileError(ConfigError):
    """A detector model file (WILDTRACE_DETECTOR_MODEL) cannot be used: missing, not a
    model, damaged, or made for other features. The user points the setting elsewhere."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"WILDTRACE_DETECTOR_MODEL={path}: {reason}")

    def __reduce__(self) -> tuple[type[ModelFileError], tuple[str, str]]:
        # rebuilt from its fields, so that it crosses a process pool unchanged
        return (type(self), (self.path, self.reason))
