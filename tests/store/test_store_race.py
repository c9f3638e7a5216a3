"""A listing another writer stored between our look-up and our insert (the "raced" insert)
keeps capture order: an older capture must not overwrite the newer fields that writer
stored. The race is made deterministic by running the write step itself against a row a
second store stored first, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wildtrace.model import Analysis, Capture, Detection, Listing, ListingKey
from wildtrace.store import Store, open_store, rows
from wildtrace.store.repository import _Pending

KEY = ListingKey("shop-a.example", "1")


def _analysis() -> Analysis:
    return Analysis("1", Detection(score=0.9, flagged=True, commodities=("ivory",)), (), "en", "1")


def _captured(sha: str, at: str, title: str) -> Listing:
    capture = Capture(url="https://shop-a.example/1", sha256=sha * 64, captured_at=at)
    return Listing("1", platform="shop-a.example", title=title, seller="tusk_trader", capture=capture)


@pytest.fixture
def stores(db_url: str) -> Iterator[tuple[Store, Store]]:
    ours, theirs = open_store(db_url), open_store(db_url)
    yield ours, theirs
    ours.close()
    theirs.close()


def _write_raced(store: Store, listing: Listing) -> tuple[int, int, int]:
    """Our insert of ``listing``, as ``_save`` issues it after finding no stored row."""
    pending = _Pending(listing, _analysis(), rows.content_hash(listing))
    with store._engine.begin() as conn:
        ids, raced = store._write_listings(conn, [pending], [])
    assert set(ids) == {KEY}
    return raced.taken, raced.skipped, raced.older


def test_an_older_capture_racing_a_newer_one_is_evidence_only(stores: tuple[Store, Store]) -> None:
    ours, theirs = stores
    theirs.save_batch([(_captured("b", "2026-03-01T10:00:00Z", "Bangle, now sold"), _analysis())])
    assert _write_raced(ours, _captured("a", "2026-01-01T10:00:00Z", "Bangle")) == (0, 1, 1)
    shown = ours.stored_listing(KEY)
    assert shown is not None and shown.title == "Bangle, now sold"
    assert [c.sha256[0] for c in ours.listing_captures(KEY)] == ["a", "b"]  # both kept, oldest first


def test_a_newer_capture_racing_an_older_one_updates(stores: tuple[Store, Store]) -> None:
    ours, theirs = stores
    theirs.save_batch([(_captured("a", "2026-01-01T10:00:00Z", "Bangle"), _analysis())])
    assert _write_raced(ours, _captured("b", "2026-03-01T10:00:00Z", "Bangle, now sold")) == (1, 0, 0)
    shown = ours.stored_listing(KEY)
    assert shown is not None and shown.title == "Bangle, now sold"
    assert [c.sha256[0] for c in ours.listing_captures(KEY)] == ["a", "b"]
