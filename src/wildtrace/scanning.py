"""The scan job: read inputs, analyze, write rows, store, and account for every record.

An adapter around the core (it does I/O): the CLI and the demo call ``run_scan``.
Listings are processed in batches; each batch is stored in one transaction, so an
interrupted scan leaves the store consistent and a re-run completes it (already
stored listings are recognised and left unchanged).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from wildtrace.collect import read_file
from wildtrace.model import Analysis, Listing, Origin, Reject
from wildtrace.output import reject_row, scan_row
from wildtrace.runners import analyze_batches
from wildtrace.store import SaveCounts, Store

BATCH_SIZE = 500


@dataclass
class ScanTotals:
    """What a scan did, for the summary and the exit status."""

    files: int = 0
    read: int = 0
    flagged: int = 0
    rejected: int = 0
    saved: SaveCounts = field(default_factory=SaveCounts)
    commodities: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    interrupted: bool = False


#: Called after each file and each batch: (files done, listings read so far).
Progress = Callable[[int, int], None]


def read_listings(
    files: Sequence[Path],
    totals: ScanTotals,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Progress | None = None,
) -> Iterator[Listing]:
    """The listings of ``files`` in order; rejects (bad records, duplicate ids) are
    counted and kept in ``totals`` and passed to ``on_reject``."""
    seen: dict[str, Origin | None] = {}

    def reject(item: Reject) -> None:
        totals.rejected += 1
        totals.rejects.append(item)
        if on_reject is not None:
            on_reject(item)

    for done, path in enumerate(files, start=1):
        for item in read_file(path):
            if isinstance(item, Reject):
                reject(item)
                continue
            if item.id in seen:
                first = seen[item.id]
                where = f" (first at {first})" if first else ""
                raw = json.dumps({"id": item.id, "title": item.title}, ensure_ascii=False)
                origin = item.origin or Origin(str(path))
                reject(Reject(origin, f"duplicate id {item.id!r}{where}", raw))
                continue
            seen[item.id] = item.origin
            totals.read += 1
            yield item
            if on_progress is not None and totals.read % BATCH_SIZE == 0:
                on_progress(done - 1, totals.read)
        totals.files = done
        if on_progress is not None:
            on_progress(done, totals.read)


def run_scan(
    files: Sequence[Path],
    *,
    threshold: float,
    out: TextIO | None = None,
    store: Store | None = None,
    run_id: int | None = None,
    workers: int = 1,
    totals: ScanTotals | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Progress | None = None,
    on_batch: Callable[[list[tuple[Listing, Analysis]]], None] | None = None,
) -> ScanTotals:
    """Scan ``files`` in order; rows go to ``out``, listings and rejects to ``store``.

    ``workers`` > 1 analyzes batches in that many processes (results keep input order).
    Pass ``totals`` to keep the counts of a scan that is interrupted part way, and
    ``on_batch`` to receive each analyzed batch (the link command collects them).
    """
    totals = ScanTotals() if totals is None else totals
    listings = read_listings(files, totals, on_reject, on_progress)
    for batch, analyses in analyze_batches(_batches(listings), threshold, workers):
        pairs = list(zip(batch, analyses, strict=True))
        if store is not None:
            totals.saved += store.save_batch(pairs)
        if on_batch is not None:
            on_batch(pairs)
        for listing, analysis in zip(batch, analyses, strict=True):
            if out is not None:
                out.write(json.dumps(scan_row(listing, analysis), ensure_ascii=False) + "\n")
            if analysis.detection.flagged:
                totals.flagged += 1
                for commodity in analysis.detection.commodities:
                    totals.commodities[commodity] = totals.commodities.get(commodity, 0) + 1
        if out is not None:
            out.flush()
    if store is not None and totals.rejects:
        store.save_rejects(run_id, totals.rejects)
    return totals


def _batches(listings: Iterator[Listing]) -> Iterator[list[Listing]]:
    batch: list[Listing] = []
    for listing in listings:
        batch.append(listing)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def write_rejects(path: Path, rejects: Sequence[Reject]) -> None:
    """Save rejected records with their reasons, one JSON object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for item in rejects:
            handle.write(json.dumps(reject_row(item), ensure_ascii=False) + "\n")
