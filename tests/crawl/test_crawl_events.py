"""The events file is the crawl's one journal: every refusal and fault is an event, and the summary
and the exit status are counted from the events, not by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_cli
from crawl_helpers import events, query, summary
from crawl_refusal_site import LISTING_TITLE, RefusalSite

from wildtrace.parse import url_id


@pytest.fixture
def refusal_site() -> RefusalSite:
    return RefusalSite(slow_seconds=3.0, big_bytes=256 * 1024)


def by_kind(out: Path) -> dict[str, dict[str, dict[str, object]]]:
    found: dict[str, dict[str, dict[str, object]]] = {}
    for event in events(out):
        found.setdefault(str(event["kind"]), {})[str(event["url"])] = event
    return found


def test_every_refusal_and_cap_is_an_event(
    refusal_site: RefusalSite, crawl_dirs: tuple[Path, str], tmp_path: Path
) -> None:
    out, db = crawl_dirs
    with refusal_site.serve() as base:
        port = refusal_site.port
        profile = tmp_path / "p.yaml"
        profile.write_text(
            f"start_urls: ['{base}/']\nallowed_domains: [127.0.0.1, 127.0.0.2, unresolvable.invalid]\n",
            encoding="utf-8",
        )
        run = run_cli(
            "crawl", "--profile", str(profile), "--allow-network", "127.0.0.1", "--delay", "0",
            "--concurrency", "8", "--depth", "2", "--timeout", "1", "--retries", "0",
            "--max-size", str(64 * 1024), "--out-dir", str(out), "--db", db,
        )  # fmt: skip
        hits = dict(refusal_site.hits)
    assert "Traceback" not in run.stderr
    assert run.code == 1, run.stderr  # the caps and the DNS failure lost three pages: the user must act
    kinds = by_kind(out)
    assert set(kinds["robots"]) == {f"{base}/private/secret"}
    # off-site: the followed link and the redirect hop are both refused, and said so
    offsite = kinds["offsite"]
    assert set(offsite) == {f"http://localhost:{port}/elsewhere", f"http://localhost:{port}/linked-away"}
    assert offsite[f"http://localhost:{port}/elsewhere"]["redirected_from"] == f"{base}/go-away"
    assert "localhost" in str(offsite[f"http://localhost:{port}/linked-away"]["reason"])
    assert set(kinds["refused"]) == {f"http://127.0.0.2:{port}/redirected", f"http://127.0.0.2:{port}/direct"}
    assert set(kinds["depth"]) == {f"{base}/d3"}
    assert "depth 3" in str(kinds["depth"][f"{base}/d3"]["reason"])
    faults = kinds["fault"]
    assert set(faults) == {f"{base}/big", f"{base}/slow", f"http://unresolvable.invalid:{port}/x"}
    assert faults[f"{base}/big"]["rule"] == "size-cap"
    assert faults[f"{base}/slow"]["rule"] == "time-cap"
    assert faults[f"http://unresolvable.invalid:{port}/x"]["rule"] == "dns"
    assert hits.get("/d3", 0) == 0 and hits.get("/private/secret", 0) == 0
    # the summary is the events counted
    counted = Counter(str(e["kind"]) for e in events(out))
    done = summary(out)
    assert done["faults"] == counted["fault"] == 3
    assert done["refusals"] == {
        "robots": 1, "offsite": 2, "private-address": 2, "depth": 1, "max-pages": 0, "duplicate-redirect": 0,
    }  # fmt: skip
    assert done["listings"] == counted["stored"] == 1 and done["flagged"] == 1
    assert done["fetched"] == counted["archived"]
    assert "3 faults" in run.stderr and "2 off-site" in run.stderr and "1 beyond --depth" in run.stderr


def test_the_same_id_on_another_platform_is_its_own_listing(
    refusal_site: RefusalSite, crawl_dirs: tuple[Path, str], tmp_path: Path
) -> None:
    """Listings are keyed by (platform, id): a crawled page whose id is stored for another platform
    is stored beside it, not refused, and is never compared with that platform's listing."""
    out, db = crawl_dirs
    with refusal_site.serve() as base:
        url = f"{base}/item/1"
        seed = tmp_path / "seed.jsonl"
        record = {"id": url_id(url), "platform": "elsewhere.example", "title": "a carved bangle", "url": url}
        seed.write_text(json.dumps(record) + "\n", encoding="utf-8")
        scanned = run_cli("scan", str(seed), "--db", db, "--out", str(tmp_path / "scan.jsonl"))
        assert scanned.code == 0, scanned.stderr
        run = run_cli(
            "crawl", url, "--allow-private", "--delay", "0", "--depth", "0", "--out-dir", str(out), "--db", db
        )
    assert run.code == 0, run.stdout + run.stderr
    kinds = [e["kind"] for e in events(out)]
    assert "fault" not in kinds and "changed" not in kinds  # not compared with the other platform's
    (stored,) = [e for e in events(out) if e["kind"] == "stored"]
    assert stored["outcome"] == "new"
    done = summary(out)
    assert (done["listings"], done["new"], done["faults"]) == (1, 1, 0)
    titles = sorted(title for (title,) in query(db, "select title from listings"))
    assert titles == sorted(["a carved bangle", LISTING_TITLE])


