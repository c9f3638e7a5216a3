"""Full-text search (store/fulltext.py) on both engines: indexed, kept in step with updates,
any script on SQLite, and safe with query syntax in the words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from wildtrace.model import Analysis, Detection, Listing
from wildtrace.store import Store, open_store
from wildtrace.store.fulltext import text_match
from wildtrace.store.tables import ListingRow


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.engine.dispose()


def _save(store: Store, uid: str, title: str, text: str = "") -> None:
    listing = Listing(id=uid, platform="shop.example", title=title, text=text)
    store.save_batch([(listing, Analysis(uid, Detection(score=0.1, flagged=False), analyzer_version=title))])


def _found(store: Store, query: str) -> set[str]:
    with store.engine.connect() as conn:
        clause = text_match(conn.dialect.name, query)
        return set(conn.execute(select(ListingRow.uid).where(clause)).scalars())


def test_words_are_found_in_titles_and_texts_and_follow_updates(store: Store) -> None:
    _save(store, "1", "Carved ivory bangle", "old piece, WhatsApp for price")
    _save(store, "2", "Pangolin scales 5 kg", "shipping to Hanoi")
    assert _found(store, "ivory") == {"1"}
    assert _found(store, "IVORY bangle") == {"1"}
    assert _found(store, "hanoi") == {"2"}
    assert _found(store, "ivory hanoi") == set()
    _save(store, "1", "Carved resin bangle", "old piece")  # an update re-indexes the listing
    assert _found(store, "ivory") == set()
    assert _found(store, "resin") == {"1"}


def test_query_syntax_in_words_is_searched_as_text(store: Store) -> None:
    _save(store, "1", 'Tusk "AB" grade', "NEAR(ivory) OR * -x")
    for query in ('"AB"', "NEAR(ivory)", "OR", "*", "-x", "'; DROP TABLE listings; --", "a:b", "\\"):
        _found(store, query)  # never an error
    assert "1" in _found(store, "NEAR(ivory)") or store.engine.dialect.name == "postgresql"


def test_unspaced_scripts_and_short_words_on_sqlite(tmp_path: object) -> None:
    store = open_store(f"sqlite:///{tmp_path}/fts.db")
    _save(store, "1", "出售犀牛角雕刻", "微信联系")
    _save(store, "2", "Sừng tê giác", "bán rẻ")
    assert _found(store, "犀牛角") == {"1"}
    assert _found(store, "tê") == {"2"}  # two characters: below trigrams, matched without the index
    assert _found(store, "giác tê") == {"2"}
