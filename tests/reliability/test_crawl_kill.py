"""``kill -9`` in the middle of a crawl of the demo marketplace on loopback, on SQLite and on
PostgreSQL, then the same command again: nothing the killed run reported as stored (a ``stored``
event in ``crawl-events.jsonl``) is lost, nothing is stored twice, and the WARC files and the
custody log still verify."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from wildtrace.demo.site import DemoSite
from wildtrace.evidence.custody import CustodyLog
from wildtrace.store import open_store


def wildtrace(*args: str) -> list[str]:
    return [sys.executable, "-m", "wildtrace", *args]


def crawl_events(out: Path) -> list[dict[str, Any]]:
    path = out / "crawl-events.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for line in lines:
        try:
            found.append(json.loads(line))
        except ValueError:  # the last line of a killed run may be cut short
            continue
    return found


def rows(db: str, sql: str) -> list[Any]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


def test_kill_9_mid_crawl_then_rerun_loses_nothing_and_stores_nothing_twice(
    db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "crawl"
    site = DemoSite(limit=10, vanishing=False, large_page_bytes=64 * 1024)
    with site.serve() as url:
        args = ["crawl", f"{url}/", "--allow-private", "--depth", "4", "--out-dir", str(out), "--db", db_url]
        child = subprocess.Popen(
            wildtrace(*args, "--delay", "0.2", "--concurrency", "1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and child.poll() is None:
            if sum(1 for e in crawl_events(out) if e["kind"] == "stored") >= 3:
                break
            time.sleep(0.05)
        assert child.poll() is None, "the crawl ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        reported = {e["listing"]: e["sha256"] for e in crawl_events(out) if e["kind"] == "stored"}
        public = {
            f"{url}{site.listing_path(row['id'])}" for row in site.listings if row["id"] != site.private_id
        }
        assert 3 <= len(reported) < len(public)  # killed midway

        rerun = subprocess.run(
            wildtrace(*args, "--delay", "0", "--concurrency", "4"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert rerun.returncode == 0, rerun.stderr

    # nothing reported as stored is lost: each listing, with the very capture it was stored with
    stored = {uid: url for uid, url in rows(db_url, "select uid, url from listings")}
    assert set(stored.values()) == public
    captures = rows(
        db_url,
        "select l.uid, c.sha256, c.warc_file, c.warc_offset "
        "from captures c join listings l on l.id = c.listing_id",
    )
    kept = {(uid, sha256) for uid, sha256, _, _ in captures}
    assert all((uid, sha256) in kept for uid, sha256 in reported.items())
    # nothing stored twice: one row per listing, one capture row per (listing, payload), one per WARC record
    assert len(stored) == len(public)
    assert len(kept) == len(captures)
    places = [(Path(warc_file).name, offset) for _, _, warc_file, offset in captures]
    assert len(set(places)) == len(places)
    assert rows(db_url, "select count(*) from analyses")[0][0] == len(public)

    # the WARC files (the killed run's too) and the custody log verify
    assert not list((out / "warc").glob("*.open"))
    verify = subprocess.run(
        wildtrace("evidence", "verify", "--db", db_url, "--archives", str(out / "warc")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    with open_store(db_url) as store:
        assert CustodyLog(store).verify().ok
