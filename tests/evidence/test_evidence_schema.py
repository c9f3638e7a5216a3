"""Migration 0003 (evidence tables) upgrades and downgrades cleanly on both engines."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from wildtrace.store import open_store
from wildtrace.store.engine import WRITE_OPTION, alembic_config

EVIDENCE_TABLES = {"crawls", "warc_files", "warc_records", "custody_log"}


def tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def migrate_to(engine: Engine, revision: str) -> None:
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if revision == "head":
                command.upgrade(alembic_config(conn), revision)
            else:
                command.downgrade(alembic_config(conn), revision)


def test_evidence_migration_down_and_up(db_url: str) -> None:
    with open_store(db_url) as store:
        assert tables(store.engine) >= EVIDENCE_TABLES
        migrate_to(store.engine, "0002")
        assert not EVIDENCE_TABLES & tables(store.engine)
        migrate_to(store.engine, "head")
        assert tables(store.engine) >= EVIDENCE_TABLES
