"""A page wrapper whose class merely contains shop/store/vendor is not a seller (issue 10 review,
finding A): its first line is a breadcrumb or the title, and every listing of the site would
share that fake seller and be linked into one network."""

from __future__ import annotations

from wildtrace.parse.html import parse_listing_html

SHOP_CONTAINER = (
    '<html><body><div class="shop-container"><div class="breadcrumbs">Home / Jewellery</div>'
    "<h1>Carved bangle</h1><p>Old carved bangle, 6 cm, good condition.</p>"
    '<p class="price">$ 450</p>{seller}</div></body></html>'
)
STORE_MAIN = (
    '<html><body><main class="store-main"><h1>Carved bangle</h1>'
    "<p>Old carved bangle, 6 cm, good condition.</p>{seller}</main></body></html>"
)


def test_shop_container_breadcrumb_is_not_the_seller() -> None:
    listing = parse_listing_html(SHOP_CONTAINER.format(seller=""))
    assert listing.seller is None
    assert listing.price == "$ 450"


def test_store_main_title_is_not_the_seller() -> None:
    listing = parse_listing_html(STORE_MAIN.format(seller=""))
    assert listing.seller is None


def test_the_real_seller_further_down_wins_over_the_wrapper() -> None:
    seller = '<div class="seller-name">Antiques Lagos</div>'
    assert parse_listing_html(SHOP_CONTAINER.format(seller=seller)).seller == "Antiques Lagos"
    assert parse_listing_html(STORE_MAIN.format(seller=seller)).seller == "Antiques Lagos"


def test_exact_class_token_preferred_over_a_compound_name() -> None:
    page = (
        '<html><body><h1>Carved bangle</h1><span class="store-tagline">Best prices in town</span>'
        '<span class="vendor">Antiques Lagos</span></body></html>'
    )
    assert parse_listing_html(page).seller == "Antiques Lagos"


def test_labelled_seller_block_is_still_read() -> None:
    page = (
        "<html><body><h1>Carved bangle</h1>"
        '<div class="seller"><div class="label">Seller</div><div class="value">Antiques Lagos</div></div>'
        "</body></html>"
    )
    assert parse_listing_html(page).seller == "Antiques Lagos"
