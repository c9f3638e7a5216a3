"""A listing's history across crawls: what changed between captures, and takedowns.

Store code for the crawler (kept here rather than in ``store/repository.py``). A re-capture
with other bytes is stored by ``Store.save_batch`` as a new capture row; this module adds what
the crawler needs around it:

* ``stored_fields`` reads the fields last stored, so the crawler can name what changed
  (price, text, seller, title) before it saves the new capture;
* ``record_takedown`` keeps a 404/410/"removed" answer as a capture of the listing (status as
  served) and marks the listing ``extra["takedown"]`` (when, why, which capture) without
  touching the fields last seen, which stay the evidence of what was offered;
* ``listing_history`` lists every capture of a listing, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from wildtrace.model import Capture, Listing
from wildtrace.store import Store
from wildtrace.store import rows as store_rows
from wildtrace.store.tables import AccountRow, CaptureRow, ListingRow, PlatformRow

#: Fields compared between two captures of a listing.
WATCHED_FIELDS: tuple[str, ...] = ("title", "price", "seller", "text", "location")


@dataclass(frozen=True, slots=True)
class StoredFields:
    """The fields of a listing as last stored, and its takedown mark if any."""

    values: dict[str, str | None]
    takedown: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One capture of a listing."""

    captured_at: str | None
    http_status: int | None
    sha256: str
    warc_file: str | None
    warc_offset: int | None


def _listing_is(uid: str, platform: str | None) -> ColumnElement[bool]:
    """The listing ``uid``; of ``platform`` when one is given (a listing is known by its
    platform and id once the store keys listings by both)."""
    if platform is None:
        return ListingRow.uid == uid
    of_platform = select(PlatformRow.id).where(PlatformRow.name == platform).scalar_subquery()
    return (ListingRow.uid == uid) & (ListingRow.platform_id == of_platform)


def stored_fields(store: Store, uid: str, *, platform: str | None = None) -> StoredFields | None:
    """The watched fields of a stored listing, or None if it was never stored."""
    query = (
        select(
            ListingRow.title,
            ListingRow.price,
            AccountRow.seller,
            ListingRow.text,
            ListingRow.location,
            ListingRow.extra,
        )
        .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
        .where(_listing_is(uid, platform))
    )
    with store.read_connection(f"read listing {uid}") as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    values = dict(
        zip(WATCHED_FIELDS, (row.title, row.price, row.seller, row.text, row.location), strict=True)
    )
    extra = row.extra if isinstance(row.extra, dict) else {}
    takedown = extra.get("takedown")
    return StoredFields(values, takedown if isinstance(takedown, dict) else None)


def changes(before: StoredFields, after: Listing) -> dict[str, tuple[str | None, str | None]]:
    """The watched fields whose value differs between the stored listing and a new capture."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for name in WATCHED_FIELDS:
        old, new = before.values.get(name), getattr(after, name)
        if (old or None) != (new or None):
            found[name] = (old, new)
    return found


def record_takedown(
    store: Store, uid: str, capture: Capture, reason: str, *, platform: str | None = None
) -> bool:
    """Keep a takedown of a stored listing; False if the listing was never stored."""
    mark = {
        "at": capture.captured_at or datetime.now(UTC).isoformat(),
        "reason": reason,
        "http_status": capture.http_status,
        "sha256": capture.sha256,
    }
    with store.write_transaction(f"record the takedown of {uid}") as conn:
        row = conn.execute(
            select(ListingRow.id, ListingRow.extra).where(_listing_is(uid, platform))
        ).first()
        if row is None:
            return False
        values = {**store_rows.capture_values(capture), "listing_id": row.id}
        insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(CaptureRow).on_conflict_do_nothing(), [values])
        extra = dict(row.extra) if isinstance(row.extra, dict) else {}
        extra["takedown"] = mark
        conn.execute(
            update(ListingRow)
            .where(ListingRow.id == row.id)
            .values(extra=extra, last_seen=datetime.now(UTC))
        )
    return True


def clear_takedown(store: Store, uid: str, *, platform: str | None = None) -> None:
    """Remove the takedown mark of a listing that is served again."""
    with store.write_transaction(f"update {uid}") as conn:
        row = conn.execute(
            select(ListingRow.id, ListingRow.extra).where(_listing_is(uid, platform))
        ).first()
        if row is None or not isinstance(row.extra, dict) or "takedown" not in row.extra:
            return
        extra = {k: v for k, v in row.extra.items() if k != "takedown"}
        conn.execute(update(ListingRow).where(ListingRow.id == row.id).values(extra=extra))


def listing_history(store: Store, uid: str, *, platform: str | None = None) -> list[HistoryEntry]:
    """Every capture of a listing, oldest first."""
    query = (
        select(
            CaptureRow.captured_at,
            CaptureRow.http_status,
            CaptureRow.sha256,
            CaptureRow.warc_file,
            CaptureRow.warc_offset,
        )
        .join(ListingRow, ListingRow.id == CaptureRow.listing_id)
        .where(_listing_is(uid, platform))
        .order_by(CaptureRow.id)
    )
    with store.read_connection(f"read the history of {uid}") as conn:
        return [HistoryEntry(*row) for row in conn.execute(query)]
