"""Shared fixtures: fresh databases on SQLite and PostgreSQL for the store and its users."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_TEST_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

#: Set by ``.ci/run``: there a missing service fails the run instead of skipping its tests,
#: so a green CI always means the PostgreSQL, Redis and browser tests really ran.
REQUIRE_SERVICES_ENV = "WILDTRACE_REQUIRE_SERVICES"


def _missing_service(why: str) -> None:
    """Skip the test, saying why; fail it instead where the services are required (CI)."""
    if os.environ.get(REQUIRE_SERVICES_ENV):
        pytest.fail(f"{why} ({REQUIRE_SERVICES_ENV} is set: this run needs it)", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def missing_service() -> Callable[[str], None]:
    """What a test calls when a real service it needs is not there (see ``_missing_service``)."""
    return _missing_service


def _pg_base_url() -> str:
    return os.environ.get("WILDTRACE_TEST_PG") or DEFAULT_TEST_PG


@pytest.fixture(scope="session")
def _pg_server() -> str | None:
    """None when the test server answers, else why not (checked once per session)."""
    engine = create_engine(_pg_base_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except SQLAlchemyError as exc:
        return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


@pytest.fixture
def pg_url(_pg_server: str | None) -> Iterator[str]:
    """URL of a brand-new PostgreSQL database, dropped after the test.

    The server is ``WILDTRACE_TEST_PG`` or the local default; the test is skipped (never
    faked) when it cannot be reached.
    """
    base = make_url(_pg_base_url())
    shown = base.render_as_string(hide_password=True)
    if _pg_server is not None:
        _missing_service(f"PostgreSQL not reachable at {shown}: {_pg_server}")
    name = f"wildtrace_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh, empty database URL on each engine (PostgreSQL tests skip without a server)."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    folder = tmp_path_factory.mktemp("store")
    return f"sqlite:///{folder / 'wildtrace.db'}"


@pytest.fixture(autouse=True)
def wildtrace_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own WILDTRACE_HOME, so no test reads or writes the user's
    ~/.wildtrace, and no setting from the environment leaks in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("WILDTRACE_HOME", str(home))
    for name in ("WILDTRACE_DB", "WILDTRACE_THRESHOLD"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def network_accounts() -> Callable[[Any], list[dict[str, object]]]:
    """Reads the stored network analysis (table ``network_accounts``), most central accounts
    first: what tests check after ``link``/``network`` (no src code needs it, so it lives here)."""
    from wildtrace.store.tables_judgements import NetworkAccountRow

    def load(store: Any) -> list[dict[str, object]]:
        with store.read_connection("read the network analysis") as conn:
            row = NetworkAccountRow
            query = select(row).order_by(row.betweenness.desc(), row.degree.desc(), row.account)
            return [dict(found._mapping) for found in conn.execute(query)]

    return load


def _refuse_inserts(db_url: str, table: str, message: str = "disk quota exceeded") -> None:
    """Make the database itself refuse every insert into ``table`` (a trigger, on both
    engines): a real database failure for the tests of how commands report one."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                                  f"BEGIN SELECT RAISE(ABORT, '{message}'); END"))  # fmt: skip
            else:
                conn.execute(text("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                                  f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"))  # fmt: skip
                conn.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                                  "FOR EACH ROW EXECUTE FUNCTION refuse()"))  # fmt: skip
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def refuse_inserts() -> Callable[..., None]:
    """``refuse_inserts(db_url, table)``: the database refuses every insert into ``table``."""
    return _refuse_inserts
