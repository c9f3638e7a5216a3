"""Settings from the environment, with defaults that work with no configuration."""

from __future__ import annotations

import os
from pathlib import Path

from wildtrace.errors import ConfigError

DEFAULT_HOME = "~/.wildtrace"
DEFAULT_THRESHOLD = 0.5


def wildtrace_home(create: bool = True) -> Path:
    """``WILDTRACE_HOME`` (default ``~/.wildtrace``): the database, reports, rejects."""
    home = Path(os.environ.get("WILDTRACE_HOME", "").strip() or DEFAULT_HOME).expanduser()
    if create:
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"WILDTRACE_HOME={home}: cannot create the folder: {exc}") from exc
    return home.resolve()


def threshold(flag: float | None = None) -> float:
    """The score from which a listing is flagged: the flag, ``WILDTRACE_THRESHOLD``, 0.5."""
    if flag is not None:
        value = flag
    else:
        raw = os.environ.get("WILDTRACE_THRESHOLD", "").strip()
        try:
            value = float(raw) if raw else DEFAULT_THRESHOLD
        except ValueError:
            raise ConfigError(f"WILDTRACE_THRESHOLD={raw!r}: not a number") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"threshold {value}: must be between 0 and 1")
    return value
