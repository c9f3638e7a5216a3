"""Where the store lives: a flag, else ``WILDTRACE_DB``, else a file in ``WILDTRACE_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

from wildtrace.config import wildtrace_home
from wildtrace.errors import ConfigError

#: Plain PostgreSQL URLs would pick psycopg2, which WildTrace does not install.
_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
_SUPPORTED = ("sqlite", "postgresql")


def resolve_db_url(flag: str | None) -> str:
    """The database URL to use, so every command finds the same store without configuration.

    The flag wins, then the ``WILDTRACE_DB`` environment variable, then
    ``sqlite:///{WILDTRACE_HOME}/wildtrace.db`` (``WILDTRACE_HOME`` defaults to
    ``~/.wildtrace``, created when missing). A bare file path becomes a SQLite URL.
    """
    value = (flag or "").strip() or os.environ.get("WILDTRACE_DB", "").strip()
    if not value:
        home = wildtrace_home()
        return f"sqlite:///{home / 'wildtrace.db'}"
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for scheme in _POSTGRES_SCHEMES:
        if value.startswith(scheme):
            return "postgresql+psycopg://" + value[len(scheme) :]
    backend = value.split("://", 1)[0].split("+", 1)[0]
    if backend not in _SUPPORTED:
        raise ConfigError(
            f"database URL {value.split('://', 1)[0]}://...: unsupported; "
            "use a file path, sqlite:///path or postgresql+psycopg://user@host/db"
        )
    return value
