"""How fast the store takes analysed listings: listings/s for new and for unchanged batches.

    .venv/bin/python benchmarks/store_write.py [--listings 10000] [--batch 500]

Synthetic listings (2 matches, 2 selectors and a capture each), a fresh database per run,
median of 3 runs. SQLite in a temporary folder; PostgreSQL in a temporary database on
``WILDTRACE_TEST_PG`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test) if reachable.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.model import Analysis, Capture, Detection, Listing, Match, Origin, Selector, Taxon
from wildtrace.store import open_store

RUNS = 3
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def synthetic(count: int) -> list[tuple[Listing, Analysis]]:
    pairs = []
    for i in range(count):
        uid = f"bench-{i:07d}"
        phone = f"+2557{i % 100000000:08d}"
        listing = Listing(
            id=uid,
            platform=f"market{i % 5}.example",
            url=f"https://market{i % 5}.example/item/{i}",
            seller=f"seller_{i % 2000}",
            seller_info="Member since 2019, 120 sales",
            title=f"Carved ivory bangle no. {i}",
            text=f"Old ivory and pangolin scales, no papers needed. WhatsApp {phone}. " * 3,
            price=f"USD {100 + i % 900}",
            location="Dar es Salaam",
            posted_at="2024-03-01",
            images=(f"https://market.example/img/{i}.jpg",),
            extra={"views": i % 97},
            origin=Origin("bench.jsonl", i + 1),
            capture=Capture(
                url=f"https://market{i % 5}.example/item/{i}",
                sha256=hashlib.sha256(uid.encode()).hexdigest(),
                captured_at="2024-03-02T08:15:00Z",
                content_type="text/html",
                http_status=200,
                warc_file="bench.warc.gz",
                warc_offset=i * 4096,
            ),
        )
        analysis = Analysis(
            listing_id=uid,
            detection=Detection(
                score=0.9,
                flagged=i % 3 != 0,
                commodities=("ivory", "pangolin scales"),
                taxa=(Taxon("Loxodonta africana", "I"), Taxon("Manis", "I")),
                matches=(
                    Match("ivory", "title", 7, 12, "en", "ivory"),
                    Match("pangolin scales", "text", 14, 29, "en", "pangolin scales"),
                ),
                legality_cues=("no papers",),
            ),
            selectors=(
                Selector("phone", phone, phone, "text", 60, 73),
                Selector("handle", f"seller_{i % 2000}", f"seller_{i % 2000}", "seller", 0, 11),
            ),
            language="en",
            analyzer_version="bench-1",
        )
        pairs.append((listing, analysis))
    return pairs


def measure(url: str, pairs: list[tuple[Listing, Analysis]], batch: int) -> tuple[float, float]:
    """Listings/s for a first save and for a re-save of the same listings (all unchanged)."""
    rates = []
    with open_store(url) as store:
        for _ in range(2):
            started = time.perf_counter()
            for start in range(0, len(pairs), batch):
                store.save_batch(pairs[start : start + batch])
            rates.append(len(pairs) / (time.perf_counter() - started))
    return rates[0], rates[1]


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


def report(
    label: str,
    database: Callable[[], AbstractContextManager[str]],
    pairs: list[tuple[Listing, Analysis]],
    batch: int,
) -> None:
    new, unchanged = [], []
    for _ in range(RUNS):
        with database() as url:
            first, second = measure(url, pairs, batch)
        new.append(first)
        unchanged.append(second)
    print(
        f"{label:<11} new: {statistics.median(new):8,.0f} listings/s   "
        f"unchanged: {statistics.median(unchanged):8,.0f} listings/s   "
        f"({len(pairs):,} listings, batches of {batch}, median of {RUNS})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    pairs = synthetic(args.listings)

    report("SQLite", sqlite_database, pairs, args.batch)

    pg_url = os.environ.get("WILDTRACE_TEST_PG") or DEFAULT_PG
    shown = make_url(pg_url).render_as_string(hide_password=True)
    probe = create_engine(pg_url, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            pass
    except SQLAlchemyError as exc:
        print(f"PostgreSQL  skipped: not reachable at {shown}: {getattr(exc, 'orig', exc)}")
        return
    finally:
        probe.dispose()
    report("PostgreSQL", lambda: postgresql_database(pg_url), pairs, args.batch)


if __name__ == "__main__":
    main()
