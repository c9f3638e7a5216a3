"""Plain listing pages (no JSON-LD, microdata or OpenGraph price): price and seller from the
names of elements, labelled lists and tables, and "Label: value" lines (issue 10, finding 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.parse.html import parse_listing_html

VI_CLASSES = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Chợ Tốt</title></head>
<body><header><a class="shop-link" href="/shop">Cửa hàng</a>
<span class="price-filter">0 - 5.000.000</span></header>
<main><h1>Vòng tay ngà voi thật 100%</h1>
<div class="product-gallery"><img src="/a.jpg"></div>
<div class="product-info">
  <del class="price-old">4.500.000đ</del>
  <span class="price-label">Giá bán:</span> <span class="price-current">3.500.000 đ</span>
</div>
<aside class="seller-card"><img class="seller-avatar" src="/u.jpg">
<div class="seller-name">Ngà Voi Hà Nội</div>
<div class="seller-rating">4,9 ★ (120 đánh giá)</div></aside>
<p>Hàng thật, bảo hành trọn đời. Zalo 0912 345 678.</p></main>
<footer class="store-footer">© Chợ Tốt</footer></body></html>"""

FR_DEFINITIONS = """<html lang="fr"><body><article><h1>Défense d'ivoire sculptée, ancienne</h1>
<dl class="details"><dt>Catégorie</dt><dd>Antiquités</dd><dt>Prix</dt><dd>1 250 €</dd>
<dt>Vendeur :</dt><dd><a href="/u/77">Brocante du Port</a></dd><dt>Lieu</dt><dd>Marseille</dd></dl>
<p>Pièce d'époque, certificat disponible.</p></article></body></html>"""

ZH_TABLE = """<html lang="zh"><head><meta charset="utf-8"></head><body><div id="content">
<h1>穿山甲片 现货 包邮</h1><table class="attrs"><tr><th>价格</th><td>¥ 2,800</td></tr>
<tr><th>卖家</th><td>老王药材行</td></tr><tr><th>发货地</th><td>广西 南宁</td></tr></table>
<p>正品保证，微信 laowang888</p></div></body></html>"""

TH_TEXT_ONLY = """<html lang="th"><body><div class="post"><h1>นอแรด แท้ ราคาถูก</h1>
<p>สภาพดี ส่งทั่วประเทศ</p><p>ราคา: 35,000 บาท</p><p>ผู้ขาย: ร้านของเก่าบางกอก</p>
<p>Line: @bkk-antique</p></div></body></html>"""

ID_DATA_ATTRIBUTES = """<html lang="id"><body><div data-testid="pdpContainer">
<h1 data-testid="lblPDPDetailProductName">Sisik trenggiling 1 kg</h1>
<div data-testid="lblPDPDetailProductPrice" class="price">Rp1.500.000</div>
<a data-testid="llbPDPFooterShopName" href="/toko/obat-asli"><h2>Toko Obat Asli</h2></a>
<div data-testid="lblPDPDescriptionProduk">Barang ready, kirim dari Surabaya.</div></div></body></html>"""

JA_ES_PT_SW = {
    "ja": ("<html><body><h1>象牙 印鑑 本象牙</h1><dl><dt>価格</dt><dd>¥48,000（税込）</dd>"
           "<dt>出品者</dt><dd>印章の匠</dd></dl><p>未使用品です。</p></body></html>",
           "¥48,000（税込）", "印章の匠"),
    "es": ('<html><body><h1>Colmillo de marfil tallado</h1><p class="precio">$ 12.000 MXN</p>'
           '<p>Vendido por: <a class="vendedor">Antigüedades Coyoacán</a></p></body></html>',
           "$ 12.000 MXN", "Antigüedades Coyoacán"),
    "pt": ('<html><body><h1>Papagaio-verdadeiro filhote</h1><span data-price="850">R$ 850,00</span>'
           "<ul><li>Loja: Aves do Sertão</li></ul></body></html>",
           "R$ 850,00", "Aves do Sertão"),
    "sw": ("<html><body><h1>Pembe za ndovu, vipande viwili</h1><p>Bei: KSh 450,000</p>"
           "<p>Muuzaji: Mzee Baraka, Mombasa</p></body></html>",
           "KSh 450,000", "Mzee Baraka, Mombasa"),
}  # fmt: skip


def test_vietnamese_classes_skip_old_price_filters_and_ratings() -> None:
    listing = parse_listing_html(VI_CLASSES, "https://cho.example/p/1")
    assert listing.price == "3.500.000 đ"
    assert listing.seller == "Ngà Voi Hà Nội"
    assert listing.extra["fields_from"]["price"] == "labels"
    assert listing.extra["fields_from"]["seller"] == "labels"


def test_french_definition_list() -> None:
    listing = parse_listing_html(FR_DEFINITIONS)
    assert (listing.price, listing.seller) == ("1 250 €", "Brocante du Port")


def test_chinese_table() -> None:
    listing = parse_listing_html(ZH_TABLE)
    assert (listing.price, listing.seller) == ("¥ 2,800", "老王药材行")


def test_thai_labels_only_in_the_text() -> None:
    listing = parse_listing_html(TH_TEXT_ONLY)
    assert (listing.price, listing.seller) == ("35,000 บาท", "ร้านของเก่าบางกอก")


def test_indonesian_data_testid_names() -> None:
    listing = parse_listing_html(ID_DATA_ATTRIBUTES)
    assert (listing.price, listing.seller) == ("Rp1.500.000", "Toko Obat Asli")


@pytest.mark.parametrize("language", sorted(JA_ES_PT_SW))
def test_more_languages(language: str) -> None:
    page, price, seller = JA_ES_PT_SW[language]
    listing = parse_listing_html(page)
    assert (listing.price, listing.seller) == (price, seller)


def test_structured_data_still_wins() -> None:
    page = VI_CLASSES.replace(
        "</head>",
        '<meta property="product:price:amount" content="3200000">'
        '<meta property="product:price:currency" content="VND"></head>',
    )
    listing = parse_listing_html(page)
    assert listing.price == "3200000 VND" and listing.extra["fields_from"]["price"] == "meta"
    assert listing.seller == "Ngà Voi Hà Nội"


def test_no_hint_no_invented_price_or_seller() -> None:
    page = (
        "<html><body><h1>Ivory-coloured silk scarf</h1><p>Soft, 180 cm long, 3 colours.</p>"
        '<div class="seller-rating">4.8</div><div class="shop-description">We ship in 2 days</div>'
        '<span class="price-filter">$0 - $100</span></body></html>'
    )
    listing = parse_listing_html(page)
    assert (listing.price, listing.seller) == (None, None)


def test_scan_falls_back_to_the_first_money_selector(tmp_path: Path) -> None:
    """A page with the price only in running text: the scan row's price is its first money
    selector, not null."""
    page = tmp_path / "item.html"
    page.write_text(
        "<html><body><h1>Bán vòng ngà voi thật</h1><p>Vòng đẹp, giá chỉ 3.500.000đ, ship toàn quốc. "
        "Zalo 0912 345 678</p></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["scan", str(page), "--no-store", "--out", str(out)])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["price"] == {"amount": 3500000, "currency": "VND", "raw": "3.500.000đ"}
