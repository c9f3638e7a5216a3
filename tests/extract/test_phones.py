"""Phone numbers: validated with libphonenumber, normalised to E.164, with the app named."""

from __future__ import annotations

import pytest

from wildtrace.extract import extract
from wildtrace.extract.phones import find_phones
from wildtrace.model import Listing, Selector


def _phones(text: str, region: str | None) -> list[tuple[str, str, int, int, str | None]]:
    return [(s.value, s.raw, s.start, s.end, s.channel) for s in find_phones(text, "text", region)]


@pytest.mark.parametrize(
    ("text", "region", "value", "raw"),
    [
        # Viet Nam
        ("Liên hệ 0912 345 678", "VN", "+84912345678", "0912 345 678"),
        ("Liên hệ 0912.345.678", "VN", "+84912345678", "0912.345.678"),
        ("LH 0912-345-678 nhé", "VN", "+84912345678", "0912-345-678"),
        ("call +84 912 345 678", None, "+84912345678", "+84 912 345 678"),
        ("call +84 (0) 912 345 678", None, "+84912345678", "+84 (0) 912 345 678"),
        # Thailand
        ("โทร 081-234-5678", "TH", "+66812345678", "081-234-5678"),
        ("โทร 081 234 5678", "TH", "+66812345678", "081 234 5678"),
        ("tel +66 81 234 5678", None, "+66812345678", "+66 81 234 5678"),
        # Indonesia
        ("hub 0812-3456-7890", "ID", "+6281234567890", "0812-3456-7890"),
        ("hub +62 812-3456-7890", None, "+6281234567890", "+62 812-3456-7890"),
        # China
        ("电话 138 0013 8000", "CN", "+8613800138000", "138 0013 8000"),
        ("电话13800138000", "CN", "+8613800138000", "13800138000"),
        ("+86 138-0013-8000", None, "+8613800138000", "+86 138-0013-8000"),
        # France
        ("tél 06 12 34 56 78", "FR", "+33612345678", "06 12 34 56 78"),
        ("tél 06.12.34.56.78", "FR", "+33612345678", "06.12.34.56.78"),
        ("+33 6 12 34 56 78", None, "+33612345678", "+33 6 12 34 56 78"),
        # Brazil
        ("(11) 91234-5678", "BR", "+5511912345678", "(11) 91234-5678"),
        ("+55 11 91234-5678", None, "+5511912345678", "+55 11 91234-5678"),
        # Kenya
        ("piga 0712 345678", "KE", "+254712345678", "0712 345678"),
        ("piga +254 712 345 678", None, "+254712345678", "+254 712 345 678"),
    ],
)
def test_numbers_in_local_and_international_formats(
    text: str, region: str | None, value: str, raw: str
) -> None:
    start = text.index(raw)
    assert _phones(text, region) == [(value, raw, start, start + len(raw), None)]


def test_local_number_needs_a_region() -> None:
    assert _phones("0912345678", None) == []
    assert _phones("0912345678", "VN") == [("+84912345678", "0912345678", 0, 10, None)]


def test_the_region_decides_what_a_local_number_is() -> None:
    assert _phones("0812345678", "TH") == [("+66812345678", "0812345678", 0, 10, None)]
    assert _phones("0812345678", "FR") == [("+33812345678", "0812345678", 0, 10, None)]
    assert _phones("0812345678", "KE") == []


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("giá 3.500.000đ", "VN"),
        ("giá 3.500.000 VND", "VN"),
        ("giá 1,200,000", "VN"),
        ("năm 2023", "VN"),
        ("2023-2024", "VN"),
        ("ราคา 12,000 บาท", "TH"),
        ("500g", "VN"),
        ("1.5kg, 500g, 250 g", "ID"),
        ("size 12 x 15 x 20 cm", "CN"),
        ("12/05/2023", "FR"),
        ("0123 456 789", "VN"),  # not a valid Vietnamese number
        ("+84 912 345 67", None),  # too short
        ("+1 234", None),
        ("1234567", "KE"),
    ],
)
def test_prices_years_weights_and_invalid_numbers_are_not_phones(text: str, region: str | None) -> None:
    assert _phones(text, region) == []


def test_a_number_written_right_after_a_price() -> None:
    text = "giá 3.500.000 0912345678"
    assert _phones(text, "VN") == [("+84912345678", "0912345678", 14, 24, None)]


def test_two_numbers_separated_by_a_slash() -> None:
    text = "0912345678 / 0987654321"
    assert _phones(text, "VN") == [
        ("+84912345678", "0912345678", 0, 10, None),
        ("+84987654321", "0987654321", 13, 23, None),
    ]


def test_two_numbers_separated_by_a_comma() -> None:
    assert [v for v, *_ in _phones("0912345678, 0987654321", "VN")] == ["+84912345678", "+84987654321"]


