"""Crawl-and-analyse speed: the whole demo marketplace, over real HTTP on loopback.

Serves the demo site (``wildtrace.demo.site``: 364 listings in three markups, search with
pagination, seller pages, a 3 MB catalogue page) and runs ``wildtrace crawl`` on it in a child
process, as a user would: every response archived to WARC with SHA-256, every listing page
parsed, analysed and stored (SQLite), a custody entry per capture. No politeness delay
(``--delay 0``, ``--concurrency 8``): this measures WildTrace, not the site. Prints, per run
and as the median of the runs, responses per second and listing pages per second over the
crawl itself (from its summary: start of the crawl to its end, without the process start),
and the wall time including start-up.

    .venv/bin/python benchmarks/crawl_speed.py [--runs 3] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from wildtrace.demo.site import DemoSite


def one_run(url: str, folder: Path) -> tuple[float, float, float, int, int]:
    """(responses/s, listing pages/s, wall seconds, responses, listings) of one crawl."""
    out = folder / "crawl"
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wildtrace",
            "crawl",
            f"{url}/",
            "--allow-private",
            "--delay",
            "0",
            "--concurrency",
            "8",
            "--depth",
            "8",
            "--out-dir",
            str(out),
            "--db",
            f"sqlite:///{folder / 'store.db'}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"crawl failed ({done.returncode}):\n{done.stderr}")
    summary = json.loads((out / "crawl-summary.json").read_text(encoding="utf-8"))
    seconds = (
        datetime.fromisoformat(summary["finished_at"]) - datetime.fromisoformat(summary["started_at"])
    ).total_seconds()
    return (
        summary["fetched"] / seconds,
        summary["listings"] / seconds,
        wall,
        summary["fetched"],
        summary["listings"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="serve only the first N listings")
    args = parser.parse_args()
    site = DemoSite(args.limit, vanishing=False)
    results = []
    with site.serve() as url:
        for number in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory() as folder:
                result = one_run(url, Path(folder))
            results.append(result)
            print(
                f"run {number}: {result[3]} responses, {result[4]} listing pages: "
                f"{result[0]:.1f} responses/s, "
                f"{result[1]:.1f} listing pages/s (wall {result[2]:.1f} s with start-up)"
            )
    print(
        f"median of {len(results)}: {statistics.median(r[0] for r in results):.1f} responses/s, "
        f"{statistics.median(r[1] for r in results):.1f} listing pages/s "
        "crawled, archived, analysed and stored; "
        f"wall {statistics.median(r[2] for r in results):.1f} s"
    )


if __name__ == "__main__":
    main()
