"""The generic listing-page reader: JSON-LD, microdata, OpenGraph, fallbacks, charsets."""

from __future__ import annotations

import pytest

from wildtrace.parse import CharsetError, decode_html, parse_listing_html

JSON_LD_PAGE = """<!doctype html><html><head><title>Site title</title>
<meta property="og:title" content="OG title">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "BreadcrumbList", "name": "crumbs"},
  {"@type": "Product", "name": "Carved ivory bangle", "description": "Real ivory, 62 mm",
   "image": [{"@type": "ImageObject", "contentUrl": "/img/1.jpg"}, "https://cdn.test/2.jpg"],
   "datePosted": "2024-03-02",
   "offers": {"@type": "Offer", "price": 450, "priceCurrency": "USD",
     "seller": {"@type": "Person", "name": "Tan Antiques", "telephone": "+84 912 345 678",
                "address": {"@type": "PostalAddress", "addressLocality": "Hanoi",
                            "addressCountry": "VN"}}}}
]}
</script></head><body><h1>Heading</h1><p>Body text</p></body></html>"""


def test_json_ld_product_offer_and_seller() -> None:
    listing = parse_listing_html(JSON_LD_PAGE, "https://www.shop.test/p/1")
    assert listing.title == "Carved ivory bangle"
    assert listing.text == "Real ivory, 62 mm"
    assert listing.price == "450 USD"
    assert listing.seller == "Tan Antiques"
    assert listing.seller_info == "+84 912 345 678"
    assert listing.location == "Hanoi, VN"
    assert listing.posted_at == "2024-03-02"
    assert listing.images == ("https://www.shop.test/img/1.jpg", "https://cdn.test/2.jpg")
    assert listing.platform == "shop.test"
    assert listing.id.startswith("url-")
    assert listing.extra["fields_from"]["title"] == "json-ld"


MICRODATA_PAGE = """<html><body>
<div itemscope itemtype="https://schema.org/Product">
  <h2 itemprop="name">Pangolin scales 500g</h2>
  <img itemprop="image" src="https://cdn.test/scales.jpg">
  <div itemprop="description">Dried scales, <b>wholesale</b> possible</div>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <meta itemprop="priceCurrency" content="EUR">
    <span itemprop="price" content="120.00">€120</span>
    <div itemprop="seller" itemscope itemtype="https://schema.org/Organization">
      <span itemprop="name">Lagos Exotic</span></div>
  </div>
</div></body></html>"""


def test_microdata_product() -> None:
    listing = parse_listing_html(MICRODATA_PAGE)
    assert listing.title == "Pangolin scales 500g"  # not the seller's name
    assert listing.text == "Dried scales, wholesale possible"
    assert listing.price == "120.00 EUR"
    assert listing.seller == "Lagos Exotic"
    assert listing.images == ("https://cdn.test/scales.jpg",)
    assert listing.extra["fields_from"]["price"] == "microdata"


OPENGRAPH_PAGE = """<html><head>
<meta property="og:title" content="Rhino horn bowl">
<meta property="og:description" content="Antique bowl, 300g">
<meta property="og:image" content="https://cdn.test/bowl.jpg">
<meta property="og:url" content="https://market.test/items/77">
<meta property="product:price:amount" content="9000">
<meta property="product:price:currency" content="GBP">
</head><body><h1>Other heading</h1></body></html>"""


def test_opengraph_and_meta() -> None:
    listing = parse_listing_html(OPENGRAPH_PAGE)
    assert listing.title == "Rhino horn bowl"
    assert listing.text == "Antique bowl, 300g"
    assert listing.price == "9000 GBP"
    assert listing.images == ("https://cdn.test/bowl.jpg",)
    assert listing.url == "https://market.test/items/77"
    assert listing.platform == "market.test"


def test_truncated_meta_description_gives_way_to_the_page_text() -> None:
    page = """<html><head><meta name="description" content="Tiger bone wine, 10 years...">
    </head><body><main><p>Tiger bone wine, 10 years old.</p><p>Contact Zalo 0912345678</p></main>
    </body></html>"""
    listing = parse_listing_html(page)
    assert listing.text == "Tiger bone wine, 10 years old.\nContact Zalo 0912345678"


