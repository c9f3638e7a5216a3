"""Listings per second per core of ``wildtrace spark scan`` in local mode, beside the process pool.

The corpus: the bundled demo records (JSON lines), repeated with fresh ids up to --listings,
in one JSONL file. Both runners read that file and analyse every listing with the same
threshold: the process pool (``scanning.run_scan`` with --cores workers, no store, no rows
written) and Spark (``local[CORES]``, Parquet rows written, as ``spark scan`` does). Spark's
session start is timed apart from the job. Wall seconds are the figure that counts for a
user; the pool's CPU seconds (this process and its workers) are printed beside them, since
the machine is shared and noisy (compare medians). Usage:

    .venv/bin/python benchmarks/spark_scan.py [--listings 100000] [--cores 2] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from wildtrace.cli import demo_inputs
from wildtrace.pipeline import DEFAULT_THRESHOLD, prepare
from wildtrace.runners.spark import spark_scan, spark_session
from wildtrace.scanning import ScanTotals, run_scan


def write_corpus(path: Path, size: int) -> int:
    """``size`` demo records with fresh ids; returns the file's size in bytes."""
    lines = demo_inputs()[0].read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for number in range(size):
            record = {**records[number % len(records)], "id": f"bench-{number}"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    prepare()
    folder = Path(tempfile.mkdtemp(prefix="wildtrace-spark-bench-"))
    try:
        corpus = folder / "listings.jsonl"
        size = write_corpus(corpus, args.listings)
        print(f"corpus: {args.listings:,} listings, {size / 1e6:.1f} MB JSONL; {args.cores} cores; "
              f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip

        pool_wall, pool_cpu = [], []
        for _ in range(args.runs):
            cpu, start = cpu_seconds(), time.perf_counter()
            totals = run_scan([corpus], threshold=DEFAULT_THRESHOLD, workers=args.cores, totals=ScanTotals())
            pool_wall.append(time.perf_counter() - start)
            pool_cpu.append(cpu_seconds() - cpu)
            assert totals.read == args.listings
        wall, cpu = statistics.median(pool_wall), statistics.median(pool_cpu)
        print(f"process pool ({args.cores} workers): {wall:.1f} s wall, {cpu:.1f} s CPU; "
              f"{args.listings / wall:,.0f} listings/s, {args.listings / wall / args.cores:,.0f} per core")

        start = time.perf_counter()
        spark = spark_session(f"local[{args.cores}]", app="wildtrace-bench")
        print(f"spark session start: {time.perf_counter() - start:.1f} s")
        spark_wall = []
        try:
            for run in range(args.runs):
                start = time.perf_counter()
                out = str(folder / f"out-{run}")
                result = spark_scan(spark, [str(corpus)], out, threshold=DEFAULT_THRESHOLD,
                                    partitions=args.cores * 4)  # fmt: skip
                spark_wall.append(time.perf_counter() - start)
                assert result.read == args.listings, result
        finally:
            spark.stop()
        wall = statistics.median(spark_wall)
        print(f"spark local[{args.cores}] (job, Parquet written): {wall:.1f} s wall; "
              f"{args.listings / wall:,.0f} listings/s, {args.listings / wall / args.cores:,.0f} per core")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
