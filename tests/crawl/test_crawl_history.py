"""The crawler's store code (history.py) on SQLite and PostgreSQL: changes, takedowns, history."""

from __future__ import annotations

from dataclasses import replace

from wildtrace.crawl.history import (
    changes,
    clear_takedown,
    listing_history,
    record_takedown,
    stored_fields,
)
from wildtrace.model import Capture, ListingKey
from wildtrace.parse import parse_listing_html, url_id
from wildtrace.pipeline import analyze
from wildtrace.store import open_store

URL = "https://market.example/listing/1"
PAGE = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Ivory bangle",
"description": "Old ivory bangle, real.", "offers": {"price": "%s", "priceCurrency": "USD",
"seller": {"@type": "Person", "name": "ana"}}}</script></head><body><h1>Ivory bangle</h1></body></html>"""


def capture(letter: str, status: int = 200) -> Capture:
    day = "abc".index(letter) + 1
    return Capture(
        url=URL,
        sha256=letter * 64,
        captured_at=f"2026-01-0{day}T00:00:00Z",
        content_type="text/html",
        http_status=status,
        warc_file="a.warc.gz",
        warc_offset=day,
    )


def test_changes_takedowns_and_history(db_url: str) -> None:
    first = replace(parse_listing_html(PAGE % "120", URL, listing_id=url_id(URL)), capture=capture("a"))
    second = replace(parse_listing_html(PAGE % "90", URL, listing_id=url_id(URL)), capture=capture("b"))
    with open_store(db_url) as store:
        assert stored_fields(store, first.key) is None
        assert not record_takedown(store, first.key, capture("c", 404), "HTTP 404")  # never stored: nothing
        store.save_batch([(first, analyze(first))])
        before = stored_fields(store, first.key)
        assert before is not None and before.values["seller"] == "ana" and before.takedown is None
        # by key: the crawler asks for its own listing, never another platform's
        assert stored_fields(store, ListingKey("other.example", first.id)) is None
        elsewhere = ListingKey("other.example", first.id)
        assert not record_takedown(store, elsewhere, capture("c", 404), "HTTP 404")
        assert changes(before, second) == {"price": ("120 USD", "90 USD")}
        store.save_batch([(second, analyze(second))])
        assert record_takedown(store, first.key, capture("c", 404), "HTTP 404")
        assert record_takedown(
            store, first.key, capture("c", 404), "HTTP 404"
        )  # the same answer again: kept once
        after = stored_fields(store, first.key)
        assert after is not None and after.takedown is not None
        assert after.takedown["http_status"] == 404 and after.values["price"] == "90 USD"  # last seen kept
        history = listing_history(store, first.key)
        assert [(h.http_status, h.sha256[0]) for h in history] == [(200, "a"), (200, "b"), (404, "c")]
        clear_takedown(store, first.key)
        cleared = stored_fields(store, first.key)
        assert cleared is not None and cleared.takedown is None
