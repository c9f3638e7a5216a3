"""The scan rows as Parquet: one fixed schema for ``wildtrace spark scan`` and ``wildtrace load``.

The columns are the scan row's (``output.scan_row``: the public contract, same names and
shapes) plus what the store needs to keep a listing as ``scan`` keeps it (its text, extra
fields, origin, capture and the analyzer version), so ``load`` rebuilds the very
(Listing, Analysis) pairs that were analysed and stores them through ``Store.save_batch``.
The scan row's ``captured_at`` and ``sha256`` are in ``capture``; its ``origin`` is
``origin_file`` and ``origin_line``. Money amounts are doubles (JSON keeps ``3500`` an
integer; Parquet has one type per column).

The output is partitioned by ``platform`` and ``day`` (``PARTITION_COLUMNS``): the day the
page was captured (UTC), else the day the listing was posted when that is an ISO 8601 date, else
none. Spark writes a missing value as ``__HIVE_DEFAULT_PARTITION__``.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pyarrow as pa

from wildtrace.model import (
    Analysis,
    Capture,
    Detection,
    Listing,
    Match,
    Origin,
    Selector,
    Taxon,
    capture_time,
)
from wildtrace.output import scan_row

#: The folders of the output, in this order: platform=NAME/day=YYYY-MM-DD/part-*.parquet.
PARTITION_COLUMNS: tuple[str, ...] = ("platform", "day")

_TAXON = pa.struct([("name", pa.string()), ("cites_appendix", pa.string())])
_MATCH = pa.struct([
    ("term", pa.string()), ("field", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
    ("language", pa.string()), ("kind", pa.string()), ("commodity", pa.string()), ("taxon", pa.string()),
])  # fmt: skip
_SELECTOR = pa.struct([
    ("type", pa.string()), ("value", pa.string()), ("raw", pa.string()), ("field", pa.string()),
    ("start", pa.int64()), ("end", pa.int64()), ("confidence", pa.float64()), ("channel", pa.string()),
    ("usd", pa.float64()), ("rate_date", pa.string()),
])  # fmt: skip
#: Selector columns computed from the value (``output``), not kept on the Selector.
_DERIVED = frozenset({"usd", "rate_date"})
_PRICE = pa.struct([("amount", pa.float64()), ("currency", pa.string()), ("raw", pa.string())])
_CAPTURE = pa.struct([
    ("url", pa.string()), ("sha256", pa.string()), ("captured_at", pa.string()),
    ("content_type", pa.string()), ("http_status", pa.int64()), ("warc_file", pa.string()),
    ("warc_offset", pa.int64()),
])  # fmt: skip

#: The one schema of the scan rows as Parquet (the partition columns included).
SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    ("platform", pa.string()),
    ("day", pa.string()),
    ("score", pa.float64()),
    ("flagged", pa.bool_()),
    ("commodities", pa.list_(pa.string())),
    ("taxa", pa.list_(_TAXON)),
    ("matches", pa.list_(_MATCH)),
    ("legality_cues", pa.list_(pa.string())),
    ("selectors", pa.list_(_SELECTOR)),
    ("language", pa.string()),
    ("seller", pa.string()),
    ("url", pa.string()),
    ("title", pa.string()),
    ("price", _PRICE),
    # what the store keeps beyond the scan row
    ("seller_info", pa.string()),
    ("text", pa.string()),
    ("location", pa.string()),
    ("posted_at", pa.string()),
    ("images", pa.list_(pa.string())),
    ("extra", pa.string()),  # JSON: the record's other fields
    ("origin_file", pa.string()),
    ("origin_line", pa.int64()),
    ("capture", _CAPTURE),
    ("analyzer_version", pa.string()),
])  # fmt: skip


def listing_day(listing: Listing) -> str | None:
    """The ``day`` partition: the capture's date (UTC), else an ISO 8601 ``posted_at``'s, else None."""
    for value in (listing.capture.captured_at if listing.capture else None, listing.posted_at):
        when = capture_time(value)
        if when is not None:
            return when.astimezone(UTC).date().isoformat()
    return None


def parquet_row(listing: Listing, analysis: Analysis) -> dict[str, Any]:
    """One row of SCHEMA: the scan row, and what the store needs besides."""
    row = scan_row(listing, analysis)
    for name in ("captured_at", "sha256", "origin"):  # in ``capture`` and ``origin_*``
        row.pop(name, None)
    for selector, made in zip(row["selectors"], analysis.selectors, strict=True):
        selector.setdefault("channel", None)
        selector.setdefault("usd", None)
        selector.setdefault("rate_date", None)
        selector["confidence"] = float(made.confidence)
    row["matches"] = [
        {**shown, "taxon": match.taxon}
        for shown, match in zip(row["matches"], analysis.detection.matches, strict=True)
    ]
    capture = listing.capture
    row.update(
        day=listing_day(listing),
        seller_info=listing.seller_info,
        text=listing.text,
        location=listing.location,
        posted_at=listing.posted_at,
        images=list(listing.images),
        extra=json.dumps(listing.extra, ensure_ascii=False, sort_keys=True, default=str),
        origin_file=listing.origin.file if listing.origin else None,
        origin_line=listing.origin.line if listing.origin else None,
        capture=None if capture is None else {
            "url": capture.url, "sha256": capture.sha256, "captured_at": capture.captured_at,
            "content_type": capture.content_type, "http_status": capture.http_status,
            "warc_file": capture.warc_file, "warc_offset": capture.warc_offset,
        },
        analyzer_version=analysis.analyzer_version,
    )  # fmt: skip
    return row


def pair_from_row(row: dict[str, Any]) -> tuple[Listing, Analysis]:
    """The (Listing, Analysis) a row was written from (``parquet_row``'s inverse)."""
    capture = row.get("capture")
    listing = Listing(
        id=row["id"], platform=row.get("platform"), url=row.get("url"), seller=row.get("seller"),
        seller_info=row.get("seller_info"), title=row.get("title"), text=row.get("text"),
        price=(row.get("price") or {}).get("raw"), location=row.get("location"),
        posted_at=row.get("posted_at"), images=tuple(row.get("images") or ()),
        extra=json.loads(row["extra"]) if row.get("extra") else {},
        origin=Origin(row["origin_file"], row.get("origin_line")) if row.get("origin_file") else None,
        capture=Capture(**capture) if capture else None,
    )  # fmt: skip
    detection = Detection(
        score=row["score"],
        flagged=row["flagged"],
        commodities=tuple(row.get("commodities") or ()),
        taxa=tuple(Taxon(t["name"], t["cites_appendix"]) for t in row.get("taxa") or ()),
        matches=tuple(Match(**match) for match in row.get("matches") or ()),
        legality_cues=tuple(row.get("legality_cues") or ()),
    )
    selectors = tuple(
        Selector(**{name: value for name, value in selector.items() if name not in _DERIVED})
        for selector in row.get("selectors") or ()
    )
    analysis = Analysis(
        listing_id=row["id"], detection=detection, selectors=selectors, language=row.get("language"),
        analyzer_version=row.get("analyzer_version") or "",
    )  # fmt: skip
    return listing, analysis
