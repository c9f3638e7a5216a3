"""The scan job: read inputs, analyze, write rows, store, and account for every record.

An adapter around the core (it does I/O): the CLI and the demo call ``run_scan``.
Listings are processed in batches; each batch is stored in one transaction, so an
interrupted scan leaves the store consistent and a re-run completes it (already
stored listings are recognised and left unchanged).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from wildtrace.collect import ReadOptions, read_file
from wildtrace.model import Analysis, Listing, ListingKey, Origin, Page, Reject
from wildtrace.output import listing_record, reject_row, scan_row
from wildtrace.parse import CLEANED_KEY as REMOVED_CHARACTERS
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
    #: Listings kept with characters no database can store (NUL) removed: where each was read.
    cleaned: list[str] = field(default_factory=list)
    saved: SaveCounts = field(default_factory=SaveCounts)
    commodities: dict[str, int] = field(default_factory=dict)
    #: WARC pages read, by kind ("listing", "search", "seller", "home", "other").
    pages: dict[str, int] = field(default_factory=dict)


#: Called after each batch is analyzed and stored: (files read, listings done).
Progress = Callable[[int, int], None]


def read_listings(
    files: Sequence[Path],
    totals: ScanTotals,
    on_reject: Callable[[Reject], None] | None = None,
    options: ReadOptions | None = None,
) -> Iterator[Listing]:
    """The listings of ``files`` in order; rejects (bad records, duplicate listings) are
    counted in ``totals`` and passed to ``on_reject``.

    Listings are told apart by ``Listing.key`` (platform, id): "123" on two platforms is
    two listings. A second listing with a key already read is rejected as a duplicate,
    except a new capture of a page already captured (other bytes): that is the listing's
    history, kept as evidence (the store shows the latest by capture time).
    """
    first_seen: dict[ListingKey, Origin | None] = {}
    captures: dict[ListingKey, set[str]] = {}  # key -> SHA-256 of each capture read
    for done, path in enumerate(files, start=1):
        for item in read_file(path, options):
            if isinstance(item, Reject):
                _reject(totals, item, on_reject)
                continue
            if isinstance(item, Page):  # kept in its WARC as evidence, not analysed
                totals.pages[item.kind] = totals.pages.get(item.kind, 0) + 1
                continue
            if item.capture is not None and item.capture.warc_file is not None:
                totals.pages["listing"] = totals.pages.get("listing", 0) + 1
            sha256 = item.capture.sha256 if item.capture is not None else None
            key = item.key
            if key in first_seen:
                known = captures.get(key)
                if sha256 is None or known is None or sha256 in known:
                    first = first_seen[key]
                    where = f" (first at {first})" if first else ""
                    on = f" on {item.platform}" if item.platform else ""
                    raw = json.dumps(listing_record(item), ensure_ascii=False)
                    origin = item.origin or Origin(str(path))
                    _reject(totals, Reject(origin, f"duplicate id {item.id!r}{where}{on}", raw), on_reject)
                    continue
            first_seen.setdefault(key, item.origin)
            if sha256 is not None:
                captures.setdefault(key, set()).add(sha256)
            totals.read += 1
            if item.extra.get(REMOVED_CHARACTERS):
                totals.cleaned.append(str(item.origin or path))
            yield item
        totals.files = done


def pages_summary(pages: dict[str, int]) -> str:
    """The WARC pages read by kind, for the scan summary ("" when no WARC page was read)."""
    if not pages:
        return ""
    order = ["listing", "search", "seller", "home", "other"]
    kinds = sorted(pages, key=lambda kind: (order.index(kind) if kind in order else len(order), kind))
    shown = ", ".join(f"{pages[kind]:,} {kind}" for kind in kinds)
    return f"WARC pages read: {sum(pages.values()):,} ({shown}); only listing pages are analysed."


def _reject(totals: ScanTotals, item: Reject, on_reject: Callable[[Reject], None] | None) -> None:
    totals.rejected += 1
    if on_reject is not None:
        on_reject(item)


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
    options: ReadOptions | None = None,
) -> ScanTotals:
    """Scan ``files`` in order; rows go to ``out``, listings and rejects to ``store``.

    ``workers`` > 1 analyzes batches in that many processes (results keep input order).
    Rejects are stored with each batch, so an interrupted scan keeps those found so far.
    Pass ``totals`` to keep the counts of a scan that is interrupted part way, and
    ``on_batch`` to receive each analyzed batch (the link command collects them), and
    ``options`` for the user's ``--encoding`` and ``--map`` (``collect.ReadOptions``).
    """
    totals = ScanTotals() if totals is None else totals
    unsaved: list[Reject] = []

    def reject(item: Reject) -> None:
        if on_reject is not None:
            on_reject(item)
        if store is not None:
            unsaved.append(item)
            if len(unsaved) >= BATCH_SIZE:  # a file of bad records
                store.save_rejects(run_id, unsaved)
                unsaved.clear()

    listings = read_listings(files, totals, reject, options)
    for batch, analyses in analyze_batches(_batches(listings), threshold, workers):
        pairs = list(zip(batch, analyses, strict=True))
        if store is not None:
            saved = store.save_batch(pairs)
            totals.saved += replace(saved, conflicts=())
            pairs = _drop_conflicts(pairs, saved.conflicts, totals, reject)
            if unsaved:
                store.save_rejects(run_id, unsaved)
        unsaved.clear()
        if on_batch is not None:
            on_batch(pairs)
        for listing, analysis in pairs:
            if out is not None:
                out.write(json.dumps(scan_row(listing, analysis), ensure_ascii=False) + "\n")
            if analysis.detection.flagged:
                totals.flagged += 1
                for commodity in analysis.detection.commodities:
                    totals.commodities[commodity] = totals.commodities.get(commodity, 0) + 1
        if out is not None:
            out.flush()
        if on_progress is not None:
            on_progress(totals.files, totals.read)
    if store is not None and unsaved:
        store.save_rejects(run_id, unsaved)
    if on_progress is not None:
        on_progress(totals.files, totals.read)
    return totals


def _drop_conflicts(
    pairs: list[tuple[Listing, Analysis]],
    conflicts: tuple[Listing, ...],
    totals: ScanTotals,
    reject: Callable[[Reject], None],
) -> list[tuple[Listing, Analysis]]:
    """Turn listings the store refused into rejects. Since listings are keyed by (platform,
    id) the store refuses none (``SaveCounts.conflicts`` stays empty); kept for callers."""
    if not conflicts:
        return pairs
    refused = {id(listing) for listing in conflicts}
    for listing in conflicts:
        totals.read -= 1
        reason = (f"id {listing.id!r} is already stored for a listing of another platform; "
                  "ids must be unique across platforms (prefix them with the platform)")  # fmt: skip
        raw = json.dumps(listing_record(listing), ensure_ascii=False)
        _reject(totals, Reject(listing.origin or Origin(""), reason, raw), reject)
    return [pair for pair in pairs if id(pair[0]) not in refused]


def _batches(listings: Iterator[Listing]) -> Iterator[list[Listing]]:
    """Batches of BATCH_SIZE; a listing whose id is already in the batch (a new capture
    of the same page) starts a new one, so each capture is stored in order."""
    batch: list[Listing] = []
    keys: set[ListingKey] = set()
    for listing in listings:
        if len(batch) >= BATCH_SIZE or listing.key in keys:
            yield batch
            batch, keys = [], set()
        batch.append(listing)
        keys.add(listing.key)
    if batch:
        yield batch


class RejectsFile:
    """Appends rejected records with their reasons as they come, one JSON object a line,
    so an interrupted scan keeps them. A file left by an earlier run is removed first;
    the file is only created when there is something to write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: TextIO | None = None

    def __enter__(self) -> RejectsFile:
        self.path.unlink(missing_ok=True)
        return self

    def __exit__(self, *_: object) -> None:
        if self._handle is not None:
            self._handle.close()

    def write(self, item: Reject) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        self._handle.write(json.dumps(reject_row(item), ensure_ascii=False) + "\n")
        self._handle.flush()
        self.count += 1
