"""A listing's history across crawls: what changed between captures, and takedowns.

Built on the store's public functions for watching listings (``Store.stored_listing``,
``Store.listing_captures``, ``Store.update_listing_evidence``); a listing is named by its key
(platform, id). A re-capture with other bytes is stored by ``Store.save_batch`` as a new capture;
this module adds what the crawler needs around it:

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

from wildtrace.model import Capture, Listing, ListingKey
from wildtrace.store import Store

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


def stored_fields(store: Store, key: ListingKey) -> StoredFields | None:
    """The watched fields of a stored listing, or None if it was never stored."""
    listing = store.stored_listing(key)
    if listing is None:
        return None
    values = {name: getattr(listing, name) for name in WATCHED_FIELDS}
    takedown = listing.extra.get("takedown")
    return StoredFields(values, takedown if isinstance(takedown, dict) else None)


def changes(before: StoredFields, after: Listing) -> dict[str, tuple[str | None, str | None]]:
    """The watched fields whose value differs between the stored listing and a new capture."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for name in WATCHED_FIELDS:
        old, new = before.values.get(name), getattr(after, name)
        if (old or None) != (new or None):
            found[name] = (old, new)
    return found


def record_takedown(store: Store, key: ListingKey, capture: Capture, reason: str) -> bool:
    """Keep a takedown of a stored listing; False if the listing was never stored."""
    listing = store.stored_listing(key)
    if listing is None:
        return False
    mark = {
        "at": capture.captured_at or datetime.now(UTC).isoformat(),
        "reason": reason,
        "http_status": capture.http_status,
        "sha256": capture.sha256,
    }
    return store.update_listing_evidence(key, capture=capture, extra={**listing.extra, "takedown": mark})


def clear_takedown(store: Store, key: ListingKey) -> None:
    """Remove the takedown mark of a listing that is served again."""
    listing = store.stored_listing(key)
    if listing is None or "takedown" not in listing.extra:
        return
    store.update_listing_evidence(key, extra={k: v for k, v in listing.extra.items() if k != "takedown"})


def listing_history(store: Store, key: ListingKey) -> list[HistoryEntry]:
    """Every capture of a listing, oldest first (by capture time)."""
    return [
        HistoryEntry(c.captured_at, c.http_status, c.sha256, c.warc_file, c.warc_offset)
        for c in store.listing_captures(key)
    ]
