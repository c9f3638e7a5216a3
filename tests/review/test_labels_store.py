"""Reviewers' labels in the store, on SQLite and PostgreSQL: history kept, the latest label
of a reviewer wins, references resolved as users write them, what the trainer and the
queue read back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from review_helpers import store_listings
from sqlalchemy import inspect

from wildtrace.detect import latest_per_reviewer
from wildtrace.errors import WildTraceError
from wildtrace.store import Store, open_store
from wildtrace.store.labels import (
    NewLabel,
    add_labels,
    label_history,
    queue_candidates,
    queue_listings,
    training_labels,
)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        store_listings(opened)
        yield opened


def test_the_migration_makes_the_labels_table_with_its_indexes(store: Store) -> None:
    inspector = inspect(store.engine)
    columns = {column["name"] for column in inspector.get_columns("labels")}
    assert columns == {"id", "listing_id", "verdict", "reviewer", "agency", "labelled_at", "note", "source"}
    indexed = {tuple(index["column_names"]) for index in inspector.get_indexes("labels")}
    assert {("listing_id",), ("reviewer",)} <= indexed


def test_every_label_is_kept_and_the_latest_of_a_reviewer_wins(store: Store) -> None:
    add_labels(store, [NewLabel("bazaar.example:1", "no", "ana", note="looked like a toy")])
    added = add_labels(store, [NewLabel("bazaar.example:1", "yes", "ana", agency="KWS", source="import"),
                               NewLabel("bazaar.example:1", "unsure", "ben")])  # fmt: skip
    assert [label.verdict for label in added.stored] == ["yes", "unsure"]
    assert added.stored[0].agency == "KWS" and added.stored[0].source == "import"
    history = label_history(store)
    assert [(label.by, label.verdict) for label in history] == [
        ("ana", "no"),
        ("ana", "yes"),
        ("ben", "unsure"),
    ]
    assert history[0].note == "looked like a toy" and history[0].at.tzinfo is not None
    latest = {(label.by, label.verdict) for label in latest_per_reviewer(label_history(store))}
    assert latest == {("ana", "yes"), ("ben", "unsure")}
    assert [label.verdict for label in label_history(store, "bazaar.example:1")] == ["no", "yes", "unsure"]
    assert label_history(store, "bazaar.example:2") == []


def test_listings_are_named_as_users_name_them_and_unknown_ones_are_not_stored(store: Store) -> None:
    added = add_labels(
        store,
        [
            NewLabel("2", "yes", "ana"),  # a plain id used on one platform
            NewLabel("https://forum.example/item/4", "no", "ana"),  # the listing's URL
            NewLabel("1", "yes", "ana"),  # on two platforms: ambiguous
            NewLabel("bazaar.example:99", "yes", "ana"),  # not stored
        ],
    )
    assert [label.listing for label in added.stored] == ["bazaar.example:2", "forum.example:4"]
    assert set(added.unresolved) == {"1", "bazaar.example:99"}
    assert "several platforms" in added.unresolved["1"] and "forum.example:1" in added.unresolved["1"]
    assert "no listing 'bazaar.example:99'" in added.unresolved["bazaar.example:99"]
    assert {label.listing for label in label_history(store)} == {"bazaar.example:2", "forum.example:4"}


@pytest.mark.parametrize(
    "label",
    [NewLabel("2", "maybe", "ana"), NewLabel("2", "yes", "  "), NewLabel("2", "yes", "ana", source="email")],  # type: ignore[arg-type]
)
def test_a_bad_label_stores_nothing(store: Store, label: NewLabel) -> None:
    with pytest.raises(WildTraceError):
        add_labels(store, [NewLabel("bazaar.example:1", "yes", "ana"), label])
    assert label_history(store) == []


def test_training_labels_are_the_consensus_with_the_listing_fields(store: Store) -> None:
    add_labels(store, [
        NewLabel("bazaar.example:1", "yes", "ana"), NewLabel("bazaar.example:1", "yes", "ben"),
        NewLabel("bazaar.example:3", "no", "ana"), NewLabel("bazaar.example:3", "unsure", "ben"),
        NewLabel("forum.example:1", "yes", "ana"), NewLabel("forum.example:1", "no", "ben"),  # a tie
        NewLabel("forum.example:4", "unsure", "ana"),  # only unsure
    ])  # fmt: skip
    found = {str(item.listing.key): item for item in training_labels(store)}
    assert set(found) == {"bazaar.example:1", "bazaar.example:3"}
    offer = found["bazaar.example:1"]
    assert (offer.label, offer.votes) == (1, 2)
    assert offer.listing.title == "Carved ivory bangle, old elephant ivory, WhatsApp me"
    assert offer.listing.platform == "bazaar.example" and "ivory" in offer.commodities
    assert (found["bazaar.example:3"].label, found["bazaar.example:3"].votes) == (0, 1)


def test_queue_candidates_are_the_unlabelled_listings_page_by_page(store: Store) -> None:
    add_labels(store, [NewLabel("bazaar.example:2", "unsure", "ana")])
    pages = list(queue_candidates(store, page=2))
    assert [len(page) for page in pages] == [2, 2]
    found = {candidate.key: candidate for page in pages for candidate in page}
    assert set(found) == {"bazaar.example:1", "bazaar.example:3", "forum.example:1", "forum.example:4"}
    assert found["bazaar.example:1"].evidence and "ivory" in found["bazaar.example:1"].commodities
    assert not found["forum.example:4"].evidence
    assert found["forum.example:4"].platform == "forum.example"


def test_queue_listings_show_the_listing_and_what_its_score_rests_on(store: Store) -> None:
    shown = queue_listings(store, ["bazaar.example:1", "forum.example:4", "nowhere:0"])
    assert set(shown) == {"bazaar.example:1", "forum.example:4"}
    ivory = shown["bazaar.example:1"]
    assert ivory.listing.url == "https://bazaar.example/item/1"
    assert any(term == "ivory" and field == "title" for term, field, _ in ivory.matches)
    assert ivory.score > shown["forum.example:4"].score
