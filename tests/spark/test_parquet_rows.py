"""The Parquet scan rows keep everything: a row read back is the pair that was written."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from wildtrace.collect import read_file
from wildtrace.commands.demo import demo_inputs
from wildtrace.model import Listing
from wildtrace.output import scan_row
from wildtrace.pipeline import analyze_batch, with_price_fallback
from wildtrace.runners.parquet import SCHEMA, listing_day, pair_from_row, parquet_row


def _demo_listings() -> list[Listing]:
    data = demo_inputs()[0].parent
    files = [data / "listings.jsonl", data / "more" / "shops.csv", data / "more" / "capture.warc.gz"]
    return [item for path in files for item in read_file(path) if isinstance(item, Listing)]


def test_rows_read_back_are_the_pairs_written(tmp_path: Path) -> None:
    listings = _demo_listings()
    assert any(listing.capture is not None for listing in listings)  # the WARC's captures too
    analyses = analyze_batch(listings)
    pairs = [(with_price_fallback(item, a), a) for item, a in zip(listings, analyses, strict=True)]
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist([parquet_row(*pair) for pair in pairs], SCHEMA), path)
    table = pq.read_table(path)
    assert table.schema.equals(SCHEMA)
    for (listing, analysis), row in zip(pairs, table.to_pylist(), strict=True):
        back, back_analysis = pair_from_row(row)
        assert back == listing and back_analysis == analysis
        assert back.extra == listing.extra and back.origin == listing.origin
        assert [s.confidence for s in back_analysis.selectors] == [s.confidence for s in analysis.selectors]
        assert scan_row(back, back_analysis) == scan_row(listing, analysis)


def test_day_is_the_capture_date_else_an_iso_posted_date() -> None:
    from wildtrace.model import Capture

    capture = Capture(url="https://x.example/1", sha256="0" * 64, captured_at="2026-03-04T23:30:00-02:00")
    assert listing_day(Listing(id="1", capture=capture, posted_at="2025-01-01")) == "2026-03-05"
    assert listing_day(Listing(id="1", posted_at="2025-01-02")) == "2025-01-02"
    assert listing_day(Listing(id="1", posted_at="last week")) is None
