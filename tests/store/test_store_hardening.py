"""Issue 10 in the store, on SQLite and PostgreSQL: listings keyed by (platform, id) and
the migration that converts existing databases (finding 6), captures ordered by capture
time (7), selector confidence kept (9), text the databases cannot hold cleaned (15)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text

from wildtrace.errors import AmbiguousListingError
from wildtrace.model import (
    Analysis,
    Capture,
    Detection,
    HeldBack,
    Link,
    Listing,
    ListingKey,
    Network,
    Origin,
    Reject,
    Selector,
)
from wildtrace.store import Store, open_store
from wildtrace.store.engine import alembic_config
from wildtrace.store.repository import bulk_insert, listing_row_ids
from wildtrace.store.tables import CaptureRow, ListingRow, NetworkMemberRow, RejectRow, SelectorRow


def analysis(uid: str, *selectors: Selector) -> Analysis:
    return Analysis(uid, Detection(score=0.9, flagged=True, commodities=("ivory",)), selectors, "en", "1")


def listing(uid: str, platform: str | None = "shop-a.example", **changes: object) -> Listing:
    fields: dict[str, object] = {"id": uid, "platform": platform, "seller": "tusk_trader",
                                 "title": "Carved ivory bangle", "price": "USD 450"}  # fmt: skip
    fields.update(changes)
    return Listing(**fields)  # type: ignore[arg-type]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


# -- finding 6: identity ------------------------------------------------------------------


def test_listing_key_is_platform_and_id() -> None:
    assert listing("123").key == ListingKey("shop-a.example", "123")
    assert listing("123", platform=None).key == ListingKey("", "123")
    assert str(listing("123").key) == "shop-a.example:123"
    assert str(listing("123", platform=None).key) == "123"


def test_a_listing_is_named_by_platform_and_id_or_by_its_id_where_unique(store: Store) -> None:
    store.save_batch([(listing("123"), analysis("123")), (listing("123", platform="shop-b.example"),
                      analysis("123")), (listing("7"), analysis("7"))])  # fmt: skip
    assert store.resolve_listing("shop-b.example:123") == ListingKey("shop-b.example", "123")
    assert store.resolve_listing("7") == ListingKey("shop-a.example", "7")
    assert store.resolve_listing("shop-a.example:7") == ListingKey("shop-a.example", "7")
    assert store.resolve_listing("nothing") is None
    with pytest.raises(AmbiguousListingError) as caught:
        store.resolve_listing("123")
    assert "shop-a.example:123" in str(caught.value) and "shop-b.example:123" in str(caught.value)


def test_a_network_names_listings_by_key(store: Store) -> None:
    a, b = listing("123"), listing("123", platform="shop-b.example")
    store.save_batch([(a, analysis("123")), (b, analysis("123"))])
    keys = str(a.key), str(b.key)
    store.save_network(Network({keys[0]: "c1", keys[1]: "c2"}, (Link(*keys, "same phone", "phone", "+1"),),
                               (HeldBack("phone", "+2", 9, "help line"),)))  # fmt: skip
    with store.engine.connect() as conn:
        members = conn.execute(
            select(ListingRow.platform_id, NetworkMemberRow.cluster)
            .join(ListingRow, ListingRow.id == NetworkMemberRow.listing_id)
            .order_by(NetworkMemberRow.cluster)
        ).all()
    assert [cluster for _, cluster in members] == ["c1", "c2"]
    assert members[0][0] != members[1][0]


def test_importers_resolve_references_inside_their_transaction(store: Store) -> None:
    store.save_batch([(listing("123", url="https://shop-a.example/123"), analysis("123")),
                      (listing("123", platform="shop-b.example"), analysis("123")),
                      (listing("9"), analysis("9"))])  # fmt: skip
    with store.write_transaction("test") as conn:
        found = listing_row_ids(conn, ["123", "shop-b.example:123", "9", "https://shop-a.example/123", "x"])
    assert set(found) == {"shop-b.example:123", "9", "https://shop-a.example/123"}  # "123" is ambiguous


def _database_at_0004(url: str) -> None:
    """A database as WildTrace made it before issue 10, with listings in it."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
        insert_platform = text("INSERT INTO platforms (name) VALUES ('shop-a.example') RETURNING id")
        shop = conn.execute(insert_platform).scalar()
        now = "2026-01-01 00:00:00+00:00"
        for number, (uid, platform) in enumerate((("123", shop), ("124", None)), start=1):
            row_id = conn.execute(
                text("INSERT INTO listings (uid, platform_id, images, extra, content_hash, first_seen, "
                     "last_seen) VALUES (:uid, :p, '[]', '{}', 'h', :now, :now) RETURNING id"),
                {"uid": uid, "p": platform, "now": now},
            ).scalar()  # fmt: skip
            conn.execute(
                text("INSERT INTO captures (listing_id, url, sha256) VALUES (:id, 'https://x', :sha)"),
                {"id": row_id, "sha": str(number) * 64},
            )
            conn.execute(
                text("INSERT INTO selectors (listing_id, position, type, value, raw, field, start, \"end\") "
                     "VALUES (:id, 0, 'phone', '+1', '+1', 'text', 0, 2)"),
                {"id": row_id},
            )  # fmt: skip
    engine.dispose()


