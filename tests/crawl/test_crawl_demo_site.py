"""The demo marketplace itself: pages, markups, robots.txt, control endpoints, the CLI command."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import Served

from wildtrace.parse import parse_listing_html


def get(url: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_listing_pages_in_three_markups_read_back_to_the_corpus(demo_site: Served) -> None:
    site = demo_site.site
    sources = set()
    for row in site.listings[:3]:
        status, page = get(demo_site.url + site.listing_path(row["id"]))
        assert status == 200
        listing = parse_listing_html(page, demo_site.url + site.listing_path(row["id"]))
        source = listing.extra["fields_from"]["title"]
        assert listing.title == row["title"]
        # plain HTML names the seller in words ("Seller: <a class=listing-seller>"): read too
        assert listing.seller == row["seller"]
        sources.add(source)
    assert sources == {"json-ld", "microdata", "page"}


def test_robots_search_pagination_and_control(demo_site: Served) -> None:
    site, url = demo_site.site, demo_site.url
    assert "Disallow: /private/" in get(url + "/robots.txt")[1]
    status, page = get(url + "/search?q=")
    assert status == 200 and 'rel="next"' in page and "page=2" in page
    first = site.listings[0]["id"]
    assert get(f"{url}/_control/takedown/{first}?how=410", "POST")[0] == 200
    assert get(url + site.listing_path(first))[0] == 410
    assert get(f"{url}/_control/takedown/{first}?how=removed", "POST")[0] == 200
    assert "has been removed" in get(url + site.listing_path(first))[1]
    assert get(f"{url}/_control/takedown/nope", "POST")[0] == 404
    vanishing = site.listing_path(str(site.vanishing_id))
    assert [get(url + vanishing)[0] for _ in range(2)] == [200, 410]


def test_hostile_looking_values_are_escaped(demo_site: Served) -> None:
    site = demo_site.site
    row = dict(site.listings[2], title='<script>alert("x")</script>', seller="a&b")
    page = site.listing(row, 2)
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "a&amp;b" in page


def test_the_demo_site_command_serves_until_stopped() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "wildtrace", "demo-site", "--port", "0", "--limit", "10"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        line = child.stderr.readline()
        assert "Demo marketplace on http://127.0.0.1:" in line
        base = line.split(" on ", 1)[1].split("/ ", 1)[0]
        deadline = time.monotonic() + 10
        while True:
            try:
                assert get(base + "/")[0] == 200
                break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    pytest.fail("the demo site did not answer")
                time.sleep(0.1)
    finally:
        child.terminate()
        child.wait(timeout=10)
