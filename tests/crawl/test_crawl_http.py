"""Crawls of the demo marketplace over real HTTP on loopback, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FAST, Served, run_cli
from crawl_helpers import (
    check_captures_match_warc,
    events,
    query,
    responses,
    summary,
    warc_records,
)

from wildtrace.demo.site.server import PER_PAGE
from wildtrace.evidence.custody import CustodyLog
from wildtrace.store import open_store


def public_listing_urls(served: Served) -> set[str]:
    return {
        f"{served.url}{served.site.listing_path(row['id'])}"
        for row in served.site.listings
        if row["id"] != served.site.private_id
    }


def test_generic_crawl_captures_every_listing_as_evidence(
    demo_site: Served, crawl_dirs: tuple[Path, str]
) -> None:
    out, db = crawl_dirs
    run = run_cli("crawl", f"{demo_site.url}/", *FAST, "--depth", "4", "--out-dir", str(out), "--db", db)
    assert run.code == 0, run.stderr
    stored = {url for (url,) in query(db, "select url from listings")}
    assert stored == public_listing_urls(demo_site)  # search pages, pagination and seller pages followed
    # robots.txt obeyed: the disallowed listing is linked from the home page but never fetched
    assert demo_site.site.hits(f"/private/listing/{demo_site.site.private_id}") == 0
    assert any(e["kind"] == "robots" and "/private/" in e["url"] for e in events(out))
    # every response archived, with SHA-256 digests; the store's hashes match the WARC payloads
    records = warc_records(out)
    archived = [r for r in records if r["type"] == "response"]
    assert len(archived) == summary(out)["fetched"]
    assert all(r["payload_digest"].startswith("sha256:") for r in archived)
    assert check_captures_match_warc(out, db) == len(stored)
    requests = [r for r in records if r["type"] == "request"]
    assert requests and all("WildTrace/" in r["headers"].get_header("User-Agent") for r in requests)
    # the three markups were all read, and the pages were analysed
    sources = {
        source
        for (extra,) in query(db, "select extra from listings")
        for source in (json.loads(extra) if isinstance(extra, str) else extra)["fields_from"].values()
    }
    assert {"json-ld", "microdata", "page"} <= sources
    assert query(db, "select count(*) from analyses")[0][0] == len(stored)
    assert query(db, "select count(*) from analyses where flagged")[0][0] > 0
    # a custody entry per capture, and an intact chain
    with open_store(db) as store:
        log = CustodyLog(store)
        assert log.verify().ok
        assert sum(1 for e in log.entries() if e.action == "capture") == len(archived)


def test_max_pages_stops_the_crawl_early(demo_site: Served, crawl_dirs: tuple[Path, str]) -> None:
    out, db = crawl_dirs
    run = run_cli(
        "crawl",
        f"{demo_site.url}/",
        *FAST,
        "--concurrency",
        "1",
        "--max-pages",
        "5",
        "--out-dir",
        str(out),
        "--db",
        db,
    )
    assert run.code == 0, run.stderr
    assert summary(out)["finish_reason"] == "max_pages"
    (limit,) = [e for e in events(out) if e["kind"] == "limit"]
    assert "--max-pages 5 reached" in limit["reason"] and summary(out)["refusals"]["max-pages"] == 1
    # robots.txt, plus requests already queued for download (at most CONCURRENT_REQUESTS, 8)
    assert 1 + 5 <= len(responses(out)) <= 1 + 5 + 8
    assert len(responses(out)) < len(demo_site.site.listings)


def test_profile_crawl_uses_searches_pagination_and_selectors(
    demo_site: Served, crawl_dirs: tuple[Path, str], tmp_path: Path
) -> None:
    out, db = crawl_dirs
    port = demo_site.url.rsplit(":", 1)[1]
    profile = tmp_path / "market.yaml"
    profile.write_text(
        f"""
name: marche
start_urls: []
search:
  url: "{demo_site.url}/search?q={{keyword}}"
  keywords: ["a"]
