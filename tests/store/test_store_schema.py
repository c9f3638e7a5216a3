"""The migrations and the table declarations describe the same schema, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from wildtrace.store import open_store
from wildtrace.store.engine import alembic_config
from wildtrace.store.fulltext import outside_metadata
from wildtrace.store.tables import Base


def test_migrated_schema_matches_the_table_declarations(db_url: str) -> None:
    with open_store(db_url) as store, store.engine.connect() as connection:
        opts = {"compare_type": True, "include_object": outside_metadata}  # full-text: by hand
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_the_newest_migration(db_url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with open_store(db_url) as store, store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
        assert "alembic_version" in inspect(connection).get_table_names()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    with open_store(f"{tmp_path}/w.db") as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
