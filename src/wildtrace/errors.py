"""Typed errors that carry what the user needs to act: which file, which line, why."""

from __future__ import annotations

from typing import Any


class WildTraceError(Exception):
    """Base of every error WildTrace raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # An error raised in a worker process is pickled back to the command. The default
        # rebuilds it as ``cls(*args)``, which fails for a subclass whose __init__ takes its
        # fields (InputError(path, reason, line) has the message alone as args): the pool
        # then broke and a bad setting read as "internal error". Rebuilt from its state.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[WildTraceError], args: tuple[Any, ...], state: dict[str, Any]) -> WildTraceError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


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


class ModelFileError(ConfigError):
    """A detector model file (WILDTRACE_DETECTOR_MODEL) cannot be used: missing, not a
    model, damaged, or made for other features. The user points the setting elsewhere."""

    def __init__(self, path: str, reason: str, setting: str | None = "WILDTRACE_DETECTOR_MODEL") -> None:
        self.path = path
        self.reason = reason
        self.setting = setting
        # the setting that named the file, so the user knows what to change; without one
        # (the model the package ships), the installation itself is damaged
        where = f"{setting}={path}" if setting else f"the packaged detector model {path}"
        super().__init__(f"{where}: {reason}")


class TrainingError(WildTraceError):
    """The examples given to ``wildtrace train`` cannot make a model (e.g. no positive or
    no negative example with lexicon evidence): the user gives other labels or sources."""


class RecordUnreadableError(WildTraceError):
    """A WARC record is damaged or too large to copy (an evidence export names it and goes on)."""

    def __init__(self, path: str, offset: int, reason: str) -> None:
        self.path = path
        self.offset = offset
        self.reason = reason
        super().__init__(f"{path} @ {offset}: {reason}")


class AccessError(WildTraceError):
    """A request about agencies, users, collections or markings that the store refuses as
    given (an unknown agency, a name taken, a bad role, a collection of another agency): the
    user must act; nothing was changed."""
