"""The item pipeline: each captured listing page is analysed and stored as it arrives.

One transaction per page: a crawl stopped at any moment leaves the store consistent with the
WARC files (a page is either stored with its capture or not at all, and a resumed crawl
stores it then). Re-captures of a stored listing are compared field by field and the changes
recorded; 404, 410 and "removed" pages of a stored listing are kept as takedowns.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapy.crawler import Crawler

from wildtrace.config import threshold as resolve_threshold
from wildtrace.crawl.events import FAULT, STORED
from wildtrace.crawl.history import changes, clear_takedown, record_takedown, stored_fields
from wildtrace.crawl.middlewares import session_of
from wildtrace.crawl.session import CrawlSession
from wildtrace.evidence.archive import ArchivedCapture, warc_date
from wildtrace.model import Capture, Listing, ListingKey
from wildtrace.parse import platform_from_url, url_id
from wildtrace.pipeline import analyze, with_price_fallback

#: The Scrapy setting naming the collection (its row id) the crawled listings go into
#: (``wildtrace crawl --collection``); unset: the local agency's ``default``.
COLLECTION_SETTING = "WILDTRACE_COLLECTION_ID"


def capture_of(archived: ArchivedCapture, content_type: str | None) -> Capture:
    """The store's Capture for an archived response."""
    return Capture(
        url=archived.url,
        sha256=archived.sha256,
        captured_at=warc_date(archived.fetched_at),
        content_type=content_type,
        http_status=archived.status,
        warc_file=str(archived.warc_file),
        warc_offset=archived.offset,
    )


class CapturePipeline:
    """Analyse and store listing pages; record changes and takedowns."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.threshold = 0.5
        chosen = crawler.settings.get(COLLECTION_SETTING)
        self.collection_id: int | None = int(chosen) if chosen is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CapturePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        config = session_of(self.crawler).config
        self.threshold = config.threshold if config.threshold is not None else resolve_threshold(None)
        # Load the lexicon and models now, before the first request: loading them at the first
        # listing page held the reactor for seconds, and downloads in flight timed out.
        analyze(Listing(id="warm-up", title="warm-up"), self.threshold)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        session = session_of(self.crawler)
        archived = item.get("capture")
        if not isinstance(archived, ArchivedCapture):
            session.event(
                FAULT,
                item.get("url", "?"),
                rule="no-capture",
                reason="page without an archived capture: not stored",
            )
            return item
        capture = capture_of(archived, item.get("content_type"))
        try:
            if item["kind"] == "gone":
                self._gone(session, item["url"], capture, item.get("reason", "gone"))
            elif item["kind"] == "listing":
                self._listing(session, item["listing"], capture)
        except Exception as exc:  # the page stays in the WARC files: `wildtrace scan` them later
            session.event(
                FAULT,
                item.get("url", "?"),
                rule="store",
                reason=f"archived but not analysed or stored: {type(exc).__name__}: {exc}",
            )
        return item

    def _listing(self, session: CrawlSession, listing: Listing, capture: Capture) -> None:
        listing = replace(listing, capture=capture)
        before = stored_fields(session.store, listing.key)
        analysis = analyze(listing, self.threshold)
        listing = with_price_fallback(listing, analysis)  # the price the scan row shows, stored
        counts = session.store.save_batch([(listing, analysis)], collection_id=self.collection_id)
        url = listing.url or "?"
        outcome = "new" if counts.new else "updated" if counts.updated else "unchanged"
        marks = {"flagged": analysis.detection.flagged, "alerted": counts.alerts > 0}
        session.event(
            STORED,
            url,
            outcome=outcome,
            flags=tuple(name for name, on in marks.items() if on),
            listing=listing.id,
            sha256=capture.sha256,
        )
        if before is None:
            return
        if before.takedown is not None:
            clear_takedown(session.store, listing.key)
            session.event("reappeared", url, reason="served again after a takedown")
        changed = changes(before, listing)
        if changed:
            shown = {
                name: {"before": old, "after": new} for name, (old, new) in changed.items() if name != "text"
            }
            if "text" in changed:
                shown["text"] = {"before": "(changed)", "after": "(changed)"}
            session.event(
                "changed",
                url,
                listing=listing.id,
                fields=sorted(changed),
                changes=shown,
                sha256=capture.sha256,
            )

    def _gone(self, session: CrawlSession, url: str, capture: Capture, reason: str) -> None:
        uid = url_id(url)
        key = ListingKey(platform_from_url(url) or "", uid)  # the key the crawled page was stored under
        if record_takedown(session.store, key, capture, reason):
            session.event("takedown", url, listing=uid, reason=reason, sha256=capture.sha256)
        else:
            session.event("gone", url, reason=f"{reason} (never captured before: nothing to mark)")
