"""The store's fast path (``store/prepared.py``) writes exactly what SQLAlchemy's row path
writes, on SQLite and PostgreSQL: same values, same JSON, same times, text cleaned the
same way; and a failing batch leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select

from wildtrace.errors import StoreError
from wildtrace.model import Analysis, Capture, Detection, Listing, Match, Selector, Taxon
from wildtrace.store import Store, open_store
from wildtrace.store.prepared import insert_dicts, insert_rows, storable_rows
from wildtrace.store.tables import (
    AnalysisRow,
    Base,
    CaptureRow,
    ListingRow,
    MatchRow,
    PlatformRow,
    SelectorRow,
)

NOW = datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=UTC)

ROWS: dict[type[Base], list[dict[str, Any]]] = {
    MatchRow: [
        {"position": 0, "term": "ngà\x00 voi", "field": "title", "start": 0, "end": 7, "language": "vi",
         "commodity": "ivory", "kind": "product", "taxon": None},
        {"position": 1, "term": "\ud83d象牙", "field": "text", "start": 3, "end": 5, "language": "zh",
         "commodity": None, "kind": "species", "taxon": "Loxodonta africana"},
    ],
    SelectorRow: [
        {"position": 0, "type": "phone", "value": "+84912345678", "raw": "0912\x00 345 678", "field": "text",
         "start": 10, "end": 24, "channel": "zalo", "confidence": 0.75},
        {"position": 1, "type": "handle", "value": "tan99", "raw": "tan99", "field": "seller", "start": 0,
         "end": 5, "channel": None, "confidence": 1.0},
    ],
    AnalysisRow: [
        {"analyzer_version": "v\x001", "score": 0.875, "flagged": True, "language": None,
         "commodities": ["ivory", "a\x00b"], "taxa": [{"name": "Manis", "cites_appendix": None}],
         "legality_cues": [], "analysed_at": NOW},
    ],
    CaptureRow: [
        {"url": "https://market.test/1", "sha256": "ab" * 32, "captured_at": "2024-05-01T08:00:00Z",
         "content_type": "text/html", "http_status": 200, "warc_file": None, "warc_offset": 4096},
    ],
}  # fmt: skip


def _listing_row(store: Store) -> int:
    with store.write_transaction("add a listing") as conn:
        added = conn.execute(insert(PlatformRow).returning(PlatformRow.id), {"name": "market.test"})
        platform = added.scalar_one()
        return int(
            conn.execute(
                insert(ListingRow).returning(ListingRow.id),
                {"platform_id": platform, "uid": "1", "images": [], "extra": {}, "content_hash": "x",
                 "first_seen": NOW, "last_seen": NOW},
            ).scalar_one()
        )  # fmt: skip


def _stored(store: Store, table: type[Base]) -> list[tuple[Any, ...]]:
    columns = [c for c in table.__table__.columns if c.name not in ("id", "listing_id")]
    with store.read_connection("read back") as conn:
        return [tuple(row) for row in conn.execute(select(*columns).order_by(table.__table__.c.id))]


@pytest.mark.parametrize("table", list(ROWS), ids=lambda table: table.__tablename__)
def test_the_fast_path_stores_what_the_row_path_stores(db_url: str, table: type[Base]) -> None:
    with open_store(db_url) as store:
        listing_id = _listing_row(store)
        values = [{**value, "listing_id": listing_id} for value in ROWS[table]]
        with store.write_transaction("row path") as conn:
            conn.execute(insert(table), values)
        expected = _stored(store, table)
        with store.write_transaction("clear") as conn:
            conn.execute(table.__table__.delete())
        with store.write_transaction("fast path") as conn:
            insert_dicts(conn, table, values)
        assert _stored(store, table) == expected
    assert "\x00" not in repr(expected) and "\\ud83d" not in repr(expected)


def test_a_clean_batch_is_passed_through_and_a_dirty_one_cleaned_value_by_value() -> None:
    clean = [(1, "ngà voi", None), (2, "象牙", 3.5)]
    assert storable_rows(clean) is clean
    assert storable_rows([(1, "a\x00b", None), (2, "\udc00", "ok")]) == [(1, "ab", None), (2, "\ufffd", "ok")]


def test_a_failing_fast_insert_rolls_back_the_whole_batch(db_url: str) -> None:
    with open_store(db_url) as store:
        listing_id = _listing_row(store)
        good = (listing_id, 0, "ivory", "title", 0, 5, "en", "ivory", "product", None)
        orphan = (listing_id + 1000, 1, "ivory", "title", 0, 5, "en", "ivory", "product", None)
        columns = ("listing_id", "position", "term", "field", "start", "end", "language", "commodity", "kind",
                   "taxon")  # fmt: skip
        with pytest.raises(StoreError, match="matches"), store.write_transaction("write matches") as conn:
            insert_rows(conn, MatchRow, columns, [good])
            insert_rows(conn, MatchRow, columns, [orphan])  # no such listing: the foreign key refuses it
        assert _stored(store, MatchRow) == []


def test_save_batch_round_trips_through_the_fast_path(db_url: str) -> None:
    capture = Capture("https://market.test/1", "cd" * 32, "2024-05-01T08:00:00Z")
    listing = Listing(
        id="L-1", platform="market.test", title="Vòng ngà voi", text="Zalo 0912 345 678", seller="tan99",
        capture=capture,
    )  # fmt: skip
    matches = (
        Match("ngà voi", "title", 5, 12, "vi", "ivory"),
        Match("voi", "title", 9, 12, "vi", None, "species"),
    )
    detection = Detection(0.9, True, ("ivory",), (Taxon("Loxodonta africana", "I"),), matches, ("no papers",))
    phone = Selector("phone", "+84912345678", "0912 345 678", "text", 5, 17, "zalo", 0.9)
    analysis = Analysis("L-1", detection, (phone,), "vi", "test-1")
    with open_store(db_url) as store:
        assert store.save_batch([(listing, analysis)]).new == 1
        [(read, read_analysis)] = list(store.load_analyses())
        assert store.save_batch([(listing, analysis)]).unchanged == 1
    assert read_analysis == analysis and read_analysis.selectors[0].confidence == 0.9
    assert read.capture == listing.capture and read.title == listing.title
