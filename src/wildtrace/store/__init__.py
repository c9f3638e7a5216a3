"""Storage: listings, analyses, evidence and networks in SQLite (default) or PostgreSQL.

    store = open_store()             # flag > WILDTRACE_DB > ~/.wildtrace/wildtrace.db
    counts = store.save_batch(pairs)  # one transaction per batch, idempotent

The store is the one door to the database: other stages call these, not the tables.

- Listings are keyed by ``Listing.key`` (platform, id). ``store.resolve_listing(ref)`` turns
  what a user typed (``platform:id``, or a plain id one platform uses) into a key, raising
  ``AmbiguousListingError`` with the candidates; ``store.listing_keys(ref)`` lists them.
- Watching listings (crawl history): ``store.stored_listing(key)`` (fields, seller, extra,
  latest capture), ``store.listing_captures(key)`` (oldest first by capture time),
  ``store.update_listing_evidence(key, capture=..., extra=...)`` (takedowns, re-appearances).
- Inside a stage's own transaction (``store.write_transaction(what)`` /
  ``store.read_connection(what)``): ``bulk_insert`` (COPY on PostgreSQL) for rows only this
  transaction can hold, ``insert_ignore`` (INSERT ... ON CONFLICT DO NOTHING) where another
  writer may hold them already, ``listing_row_ids(conn, refs)`` for references to listings
  (``platform:id``, plain id, URL).
- Reviewers' labels (``store.labels``): ``add_labels`` (every verdict a new row; a reviewer's
  latest counts), ``label_history``, ``training_labels`` (the consensus per
  listing, with its fields, for the trainer), ``queue_candidates`` / ``queue_listings`` (what
  ``review queue`` chooses among and shows).
- Opening a store installs its active detector model (``store.models``) for this process:
  what is analysed into a store is analysed with its model (unless WILDTRACE_DETECTOR_MODEL).
- Every value written is cleaned of text the engines cannot hold (``clean.py``, by the core's
  rule ``parse.clean_text``), the same on SQLite and PostgreSQL.

The schema is created and upgraded by the packaged Alembic migrations whenever a store is
opened. To add a migration after changing ``tables.py``::

    from alembic import command
    from wildtrace.store.engine import alembic_config
    command.revision(alembic_config(url="sqlite:///dev.db"), message="...", autogenerate=True)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from wildtrace.errors import StoreError
from wildtrace.store import (  # noqa: F401
    tables_access,
    tables_evidence,
    tables_judgements,
    tables_models,
    tables_operations,
    tables_review,
    tables_watch,
)
from wildtrace.store.engine import UnknownSchemaError, create_store_engine, migrate
from wildtrace.store.repository import (
    RunInfo,
    RunStatus,
    SaveCounts,
    Store,
    StoreSummary,
    bulk_insert,
    insert_ignore,
    listing_row_ids,
)
from wildtrace.store.url import resolve_db_url

__all__ = [
    "RunInfo",
    "RunStatus",
    "SaveCounts",
    "Store",
    "StoreSummary",
    "bulk_insert",
    "insert_ignore",
    "listing_row_ids",
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
    except UnknownSchemaError as exc:
        engine.dispose()
        raise StoreError(
            f"{shown}: cannot migrate the database ({exc}); was it made by a newer WildTrace?"
        ) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"{shown}: cannot open or migrate the database: {exc}") from exc
    store = Store(engine)
    try:
        # everything that analyses into this store uses its active detector model
        from wildtrace.store.models import use_active_model

        use_active_model(store)
    except BaseException:
        engine.dispose()
        raise
    return store
