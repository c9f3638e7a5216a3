"""extract(): every selector of a listing, once, with spans into the field it came from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.extract import extract
from wildtrace.model import Listing, Selector

ETH = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"


def test_a_realistic_listing() -> None:
    listing = Listing(
        id="vn-1",
        platform="facebook",
        url="https://wa.me/84912345678",
        seller="Ngà Voi Hà Nội",
        seller_info="Zalo 0987.654.321 - Telegram: ngavoi_hn",
        title="Bán vòng ngà voi",
        text=f"Giá 3.500.000đ. Email ngavoi [at] example [dot] com. USDT: {ETH}",
        price="3.500.000đ",
        location="Hà Nội",
    )
    # fields in TEXT_FIELDS order; within a field: identifiers (phones, emails, handles,
    # wallets, IBANs), then money, quantities and places; then the price and location fields.
    # The digits inside the Ethereum address are not read as a phone number.
    assert extract(listing, "vi") == (
        Selector("email", "ngavoi@example.com", "ngavoi [at] example [dot] com", "text", 22, 51),
        Selector("eth", ETH.lower(), ETH, "text", 59, 101),
        Selector("money", "3500000 VND", "3.500.000đ", "text", 4, 14),
        Selector("phone", "+84987654321", "0987.654.321", "seller_info", 5, 17, "zalo"),
        Selector("telegram", "ngavoi_hn", "Telegram: ngavoi_hn", "seller_info", 20, 39),
        Selector("phone", "+84912345678", "wa.me/84912345678", "url", 8, 25, "whatsapp"),
        Selector("place", "VN", "Hà Nội", "location", 0, 6),
    )
    confidence = {s.type: s.confidence for s in extract(listing, "vi")}
    assert confidence["eth"] == 1.0  # checksummed
    assert confidence["email"] < 1.0  # de-obfuscated
    assert confidence["place"] < confidence["money"] < 1.0


def test_the_first_occurrence_of_a_value_is_kept() -> None:
    listing = Listing(id="a", title="LH 0912 345 678", text="Zalo 0912345678", location="Hà Nội")
    assert extract(listing) == (
        Selector("phone", "+84912345678", "0912 345 678", "title", 3, 15, None),
        Selector("place", "VN", "Hà Nội", "location", 0, 6),
    )


def test_price_and_location_hold_no_identifiers() -> None:
    listing = Listing(id="a", price="0912345678", location="Hà Nội, 0912345678")
    assert extract(listing, "vi") == (Selector("place", "VN", "Hà Nội", "location", 0, 6),)


def test_price_field_gives_money_in_the_listing_currency() -> None:
    listing = Listing(id="a", price="140tr", location="Bắc Ninh, Việt Nam")
    assert extract(listing) == (
        Selector("money", "140000000 VND", "140tr", "price", 0, 5),
        Selector("place", "VN", "Việt Nam", "location", 10, 18),
    )
    bare = extract(Listing(id="b", price="480", location="高雄市, 台灣"))
    assert [(s.value, s.confidence) for s in bare if s.type == "money"] == [("480 TWD", 0.6)]


def test_seller_field_is_searched() -> None:
    listing = Listing(id="a", seller="t.me/hornshop")
    assert extract(listing) == (Selector("telegram", "hornshop", "t.me/hornshop", "seller", 0, 13),)


def test_empty_listing() -> None:
    assert extract(Listing(id="a")) == ()


# -- properties ------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "0912 345 678", "+84 912 345 678", "(11) 91234-5678", "wa.me/84912345678", "3.500.000đ",
        "name [at] example [dot] com", "a@b.co", "t.me/hornshop", "微信: wxid_abc123", "Line ID: ab12",
        "instagram.com/x.y_z", ETH, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "@someone",
        "Zalo", "WhatsApp", "[dot]", "(at)", " ", "\n", "/", "-", ".", "0", "+", "ไลน์", "đ",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=10).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(
    title=_TEXT,
    text=_TEXT,
    seller_info=_TEXT,
    location=st.sampled_from([None, "Hà Nội", "Bangkok", "Nairobi", "São Paulo", ""]),
    language=st.sampled_from([None, "vi", "th", "id", "zh", "fr", "pt", "sw", "en"]),
)
def test_extract_never_raises_and_raw_is_the_text_at_the_span(
    title: str, text: str, seller_info: str, location: str | None, language: str | None
) -> None:
    listing = Listing(id="p", title=title, text=text, seller_info=seller_info, location=location)
    selectors = extract(listing, language)
    keys = [(s.type, s.value) for s in selectors]
    assert len(keys) == len(set(keys))
    for selector in selectors:
        assert selector.field in ("title", "text", "seller_info", "location")
        source = listing.field_text(selector.field)
        assert 0 <= selector.start < selector.end <= len(source)
        assert source[selector.start : selector.end] == selector.raw
        assert selector.value
        if selector.type == "phone":
            assert selector.value.startswith("+") and selector.value[1:].isdigit()
    assert extract(listing, language) == selectors
