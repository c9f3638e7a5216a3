"""scrapy-redis: two workers share one crawl through a real Redis (queue + duplicate filter)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from conftest import Served, start_cli
from crawl_helpers import check_captures_match_warc, query, responses

from wildtrace.store import open_store

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix(missing_service: Callable[[str], None]) -> Iterator[str]:
    """A key prefix of our own in the real Redis, removed after the test."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        missing_service(f"Redis not reachable at {REDIS_URL}: {exc}")
    prefix = f"wildtrace-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_two_workers_share_one_queue_and_fetch_each_page_once(
    demo_site: Served, tmp_path: Path, pg_url: str, redis_prefix: str
) -> None:
    open_store(pg_url).close()  # migrate once: two processes migrating a new database at once race
    workers = []
    for name in ("a", "b"):
        if workers:  # the second machine joins a crawl under way
            deadline = time.monotonic() + 60
            while not (tmp_path / "a" / "crawl-events.jsonl").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        workers.append(
            start_cli(
                "crawl",
                f"{demo_site.url}/",
                "--allow-private",
                "--delay",
                "0.5",
                "--concurrency",
                "1",
                "--depth",
                "4",
                "--redis",
                REDIS_URL,
                "--redis-key",
                redis_prefix,
                "--crawl-id",
                "shared-crawl",
                "--out-dir",
                str(tmp_path / name),
                "--db",
                pg_url,
            )
        )
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    fetched = {
        name: [r["url"] for r in responses(tmp_path / name) if not r["url"].endswith("/robots.txt")]
        for name in ("a", "b")
    }
    assert fetched["a"] and fetched["b"], "both workers took pages from the shared queue"
    counts = Counter(fetched["a"] + fetched["b"])
    assert max(counts.values()) == 1, "the shared duplicate filter let a page be fetched twice"
    public = {
        f"{demo_site.url}{demo_site.site.listing_path(row['id'])}"
        for row in demo_site.site.listings
        if row["id"] != demo_site.site.private_id
    }
    assert {url for (url,) in query(pg_url, "select url from listings")} == public
    for name in ("a", "b"):  # the workers' WARC files side by side, as the shared store refers to both
        for path in (tmp_path / name / "warc").iterdir():
            path.rename(tmp_path / path.name)
    (tmp_path / "warc").mkdir()
    for path in tmp_path.glob("*.warc.gz"):
        path.rename(tmp_path / "warc" / path.name)
    assert check_captures_match_warc(tmp_path, pg_url) >= len(public)