def test_migration_0005_keys_an_existing_database_by_platform_and_id(db_url: str) -> None:
    _database_at_0004(db_url)
    with open_store(db_url) as store:
        loaded = {item.key: found for item, found in store.load_analyses()} or {}
        with store.engine.connect() as conn:
            captures = conn.execute(select(func.count()).select_from(CaptureRow)).scalar_one()
            selectors = conn.execute(select(func.count()).select_from(SelectorRow)).scalar_one()
        assert (captures, selectors) == (2, 2)  # rebuilding the table cascaded nothing away
        assert store.listing_keys("124") == [ListingKey("", "124")]
        # The same ids from another platform, and without one, are new listings now.
        counts = store.save_batch([(listing("123", platform="shop-b.example"), analysis("123")),
                                   (listing("124", platform="shop-a.example"), analysis("124"))])  # fmt: skip
        assert counts.new == 2
        assert len(store.listing_keys("123")) == 2
    assert loaded == {}  # no analyses were stored in the old database: nothing to rebuild


# -- finding 7: captures by capture time ----------------------------------------------------


def _captured(sha: str, at: str, title: str) -> Listing:
    capture = Capture(url="https://shop-a.example/1", sha256=sha * 64, captured_at=at)
    return listing("1", title=title, capture=capture)


@pytest.mark.parametrize("together", [False, True])
def test_an_older_capture_read_later_is_evidence_but_does_not_overwrite(store: Store, together: bool) -> None:
    new = _captured("b", "2026-03-01T10:00:00Z", "Bangle, now sold")
    old = _captured("a", "2026-01-01T10:00:00Z", "Bangle")
    batches = [[new, old]] if together else [[new], [old]]
    for batch in batches:
        store.save_batch([(item, analysis("1")) for item in batch])
    (shown, _), = store.load_analyses()
    assert shown.title == "Bangle, now sold"
    assert shown.capture is not None and shown.capture.sha256 == "b" * 64
    history = store.listing_captures(ListingKey("shop-a.example", "1"))
    assert [c.captured_at for c in history] == ["2026-01-01T10:00:00Z", "2026-03-01T10:00:00Z"]


def test_a_newer_capture_read_later_updates(store: Store) -> None:
    store.save_batch([(_captured("a", "2026-01-01T10:00:00Z", "Bangle"), analysis("1"))])
    counts = store.save_batch([(_captured("b", "2026-03-01T10:00:00+00:00", "Sold"), analysis("1"))])
    assert counts.updated == 1
    (shown, _), = store.load_analyses()
    assert shown.title == "Sold"


# -- finding 9: selector confidence ----------------------------------------------------------


def test_selector_confidence_survives_the_store(store: Store) -> None:
    guessed = Selector("phone", "+255712345678", "0712 345 678", "text", 3, 15, None, 0.6)
    store.save_batch([(listing("1"), analysis("1", guessed))])
    (_, loaded), = store.load_analyses()
    assert [s.confidence for s in loaded.selectors] == [0.6]


# -- finding 15: NUL and other text the databases cannot hold ----------------------------------