@pytest.mark.parametrize(
    ("text", "region", "channel"),
    [
        ("Zalo 0912345678", "VN", "zalo"),
        ("zalo: 0912 345 678", "VN", "zalo"),
        ("Viber +84 912 345 678", None, "viber"),
        ("WhatsApp: +254 712 345 678", None, "whatsapp"),
        ("whats app +254712345678", None, "whatsapp"),
        ("WA 0812 3456 7890", "ID", "whatsapp"),
        ("zap (11) 91234-5678", "BR", "whatsapp"),
        ("Line 0812345678", "TH", "line"),
        ("ไลน์ 0812345678", "TH", "line"),
        ("Hotline 0912345678", "VN", None),
        ("call 0912345678", "VN", None),
    ],
)
def test_channel_named_before_the_number(text: str, region: str | None, channel: str | None) -> None:
    found = list(find_phones(text, "seller_info", region))
    assert [(s.channel, s.field) for s in found] == [(channel, "seller_info")]


def test_channel_is_the_app_named_nearest_the_number() -> None:
    text = "wa.me/84912345678 or zalo 0987654321"
    found = list(find_phones(text, "text", "VN"))
    assert [(s.value, s.channel) for s in found] == [
        ("+84912345678", "whatsapp"),
        ("+84987654321", "zalo"),
    ]


def test_the_nearest_app_wins_over_one_named_earlier() -> None:
    text = "WA 0987654321, Zalo 0912345678"
    assert [s.channel for s in find_phones(text, "text", "VN")] == ["whatsapp", "zalo"]


def test_channel_is_only_looked_for_just_before_the_number() -> None:
    text = "Zalo is where we chat. Anyway, our number is 0912345678"
    assert _phones(text, "VN") == [("+84912345678", "0912345678", 45, 55, None)]


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("https://wa.me/254712345678", "+254712345678", "wa.me/254712345678"),
        ("wa.me/+84912345678", "+84912345678", "wa.me/+84912345678"),
        ("https://api.whatsapp.com/send?phone=84912345678&text=hi",
         "+84912345678", "api.whatsapp.com/send?phone=84912345678"),
    ],
)  # fmt: skip
def test_whatsapp_links(text: str, value: str, raw: str) -> None:
    start = text.index(raw)
    found = list(find_phones(text, "url", None))
    assert found == [Selector("phone", value, raw, "url", start, start + len(raw), "whatsapp")]


def test_whatsapp_link_with_invalid_number_is_dropped() -> None:
    assert _phones("wa.me/123456789012", None) == []
    assert _phones("wa.me/123", None) == []


def test_whatsapp_link_digits_are_not_read_twice() -> None:
    assert len(_phones("wa.me/84912345678", "VN")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",  # an Ethereum address
        "sha256 9f86d0818847123456789a",
        "order ab1cd0912345678",
        "09123456781234567890123456789",  # longer than any number
    ],
)
def test_digits_inside_identifiers_are_not_phones(text: str) -> None:
    assert _phones(text, "VN") == []


def test_digits_glued_to_a_word_are_a_phone() -> None:
    assert _phones("Zalo0912345678", "VN") == [("+84912345678", "0912345678", 4, 14, "zalo")]


def test_raw_is_exactly_the_text_at_the_span() -> None:
    text = "Zalo: (0912) 345 678. Hoặc 0987.654.321 - giá 2.500.000đ"
    found = list(find_phones(text, "text", "VN"))
    assert [s.value for s in found] == ["+84912345678", "+84987654321"]
    for selector in found:
        assert text[selector.start : selector.end] == selector.raw


@pytest.mark.parametrize(
    ("listing", "language", "value"),
    [
        (Listing(id="a", text="LH 0912345678", location="Hà Nội"), None, "+84912345678"),
        (Listing(id="a", text="LH 0912345678", location="Quận 1, TP.HCM"), "en", "+84912345678"),
        (Listing(id="a", text="โทร 0812345678", platform="kaidee"), None, "+66812345678"),
        (Listing(id="a", text="hub 081234567890", platform="tokopedia"), None, "+6281234567890"),
        (Listing(id="a", text="电话 13800138000", location="广州市"), None, "+8613800138000"),
        (Listing(id="a", text="tél 0612345678", location="Paris 11e"), None, "+33612345678"),
        (Listing(id="a", text="zap 11912345678", platform="mercadolivre"), None, "+5511912345678"),
        (Listing(id="a", text="piga 0712345678", location="Nairobi"), None, "+254712345678"),
        (Listing(id="a", text="LH 0912345678"), "vi", "+84912345678"),
        (Listing(id="a", text="hub 081234567890"), "id", "+6281234567890"),
        (Listing(id="a", text="piga 0712345678"), "sw", "+254712345678"),
    ],
)
def test_region_comes_from_location_platform_or_language(
    listing: Listing, language: str | None, value: str
) -> None:
    phones = [s.value for s in extract(listing, language) if s.type == "phone"]
    assert phones == [value]


def test_no_region_no_local_numbers() -> None:
    assert extract(Listing(id="a", text="LH 0912345678"), None) == ()
