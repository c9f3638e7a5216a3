"""A plain shop page whose price came from hints (no structured data) is a listing whatever its
URL looks like, when it shows exactly one price (issue 10 review, finding B): otherwise a WARC
made by wget drops exactly the plain pages the price hints were built to read."""

from __future__ import annotations

import pytest

from wildtrace.parse.html import PRICE_HINTS_KEY, parse_listing_html
from wildtrace.parse.page import PageKind, page_kind

ONE_PRICE = (
    "<html><body><h1>Carved ivory bangle</h1><p>Old bangle, 6 cm, good condition.</p>"
    '<span class="price">$ 450</span><div class="seller-name">Antiques Lagos</div></body></html>'
)
SEVERAL_PRICES = (
    "<html><body><h1>Bangles</h1><p>Our bangles, shipped worldwide.</p>"
    '<div><a href="/a">Bangle A</a><span class="price">$ 450</span></div>'
    '<div><a href="/b">Bangle B</a><span class="price">$ 120</span></div></body></html>'
)


@pytest.mark.parametrize(
    "url", ["https://shop.example/ivory-bangle-12.html", "https://shop.example/view.php?id=12"]
)
def test_one_hinted_price_is_a_listing(url: str) -> None:
    listing = parse_listing_html(ONE_PRICE, url=url)
    assert listing.extra["fields_from"]["price"] == "labels"
    assert page_kind(url, listing, ONE_PRICE) is PageKind.LISTING


def test_one_price_in_a_label_line_is_a_listing() -> None:
    page = "<html><body><h1>Rhino horn cup</h1><p>Antique cup.</p><p>Price: 12,000 USD</p></body></html>"
    url = "https://shop.example/view.php?id=12"
    assert page_kind(url, parse_listing_html(page, url=url), page) is PageKind.LISTING


def test_several_hinted_prices_are_not_a_listing() -> None:
    url = "https://shop.example/bangles.html"
    listing = parse_listing_html(SEVERAL_PRICES, url=url)
    assert listing.extra[PRICE_HINTS_KEY] == 2
    assert page_kind(url, listing, SEVERAL_PRICES) is PageKind.OTHER


def test_search_and_home_urls_still_decide_before_a_hinted_price() -> None:
    for url, kind in [
        ("https://shop.example/search?q=bangle", PageKind.SEARCH),
        ("https://shop.example/", PageKind.HOME),
        ("https://shop.example/seller/lagos", PageKind.SELLER),
    ]:
        assert page_kind(url, parse_listing_html(ONE_PRICE, url=url), ONE_PRICE) is kind
