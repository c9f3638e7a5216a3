"""Guess the country a listing's local phone numbers belong to.

Order of trust (issue: selectors): the listing's location (country or major city names in
their own languages, from the gazetteer in ``places.py``), the platform's country, then
the text's language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wildtrace.extract.places import region_of_location
from wildtrace.model import Listing

_LANGUAGES = {
    "vi": "VN", "th": "TH", "id": "ID", "ms": "MY", "zh": "CN", "ja": "JP", "lo": "LA",
    "km": "KH", "my": "MM", "tl": "PH", "ko": "KR", "fr": "FR", "es": "ES", "pt": "BR",
    "sw": "KE", "en": "US", "de": "DE",
}  # fmt: skip

_PLATFORM_HINTS = {
    "chotot": "VN", "zalo": "VN", "shopee-vn": "VN", "taobao": "CN", "xianyu": "CN",
    "weibo": "CN", "douyin": "CN", "pinduoduo": "CN", "kaskus": "ID", "tokopedia": "ID",
    "bukalapak": "ID", "shopee-id": "ID", "leboncoin": "FR", "mercadolivre": "BR",
    "olx-br": "BR", "enjoei": "BR", "mercadolibre": "MX", "wallapop": "ES", "jiji": "KE",
    "pantip": "TH", "kaidee": "TH", "line": "TH", "mercari": "JP", "carousell": "SG",
    "mudah": "MY", "lazada-vn": "VN", "lazada-th": "TH", "shopee-th": "TH",
}  # fmt: skip


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])")


#: Whole words only: "line" is not in "onlineshop"; "-" and "." separate ("shopee-vn").
_PLATFORM_PATTERNS = tuple((_word(hint), region) for hint, region in _PLATFORM_HINTS.items())


def guess_region(listing: Listing, language: str | None) -> str | None:
    """ISO 3166 alpha-2 code for numbers written without a country code, or None."""
    if listing.location:
        region = region_of_location(listing.location)
        if region is not None:
            return region
    region = _platform_region(listing.platform or "")
    if region is not None:
        return region
    if language:
        return _LANGUAGES.get(language.split("-")[0].casefold())
    return None


@lru_cache(maxsize=4096)
def _platform_region(platform: str) -> str | None:
    """Cached: a corpus names few platforms, and this tries every hint in turn."""
    folded = platform.casefold()
    for pattern, region in _PLATFORM_PATTERNS:
        if pattern.search(folded):
            return region
    return None
