"""Selector families across languages: the forms traders write, and their confidence."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.extract import extract
from wildtrace.extract.handles import find_handles
from wildtrace.extract.phones import find_phones
from wildtrace.model import Listing


@pytest.mark.parametrize(
    ("text", "region", "value", "channel"),
    [
        ("Zalo 0 9 1 2 . 3 4 5 . 6 7 8", "VN", "+84912345678", "zalo"),  # vi, spaced and dotted
        ("LH Viber 0912-345-678", "VN", "+84912345678", "viber"),
        ("chama no zap (11) 91234-5678", "BR", "+5511912345678", "whatsapp"),  # pt
        ("WA 0812 3456 7890", "ID", "+6281234567890", "whatsapp"),  # id
        ("ไลน์ 081 234 5678", "TH", "+66812345678", "line"),  # th
        ("WhatsApp +254 712 345 678", None, "+254712345678", "whatsapp"),  # sw/en
        ("微信同号 138 0013 8000", "CN", "+8613800138000", "wechat"),  # zh
        ("appelez le 06 12 34 56 78", "FR", "+33612345678", None),  # fr
    ],
)
def test_phones_by_language(text: str, region: str | None, value: str, channel: str | None) -> None:
    found = list(find_phones(text, "text", region))
    assert [(s.value, s.channel) for s in found] == [(value, channel)]


def test_written_country_codes_are_surer_than_inferred_ones() -> None:
    [written] = find_phones("+84 912 345 678", "text", None)
    [inferred] = find_phones("0912 345 678", "text", "VN")
    assert written.confidence > inferred.confidence


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Telegram (nhắn tin trước) @hornshop_vn", "telegram", "hornshop_vn"),
        ("TikTok: @horn.gallery", "tiktok", "horn.gallery"),
        ("WeChat ID: ivory_888", "wechat", "ivory_888"),
        ("FB: @ivory.dealer", "facebook", "ivory.dealer"),
    ],
)
def test_more_handle_forms(text: str, kind: str, value: str) -> None:
    assert [(s.type, s.value) for s in find_handles(text, "text")] == [(kind, value)]


def test_a_bare_at_name_far_from_any_platform_is_not_a_handle() -> None:
    assert list(find_handles("Telegram is blocked here, so write to the shop at @hornshop", "t")) == []


_REGIONS = ["VN", "TH", "ID", "BR", "KE", "FR", "CN", "MX"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_REGIONS), st.integers(min_value=0, max_value=10**6))
def test_valid_numbers_round_trip(region: str, seed: int) -> None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    written = phonenumbers.format_number(
        example,
        (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL)[seed % 2],
    )
    found = [s.value for s in find_phones(f"call {written} now", "text", region)]
    assert found == [e164]


def test_extract_reads_every_family_from_one_listing() -> None:
    listing = Listing(
        id="multi",
        title="Vảy tê tê 2 ký, giá 3.500.000đ/lạng",
        text="Chuyển khoản DE89 3704 0044 0532 0130 00 hoặc BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2. "
        "Giao từ Lào.",
        location="Hà Nội",
    )
    kinds = {s.type for s in extract(listing, "vi")}
    assert {"quantity", "money", "iban", "btc", "place"} <= kinds


def test_digits_in_a_url_are_ids_not_phones() -> None:
    assert list(find_phones("https://www.leboncoin-demo.example/ad/251430546", "url", "FR")) == []
    assert [s.value for s in find_phones("https://wa.me/84912345678", "url", "FR")] == ["+84912345678"]
    assert [s.value for s in find_phones("tel:+33612345678", "url", None)] == ["+33612345678"]
