"""Settings from the environment, with defaults that work with no configuration."""

from __future__ import annotations

import os
from pathlib import Path

from wildtrace.errors import ConfigError

DEFAULT_HOME = "~/.wildtrace"
DEFAULT_THRESHOLD = 0.5
#: Size limits of one input record and one field (see README, "Limits"): what is over is
#: rejected with its file, line and reason, and reading goes on with the next record.
DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_FIELD_BYTES = 1024 * 1024
DEFAULT_MAX_PAGE_BYTES = 16 * 1024 * 1024


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
    """The score from which a listing is flagged: the flag, ``WILDTRACE_THRESHOLD``, the
    threshold of the model in use (chosen by ``wildtrace train --db`` on reviewer labels),
    0.5. Resolve it after the store is opened: opening it installs the store's model."""
    if flag is not None:
        value = flag
    else:
        raw = os.environ.get("WILDTRACE_THRESHOLD", "").strip()
        try:
            value = float(raw) if raw else _model_threshold()
        except ValueError:
            raise ConfigError(f"WILDTRACE_THRESHOLD={raw!r}: not a number") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"threshold {value}: must be between 0 and 1")
    return value


def _model_threshold() -> float:
    from wildtrace.detect import model_threshold

    chosen = model_threshold()
    return DEFAULT_THRESHOLD if chosen is None else chosen


def _byte_limit(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: not a whole number of bytes") from None
    if value < 1:
        raise ConfigError(f"{name}={raw!r}: must be at least 1")
    return value


def max_record_bytes() -> int:
    """``WILDTRACE_MAX_RECORD_BYTES`` (default 4 MiB): the longest JSONL line, CSV row or
    Excel row read; a longer one is rejected (parsing a record costs many times its size)."""
    return _byte_limit("WILDTRACE_MAX_RECORD_BYTES", DEFAULT_MAX_RECORD_BYTES)


def max_field_bytes() -> int:
    """``WILDTRACE_MAX_FIELD_BYTES`` (default 1 MiB): the longest single field or cell read."""
    return _byte_limit("WILDTRACE_MAX_FIELD_BYTES", DEFAULT_MAX_FIELD_BYTES)


def max_page_bytes() -> int:
    """``WILDTRACE_MAX_PAGE_BYTES`` (default 16 MiB): the largest HTML page file read."""
    return _byte_limit("WILDTRACE_MAX_PAGE_BYTES", DEFAULT_MAX_PAGE_BYTES)
