"""`scan` end to end: read a JSONL file, analyse, write the rows, store; SQLite and PostgreSQL.

The corpus is one of ``scan_speed.py``'s (--corpus: ``texts``, the default, every text new, so
the analysis cache answers nothing; ``titles``, distinct titles over repeated texts;
``repeated``, the demo listings padded to about 1 KB and repeated with fresh ids, which the
analysis cache answers 88% of), written once as JSONL. Each run scans it
into a fresh database (SQLite in a temporary folder; PostgreSQL in a temporary
database on ``WILDTRACE_TEST_PG``, default postgresql+psycopg://postgres@127.0.0.1:5432/test,
when reachable) with 1 and 2 worker processes, rows written to a file.

Printed for each, as the median of --runs runs: listings/s of wall time; listings per
CPU second of all the processes (parent and workers: on a shared machine the wall rate
depends on the other jobs, this does not: ``2 x`` it is what two free cores would
give); and the parent's CPU per listing (reading, storing, writing rows: with workers,
the parent is the part that does not scale). Usage:

    .venv/bin/python benchmarks/scan_throughput.py [--listings 20000] [--runs 3] [--engines sqlite,postgresql]
                                                   [--corpus texts|titles|repeated]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

from scan_speed import distinct_texts, distinct_titles, forget, repeated
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from store_write import DEFAULT_PG, postgresql_database, sqlite_database

from wildtrace.model import Listing
from wildtrace.pipeline import prepare
from wildtrace.scanning import scan_inputs
from wildtrace.store import open_store

CORPORA: dict[str, Callable[[int], list[Listing]]] = {
    "texts": distinct_texts,
    "titles": distinct_titles,
    "repeated": repeated,
}


class Run(NamedTuple):
    wall: float
    parent_cpu: float
    workers_cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scan_once(source: Path, url: str, workers: int, rows: Path) -> Run:
    """One scan job (as the scan command runs it: run record, custody, rows, rejects) into a
    fresh store; the workers' CPU is counted when their pool ends, inside the job."""
    forget()  # with 1 worker the parent analyses: an earlier run must not have warmed its caches
    with open_store(url) as store:
        wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        outcome = scan_inputs([source], threshold=0.5, rejects_path=rows.with_suffix(".rejects.jsonl"),
                              store=store, out=rows, workers=workers)  # fmt: skip
        run = Run(time.perf_counter() - wall, time.process_time() - cpu, _children_cpu() - children)
    totals = outcome.totals
    if totals.read == 0 or totals.saved.new != totals.read:
        raise SystemExit(f"scan stored {totals.saved.new} of {totals.read} listings read")
    return run


def pg_reachable(url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    probe = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            return None
    except SQLAlchemyError as exc:
        return str(getattr(exc, "orig", exc)).strip()
    finally:
        probe.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="texts")
    args = parser.parse_args()
    listings = CORPORA[args.corpus](args.listings)
    prepare()  # load the lexicon and the models once, as the scan command does before a run
    pg_url = os.environ.get("WILDTRACE_TEST_PG") or DEFAULT_PG
    databases: dict[str, Callable[[], AbstractContextManager[str]]] = {}
    for engine in args.engines.split(","):
        if engine == "sqlite":
            databases["SQLite"] = sqlite_database
        elif engine == "postgresql":
            why = pg_reachable(pg_url)
            if why is None:
                databases["PostgreSQL"] = lambda: postgresql_database(pg_url)
            else:
                shown = make_url(pg_url).render_as_string(hide_password=True)
                print(f"PostgreSQL skipped: not reachable at {shown}: {why}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for item in listings:
                record = {"id": item.id, "platform": item.platform, "seller": item.seller,
                          "title": item.title, "text": item.text, "seller_info": item.seller_info,
                          "price": item.price, "location": item.location}  # fmt: skip
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        size = source.stat().st_size
        each = size / len(listings)
        mb = size / 1e6
        print(
            f"corpus ({args.corpus}): {len(listings):,} listings, {mb:.1f} MB of JSONL ({each:,.0f} B each)"
        )
        for label, database in databases.items():
            for workers in [int(w) for w in args.workers.split(",")]:
                runs = []
                for _ in range(args.runs):
                    with database() as url:
                        runs.append(scan_once(source, url, workers, Path(folder) / "rows.jsonl"))
                n = len(listings)
                wall = statistics.median(n / run.wall for run in runs)
                per_cpu = statistics.median(n / (run.parent_cpu + run.workers_cpu) for run in runs)
                parent = statistics.median(run.parent_cpu / n * 1e6 for run in runs)
                print(f"scan -> {label:<10} {workers} worker(s): {wall:7,.0f} listings/s wall, "
                      f"{per_cpu:7,.0f} per CPU-s of all processes, parent {parent:5.0f} us CPU/listing "
                      f"(median of {args.runs})")  # fmt: skip


if __name__ == "__main__":
    main()
