"""``wildtrace load``: scan rows written as Parquet (``wildtrace spark scan``) into the store.

The rows become the (Listing, Analysis) pairs they were written from (``runners.parquet``)
and are stored through ``Store.save_batch``, the path ``scan`` stores by: a listing already
stored unchanged is left alone, so loading twice stores nothing twice. The load is
resumable: each file, once stored whole, is listed in a progress file under
WILDTRACE_HOME/loads/ (one per store and folder); a run stopped part way skips the files
listed and re-reads the one it was in (its stored listings are then found unchanged).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from wildtrace.config import wildtrace_home
from wildtrace.errors import InputError, WildTraceError
from wildtrace.runners.parquet import PARTITION_COLUMNS, SCHEMA, pair_from_row
from wildtrace.scanning import BATCH_SIZE
from wildtrace.store import SaveCounts, Store

#: How Spark names a partition whose value is null.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


@dataclass
class LoadTotals:
    """What a load did: files stored now and skipped (stored by an earlier run), rows read."""

    files: int = 0
    skipped: int = 0
    read: int = 0
    saved: SaveCounts = field(default_factory=SaveCounts)


def parquet_files(folder: Path) -> list[Path]:
    """The Parquet files of a scan output, in sorted order (hidden and ``_`` folders skipped)."""
    if not folder.is_dir():
        raise InputError(str(folder), "not a folder of Parquet files (the --out of 'wildtrace spark scan')")
    found = [
        path
        for path in folder.rglob("*.parquet")
        if not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
    ]
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


def partition_values(path: Path, folder: Path) -> dict[str, str | None]:
    """``platform`` and ``day`` from the file's folders (``platform=NAME/day=DAY``), as Spark
    wrote them (escaped; null as ``__HIVE_DEFAULT_PARTITION__``)."""
    values: dict[str, str | None] = {}
    for part in path.relative_to(folder).parts[:-1]:
        name, equals, value = part.partition("=")
        if equals and name in PARTITION_COLUMNS:
            values[name] = None if value == NULL_PARTITION else unquote(value)
    return values


def progress_path(store: Store, folder: Path, collection_id: int | None = None) -> Path:
    """The progress file of loading ``folder`` into ``store`` (into the collection
    ``collection_id``, when given: loading the same folder into another collection reads it again)."""
    scope = f"{store.url}\n{folder.resolve()}" + (f"\n{collection_id}" if collection_id is not None else "")
    key = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return wildtrace_home() / "loads" / f"{key}.jsonl"


def _identity(path: Path, folder: Path) -> dict[str, Any]:
    """A file as the progress file names it: a file rewritten since is loaded again."""
    info = path.stat()
    return {"file": path.relative_to(folder).as_posix(), "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _finished(progress: Path) -> list[dict[str, Any]]:
    if not progress.exists():
        return []
    done = []
    for line in progress.read_text(encoding="utf-8").splitlines():
        try:
            done.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a crash: that file is loaded again
    return done


def _rows(path: Path, folder: Path) -> Iterator[list[dict[str, Any]]]:
    """The rows of one file in batches, with the partition values of its folders."""
    import pyarrow.parquet as pq

    partition = partition_values(path, folder)
    try:
        reader = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises its own kinds for a file that is not Parquet
        raise WildTraceError(f"{path}: cannot read as Parquet: {error}") from error
    missing = [name for name in SCHEMA.names if name not in (*reader.schema_arrow.names, *PARTITION_COLUMNS)]
    if missing:
        raise WildTraceError(f"{path}: not the scan rows of 'wildtrace spark scan' (no {', '.join(missing)})")
    for batch in reader.iter_batches(batch_size=BATCH_SIZE):
        yield [{**row, **partition} for row in batch.to_pylist()]


def load_scan_output(
    store: Store,
    folder: Path,
    *,
    totals: LoadTotals | None = None,
    on_file: Callable[[Path, LoadTotals], None] | None = None,
    collection_id: int | None = None,
) -> LoadTotals:
    """Store every Parquet file under ``folder`` not yet loaded into ``store``; ``totals`` keeps
    the counts of a load stopped part way; ``on_file`` is called after each file is stored;
    the listings go into the collection ``collection_id`` (default: the local ``default``)."""
    totals = LoadTotals() if totals is None else totals
    files = parquet_files(folder)
    if not files:
        raise WildTraceError(f"no Parquet files in {folder}")
    progress = progress_path(store, folder, collection_id)
    done = _finished(progress)
    try:
        progress.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        why = f"{progress.parent}: cannot write the load's progress: {error.strerror}"
        raise WildTraceError(why) from error
    for path in files:
        identity = _identity(path, folder)
        if identity in done:
            totals.skipped += 1
            continue
        for rows in _rows(path, folder):
            pairs = [pair_from_row(row) for row in rows]
            totals.saved += store.save_batch(pairs, collection_id=collection_id)
            totals.read += len(rows)
        with progress.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(identity) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        totals.files += 1
        if on_file is not None:
            on_file(path, totals)
    store.refresh_statistics(totals.saved.new + totals.saved.updated)
    return totals
