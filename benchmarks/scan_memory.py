"""Peak memory of reading a large JSONL file the way `scan` does, with the duplicate-id check
bounded (``collect/seen.py``: keys on disk past 250,000) and, for comparison, unbounded.

Generates --listings small listings with unique ids (about 250 bytes each) and reads them
through ``scanning.read_listings`` (parse, check, count: everything `scan` holds per
listing read; analysis and storing keep nothing per listing and are left out, or a
million listings would take an hour here). Each reading runs in its own process so its
peak resident memory (``ru_maxrss``) is its own. Usage:

    .venv/bin/python benchmarks/scan_memory.py [--listings 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wildtrace.collect.seen import SEEN_LIMIT
from wildtrace.scanning import ScanTotals, read_listings

#: "Unbounded": more keys than any file here holds, so they all stay in memory.
UNBOUNDED = 10**12


def read_once(source: Path, limit: int) -> None:
    """(In the child process.) Read the file; print listings read, seconds, peak RSS in MiB."""
    totals = ScanTotals()
    started = time.perf_counter()
    for _ in read_listings([source], totals, seen_limit=limit):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"read": totals.read, "rejected": totals.rejected,
                      "seconds": time.perf_counter() - started, "peak_mib": peak}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        read_once(Path(args.child[0]), int(args.child[1]))
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
          f"Python {platform.python_version()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "large.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for i in range(args.listings):
                record = {"id": f"L-{i:09d}", "platform": f"market{i % 7}.example",
                          "seller": f"seller_{i % 50_000}", "title": f"Carved bangle no. {i}",
                          "text": "Old carved bangle, heavy, collected in 1970s. " * 3,
                          "price": f"USD {100 + i % 900}"}  # fmt: skip
                handle.write(json.dumps(record) + "\n")
        size = source.stat().st_size
        print(f"file: {args.listings:,} listings, {size / 2**20:,.0f} MiB of JSONL")
        for label, limit in (("bounded", SEEN_LIMIT), ("unbounded", UNBOUNDED)):
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(source), str(limit)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            result = json.loads(child.stdout)
            shown = f"{limit:,} keys in memory" if limit < UNBOUNDED else "every key in memory"
            print(f"{label:<9} ({shown}): peak {result['peak_mib']:,.0f} MiB, "
                  f"{result['read']:,} read in {result['seconds']:,.0f} s "
                  f"({result['read'] / result['seconds']:,.0f} listings/s)")  # fmt: skip


if __name__ == "__main__":
    main()