def test_fallbacks_h1_and_main_text_without_nav_header_footer() -> None:
    page = """<html><head><title>Title tag</title><style>p{}</style></head><body>
    <header>Site header</header><nav>Home | Birds</nav>
    <main><h1>African grey <i>parrot</i></h1>
      <p>Hand fed, 6 months.</p><ul><li>DNA sexed</li><li>Ring</li></ul>
      <aside>Related: cages</aside><script>track()</script></main>
    <footer>© Site</footer></body></html>"""
    listing = parse_listing_html(page)
    assert listing.title == "African grey parrot"
    assert listing.text == "African grey parrot\nHand fed, 6 months.\nDNA sexed\nRing"
    assert listing.extra["fields_from"] == {"title": "page", "text": "page"}


def test_title_tag_and_largest_article() -> None:
    page = """<html><head><title>Shark fin for sale</title></head><body>
    <article><p>short</p></article><article><p>Dried shark fin, 1 kg, export ok</p></article>
    </body></html>"""
    listing = parse_listing_html(page)
    assert listing.title == "Shark fin for sale"
    assert listing.text == "Dried shark fin, 1 kg, export ok"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<",
        "<html><body><div",
        "<<<>>>&&&;",
        "\x00\x01<p>a",
        '<script type="application/ld+json">{not json</script>',
        '<script type="application/ld+json">[1, "x", null, {"@type": 5}]</script>',
        '<div itemscope itemprop="offers"><span itemprop="seller"></span></div>',
        "<p>" * 5000 + "deep",
    ],
)
def test_broken_html_never_raises(html: str) -> None:
    listing = parse_listing_html(html)
    assert listing.id


def test_same_page_gets_the_same_content_id() -> None:
    page = "<h1>Ivory</h1><p>Bangle</p>"
    assert parse_listing_html(page).id == parse_listing_html(page.encode()).id
    assert parse_listing_html(page).id != parse_listing_html(page + "<p>x</p>").id
    assert parse_listing_html(page, listing_id="given").id == "given"


# --- charsets -------------------------------------------------------------------------------


def test_windows_1252_with_meta_charset() -> None:
    data = '<meta charset="iso-8859-1"><p>Ivoire véritable – 450 €</p>'.encode("cp1252")
    assert parse_listing_html(data).text == "Ivoire véritable – 450 €"


def test_shift_jis_with_http_equiv() -> None:
    page = (
        '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
        "<h1>象牙の印鑑</h1><p>本象牙 送料無料</p>"
    )
    listing = parse_listing_html(page.encode("shift_jis"))
    assert (listing.title, listing.text) == ("象牙の印鑑", "象牙の印鑑\n本象牙 送料無料")


def test_gbk_with_meta_charset() -> None:
    data = '<meta charset="gb2312"><title>犀牛角杯</title><p>正品犀角，微信联系</p>'.encode("gbk")
    listing = parse_listing_html(data)
    assert (listing.title, listing.text) == ("犀牛角杯", "正品犀角，微信联系")


def test_http_charset_hint_and_boms() -> None:
    assert decode_html("<p>é</p>".encode("cp1252"), "windows-1252") == ("<p>é</p>")
    assert decode_html(b"\xef\xbb\xbf<p>\xc3\xa9</p>") == "<p>é</p>"
    assert decode_html("<p>象</p>".encode("utf-16")) == "<p>象</p>"
    assert decode_html("<p>象</p>".encode("utf-16-le"), "utf-16") == "<p>象</p>"


def test_valid_utf8_wins_over_a_wrong_declaration() -> None:
    data = '<meta charset="iso-8859-1"><p>Ngà voi</p>'.encode()
    assert "Ngà voi" in decode_html(data)


def test_undecodable_bytes_raise_charset_error_with_reason() -> None:
    with pytest.raises(
        CharsetError,
        match=r"^not UTF-8 and no charset declared: byte 0xff at "
        r"offset 3$",
    ):
        decode_html(b"<p>\xff</p>")
    with pytest.raises(CharsetError, match=r"^unknown charset 'klingon' declared and not UTF-8"):
        decode_html(b'<meta charset="klingon"><p>\xff</p>')
    with pytest.raises(CharsetError):
        parse_listing_html(b'<meta charset="base64"><p>\xff</p>')
