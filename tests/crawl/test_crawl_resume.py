"""A crawl stopped midway (Ctrl-C / SIGTERM, or SIGKILL) leaves valid WARC files and a consistent
store, and running the same command again completes the work."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from conftest import Served, run_cli, start_cli
from crawl_helpers import check_captures_match_warc, query, summary, warc_files, warc_records

from wildtrace.demo.site import DemoSite
from wildtrace.evidence.archive import complete_members_end


def stored_count(db: str) -> int:
    try:
        return int(query(db, "select count(*) from captures")[0][0])
    except Exception:  # the child has not created the tables yet
        return 0


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_stopped_crawl_is_consistent_and_resumes(crawl_dirs: tuple[Path, str], how: signal.Signals) -> None:
    # no vanishing listing here: a page served once, then gone, is not there for the second run
    site = DemoSite(limit=16, vanishing=False, large_page_bytes=512 * 1024)
    with site.serve() as url:
        check_stop_and_resume(Served(site, url), crawl_dirs, how)


def check_stop_and_resume(demo_site: Served, crawl_dirs: tuple[Path, str], how: signal.Signals) -> None:
    out, db = crawl_dirs
    args = [
        "crawl",
        f"{demo_site.url}/",
        "--allow-private",
        "--delay",
        "0.15",
        "--concurrency",
        "1",
        "--depth",
        "4",
        "--out-dir",
        str(out),
        "--db",
        db,
    ]
    child = start_cli(*args)
    deadline = time.monotonic() + 60
    while stored_count(db) < 4 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.1)
    assert child.poll() is None, "the crawl ended before it could be stopped"
    child.send_signal(how)
    child.communicate(timeout=60)
    public = {
        f"{demo_site.url}{demo_site.site.listing_path(row['id'])}"
        for row in demo_site.site.listings
        if row["id"] != demo_site.site.private_id
    }
    first = {url for (url,) in query(db, "select url from listings")}
    assert first and first < public  # stopped midway
    # every stored capture points at a whole record in the WARC files, with the same SHA-256
    for path in warc_files(out):
        end = complete_members_end(path)
        assert end > 0 and (how == signal.SIGKILL or end == path.stat().st_size)
    if how == signal.SIGTERM:
        assert summary(out)["finish_reason"] == "shutdown"
        assert not any(p.name.endswith(".open") for p in warc_files(out))
        check_captures_match_warc(out, db)
    else:
        for warc_file, offset in query(db, "select warc_file, warc_offset from captures"):
            (path,) = [p for p in warc_files(out) if p.name.removesuffix(".open") == Path(warc_file).name]
            assert offset < complete_members_end(path)
    # run the same command again: the crawl completes, in the same crawl id
    crawl_id = (out / "crawl.json").read_text(encoding="utf-8")
    resumed = run_cli(*args[:4], "0", *args[5:])  # no delay this time
    assert resumed.code == 0, resumed.stderr
    assert summary(out)["finish_reason"] == "finished"
    assert summary(out)["crawl_id"] in crawl_id
    assert {url for (url,) in query(db, "select url from listings")} == public
    assert not any(p.name.endswith(".open") for p in warc_files(out))
    warc_records(out)  # every file reads from start to end
    assert check_captures_match_warc(out, db) >= len(public)
