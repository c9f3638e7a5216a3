"""Storage: listings, analyses, evidence and networks in SQLite (default) or PostgreSQL.

    store = open_store()             # flag > WILDTRACE_DB > ~/.wildtrace/wildtrace.db
    counts = store.save_batch(pairs)  # one transaction per batch, idempotent

The schema is created and upgraded by the packaged Alembic migrations whenever a store is
opened. To add a migration after changing ``tables.py``::

    from alembic import command
    from wildtrace.store.engine import alembic_config
    command.revision(alembic_config(url="sqlite:///dev.db"), message="...", autogenerate=True)
"""

from __future__ import annotations

from pathlib import Path

from alembic.util.exc import CommandError
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from wildtrace.errors import StoreError
from wildtrace.store import tables_evidence, tables_judgements, tables_operations  # noqa: F401
from wildtrace.store.engine import create_store_engine, migrate
from wildtrace.store.repository import RunInfo, RunStatus, SaveCounts, Store, StoreSummary
from wildtrace.store.url import resolve_db_url

__all__ = [
    "RunInfo",
    "RunStatus",
    "SaveCounts",
    "Store",
    "StoreSummary",
    "open_store",
    "resolve_db_url",
]


def open_store(url: str | None = None) -> Store:
    """Open (creating or upgrading as needed) the store at ``url`` or the configured default."""
    resolved = resolve_db_url(url)
    try:
        parsed = make_url(resolved)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"database URL {resolved!r} is malformed: {exc}") from exc
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{shown}: cannot create the folder for the database: {exc}") from exc
    try:
        engine = create_store_engine(resolved)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(f"{shown}: cannot open the database: {exc}") from exc
    try:
        migrate(engine)
    except CommandError as exc:
        engine.dispose()
        raise StoreError(
            f"{shown}: cannot migrate the database ({exc}); was it made by a newer WildTrace?"
        ) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"{shown}: cannot open or migrate the database: {exc}") from exc
    return Store(engine)
