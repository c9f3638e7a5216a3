"""The visibility rule (store/access.py) on both engines: every marking, every kind of viewer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from wildtrace.model import Analysis, Detection, Listing
from wildtrace.store import Store, open_store
from wildtrace.store.access import (
    MarkingError,
    Viewer,
    listing_is_visible,
    parse_marking,
    visible_listing_ids,
)
from wildtrace.store.collections import ensure_collection
from wildtrace.store.tables import ListingRow
from wildtrace.store.tables_access import AgencyRow, CollectionReaderRow, CollectionShareRow, UserRow

NOW = datetime(2026, 12, 3, tzinfo=UTC)
MARKED = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.engine.dispose()


def _pair(uid: str) -> tuple[Listing, Analysis]:
    listing = Listing(id=uid, platform="bazaar.example", title=f"listing {uid}", text="ivory")
    return listing, Analysis(uid, Detection(score=0.5, flagged=True), analyzer_version="1")


def _setup(store: Store) -> dict[str, Viewer]:
    """Agencies A (owner) and B; one collection per marking owned by A; users of each kind."""
    with store.engine.begin() as conn:
        for code in ("A", "B", "C"):
            conn.execute(insert(AgencyRow).values(code=code, name=code, created_at=NOW))
        ids = {
            code: conn.execute(select(AgencyRow.id).where(AgencyRow.code == code)).scalar_one()
            for code in ("A", "B", "C")
        }
        users = {}
        for name, agency, role in (
            ("a1", "A", "analyst"),
            ("a2", "A", "analyst"),
            ("b1", "B", "analyst"),
            ("c1", "C", "viewer"),
            ("p1", "B", "partner"),
        ):
            conn.execute(
                insert(UserRow).values(
                    username=name, agency_id=ids[agency], role=role, disabled=False, created_at=NOW
                )
            )
            uid = conn.execute(select(UserRow.id).where(UserRow.username == name)).scalar_one()
            users[name] = Viewer(uid, name, ids[agency], agency, role)
        collections = {m: ensure_collection(conn, f"col-{m}", "A", m) for m in MARKED}
        conn.execute(
            insert(CollectionShareRow).values(collection_id=collections["AMBER"], agency_id=ids["B"])
        )
        conn.execute(
            insert(CollectionReaderRow).values(collection_id=collections["RED"], user_id=users["a1"].user_id)
        )
    for marking, collection in collections.items():
        store.save_batch([_pair(marking)], collection_id=collection)
    return users


def _seen(store: Store, viewer: Viewer) -> set[str]:
    with store.engine.connect() as conn:
        by_subquery = set(
            conn.execute(
                select(ListingRow.uid).where(ListingRow.id.in_(visible_listing_ids(viewer)))
            ).scalars()
        )
        by_clause = set(
            conn.execute(select(ListingRow.uid).where(listing_is_visible(viewer, ListingRow.id))).scalars()
        )
    assert by_subquery == by_clause
    return by_subquery


def test_each_marking_reaches_exactly_whom_it_should(store: Store) -> None:
    users = _setup(store)
    assert _seen(store, users["a1"]) == {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
    assert _seen(store, users["a2"]) == {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT"}  # not named on RED
    assert _seen(store, users["b1"]) == {"CLEAR", "GREEN", "AMBER"}  # AMBER shared with B
    assert _seen(store, users["c1"]) == {"CLEAR", "GREEN"}
    assert _seen(store, users["p1"]) == {"CLEAR"}  # a partner: CLEAR only, even in agency B


def test_a_listing_in_two_collections_is_visible_through_either(store: Store) -> None:
    users = _setup(store)
    with store.engine.begin() as conn:
        green = ensure_collection(conn, "col-GREEN", "A", None)
    store.save_batch([_pair("AMBER+STRICT")], collection_id=green)
    assert "AMBER+STRICT" in _seen(store, users["c1"])


def test_listings_saved_without_a_collection_go_to_the_local_default(store: Store) -> None:
    users = _setup(store)
    store.save_batch([_pair("plain")])
    with store.engine.connect() as conn:
        local = conn.execute(select(AgencyRow.id).where(AgencyRow.code == "local")).scalar_one()
    assert "plain" in _seen(store, Viewer(None, "cli", local, "local", "analyst"))
    assert "plain" not in _seen(store, users["a1"])


def test_collection_owner_and_marking_conflicts_are_clear_errors(store: Store) -> None:
    _setup(store)
    from wildtrace.errors import AccessError

    with store.engine.begin() as conn, pytest.raises(AccessError, match="belongs to agency 'A'"):
        ensure_collection(conn, "col-RED", "B", None)
    with store.engine.begin() as conn, pytest.raises(AccessError, match="set-tlp"):
        ensure_collection(conn, "col-RED", "A", "green")
    with store.engine.begin() as conn, pytest.raises(AccessError, match="unknown agency"):
        ensure_collection(conn, "new", "nobody", None)


def test_markings_parse_and_combine() -> None:
    assert parse_marking("tlp:amber+strict") == "AMBER+STRICT"
    assert parse_marking("white") == "CLEAR"
    with pytest.raises(MarkingError, match="CLEAR, GREEN"):
        parse_marking("orange")
