"""guess_region(): the country of numbers written without a country code."""

from __future__ import annotations

import pytest

from wildtrace.extract.regions import guess_region
from wildtrace.model import Listing


@pytest.mark.parametrize(
    ("location", "region"),
    [
        ("Hà Nội", "VN"),
        ("Quận 1, TP.HCM", "VN"),
        ("Sài Gòn", "VN"),
        ("中国广州市", "CN"),
        ("香港", "HK"),
        ("กรุงเทพมหานคร", "TH"),
        ("Phuket, Thailand", "TH"),
        ("Jakarta Selatan", "ID"),
        ("Paris 11e", "FR"),
        ("São Paulo - SP", "BR"),
        ("Porto Alegre, Brasil", "BR"),
        ("Nairobi, Kenya", "KE"),
        ("London, UK", "GB"),
        ("New York, USA", "US"),
    ],
)
def test_location(location: str, region: str) -> None:
    assert guess_region(Listing(id="a", location=location), None) == region


@pytest.mark.parametrize(
    "location",
    [
        "Lusaka",  # "usa" inside a word
        "Pukeko",  # "uk" inside a word
        "Somewhere else",
    ],
)
def test_place_names_match_whole_words_only(location: str) -> None:
    assert guess_region(Listing(id="a", location=location), None) is None


@pytest.mark.parametrize(
    ("platform", "region"),
    [
        ("chotot", "VN"),
        ("chotot.com", "VN"),
        ("Shopee-VN", "VN"),
        ("xianyu", "CN"),
        ("tokopedia", "ID"),
        ("leboncoin", "FR"),
        ("OLX-BR", "BR"),
        ("jiji", "KE"),
        ("kaidee", "TH"),
        ("onlineshop", None),  # "line" inside a word
        ("facebook", None),
    ],
)
def test_platform(platform: str, region: str | None) -> None:
    assert guess_region(Listing(id="a", platform=platform), None) == region


@pytest.mark.parametrize(
    ("language", "region"),
    [("vi", "VN"), ("th", "TH"), ("id", "ID"), ("zh-Hant", "CN"), ("fr", "FR"), ("pt-BR", "BR"),
     ("sw", "KE"), ("xx", None), (None, None)],
)  # fmt: skip
def test_language(language: str | None, region: str | None) -> None:
    assert guess_region(Listing(id="a"), language) == region


def test_location_before_platform_before_language() -> None:
    both = Listing(id="a", location="Nairobi", platform="chotot")
    assert guess_region(both, "th") == "KE"
    assert guess_region(Listing(id="a", platform="chotot"), "th") == "VN"
    assert guess_region(Listing(id="a", location="nowhere", platform="nothing"), "th") == "TH"