links:
  listing: ["a.listing-link"]
  pagination: ["a[rel=next]"]
fields:
  title: "h1.listing-title"
  price: "xpath:(//p[contains(@class, 'listing-price')]//text()[normalize-space()])[last()]"
  seller: "a.listing-seller"
  images: "img.listing-photo::attr(src)"
""",
        encoding="utf-8",
    )
    run = run_cli(
        "crawl", "--profile", str(profile), *FAST, "--depth", "10", "--out-dir", str(out), "--db", db
    )
    assert run.code == 0, run.stderr
    fetched = {r["url"] for r in responses(out)}
    matching = [
        row
        for row in demo_site.site.listings
        if "a" in f"{row['title']} {row['text']}".casefold() and row["id"] != demo_site.site.private_id
    ]
    pages = -(-len(matching) // PER_PAGE)
    assert pages >= 2 and f"{demo_site.url}/search?q=a&page={pages}" in fetched
    assert not any("/seller/" in url for url in fetched)  # only the profile's links are followed
    rows = query(
        db,
        "select l.title, l.price, a.seller, l.extra from listings l join accounts a on a.id = l.account_id",
    )
    assert len(rows) == len(matching)
    by_title = {row[0]: row for row in rows}
    for listing in matching:
        _, price, seller, extra = by_title[listing["title"]]
        assert (price or "", seller) == (listing["price"] or "", listing["seller"])
        assert (json.loads(extra) if isinstance(extra, str) else extra)["fields_from"]["title"] == "profile"
    assert port  # the profile named the test server's own port


def test_recrawl_records_changes_and_takedowns(demo_site: Served, crawl_dirs: tuple[Path, str]) -> None:
    out, db = crawl_dirs
    site = demo_site.site
    args = ["crawl", f"{demo_site.url}/", *FAST, "--depth", "4", "--out-dir", str(out), "--db", db]
    first = run_cli(*args)
    assert first.code == 0, first.stderr
    repriced, gone, removed = site.listings[0]["id"], site.listings[1]["id"], site.listings[2]["id"]
    site.set_price(repriced, "999 USD")
    site.take_down(gone, "404")
    site.take_down(removed, "removed")
    second = run_cli(*args)  # same out-dir: the first crawl finished, so this is a new crawl
    assert second.code == 0, second.stderr
    crawl_ids = {e["crawl_id"] for e in events(out)}
    later = [e for e in events(out) if e["crawl_id"] == summary(out)["crawl_id"]]
    assert len(crawl_ids) == 2
    changed = {e["url"].rsplit("/", 1)[1]: e for e in later if e["kind"] == "changed"}
    assert changed[repriced]["changes"]["price"]["after"] == "999 USD"
    takedowns = {e["url"].rsplit("/", 1)[1]: e["reason"] for e in later if e["kind"] == "takedown"}
    assert takedowns[gone] == "HTTP 404"
    assert "has been removed" in takedowns[removed]
    assert takedowns[site.vanishing_id] == "HTTP 410"  # the page that disappears after one visit
    # the history: two captures each, the takedown marked, the fields last seen kept
    history = {
        uid: statuses
        for uid, statuses in query(
            db,
            "select l.url, group_concat(c.http_status) from listings l "
            "join captures c on c.listing_id = l.id "
            "group by l.id",
        )
    }
    assert history[f"{demo_site.url}/listing/{repriced}"] == "200,200"
    assert history[f"{demo_site.url}/listing/{gone}"] == "200,404"
    assert history[f"{demo_site.url}/listing/{site.vanishing_id}"] == "200,410"
    ((extra, title),) = query(
        db, "select extra, title from listings where url = :u", u=f"{demo_site.url}/listing/{gone}"
    )
    mark = (json.loads(extra) if isinstance(extra, str) else extra)["takedown"]
    assert mark["http_status"] == 404 and title == site.listings[1]["title"]
    assert check_captures_match_warc(out, db) > 0
