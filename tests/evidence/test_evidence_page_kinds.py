"""A WARC from another tool (wget --warc-file) of a small marketplace: every page is read and kept,
but only listing pages become listings, and the summary counts pages by kind (finding 14)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace import cli
from wildtrace.collect import read_file
from wildtrace.model import Listing, Page
from wildtrace.parse.html import parse_listing_html
from wildtrace.parse.page import PageKind, page_kind

runner = CliRunner()


def product(name: str, price: str) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": name,
            "description": f"{name}, real ivory, ship nationwide",
            "offers": {"@type": "Offer", "price": price, "priceCurrency": "VND",
                       "seller": {"@type": "Person", "name": "ngavoi_hn"}}}  # fmt: skip
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def offer_card(number: int) -> str:
    return (
        f'<div itemscope itemtype="https://schema.org/Product"><a href="/item/{number}">'
        f'<span itemprop="name">Vong nga voi {number}</span></a>'
        f'<span itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        f'<span itemprop="price">{number}000000</span></span></div>'
    )


PAGES: dict[str, str] = {
    "https://market.test/": "<html><title>Market</title><body><h1>Welcome to Market</h1>"
    '<a href="/search?q=nga+voi">search</a></body></html>',
    "https://market.test/search?q=nga+voi": "<html><title>Search: nga voi</title><body><h1>10 results</h1>"
    + "".join(offer_card(n) for n in range(1, 11))
    + "</body></html>",
    "https://market.test/seller/ngavoi_hn": "<html><title>ngavoi_hn's shop</title><body><h1>ngavoi_hn</h1>"
    + "".join(offer_card(n) for n in range(1, 4))
    + "</body></html>",
    "https://market.test/item/1": "<html><head><title>Vong nga voi 1</title>"
    + product("Vong nga voi 1", "3500000")
    + "</head><body><h1>Vong nga voi 1</h1><p>Nga voi that</p></body></html>",
    "https://market.test/item/2": "<html><head><title>Vong nga voi 2</title></head>"
    "<body><h1>Vong nga voi 2</h1><p>Nga voi that, 2 trieu</p></body></html>",
    "https://market.test/vong-nga-voi-3.html": "<html><head><title>Vong nga voi 3</title>"
    + product("Vong nga voi 3", "4200000")
    + "</head><body><h1>Vong nga voi 3</h1><p>Nga voi that</p></body></html>",
    "https://market.test/about": "<html><title>About</title><body><p>A marketplace.</p></body></html>",
}


def wget_warc(path: Path) -> Path:
    """Shaped like `wget --warc-file`: uncompressed here, request before response, warcinfo first."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Wget/1.21.3"}))
        for url, html in PAGES.items():
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "market.test")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            payload = io.BytesIO(html.encode("utf-8"))
            writer.write_record(
                writer.create_warc_record(url, "response", payload=payload, http_headers=http)
            )
    return path


def test_only_listing_pages_become_listings(tmp_path: Path) -> None:
    results = list(read_file(wget_warc(tmp_path / "market.warc")))
    listings = [r for r in results if isinstance(r, Listing)]
    pages = {r.url: r.kind for r in results if isinstance(r, Page)}
    assert [listing.url for listing in listings] == [
        "https://market.test/item/1",
        "https://market.test/item/2",
        "https://market.test/vong-nga-voi-3.html",
    ]
    assert pages == {
        "https://market.test/": "home",
        "https://market.test/search?q=nga+voi": "search",
        "https://market.test/seller/ngavoi_hn": "seller",
        "https://market.test/about": "other",
    }
    for result in results:  # every page keeps its capture: where its bytes are, and their hash
        assert isinstance(result, Listing | Page) and result.capture is not None
        assert result.capture.warc_offset is not None and len(result.capture.sha256) == 64


def test_scan_summary_counts_pages_by_kind_and_flags_no_search_page(tmp_path: Path) -> None:
    path = wget_warc(tmp_path / "market.warc.gz")
    out = tmp_path / "rows.jsonl"
    result = runner.invoke(cli.app, ["scan", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "3 listings read from 1 files" in flat
    assert "WARC pages read: 7 (3 listing, 1 search, 1 seller, 1 home, 1 other)" in flat
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert all("search" not in row["url"] and "seller/" not in row["url"] for row in rows)


def test_the_crawler_and_the_importer_share_one_classifier() -> None:
    url = "https://market.test/search?q=nga+voi"
    html = PAGES[url]
    listing = parse_listing_html(html, url)
    assert page_kind(url, listing, html) is PageKind.SEARCH
    assert page_kind("https://market.test/item/9", listing, html) is PageKind.LISTING
    url = "https://market.test/vong-nga-voi-3.html"
    assert page_kind(url, parse_listing_html(PAGES[url], url), PAGES[url]) is PageKind.LISTING
    from wildtrace.crawl import spider

    assert spider.page_kind is page_kind  # the generic crawl mode calls the same function


def test_an_item_named_by_its_number_is_a_listing_without_structured_data() -> None:
    listing = parse_listing_html("<p>Nga voi that, 2 trieu</p>", "https://t.test/")
    for url, kind in [
        ("https://tg.test/s/asia_rare_supply/7287", PageKind.LISTING),  # a channel post
        ("https://shop.test/tasbih-gading-i.23530889.235706149", PageKind.LISTING),
        ("https://news.test/archive/2024", PageKind.OTHER),  # a year is not an item number
        ("https://shop.test/seller/12345", PageKind.SELLER),
        ("https://shop.test/category/123", PageKind.SEARCH),
    ]:
        assert page_kind(url, listing) is kind, url
