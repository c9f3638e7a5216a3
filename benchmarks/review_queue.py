"""How long ``wildtrace review queue`` takes to choose 50 listings on a large store.

    .venv/bin/python benchmarks/review_queue.py [--listings 10000 100000] [--limit 50]

For each size, a fresh store is filled with synthetic analysed listings (scores spread
over 0-1, a third with no lexicon match, 5 platforms, 3 languages, 4 commodities) and 1%
of them labelled; then the queue is built as the command builds it (read the unlabelled
candidates page by page, choose, read the chosen listings), median of 3, wall and CPU
time (``time.process_time``: this process only; the database server's time on PostgreSQL
is in the wall time). SQLite in a temporary folder; PostgreSQL in a temporary database on
``WILDTRACE_TEST_PG`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test) if reachable.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.detect import choose_queue
from wildtrace.model import Analysis, Detection, Listing, Match
from wildtrace.store import Store, open_store
from wildtrace.store.labels import NewLabel, add_labels, queue_candidates, queue_listings

RUNS = 3
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COMMODITIES = ("ivory", "pangolin", "rosewood", "rhino_horn")
LANGUAGES = ("en", "fr", "vi")


def synthetic(start: int, count: int) -> list[tuple[Listing, Analysis]]:
    pairs = []
    for i in range(start, start + count):
        uid = f"bench-{i:07d}"
        matched = i % 3 != 0
        score = ((i * 7919) % 1000) / 1000 if matched else ((i * 31) % 100) / 1000
        commodity = COMMODITIES[i % 4]
        listing = Listing(
            id=uid,
            platform=f"market{i % 5}.example",
            url=f"https://market{i % 5}.example/item/{i}",
            seller=f"seller_{i % 2000}",
            title=f"Carved {commodity} bangle no. {i}" if matched else f"Wooden chair no. {i}",
            text="Old piece, no papers needed, WhatsApp for price. " * 3,
            price=f"USD {100 + i % 900}",
        )
        matches = (Match(commodity, "title", 7, 7 + len(commodity), "en", commodity),) if matched else ()
        analysis = Analysis(
            listing_id=uid,
            detection=Detection(
                score=score,
                flagged=score >= 0.5,
                commodities=(commodity,) if matched else (),
                matches=matches,
            ),
            language=LANGUAGES[i % 3],
            analyzer_version="bench-1",
        )
        pairs.append((listing, analysis))
    return pairs


def fill(store: Store, count: int) -> None:
    """``count`` listings, 1% of them labelled."""
    for start in range(0, count, 2000):
        store.save_batch(synthetic(start, min(2000, count - start)))
    labels = [NewLabel(f"market{i % 5}.example:bench-{i:07d}", "no", "bench") for i in range(0, count, 100)]
    add_labels(store, labels)


def build_queue(store: Store, limit: int) -> tuple[int, int]:
    """The queue as ``review queue`` builds it; (candidates read, listings chosen)."""
    candidates = [candidate for page in queue_candidates(store) for candidate in page]
    chosen = choose_queue(candidates, limit, 0.5, seed=0)
    shown = queue_listings(store, [choice.candidate.key for choice in chosen])
    return len(candidates), len(shown)


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgresql_database(base_url: str) -> Iterator[str]:
    name = f"wildtrace_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(label: str, url: str, count: int, limit: int) -> None:
    with open_store(url) as store:
        started = time.perf_counter()
        fill(store, count)
        filled = time.perf_counter() - started
        walls, cpus = [], []
        for _ in range(RUNS):
            wall, cpu = time.perf_counter(), time.process_time()
            read, shown = build_queue(store, limit)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    print(
        f"{label:<11} {count:>8,} listings: queue of {shown} from {read:,} unlabelled in "
        f"{statistics.median(walls):6.2f} s wall, {statistics.median(cpus):6.2f} s CPU "
        f"(median of {RUNS}; filling the store took {filled:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    pg_url = os.environ.get("WILDTRACE_TEST_PG") or DEFAULT_PG
    probe = create_engine(pg_url, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            pg_reason = None
    except SQLAlchemyError as exc:
        pg_reason = str(getattr(exc, "orig", exc)).strip()
    finally:
        probe.dispose()
    for count in args.listings:
        with sqlite_database() as url:
            report("SQLite", url, count, args.limit)
        if pg_reason is not None:
            shown = make_url(pg_url).render_as_string(hide_password=True)
            print(f"PostgreSQL  skipped: not reachable at {shown}: {pg_reason}")
            continue
        with postgresql_database(pg_url) as url:
            report("PostgreSQL", url, count, args.limit)


if __name__ == "__main__":
    main()