NO_WARC = """
import json, sys
from pathlib import Path
from wildtrace.crawl import CrawlConfig
from wildtrace.crawl.config import scrapy_settings
from wildtrace.crawl.runner import run_crawl

config = CrawlConfig(start_urls=(sys.argv[1],), out_dir=Path(sys.argv[2]), db_url=sys.argv[3],
                     depth=0, allow_private=True, delay=0)
middlewares = dict(scrapy_settings(config)["DOWNLOADER_MIDDLEWARES"])
middlewares["wildtrace.crawl.middlewares.WarcMiddleware"] = None  # pages arrive without a capture
config = CrawlConfig(**{**{f: getattr(config, f) for f in config.__dataclass_fields__},
                        "extra_settings": {"DOWNLOADER_MIDDLEWARES": middlewares}})
result = run_crawl(config)
print(json.dumps({"faults": result.totals.faults, "listings": result.totals.listings,
                  "exit_status": result.exit_status}))
"""


def test_a_listing_page_without_a_capture_is_a_counted_fault(
    refusal_site: RefusalSite, crawl_dirs: tuple[Path, str]
) -> None:
    out, db = crawl_dirs
    with refusal_site.serve() as base:
        done = subprocess.run(
            [sys.executable, "-c", NO_WARC, f"{base}/item/1", str(out), db],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"faults": 1, "listings": 0, "exit_status": 1}
    (fault,) = [e for e in events(out) if e["kind"] == "fault"]
    assert "without an archived capture" in fault["reason"]
    assert summary(out)["faults"] == 1
    assert query(db, "select count(*) from listings") == [(0,)]


def test_depth_zero_crawls_only_the_start_pages(
    refusal_site: RefusalSite, crawl_dirs: tuple[Path, str]
) -> None:
    """``--depth 0`` was Scrapy's DEPTH_LIMIT 0, "no limit": it crawled the whole site."""
    out, db = crawl_dirs
    with refusal_site.serve() as base:
        run = run_cli(
            "crawl",
            f"{base}/",
            "--allow-private",
            "--delay",
            "0",
            "--depth",
            "0",
            "--out-dir",
            str(out),
            "--db",
            db,
        )
        hits = dict(refusal_site.hits)
    assert run.code == 0, run.stderr
    assert set(hits) == {"/robots.txt", "/"}
    deep = {e["url"] for e in events(out) if e["kind"] == "depth"}
    assert f"{base}/item/1" in deep and f"{base}/d1" in deep
    assert summary(out)["refusals"]["depth"] == len(deep)


@pytest.mark.parametrize("status", ["503", "hang-up", "404"])
def test_an_unreachable_robots_txt_disallows_the_host(crawl_dirs: tuple[Path, str], status: str) -> None:
    """RFC 9309: robots.txt answering 5xx means "disallow everything" (Scrapy read the error page
    as rules and crawled the site); a 4xx means there are no rules."""
    out, db = crawl_dirs
    site = RefusalSite(robots=status)
    with site.serve() as base:
        run = run_cli(
            "crawl", f"{base}/", "--allow-private", "--delay", "0", "--depth", "1", "--retries", "0",
            "--timeout", "1", "--out-dir", str(out), "--db", db,
        )  # fmt: skip
        hits = dict(site.hits)
    assert "Traceback" not in run.stderr
    if status in ("503", "hang-up"):
        assert run.code == 0, run.stderr
        assert set(hits) == {"/robots.txt"}
        (refusal,) = [e for e in events(out) if e["kind"] == "robots"]
        assert refusal["url"] == f"{base}/"
        why = "HTTP 503" if status == "503" else "DownloadFailedError"
        assert f"robots.txt unreachable ({why}" in refusal["reason"] and "RFC 9309" in refusal["reason"]
        assert summary(out)["refusals"]["robots"] == 1
    else:
        assert hits.get("/") == 1 and hits.get("/private/secret") == 1  # no rules: allowed
        assert not [e for e in events(out) if e["kind"] == "robots"]
