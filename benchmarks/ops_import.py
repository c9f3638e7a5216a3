"""Operation import and report speed: rows per second read, stored, and the report time.

Writes a synthetic operation of ``--lines`` seizure lines (default 50,000: the demo
generator's patterns, repeated with new references), then for each of ``--repeat`` runs
on a fresh database: reads and checks the CSV, stores it, re-imports it (all lines
already stored), and builds the report (JSON data) and renders it as text and HTML.
Prints the median of each figure. Usage:

    .venv/bin/python benchmarks/ops_import.py [--lines 50000] [--repeat 3] [--db URL]

With ``--db postgresql+psycopg://...`` each run uses that database (its ops tables are
emptied first); without, a new SQLite file per run.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from wildtrace.ops.importer import read_seizures
from wildtrace.ops.report import build_report, render_html, render_text
from wildtrace.ops.store import save_rows
from wildtrace.store import open_store
from wildtrace.store.tables_operations import OperationRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from make_ops_demo import HEADER, make_rows


def write_operation(path: Path, lines: int) -> None:
    """``lines`` seizure lines: the demo's 400, repeated with fresh references."""
    base = make_rows()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(lines):
            row = dict(base[index % len(base)])
            row["reference"] = f"B-{index:06d}"
            row["date"] = row["date"].isoformat()  # type: ignore[attr-defined]
            writer.writerow([row[name] for name in HEADER])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", default=None, help="database URL [default: a new SQLite file per run]")
    args = parser.parse_args()

    figures: dict[str, list[float]] = {
        "read": [],
        "store": [],
        "reimport": [],
        "report": [],
        "text": [],
        "html": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "operation.csv"
        write_operation(source, args.lines)
        for run in range(args.repeat):
            url = args.db or f"sqlite:///{folder}/run{run}.db"
            with open_store(url) as store:
                with store.engine.begin() as connection:
                    connection.execute(delete(OperationRow))  # cascades to the ops tables
                started = time.perf_counter()
                result = read_seizures(source)
                figures["read"].append(time.perf_counter() - started)
                assert not result.rejects, result.rejects[:3]
                started = time.perf_counter()
                saved = save_rows(store, "BENCH", result.rows)
                figures["store"].append(time.perf_counter() - started)
                assert saved.new == args.lines, saved
                started = time.perf_counter()
                again = save_rows(store, "BENCH", result.rows)
                figures["reimport"].append(time.perf_counter() - started)
                assert again.new == 0
                started = time.perf_counter()
                report = build_report(store, "BENCH")
                figures["report"].append(time.perf_counter() - started)
                assert report is not None and report["seizure_lines"] == args.lines
                started = time.perf_counter()
                render_text(report)
                figures["text"].append(time.perf_counter() - started)
                started = time.perf_counter()
                render_html(report)
                figures["html"].append(time.perf_counter() - started)
                shown = store.url
    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"ops import benchmark: {args.lines:,} seizure lines, median of {args.repeat} runs, {shown}")
    print(f"  read + check CSV : {median['read']:7.2f} s  {args.lines / median['read']:10,.0f} rows/s")
    print(f"  store            : {median['store']:7.2f} s  {args.lines / median['store']:10,.0f} rows/s")
    skip = median["reimport"]
    print(f"  re-import (skip) : {skip:7.2f} s  {args.lines / skip:10,.0f} rows/s")
    print(f"  report (data)    : {median['report']:7.2f} s")
    print(f"  render text      : {median['text']:7.2f} s")
    print(f"  render HTML      : {median['html']:7.2f} s")


if __name__ == "__main__":
    main()
