"""The crawler's generic mode tells pages apart with parse's one classifier (page_kind), checked on
the demo marketplace's own pages."""

from __future__ import annotations

import urllib.request

from conftest import Served

from wildtrace.model import Listing
from wildtrace.parse import PageKind, decode_html, page_kind, parse_listing_html, url_id


def read_page(url: str, text: str) -> tuple[Listing, PageKind]:
    listing = parse_listing_html(text, url, listing_id=url_id(url))
    return listing, page_kind(url, listing, text)


def other_page_kind(url: str) -> PageKind:
    return page_kind(url, Listing(id="x", title="a page"))


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return decode_html(answer.read(), answer.headers.get_content_charset())


def test_the_demo_sites_pages_are_told_apart(demo_site: Served) -> None:
    site, base = demo_site.site, demo_site.url
    first = site.listings[0]
    listing_page = fetch(f"{base}{site.listing_path(first['id'])}")
    seller_href = listing_page.split('href="/seller/', 1)[1].split('"', 1)[0]
    seller_path = f"/seller/{seller_href}"
    pages = {
        "home": f"{base}/",
        "search": f"{base}/search?q=a",
        "seller": f"{base}{seller_path}",
        "listing": f"{base}{site.listing_path(first['id'])}",
    }
    kinds = {name: read_page(url, fetch(url))[1] for name, url in pages.items()}
    assert kinds == {name: name for name in pages}
    listing, _ = read_page(pages["listing"], listing_page)
    assert listing.title == first["title"]


def test_other_kinds_from_the_url_alone() -> None:
    assert other_page_kind("https://m.example/") == "home"
    assert other_page_kind("https://m.example/recherche?q=ivoire") == "search"
    assert other_page_kind("https://m.example/c/birds?keyword=parrot") == "search"
    assert other_page_kind("https://m.example/shop/golden-tusk") == "seller"
    assert other_page_kind("https://m.example/about") == "other"
