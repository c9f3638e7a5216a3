"""Translating between the domain types (``model``) and table rows, both ways."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from wildtrace.model import (
    Analysis,
    Capture,
    Detection,
    Listing,
    Match,
    Origin,
    Selector,
    Taxon,
)
from wildtrace.parse import clean_text
from wildtrace.store.clean import storable_value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def jsonable(value: dict[str, Any]) -> dict[str, Any]:
    """``extra`` made safe for a JSON column (dates and other objects become strings)."""
    result: dict[str, Any] = json.loads(_canonical(value))
    return result


def content_hash(listing: Listing) -> str:
    """SHA-256 of the listing's canonical JSON, so a re-scan can tell what changed.

    The origin is left out (the same offer read from another file is unchanged); of the
    capture only its SHA-256 counts (a re-capture of identical bytes is no news, other bytes
    are new evidence to keep).
    """
    fields = {
        "id": listing.id,
        "platform": listing.platform,
        "url": listing.url,
        "seller": listing.seller,
        "seller_info": listing.seller_info,
        "title": listing.title,
        "text": listing.text,
        "price": listing.price,
        "location": listing.location,
        "posted_at": listing.posted_at,
        "images": list(listing.images),
        "extra": listing.extra,
        "capture": listing.capture.sha256 if listing.capture else None,
    }
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


_LISTING_TEXT = ("id", "platform", "url", "seller", "seller_info", "title", "text", "price",
                 "location", "posted_at")  # fmt: skip


def storable_pair(listing: Listing, analysis: Analysis) -> tuple[Listing, Analysis]:
    """The listing with text the databases cannot hold (NUL) removed from its fields, so its
    key and content hash are those of what is stored; the same objects when clean. (Every
    other value is cleaned as it is written, by the engine: ``clean.py``.)"""
    changes: dict[str, Any] = {}
    for name in _LISTING_TEXT:
        value = getattr(listing, name)
        if isinstance(value, str) and (clean := clean_text(value)) is not value:
            changes[name] = clean
    images = tuple(clean_text(image) for image in listing.images)
    if any(new is not old for new, old in zip(images, listing.images, strict=True)):
        changes["images"] = images
    if listing.extra and (extra := storable_value(listing.extra)) is not listing.extra:
        changes["extra"] = extra
    if not changes:
        return listing, analysis
    listing = dataclasses.replace(listing, **changes)
    if "id" in changes:
        analysis = dataclasses.replace(analysis, listing_id=listing.id)
    return listing, analysis


def raw_sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def listing_values(listing: Listing) -> dict[str, Any]:
    """The listing's own columns (keys, ids and timestamps are added by the repository)."""
    return {
        "url": listing.url,
        "title": listing.title,
        "text": listing.text,
        "seller_info": listing.seller_info,
        "price": listing.price,
        "location": listing.location,
        "posted_at": listing.posted_at,
        "images": list(listing.images),
        "extra": jsonable(listing.extra),
        "origin_file": listing.origin.file if listing.origin else None,
        "origin_line": listing.origin.line if listing.origin else None,
    }


def capture_values(capture: Capture) -> dict[str, Any]:
    return {
        "url": capture.url,
        "sha256": capture.sha256,
        "captured_at": capture.captured_at,
        "content_type": capture.content_type,
        "http_status": capture.http_status,
        "warc_file": capture.warc_file,
        "warc_offset": capture.warc_offset,
    }


def analysis_values(analysis: Analysis) -> dict[str, Any]:
    detection = analysis.detection
    return {
        "analyzer_version": analysis.analyzer_version,
        "score": detection.score,
        "flagged": detection.flagged,
        "language": analysis.language,
        "commodities": list(detection.commodities),
        "taxa": [{"name": t.name, "cites_appendix": t.cites_appendix} for t in detection.taxa],
        "legality_cues": list(detection.legality_cues),
    }


#: The columns of a match row, in the order of ``match_row``.
MATCH_COLUMNS = ("listing_id", "position", "term", "field", "start", "end", "language", "commodity", "kind",
                 "taxon")  # fmt: skip


def match_row(listing_id: int, position: int, match: Match) -> tuple[Any, ...]:
    """A match as a row of ``MATCH_COLUMNS`` (tuples: the store writes about nine a listing)."""
    return (listing_id, position, match.term, match.field, match.start, match.end, match.language,
            match.commodity, match.kind, match.taxon)  # fmt: skip


#: The columns of a selector row, in the order of ``selector_row``.
SELECTOR_COLUMNS = ("listing_id", "position", "type", "value", "raw", "field", "start", "end", "channel",
                    "confidence")  # fmt: skip


def selector_row(listing_id: int, position: int, selector: Selector) -> tuple[Any, ...]:
    """A selector as a row of ``SELECTOR_COLUMNS``."""
    return (listing_id, position, selector.type, selector.value, selector.raw, selector.field, selector.start,
            selector.end, selector.channel, selector.confidence)  # fmt: skip


def to_listing(row: Row[Any], platform: str | None, seller: str | None, capture: Capture | None) -> Listing:
    origin = Origin(row.origin_file, row.origin_line) if row.origin_file is not None else None
    return Listing(
        id=row.uid,
        platform=platform or None,  # "" is the namespace of listings that name no platform
        url=row.url,
        seller=seller,
        seller_info=row.seller_info,
        title=row.title,
        text=row.text,
        price=row.price,
        location=row.location,
        posted_at=row.posted_at,
        images=tuple(row.images),
        extra=dict(row.extra),
        origin=origin,
        capture=capture,
    )


def to_capture(row: Row[Any]) -> Capture:
    return Capture(
        url=row.url,
        sha256=row.sha256,
        captured_at=row.captured_at,
        content_type=row.content_type,
        http_status=row.http_status,
        warc_file=row.warc_file,
        warc_offset=row.warc_offset,
    )


def to_analysis(
    uid: str, row: Row[Any], matches: Sequence[Row[Any]], selectors: Sequence[Row[Any]]
) -> Analysis:
    detection = Detection(
        score=row.score,
        flagged=row.flagged,
        commodities=tuple(row.commodities),
        taxa=tuple(Taxon(t["name"], t.get("cites_appendix")) for t in row.taxa),
        matches=tuple(
            Match(
                term=m.term,
                field=m.field,
                start=m.start,
                end=m.end,
                language=m.language,
                commodity=m.commodity,
                kind=m.kind,
                taxon=m.taxon,
            )
            for m in matches
        ),
        legality_cues=tuple(row.legality_cues),
    )
    return Analysis(
        listing_id=uid,
        detection=detection,
        selectors=tuple(
            Selector(s.type, s.value, s.raw, s.field, s.start, s.end, s.channel, s.confidence)
            for s in selectors
        ),
        language=row.language,
        analyzer_version=row.analyzer_version,
    )
