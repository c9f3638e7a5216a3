"""Two ``scan`` processes writing overlapping input into one database at once (issue 10,
finding 19): both finish, every listing is stored once, nothing is lost. Real processes,
on one PostgreSQL database and on one SQLite file (WAL, busy timeout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from wildtrace.store import open_store
from wildtrace.store.tables import AnalysisRow, CaptureRow, ListingRow, SelectorRow

#: Listings 0..599 in one file and 200..799 in the other: 400 read by both writers.
FIRST, SECOND = range(0, 600), range(200, 800)


def _write(path: Path, numbers: range) -> None:
    with path.open("w", encoding="utf-8") as out:
        for number in numbers:
            record = {
                "id": str(number % 400),  # the same id on both platforms: two listings
                "platform": "shop-a.example" if number < 400 else "shop-b.example",
                "seller": f"seller{number % 37}",
                "title": f"Carved ivory bangle no. {number}",
                "text": f"Old ivory, no papers. WhatsApp +255 712 345 {number:03d}",
            }
            out.write(json.dumps(record) + "\n")


def _scan_at_once(url: str, tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    _write(first, FIRST)
    _write(second, SECOND)
    open_store(url).close()  # migrated before the race, as a prepared database would be
    env = {**os.environ, "WILDTRACE_HOME": str(tmp_path / "home")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "wildtrace", "scan", str(path), "--db", url, "--out", os.devnull],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        for path in (first, second)
    ]
    results = [process.communicate(timeout=300) for process in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    with open_store(url) as store, store.engine.connect() as conn:
        def count(table: type) -> int:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

        assert count(ListingRow) == 800  # every listing once: 400 ids on each of two platforms
        assert count(AnalysisRow) == 800
        assert count(SelectorRow) == 800  # one phone each: nothing written twice
        assert count(CaptureRow) == 0
        pairs = list(store.load_analyses())
    assert len({listing.key for listing, _ in pairs}) == 800
    assert {listing.title for listing, _ in pairs} == {f"Carved ivory bangle no. {n}" for n in range(800)}


def test_two_scans_into_one_postgresql_database_both_finish(pg_url: str, tmp_path: Path) -> None:
    _scan_at_once(pg_url, tmp_path)


def test_two_scans_into_one_sqlite_file_both_finish(tmp_path: Path) -> None:
    _scan_at_once(f"sqlite:///{tmp_path / 'shared.db'}", tmp_path)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_two_writers_saving_the_same_new_listings_store_each_once(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The race itself, six times over: both processes save the same new listings, batch
    by batch at the same moments (insert-or-update, never a unique violation)."""
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else f"sqlite:///{tmp_path / 'w.db'}"
    open_store(url).close()
    script = """
import sys, time
from wildtrace.model import Analysis, Detection, Listing, Selector
from wildtrace.store import open_store
url, start, who = sys.argv[1], float(sys.argv[2]), sys.argv[3]
with open_store(url) as store:
    for batch, first in enumerate(range(0, 900, 150)):
        time.sleep(max(0.0, start + batch * 1.0 - time.time()))  # both writers at once, each batch
        pairs = [(Listing(str(n), "shop.example", title=f"{who} {n}"),
                  Analysis(str(n), Detection(0.9, True), (Selector("phone", "+1", "+1", "text", 0, 2),),
                           "en", who)) for n in range(first, first + 150)]
        store.save_batch(pairs)
"""
    import time

    start = time.time() + 3
    processes = [
        subprocess.Popen([sys.executable, "-c", script, url, str(start), who], stderr=subprocess.PIPE)
        for who in ("a", "b")
    ]
    errors = [process.communicate(timeout=120)[1].decode(errors="replace") for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    with open_store(url) as store, store.engine.connect() as conn:
        for table in (ListingRow, AnalysisRow, SelectorRow):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 900
