"""The scan job: read inputs, analyze, write rows, store, and account for every record.

An adapter around the core (it does I/O). ``scan_inputs`` is the whole job that the
``scan``, ``link``, ``network`` and ``demo`` commands run: find the files, record the run
and the custody of every file, analyze and store, save the rejects, close the run.
``link_store`` links the stored listings and saves the network with its analysis.

Listings are processed in batches; each batch is stored in one transaction, so an
interrupted scan leaves the store consistent and a re-run completes it (already
stored listings are recognised and left unchanged).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from wildtrace.collect import ReadOptions, find_inputs, read_file
from wildtrace.collect.photos import listing_photos
from wildtrace.collect.seen import SEEN_LIMIT, SeenListings
from wildtrace.config import wildtrace_home
from wildtrace.errors import StoreError, WildTraceError
from wildtrace.link import DEFAULT_MAX_ACCOUNTS, DEFAULT_SEED, AccountGraph, build_graph, link_listings
from wildtrace.model import Analysis, Listing, ListingKey, Network, Origin, Page, Reject, captured_before
from wildtrace.output import listing_record, reject_row, scan_row
from wildtrace.parse import CLEANED_KEY as REMOVED_CHARACTERS
from wildtrace.pipeline import prepare, with_price_fallback
from wildtrace.runners import analyze_batches
from wildtrace.store import RunStatus, SaveCounts, Store
from wildtrace.store.judgements import active_judgements, save_network_accounts

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
    seen_limit: int = SEEN_LIMIT,
) -> Iterator[Listing]:
    """The listings of ``files`` in order; rejects (bad records, duplicate listings) are
    counted in ``totals`` and passed to ``on_reject``.

    Listings are told apart by ``Listing.key`` (platform, id): "123" on two platforms is
    two listings. A second listing with a key already read is rejected as a duplicate,
    except a new capture of a page already captured (other bytes): that is the listing's
    history, kept as evidence (the store shows the latest by capture time). The keys read
    are held in memory up to ``seen_limit``, then on disk (``collect.seen``): a file of
    any size is scanned in bounded memory.
    """
    with SeenListings(seen_limit) as seen:
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
                first = seen.add(item.key, item.origin, sha256)
                if first is not None:
                    where = f" (first at {first.origin})" if first.origin else ""
                    on = f" on {item.platform}" if item.platform else ""
                    raw = json.dumps(listing_record(item), ensure_ascii=False)
                    origin = item.origin or Origin(str(path))
                    _reject(totals, Reject(origin, f"duplicate id {item.id!r}{where}{on}", raw), on_reject)
                    continue
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
    skipped: Sequence[Reject] = (),
    options: ReadOptions | None = None,
    seen_limit: int = SEEN_LIMIT,
    collection_id: int | None = None,
) -> ScanTotals:
    """Scan ``files`` in order; rows go to ``out``, listings and rejects to ``store``.

    ``workers`` > 1 analyzes batches in that many processes (results keep input order).
    Rejects are stored with each batch, so an interrupted scan keeps those found so far.
    Pass ``totals`` to keep the counts of a scan that is interrupted part way, and
    ``on_batch`` to receive each analyzed batch (the link command collects them), and
    ``options`` for the user's ``--encoding`` and ``--map`` (``collect.ReadOptions``);
    ``seen_limit``: keys held in memory by the duplicate check before it moves to disk;
    ``collection_id``: the collection every stored listing is put in (``store.collections``;
    default: the local agency's ``default``).
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

    for item in skipped:  # inputs that are not files to read (a FIFO, a folder that cannot be listed)
        _reject(totals, item, reject)
    listings = read_listings(files, totals, reject, options, seen_limit)
    for batch, analyses in analyze_batches(_batches(listings), threshold, workers):
        pairs = [
            (with_price_fallback(item, analysis), analysis)
            for item, analysis in zip(batch, analyses, strict=True)
        ]
        if store is not None:
            saved = store.save_batch(pairs, collection_id=collection_id)
            totals.saved += saved
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


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector, tuned for the run: what is loaded already (lexicon, models)
    is frozen out of its scans, and it runs after 50,000 new objects instead of 700. A
    scan allocates a dozen objects per listing and frees nearly all of them by reference
    counting, so the default collector spent 20-30% of the parent's time finding nothing
    (``benchmarks/scan_throughput.py``). Workers forked meanwhile inherit the setting."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


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


@dataclass
class ScanOutcome:
    """What ``scan_inputs`` did: the counts, the rejects file (None when nothing was rejected),
    the run in the store, and earlier runs it found abandoned and closed."""

    totals: ScanTotals
    rejects: Path | None
    run_id: int | None = None
    closed_runs: list[int] = field(default_factory=list)


def scan_inputs(
    inputs: Sequence[Path],
    *,
    threshold: float,
    rejects_path: Path,
    store: Store | None = None,
    out: Path | None = None,
    protect: Sequence[Path] = (),
    workers: int = 1,
    totals: ScanTotals | None = None,
    on_files: Callable[[int], None] | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Progress | None = None,
    on_batch: Callable[[list[tuple[Listing, Analysis]]], None] | None = None,
    options: ReadOptions | None = None,
    collection_id: int | None = None,
) -> ScanOutcome:
    """The scan job: every input file analyzed, stored and accounted for.

    Rows go to ``out`` ("-" for stdout), rejects to ``rejects_path`` as they come; the job
    is refused when either of them, or a file in ``protect`` (where the caller will write),
    is one of the inputs. With a ``store``: runs left ``running`` by a process that is gone
    are closed as interrupted, this run is recorded, each file gets a custody ``import``
    entry before it is read, and the run is closed as completed, or as interrupted when
    anything (Ctrl-C, SIGTERM, a database error) stops it. Pass ``totals`` to keep the
    counts of a job that is stopped part way, ``options`` for the user's ``--encoding``
    and ``--map``, and ``collection_id`` for the collection the listings go into.
    """
    totals = ScanTotals() if totals is None else totals
    found = find_inputs(inputs)
    if not found.files:
        shown = ", ".join(str(path) for path in inputs)
        why = "; ".join(f"{reject.origin}: {reject.reason}" for reject in found.skipped[:3])
        found_none = f"no JSONL, CSV, HTML or WARC files found in {shown}"
        raise WildTraceError(found_none + (f" ({why})" if why else ""))
    written = [path for path in (out, *protect) if path is not None and str(path) != "-"]
    refuse_overwriting_inputs(found.files, *written, rejects_path)
    prepare()  # a bad detector model or checklist stops here, before a run is recorded
    outcome = ScanOutcome(totals, None)
    marker: RunMarker | None = None
    if store is not None:
        outcome.closed_runs = close_abandoned_runs(store)
        outcome.run_id = store.start_run([str(path) for path in inputs])

    def progress(done: int, read: int) -> None:
        if marker is not None:
            marker.update(totals)
        if on_progress is not None:
            on_progress(done, read)

    status: RunStatus = "interrupted"
    rejects = RejectsFile(rejects_path)
    try:
        if store is not None and outcome.run_id is not None:
            marker = RunMarker(store, outcome.run_id)
            from wildtrace.evidence.imports import log_imports  # custody: one "import" entry per file

            log_imports(store, found.files, outcome.run_id)
        if on_files is not None:
            on_files(len(found.files))
        with open_out(out) as sink, rejects, fewer_collections():

            def reject(item: Reject) -> None:
                rejects.write(item)
                if on_reject is not None:
                    on_reject(item)

            run_scan(
                found.files, threshold=threshold, out=sink, store=store, run_id=outcome.run_id,
                workers=workers, totals=totals, on_reject=reject, on_progress=progress,
                on_batch=on_batch, skipped=found.skipped, options=options, collection_id=collection_id,
            )  # fmt: skip
        status = "completed"
    finally:
        outcome.rejects = rejects.path if rejects.count else None
        if store is not None and outcome.run_id is not None:
            _finish_run(store, outcome.run_id, totals, status, failing=status != "completed")
        if marker is not None:
            marker.remove()
    return outcome


def _finish_run(store: Store, run_id: int, totals: ScanTotals, status: RunStatus, *, failing: bool) -> None:
    """Close the run; when the job is already failing (the database may be gone), a
    failure to record that must not hide the error that stopped it."""
    try:
        store.finish_run(
            run_id, read=totals.read, stored=totals.saved.stored, unchanged=totals.saved.unchanged,
            rejected=totals.rejected, status=status,
        )  # fmt: skip
    except StoreError:
        if not failing:
            raise


def refuse_overwriting_inputs(files: Sequence[Path], *targets: Path) -> None:
    """``--out`` (or its rejects file) must not be an input: by path, symlink or hard link.
    Compared without following symlink loops (they are never inputs: see ``find_inputs``)."""
    for target in targets:
        where = os.path.realpath(target)
        for path in files:
            same = os.path.realpath(path) == where
            if not same and os.path.exists(target):
                with contextlib.suppress(OSError):
                    same = os.path.samefile(path, target)
            if same:
                raise WildTraceError(f"--out {target} would overwrite the input {path}; choose another file")


@contextlib.contextmanager
def open_out(out: Path | None) -> Iterator[TextIO | None]:
    """The output stream: nothing, stdout for "-", or the file (created with its folder);
    a WildTraceError naming the file when it cannot be written."""
    if out is None:
        yield None
    elif str(out) == "-":
        yield sys.stdout
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            handle = out.open("w", encoding="utf-8")
        except OSError as exc:
            raise WildTraceError(f"{out}: cannot write: {exc.strerror}") from exc
        with handle:
            yield handle


# -- runs left behind ------------------------------------------------------------------------
# A scan killed outright (SIGKILL, power cut) cannot close its run. While it runs it keeps a
# marker file (its process, and its counts after every batch) under WILDTRACE_HOME/runs; the
# next scan into the same store on this machine closes a run whose process is gone.


class RunMarker:
    """The marker file of one running scan: who runs it, and its counts so far. Advisory:
    where it cannot be written (a read-only WILDTRACE_HOME), the scan runs without it."""

    def __init__(self, store: Store, run_id: int) -> None:
        pid = os.getpid()
        self._process = {"pid": pid, "start": _process_start(pid), "host": socket.gethostname()}
        self.path: Path | None = None
        try:
            folder = _markers_folder()
            folder.mkdir(parents=True, exist_ok=True)
        except (OSError, WildTraceError):
            return
        self.path = folder / f"{_store_key(store)}-{run_id}.json"
        self.update(ScanTotals())

    def update(self, totals: ScanTotals) -> None:
        if self.path is None:
            return
        counts = {"read": totals.read, "stored": totals.saved.stored, "unchanged": totals.saved.unchanged,
                  "rejected": totals.rejected}  # fmt: skip
        partial = self.path.with_name(self.path.name + ".part")
        try:
            partial.write_text(json.dumps({**self._process, **counts}), encoding="utf-8")
            os.replace(partial, self.path)
        except OSError:
            self.path = None

    def remove(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)


def close_abandoned_runs(store: Store) -> list[int]:
    """Close as interrupted the runs of this store left ``running`` by a scan on this machine
    whose process is gone (with the counts it had reached); their ids, oldest first."""
    closed: list[int] = []
    try:
        folder = _markers_folder()
    except WildTraceError:
        return closed
    prefix = _store_key(store) + "-"
    for path in sorted(folder.glob(prefix + "*.json")) if folder.is_dir() else []:
        try:
            run_id = int(path.stem[len(prefix) :])
            info = json.loads(path.read_text(encoding="utf-8"))
            pid, start, host = int(info["pid"]), info.get("start"), str(info["host"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a marker, or one being written: left alone
        if host != socket.gethostname() or _running(pid, start):
            continue
        try:
            store.finish_run(
                run_id, read=int(info.get("read", 0)), stored=int(info.get("stored", 0)),
                unchanged=int(info.get("unchanged", 0)), rejected=int(info.get("rejected", 0)),
                status="interrupted",
            )  # fmt: skip
            closed.append(run_id)
        except StoreError:
            pass  # the run is not in this database (it was recreated): only the marker is stale
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    return closed


def _markers_folder() -> Path:
    return wildtrace_home() / "runs"


def _store_key(store: Store) -> str:
    return hashlib.sha256(store.url.encode("utf-8")).hexdigest()[:16]


def _process_start(pid: int) -> str | None:
    """When the process started (Linux clock ticks since boot), so a reused pid is not
    taken for the scan; None where /proc does not say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def _running(pid: int, start: object) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    return start is None or _process_start(pid) in (None, start)


def latest_captures(pairs: Sequence[tuple[Listing, Analysis]]) -> list[tuple[Listing, Analysis]]:
    """One pair per listing (``Listing.key``): the one of its latest capture by
    ``captured_at``, as the store keeps it (``link`` / ``network`` on input files), in the
    order listings were first read. Captures without a time keep reading order (the last read)."""
    latest: dict[ListingKey, tuple[Listing, Analysis]] = {}
    for listing, analysis in pairs:
        kept = latest.get(listing.key)
        if kept is None or not captured_before(listing.capture, kept[0].capture):
            latest[listing.key] = (listing, analysis)
    return list(latest.values())


# -- linking the store -------------------------------------------------------------------------


@dataclass
class LinkedStore:
    """The stored listings, their network and its account graph, as just saved."""

    pairs: list[tuple[Listing, Analysis]]
    network: Network
    graph: AccountGraph


def link_store(
    store: Store,
    max_accounts: int = DEFAULT_MAX_ACCOUNTS,
    allow: Sequence[str] = (),
    seed: int = DEFAULT_SEED,
) -> LinkedStore:
    """Link the stored listings with the analysts' judgements (and their photos, read where
    they can be), and save the network and its analysis (groups, communities,
    centralities) together: every path that saves a network goes through here, so the two
    never disagree."""
    pairs = list(store.load_analyses())
    photos = listing_photos(listing for listing, _ in pairs).by_listing
    network = link_listings(pairs, max_accounts, allow, active_judgements(store), photos)
    graph = build_graph([listing for listing, _ in pairs], network, seed)
    store.save_network(network)
    save_network_accounts(store, graph)
    return LinkedStore(pairs, network, graph)
