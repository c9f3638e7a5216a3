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


class AmbiguousListingError(WildTraceError):
    """A plain listing id used on several platforms: the user must say which one."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        self.ref = ref
        self.candidates = candidates
        super().__init__(
            f"listing id {ref!r} is used on {len(candidates)} platforms; "
            f"name one as platform:id: {', '.join(candidates)}"
        )


class ConfigError(WildTraceError):
    """A setting (environment variable or flag) has a value WildTrace cannot use."""
