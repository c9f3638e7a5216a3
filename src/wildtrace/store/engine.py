"""Opening a database: engine settings per backend, and migrating it to the current schema."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from wildtrace.errors import StoreError
from wildtrace.store.clean import clean_parameters, json_dumps

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
#: How a migration file states its revision and the one it follows (the template's lines).
_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:: [^=]+)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)


class UnknownSchemaError(StoreError):
    """The database's schema is not one these migrations know (a newer WildTrace made it)."""

#: Execution option that makes a SQLite transaction take the write lock at BEGIN, so two
#: writers queue (busy timeout) instead of failing when one upgrades a read to a write.
WRITE_OPTION = "wildtrace_write"

#: PostgreSQL advisory-lock key that serialises migrations ("wildtrc" as a number).
MIGRATION_LOCK = 0x77696C6474726324


def create_store_engine(url: str) -> Engine:
    """An engine tuned for the store: WAL and foreign keys on SQLite, pre-ping on PostgreSQL;
    on both, text neither can hold is cleaned from every value written (``clean.py``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, json_serializer=json_dumps)
        event.listen(engine, "before_cursor_execute", _storable_parameters, retval=True)
        return engine
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": 30}, "json_serializer": json_dumps}
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    event.listen(engine, "before_cursor_execute", _storable_parameters, retval=True)
    return engine


def _storable_parameters(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> tuple[str, Any]:
    return statement, clean_parameters(parameters, executemany)


def _sqlite_on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin): pysqlite would otherwise start
    # transactions late, after the reads that decide what a batch writes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for the packaged migrations; no alembic.ini needed.

    Developers add a migration with
    ``command.revision(alembic_config(url=...), message=..., autogenerate=True)``.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str | None:
    """The newest revision of the packaged migrations, read from their files (the one no
    other follows): knowing it without Alembic lets ``migrate`` skip Alembic (a second of
    imports) when the database is up to date, which it is on every open but the first
    after an upgrade. tests/store/test_migration_check.py holds it to Alembic's own head."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for file in (MIGRATIONS / "versions").glob("*.py"):
        source = file.read_text("utf-8")
        if (revision := _REVISION.search(source)) is not None:
            revisions.add(revision.group(1))
        if (down := _DOWN_REVISION.search(source)) is not None:
            followed.add(down.group(1))
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None  # None (a merge, say): let Alembic decide


def stored_revision(engine: Engine) -> str | None:
    """The revision the database says it is at; None for a new (or unreadable) one."""
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except SQLAlchemyError:  # no such table yet: a new database
        return None


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema, in one transaction (nothing to do, and
    Alembic not even imported, when the database says it is at ``head_revision``).

    On SQLite, foreign keys are off while migrating: a migration that rebuilds a table
    (batch mode) drops the old one, and with foreign keys on that drop would cascade to
    every row referring to it. They are checked and turned on again afterwards.
    """
    head = head_revision()
    if head is not None and stored_revision(engine) == head:
        return
    from alembic import command
    from alembic.migration import MigrationContext
    from alembic.util.exc import CommandError

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            driver: Any = connection.connection.driver_connection
            driver.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or it is ignored
        try:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Several crawlers or workers may open a new database at once: one migrates,
                    # the others wait here and then find it up to date (SQLite: BEGIN IMMEDIATE).
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                before = MigrationContext.configure(connection).get_current_revision()
                try:
                    command.upgrade(alembic_config(connection), "head")
                except CommandError as exc:
                    raise UnknownSchemaError(str(exc)) from exc
                after = MigrationContext.configure(connection).get_current_revision()
                if sqlite and before != after:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise StoreError(f"migration to {after} left a dangling reference: {tuple(broken)}")
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")
