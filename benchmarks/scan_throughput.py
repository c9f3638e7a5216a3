"""Throughput of the scan path: analyze_batch alone, and read + analyze + store (SQLite).

The corpus is the bundled demo listings, repeated with fresh ids up to --listings.
Prints the median of --runs runs. Usage:

    .venv/bin/python benchmarks/scan_throughput.py [--listings 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from wildtrace.cli import demo_inputs
from wildtrace.collect import read_file
from wildtrace.model import Listing
from wildtrace.pipeline import analyze_batch
from wildtrace.runners import default_workers
from wildtrace.scanning import run_scan
from wildtrace.store import open_store


def corpus(size: int) -> list[Listing]:
    base = [item for item in read_file(demo_inputs()[0]) if isinstance(item, Listing)]
    return [replace(base[i % len(base)], id=f"bench-{i}") for i in range(size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    listings = corpus(args.listings)
    megabytes = sum(len(json.dumps([x.title, x.text, x.seller_info]).encode()) for x in listings) / 1e6
    analyze_batch(listings[:50])  # load the lexicon and the language model once
    analyze_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        analyze_batch(listings)
        analyze_times.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for item in listings:
                record = {"id": item.id, "platform": item.platform, "seller": item.seller,
                          "title": item.title, "text": item.text, "seller_info": item.seller_info,
                          "price": item.price, "location": item.location}  # fmt: skip
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        workers_list = sorted({1, default_workers()})
        scan_times_by: dict[int, list[float]] = {w: [] for w in workers_list}
        for run in range(args.runs):
            for workers in workers_list:
                with open_store(f"sqlite:///{folder}/run{run}-{workers}.db") as store:
                    start = time.perf_counter()
                    run_scan([source], threshold=0.5, store=store, workers=workers)
                    scan_times_by[workers].append(time.perf_counter() - start)
    analyze_s = statistics.median(analyze_times)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"corpus: {len(listings):,} listings, {megabytes:.1f} MB of text fields")
    print(f"analyze_batch (detect + extract + language), 1 process: "
          f"{len(listings) / analyze_s:,.0f} listings/s ({megabytes / analyze_s:.2f} MB/s), "
          f"median of {args.runs}")  # fmt: skip
    for workers, times in scan_times_by.items():
        print(f"scan JSONL -> analyze -> SQLite store, {workers} worker process(es): "
              f"{len(listings) / statistics.median(times):,.0f} listings/s, median of {args.runs}")


if __name__ == "__main__":
    main()
