"""Many rows into one table, without SQLAlchemy's work per row: the store's fast path.

A scan writes about a dozen detail rows per listing (its analysis, matches, selectors and
capture). Through SQLAlchemy each row is a dict, compiled into parameters one by one and
walked again by the engine's text cleaning hook: that was most of the time a batch took
to store (``benchmarks/store_write.py``). Here a table and column list get one plan,
built once: the statement and each column's converter (SQLAlchemy's own bind processor
on SQLite, so values are stored exactly as the ORM path stores them; JSON as text for
COPY on PostgreSQL). Rows are plain tuples. Text is made storable (``clean.py``) with
one check over the whole batch; only a batch that needs it is cleaned value by value.

Only for rows that no other writer can hold yet (children of rows this transaction just
created), inside the caller's transaction: ``repository.bulk_insert`` says the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Connection, Dialect

from wildtrace.errors import StoreError
from wildtrace.parse import clean_text
from wildtrace.store.clean import json_dumps
from wildtrace.store.tables import Base

Converter = Callable[[Any], Any] | None


def insert_rows(
    conn: Connection, table: type[Base], columns: Sequence[str], values: list[tuple[Any, ...]]
) -> None:
    """Insert ``values`` (tuples in ``columns`` order) into ``table``, in ``conn``'s
    transaction: COPY on PostgreSQL, one prepared executemany on SQLite."""
    if not values:
        return
    name = conn.dialect.name
    values = converted_rows(table, columns, values, conn.dialect if name == "sqlite" else None)
    if name == "postgresql":
        copy_rows(conn, table.__tablename__, columns, values)
        return
    listed = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    driver: Any = conn.connection.driver_connection  # sqlite3.Connection, in this transaction
    try:
        driver.executemany(f'INSERT INTO "{table.__tablename__}" ({listed}) VALUES ({marks})', values)
    except sqlite3.Error as exc:  # the driver's own call: SQLAlchemy does not wrap its errors
        raise StoreError(f"could not write {table.__tablename__}: {exc}") from exc


def insert_dicts(conn: Connection, table: type[Base], values: list[dict[str, Any]]) -> None:
    """``insert_rows`` for rows given as dicts with the same keys."""
    if values:
        columns = list(values[0])
        insert_rows(conn, table, columns, [tuple(value[c] for c in columns) for value in values])


def converted_rows(
    table: type[Base], columns: Sequence[str], values: list[tuple[Any, ...]], dialect: Dialect | None
) -> list[tuple[Any, ...]]:
    """Rows as the driver takes them (see ``_converters``; ``dialect`` None for COPY), their
    text storable. Columns that ``table`` does not have are passed as they are."""
    converters = _converters(table, tuple(columns), dialect)
    converting = [(index, convert) for index, convert in enumerate(converters) if convert is not None]
    if converting:
        converted = []
        for row in values:
            items = list(row)
            for index, convert in converting:
                if items[index] is not None:
                    items[index] = convert(items[index])
            converted.append(tuple(items))
        values = converted
    return storable_rows(values)


def storable_rows(values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with every text value made storable (``clean_text``); the same list when
    nothing needed it, found with one search over all the batch's text."""
    strings = [value for row in values for value in row if type(value) is str]
    joined = "\x01".join(strings)
    if clean_text(joined) is joined:
        return values
    return [tuple(clean_text(value) if isinstance(value, str) else value for value in row) for row in values]


def copy_rows(conn: Connection, table: str, columns: Sequence[str], values: list[tuple[Any, ...]]) -> None:
    """COPY storable rows (JSON already text) into a PostgreSQL table, in this transaction."""
    import psycopg  # only PostgreSQL users need libpq
    from psycopg import sql as psycopg_sql

    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(table),
        psycopg_sql.SQL(", ").join(psycopg_sql.Identifier(c) for c in columns),
    )
    driver: Any = conn.connection.driver_connection  # psycopg.Connection, in this transaction
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except psycopg.Error as exc:  # COPY bypasses SQLAlchemy, so its errors are not wrapped
        raise StoreError(f"could not write {table}: {exc}") from exc


@lru_cache(maxsize=64)
def _converters(
    table: type[Base], columns: tuple[str, ...], dialect: Dialect | None
) -> tuple[Converter, ...]:
    """Each column's converter: SQLAlchemy's bind processor for ``dialect`` (SQLite), or,
    for COPY (``dialect`` None), JSON to text and nothing else (psycopg adapts the rest)."""
    converters: list[Converter] = []
    for name in columns:
        column = table.__table__.columns.get(name)
        if column is None:
            converters.append(None)
        elif dialect is None:
            converters.append(json_dumps if isinstance(column.type, JSON) else None)
        else:
            converters.append(column.type.dialect_impl(dialect).bind_processor(dialect))
    return tuple(converters)
