"""Does a watchlist of 1,000,000 values slow ``scan``? (issue 13: by no more than 5 %.)

Every batch a scan stores is matched against the watchlists in the saving transaction
(``store.alerts.raise_alerts``: one ``SELECT ... LIMIT 1`` probe asking whether any entry
exists; then the batch's selector values and seller names looked up on
``ix_watch_entries_value``, ``IN`` chunks of 900 on SQLite, one ``= ANY`` array on
PostgreSQL; then the alerts inserted). This script measures what that costs.

- Input: --listings listings as JSONL, the demo listings repeated with fresh ids, each with
  a contact line of its own (a Vietnamese mobile, an email, a Telegram handle, and every
  fourth an Ethereum address), so every text is new and every listing has identifiers; 1 %
  of them carry one value that is on the watchlist (so that many alerts must be raised).
- Watchlist: --entries already-normalised values (40 % E.164 phones, 30 % emails, 20 %
  Telegram handles, 10 % Ethereum addresses; a sample is checked against
  ``extract.identify``), put on one list with ``watchlists.add_entries``; the time that takes
  is printed (with --import-csv also the time of ``wildtrace watch import`` of the same
  values as a CSV file, in a subprocess, identifying every row).
- Stores: two prepared once per engine, one empty and one holding the watchlist. Each run
  scans into a fresh copy (SQLite: a copy of the prepared file; PostgreSQL: ``CREATE
  DATABASE ... TEMPLATE`` the prepared database, after ``ANALYZE``), so building the
  watchlist is never timed.
- Runs: one untimed warm-up scan (with the watchlist; its batches are kept for the profile),
  then --runs runs of each, alternating (no watchlist, watchlist), each with
  ``scanning.scan_inputs`` as the scan command runs it (``scan_throughput.py`` does the same)
  with --workers processes (default: the scan command's default), analysis caches emptied.
  Printed: median wall seconds of each, the slowdown in %, the median CPU seconds of the
  parent process (it does the storing and the matching; less noisy than wall time on a shared
  machine), the alerts raised, and PASS/FAIL against the 5 % budget on the wall medians (on a
  shared machine runs of one kind can spread by more than the budget: see the profile).
- Profile: ``raise_alerts`` alone over the scan's own batches (500 listings) against the
  stored listings, in a transaction rolled back afterwards (median of --runs passes), and
  its parts: the probe, the look-ups, ``insert_alerts`` (the parts re-run the
  probe and look-up queries of ``raise_alerts`` here, so keep them in step). Its total as a
  share of the scan without a watchlist gets a PASS/FAIL of its own.

Usage:

    .venv/bin/python benchmarks/watch_speed.py [--listings 20000] [--entries 1000000] [--runs 3]
                                               [--workers N] [--pg] [--import-csv]

PostgreSQL (--pg) uses ``WILDTRACE_TEST_PG`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
to create and drop its own databases.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from scan_speed import demo_listings, forget
from scan_throughput import pg_reachable
from sqlalchemy import create_engine, delete, make_url, or_, select, text
from sqlalchemy.engine import Engine
from store_write import DEFAULT_PG

from wildtrace.extract import Identifier, identify
from wildtrace.model import Analysis, Listing
from wildtrace.pipeline import prepare
from wildtrace.runners import default_workers
from wildtrace.scanning import BATCH_SIZE, scan_inputs
from wildtrace.store import open_store
from wildtrace.store.alerts import CHUNK, insert_alerts, raise_alerts, value_in
from wildtrace.store.people import agency_viewer
from wildtrace.store.tables import ListingRow, PlatformRow
from wildtrace.store.tables_watch import AlertRow, WatchEntryRow
from wildtrace.store.watchlists import WatchEntry, add_entries

BUDGET = 0.05
#: Share of the watchlist of each type (the rest are Ethereum addresses).
SHARES = (("phone", 0.4), ("email", 0.3), ("telegram", 0.2))
#: One listing in HIT_EVERY carries a watchlisted value.
HIT_EVERY = 100

Batch = list[tuple[int, Listing, Analysis]]


# -- data --------------------------------------------------------------------------------------


def _eth(tag: str, i: int) -> str:
    return "0x" + hashlib.sha1(f"{tag}-{i}".encode()).hexdigest()


def watch_value(kind: str, j: int) -> str:
    """The ``j``-th watchlisted value of ``kind``, normalised as ``extract.identify`` does.
    Listing values (``listing_values``) come from other ranges, so they never collide."""
    if kind == "phone":
        return f"+8491{j:07d}"
    if kind == "email":
        return f"w{j:07d}@mail-{j % 50}.example"
    if kind == "telegram":
        return f"wt_{j:07d}"
    return _eth("watch", j)


def watch_counts(entries: int) -> dict[str, int]:
    counts = {kind: int(entries * share) for kind, share in SHARES}
    counts["eth"] = entries - sum(counts.values())
    return counts


def watchlist(entries: int) -> list[WatchEntry]:
    return [
        WatchEntry(Identifier(kind, watch_value(kind, j)), source_ref=f"bench:{kind}:{j}")
        for kind, count in watch_counts(entries).items()
        for j in range(count)
    ]


def check_normalised(entries: int, sample: int = 200) -> None:
    """Values generated directly must be what ``identify`` makes of them, or nothing matches."""
    for kind, count in watch_counts(entries).items():
        for j in range(0, count, max(1, count // sample)):
            value = watch_value(kind, j)
            got = identify("wallet" if kind == "eth" else kind, value)
            if got != Identifier(kind, value):
                raise SystemExit(f"generated watch value {value!r} normalises to {got}")


def corpus(size: int, entries: int) -> tuple[list[Listing], int]:
    """The demo listings with fresh ids and a contact line each; one in HIT_EVERY with one
    watchlisted value instead of its own. Returns the listings and the alerts expected."""
    base = demo_listings()
    counts = watch_counts(entries)
    kinds = [kind for kind in counts if counts[kind] > 0]
    out, hits = [], 0
    for i in range(size):
        item = base[i % len(base)]
        phone, email, handle = f"+8498{i:07d}", f"s{i:07d}@shop-{i % 97}.example", f"st_{i:07d}"
        wallet = _eth("listing", i) if i % 4 == 0 else ""
        if i % HIT_EVERY == 0 and kinds:
            kind = kinds[(i // HIT_EVERY) % len(kinds)]
            value = watch_value(kind, (i * 7919) % counts[kind])
            hits += 1
            if kind == "phone":
                phone = value
            elif kind == "email":
                email = value
            elif kind == "telegram":
                handle = value
            else:
                wallet = value
        shown = f"+84 {phone[3:5]} {phone[5:8]} {phone[8:]}"
        contact = f"WhatsApp {shown} · Telegram @{handle} · {email}" + (f" · ETH {wallet}" if wallet else "")
        out.append(replace(item, id=f"watch-bench-{i:07d}", text=f"{item.text or ''}\n{contact}"))
    return out, hits


def write_jsonl(listings: list[Listing], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for item in listings:
            record = {"id": item.id, "platform": item.platform, "url": item.url, "seller": item.seller,
                      "seller_info": item.seller_info, "title": item.title, "text": item.text,
                      "price": item.price, "location": item.location,
                      "posted_at": item.posted_at}  # fmt: skip
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_csv(entries: int, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["value", "type"])
        for kind, count in watch_counts(entries).items():
            writer.writerows((watch_value(kind, j), kind) for j in range(count))


# -- databases ---------------------------------------------------------------------------------


class Stores(Protocol):
    """Where the prepared stores live and how a fresh copy of one is made."""

    label: str

    def prepare(self, name: str) -> str:
        """The URL of a new, empty store ``name`` to fill."""

    def seal(self, name: str) -> None:
        """Store ``name`` is complete: make it ready to be copied."""

    def copy(self, name: str) -> AbstractContextManager[str]:
        """The URL of a fresh copy of ``name``, removed afterwards."""

    def close(self) -> None:
        """Remove the prepared stores."""


class SQLiteStores:
    label = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.copies = 0

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.db"

    def prepare(self, name: str) -> str:
        return f"sqlite:///{self._path(name)}"

    def seal(self, name: str) -> None:
        with sqlite3.connect(self._path(name)) as db:  # fold the WAL into the file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()

    @contextmanager
    def copy(self, name: str) -> Iterator[str]:
        self.copies += 1
        target = self.folder / f"run-{self.copies}.db"
        shutil.copyfile(self._path(name), target)
        try:
            yield f"sqlite:///{target}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass  # the temporary folder goes with the script


class PostgresStores:
    label = "PostgreSQL"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.prefix = f"wildtrace_watchbench_{uuid.uuid4().hex[:8]}"
        self.admin: Engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []

    def _url(self, database: str) -> str:
        return make_url(self.base_url).set(database=database).render_as_string(hide_password=False)

    def _create(self, database: str, template: str | None = None) -> None:
        with self.admin.connect() as conn:
            conn.execute(
                text(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))
            )
        self.made.append(database)

    def _drop(self, database: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

    def prepare(self, name: str) -> str:
        database = f"{self.prefix}_{name}"
        self._create(database)
        return self._url(database)

    def seal(self, name: str) -> None:
        engine = create_engine(self._url(f"{self.prefix}_{name}"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:  # what autovacuum would have done by the time of a scan
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()

    @contextmanager
    def copy(self, name: str) -> Iterator[str]:
        database = f"{self.prefix}_run_{uuid.uuid4().hex[:8]}"
        self._create(database, template=f"{self.prefix}_{name}")
        try:
            yield self._url(database)
        finally:
            self._drop(database)

    def close(self) -> None:
        for database in self.made:
            self._drop(database)
        self.admin.dispose()


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    parent_cpu: float
    alerts: int


@dataclass
class Results:
    plain: list[Run] = field(default_factory=list)
    watched: list[Run] = field(default_factory=list)


def scan_once(
    source: Path, url: str, workers: int, folder: Path, on_batch: Callable[..., None] | None = None
) -> Run:
    forget()
    with open_store(url) as store:
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = scan_inputs([source], threshold=0.5, rejects_path=folder / "rejects.jsonl", store=store,
                              out=folder / "rows.jsonl", workers=workers, on_batch=on_batch)  # fmt: skip
        run = Run(time.perf_counter() - wall, time.process_time() - cpu, outcome.totals.saved.alerts)
    totals = outcome.totals
    if totals.read == 0 or totals.saved.new != totals.read:
        raise SystemExit(f"scan stored {totals.saved.new} of {totals.read} listings read")
    return run


def build(stores: Stores, entries: int) -> float:
    """The two prepared stores; returns the seconds ``add_entries`` took for the watchlist."""
    with open_store(stores.prepare("plain")):
        pass
    stores.seal("plain")
    values = watchlist(entries)
    with open_store(stores.prepare("watched")) as store:
        started = time.perf_counter()
        result = add_entries(store, values, agency_viewer(store, None), "bench", source="bench")
        seconds = time.perf_counter() - started
    if result.added != entries:
        raise SystemExit(f"add_entries added {result.added} of {entries} entries")
    stores.seal("watched")
    return seconds


def stored_batches(url: str, batches: list[list[tuple[Listing, Analysis]]]) -> list[Batch]:
    with open_store(url) as store, store.engine.connect() as conn:
        ids = {
            (platform_name, uid): row_id
            for row_id, platform_name, uid in conn.execute(
                select(ListingRow.id, PlatformRow.name, ListingRow.uid).join(
                    PlatformRow, PlatformRow.id == ListingRow.platform_id
                )
            )
        }
    return [
        [(ids[(listing.platform or "", listing.id)], listing, analysis) for listing, analysis in batch]
        for batch in batches
    ]


def _values(batch: Batch) -> list[str]:
    """The values ``raise_alerts`` looks up for a batch (identifiers and seller names)."""
    from wildtrace.extract import IDENTIFIER_TYPES

    out: dict[str, None] = {}
    for _, listing, analysis in batch:
        for selector in analysis.selectors:
            if selector.type in IDENTIFIER_TYPES:
                out[selector.value] = None
        if listing.seller:
            out[listing.seller.casefold()] = None
    return list(out)


def profile(url: str, batches: list[Batch], passes: int) -> dict[str, float]:
    """Median milliseconds per batch of ``raise_alerts`` and of its parts, each pass in a
    transaction that first deletes the stored alerts and is rolled back at the end."""
    per_pass: dict[str, list[float]] = {"raise_alerts": [], "probe": [], "lookup": [], "insert": []}
    with open_store(url) as store, store.engine.connect() as conn:
        for _ in range(passes):
            with conn.begin() as tx:
                conn.execute(delete(AlertRow))
                started = time.perf_counter()
                for batch in batches:
                    raise_alerts(conn, batch)
                per_pass["raise_alerts"].append(time.perf_counter() - started)
                tx.rollback()
            with conn.begin() as tx:
                conn.execute(delete(AlertRow))
                probe = lookup = insert = 0.0
                for batch in batches:
                    t0 = time.perf_counter()
                    conn.execute(select(WatchEntryRow.id).limit(1)).first()
                    t1 = time.perf_counter()
                    now = datetime.now(UTC)
                    values = _values(batch)
                    hits: list[tuple[int, str, str, str]] = []
                    step = max(len(values), 1) if conn.dialect.name == "postgresql" else CHUNK
                    for start in range(0, len(values), step):
                        hits.extend((eid, etype, value, plat) for eid, etype, value, plat in conn.execute(
                            select(WatchEntryRow.id, WatchEntryRow.type, WatchEntryRow.value,
                                   WatchEntryRow.platform)
                            .where(value_in(conn, values[start : start + step]),
                                   or_(WatchEntryRow.valid_until.is_(None), WatchEntryRow.valid_until > now))
                        ))  # fmt: skip
                    t2 = time.perf_counter()
                    row_of = {s.value: row_id for row_id, _, a in batch for s in a.selectors}
                    found = [
                        (row_of[value], eid, etype, value) for eid, etype, value, _ in hits if value in row_of
                    ]
                    insert_alerts(conn, found, now)
                    t3 = time.perf_counter()
                    probe, lookup, insert = probe + t1 - t0, lookup + t2 - t1, insert + t3 - t2
                per_pass["probe"].append(probe)
                per_pass["lookup"].append(lookup)
                per_pass["insert"].append(insert)
                tx.rollback()
    return {name: statistics.median(seconds) / len(batches) * 1000 for name, seconds in per_pass.items()}


def time_import(stores: Stores, entries: int, folder: Path) -> float:
    """Seconds of ``wildtrace watch import`` of the watchlist as a CSV file into an empty store."""
    path = folder / "watchlist.csv"
    write_csv(entries, path)
    cli = Path(sys.executable).with_name("wildtrace")
    with stores.copy("plain") as url:
        started = time.perf_counter()
        done = subprocess.run([str(cli), "watch", "import", str(path), "--list", "bench", "--db", url],
                              capture_output=True, text=True, check=False)  # fmt: skip
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"watch import failed ({done.returncode}): {done.stderr or done.stdout}")
    path.unlink()
    return seconds


def measure(stores: Stores, args: argparse.Namespace, source: Path, folder: Path, expected: int) -> None:
    label = stores.label
    print(f"{label}: building the stores (schema; schema + {args.entries:,} watch entries) ...", flush=True)
    seconds = build(stores, args.entries)
    print(
        f"  add_entries of {args.entries:,} values: {seconds:.1f} s ({args.entries / seconds:,.0f} entries/s)"
    )
    if args.import_csv:
        imported = time_import(stores, args.entries, folder)
        print(
            f"  wildtrace watch import of a {args.entries:,}-row CSV (CLI, identify per row): "
            f"{imported:.1f} s"
        )
    collected: list[list[tuple[Listing, Analysis]]] = []
    with stores.copy("watched") as url:  # warm-up, untimed; its batches feed the profile
        warm = scan_once(source, url, args.workers, folder, on_batch=collected.append)
        batches = stored_batches(url, collected)
        parts = profile(url, batches, args.runs)
    results = Results()
    for r in range(args.runs):
        order = ("plain", "watched") if r % 2 == 0 else ("watched", "plain")
        for name in order:
            with stores.copy(name) as url:
                run = scan_once(source, url, args.workers, folder)
            (results.plain if name == "plain" else results.watched).append(run)
            print(f"  run {r + 1} {name:<8} {run.wall:6.1f} s wall, parent {run.parent_cpu:6.1f} s CPU, "
                  f"{run.alerts} alerts", flush=True)  # fmt: skip
    plain = statistics.median(run.wall for run in results.plain)
    watched = statistics.median(run.wall for run in results.watched)
    plain_cpu = statistics.median(run.parent_cpu for run in results.plain)
    watched_cpu = statistics.median(run.parent_cpu for run in results.watched)
    slowdown = watched / plain - 1
    alerts = statistics.median(run.alerts for run in results.watched)
    verdict = "PASS" if slowdown <= BUDGET else "FAIL"
    print(
        f"{label} scan of {args.listings:,} listings, {args.workers} worker(s), median of {args.runs}:\n"
        f"  no watchlist:        {plain:6.1f} s wall ({args.listings / plain:,.0f} listings/s), "
        f"parent {plain_cpu:5.1f} s CPU\n"
        f"  {args.entries:>9,} entries:  {watched:6.1f} s wall ({args.listings / watched:,.0f} listings/s), "
        f"parent {watched_cpu:5.1f} s CPU\n"
        f"  slowdown: {slowdown:+.1%} wall, {watched_cpu / plain_cpu - 1:+.1%} parent CPU; "
        f"alerts raised {alerts:,.0f} (expected {expected:,}; warm-up {warm.alerts:,}); "
        f"{verdict} (budget {BUDGET:.0%} wall)"
    )
    total = parts["raise_alerts"] * len(batches) / 1000
    print(
        f"  raise_alerts alone, per batch of {BATCH_SIZE} ({len(batches)} batches, "
        f"median of {args.runs} passes): {parts['raise_alerts']:.1f} ms, {total:.2f} s per scan "
        f"= {total / plain:.1%} of the plain scan's wall: {'PASS' if total / plain <= BUDGET else 'FAIL'} "
        f"(the steadier measure when wall times spread more than the budget)\n"
        f"    probe {parts['probe']:.2f} ms, look-ups {parts['lookup']:.1f} ms "
        f"(SQLite: {CHUNK} values per IN; PostgreSQL: one = ANY array), "
        f"insert_alerts {parts['insert']:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=1_000_000, help="watchlist values")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="as the scan command's default"
    )
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL (WILDTRACE_TEST_PG)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--import-csv", action="store_true", help="also time `wildtrace watch import`")
    args = parser.parse_args()
    check_normalised(args.entries)
    prepare()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip
    listings, expected = corpus(args.listings, args.entries)
    engines: list[Callable[[Path], Stores]] = []
    if not args.no_sqlite:
        engines.append(SQLiteStores)
    if args.pg:
        pg_url = os.environ.get("WILDTRACE_TEST_PG") or DEFAULT_PG
        why = pg_reachable(pg_url)
        if why is None:
            engines.append(lambda _folder: PostgresStores(pg_url))
        else:
            print(f"PostgreSQL skipped: {why}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "listings.jsonl"
        write_jsonl(listings, source)
        print(f"input: {len(listings):,} listings ({source.stat().st_size / 1e6:.1f} MB of JSONL), "
              f"{expected:,} carrying a watchlisted value; scan batches of {BATCH_SIZE}")  # fmt: skip
        for make in engines:
            stores = make(folder)
            try:
                measure(stores, args, source, folder, expected)
            finally:
                stores.close()


if __name__ == "__main__":
    main()
