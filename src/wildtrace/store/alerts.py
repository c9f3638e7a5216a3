"""Alerts: a listing just stored carries an identifier of a watchlist (``watchlists.py``).

Kept apart from the watchlists' own code so that the listing writer (``repository.py``) can
call ``raise_alerts`` without importing the audit log and what it brings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Text, any_, bindparam, cast, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from wildtrace.extract import HANDLE_TYPES, IDENTIFIER_TYPES
from wildtrace.model import Analysis, Listing
from wildtrace.store.tables_watch import AlertRow, WatchEntryRow

#: Values looked up per query (well under every engine's bound-parameter limit).
CHUNK = 900


def _entry_admits(entry_type: str, selector_type: str) -> bool:
    return entry_type == selector_type or (entry_type == "handle" and selector_type in HANDLE_TYPES)


def raise_alerts(conn: Connection, stored: Sequence[tuple[int, Listing, Analysis]]) -> int:
    """Alerts for the listings just written (row id, listing, analysis) whose identifiers or
    seller are on a watchlist; returns how many are new. Called inside the saving
    transaction: nothing is done (one cheap query) while no watchlist has an entry."""
    if not stored or conn.execute(select(WatchEntryRow.id).limit(1)).first() is None:
        return 0
    carried: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for row_id, listing, analysis in stored:
        for selector in analysis.selectors:
            if selector.type in IDENTIFIER_TYPES:
                carried[selector.value].append((row_id, selector.type, ""))
        if listing.seller:
            carried[listing.seller.casefold()].append(
                (row_id, "account", (listing.platform or "").casefold())
            )
    now = datetime.now(UTC)
    found: list[tuple[int, int, str, str]] = []
    values = list(carried)
    # PostgreSQL takes the batch's values as one array parameter (= ANY): binding 900
    # separate parameters per query cost more than the indexed look-ups themselves
    step = max(len(values), 1) if conn.dialect.name == "postgresql" else CHUNK
    for start in range(0, len(values), step):
        entries = conn.execute(
            select(WatchEntryRow.id, WatchEntryRow.type, WatchEntryRow.value, WatchEntryRow.platform).where(
                value_in(conn, values[start : start + step]),
                or_(WatchEntryRow.valid_until.is_(None), WatchEntryRow.valid_until > now),
            )
        )
        for entry_id, entry_type, value, entry_platform in entries:
            for row_id, selector_type, platform in carried[value]:
                if selector_type == "account":
                    if entry_type == "account" and entry_platform in ("", platform):
                        found.append((row_id, entry_id, "account", value))
                elif _entry_admits(entry_type, selector_type):
                    found.append((row_id, entry_id, selector_type, value))
    return insert_alerts(conn, found, now)


def value_in(conn: Connection, values: Sequence[str]) -> Any:
    """SQL: the entry's value is one of ``values`` (an array parameter on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        return WatchEntryRow.value == any_(cast(bindparam("values", list(values)), ARRAY(Text)))
    return WatchEntryRow.value.in_(values)


def insert_alerts(conn: Connection, found: list[tuple[int, int, str, str]], when: datetime) -> int:
    """Store the alerts ``found`` (listing id, entry id, selector type, value); one already
    stored (the same listing and entry) is left as it is. Returns how many were new."""
    if not found:
        return 0
    pairs = {(lid, eid): (stype, value) for lid, eid, stype, value in found}
    entry_ids = sorted({eid for _, eid in pairs})
    lists: dict[int, int] = {}
    for start in range(0, len(entry_ids), CHUNK):
        chunk = entry_ids[start : start + CHUNK]
        lists.update(
            (eid, wid)
            for eid, wid in conn.execute(
                select(WatchEntryRow.id, WatchEntryRow.watchlist_id).where(WatchEntryRow.id.in_(chunk))
            )
        )
    rows = [
        {"listing_id": lid, "entry_id": eid, "watchlist_id": lists.get(eid), "selector_type": stype,
         "value": value, "raised_at": when}
        for (lid, eid), (stype, value) in pairs.items()
    ]  # fmt: skip
    # one multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING per chunk: the ids returned
    # are the alerts that were new (both engines return none for a row left alone)
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    new = 0
    for start in range(0, len(rows), 500):
        statement = dialect_insert(AlertRow).values(rows[start : start + 500]).on_conflict_do_nothing()
        new += len(conn.execute(statement.returning(AlertRow.id)).all())
    return new