def test_nul_in_one_listing_loses_nothing_on_either_engine(store: Store) -> None:
    bad = listing("2\x00", title="ivory\x00 bangle", seller="tusk\x00trader", extra={"k\x00": ["v\x00"]},
                  images=("https://x/\x00.jpg",), origin=Origin("in\x00.jsonl", 2))  # fmt: skip
    odd = Selector("email", "a@b.c", "a@b.c\x00", "text\x00", 0, 5)
    pairs = [(listing("1"), analysis("1")), (bad, analysis("2\x00", odd)), (listing("3"), analysis("3"))]
    counts = store.save_batch(pairs)
    assert (counts.new, counts.cleaned) == (3, 1)
    loaded = {item.id: (item, found) for item, found in store.load_analyses()}
    assert set(loaded) == {"1", "2", "3"}
    item, found = loaded["2"]
    assert (item.title, item.seller, item.extra, item.images) == (
        "ivory bangle", "tusktrader", {"k": ["v"]}, ("https://x/.jpg",))
    assert found.selectors[0].raw == "a@b.c"
    assert store.save_batch(pairs).unchanged == 3  # the cleaned listing is recognised again


def test_lone_surrogates_are_replaced_not_fatal(store: Store) -> None:
    odd = listing("1", title="bad \ud83d escape", extra={"x": "\udc00"})
    counts = store.save_batch([(odd, analysis("1"))])
    assert counts.new == 1
    (item, _), = store.load_analyses()
    assert item.title == "bad \ufffd escape" and item.extra == {"x": "\ufffd"}


def test_rejects_with_nul_are_kept_on_either_engine(store: Store) -> None:
    rejects = [Reject(Origin("in.jsonl", 1), "bad json", '{"id": "1\x00"'),
               Reject(Origin("in.jsonl", 2), "x")]  # fmt: skip
    assert store.save_rejects(None, rejects) == 2
    assert store.save_rejects(None, rejects) == 0  # still recognised as the same rejects
    with store.engine.connect() as conn:
        raws = conn.execute(select(RejectRow.raw).order_by(RejectRow.line)).scalars().all()
    assert raws == ['{"id": "1"', ""]


def test_bulk_insert_cleans_text_on_the_copy_path(store: Store) -> None:
    store.save_batch([(listing("1"), analysis("1"))])
    with store.write_transaction("test") as conn:
        row_id = conn.execute(select(ListingRow.id)).scalar_one()
        bulk_insert(conn, CaptureRow, [{"listing_id": row_id, "url": "https://x/\x00", "sha256": "c" * 64,
                                        "captured_at": None, "content_type": None, "http_status": None,
                                        "warc_file": None, "warc_offset": None}])  # fmt: skip
    with store.engine.connect() as conn:
        assert conn.execute(select(CaptureRow.url)).scalar_one() == "https://x/"


def test_listing_fields_for_watchers_come_back_by_key(store: Store) -> None:
    item = dataclasses.replace(_captured("a", "2026-01-01T10:00:00Z", "Bangle"), extra={"views": 3})
    store.save_batch([(item, analysis("1"))])
    key = item.key
    stored = store.stored_listing(key)
    assert stored is not None and stored.title == "Bangle" and stored.extra == {"views": 3}
    takedown = Capture(url="https://shop-a.example/1", sha256="d" * 64, captured_at="2026-02-01T00:00:00Z",
                       http_status=404)  # fmt: skip
    assert store.update_listing_evidence(key, capture=takedown, extra={"takedown": {"at": "x"}})
    assert [c.http_status for c in store.listing_captures(key)] == [None, 404]
    again = store.stored_listing(key)
    assert again is not None and again.extra == {"takedown": {"at": "x"}}
    assert not store.update_listing_evidence(ListingKey("other", "1"), extra={})
    assert store.stored_listing(ListingKey("other", "1")) is None


def test_a_large_run_refreshes_the_planner_statistics(db_url: str) -> None:
    """After a bulk write PostgreSQL's planner needs statistics (a search over a freshly loaded
    store took 68 s without them, 0.05 s with): a run that stored many listings refreshes them."""
    from wildtrace.store.repository import ANALYZE_AFTER

    def analysed(store: Store) -> int:
        if store.engine.dialect.name != "postgresql":
            return 0
        with store.engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'listings' "
                "AND schemaname = current_schema()"
            ).scalar_one())  # fmt: skip

    with open_store(db_url) as store:
        before = analysed(store)
        small = store.start_run(["small.jsonl"])
        store.finish_run(small, read=10, stored=10, unchanged=0, rejected=0, status="completed")
        assert analysed(store) == before
        large = store.start_run(["large.jsonl"])
        store.finish_run(large, read=ANALYZE_AFTER, stored=ANALYZE_AFTER, unchanged=0, rejected=0,
                         status="completed")  # fmt: skip
        if store.engine.dialect.name == "postgresql":
            assert analysed(store) == before + 1
