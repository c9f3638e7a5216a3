"""Guess the country a listing's local phone numbers belong to.

Order of trust (issue: selectors): the listing's location, the platform's country,
then the text's language. First version: a short table of countries and major cities
in their own languages; the selectors issue extends it.
"""

from __future__ import annotations

import re

from wildtrace.model import Listing

_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af]")  # Thai, CJK, kana, Hangul

_PLACES: dict[str, str] = {
    "viet nam": "VN", "vietnam": "VN", "việt nam": "VN", "hà nội": "VN", "ha noi": "VN",
    "hanoi": "VN", "hồ chí minh": "VN", "ho chi minh": "VN", "sài gòn": "VN", "saigon": "VN",
    "đà nẵng": "VN", "hải phòng": "VN", "tp.hcm": "VN", "hcm": "VN",
    "china": "CN", "中国": "CN", "广州": "CN", "北京": "CN", "上海": "CN", "深圳": "CN",
    "昆明": "CN", "福建": "CN", "云南": "CN", "guangzhou": "CN",
    "hong kong": "HK", "香港": "HK", "taiwan": "TW", "台湾": "TW", "台灣": "TW", "台北": "TW",
    "thailand": "TH", "ประเทศไทย": "TH", "กรุงเทพ": "TH", "bangkok": "TH", "เชียงใหม่": "TH",
    "indonesia": "ID", "jakarta": "ID", "surabaya": "ID", "bandung": "ID", "medan": "ID",
    "malaysia": "MY", "kuala lumpur": "MY", "singapore": "SG",
    "france": "FR", "paris": "FR", "marseille": "FR", "lyon": "FR",
    "belgique": "BE", "bruxelles": "BE",
    "españa": "ES", "espana": "ES", "spain": "ES", "madrid": "ES", "barcelona": "ES",
    "méxico": "MX", "mexico": "MX", "cdmx": "MX", "guadalajara": "MX",
    "brasil": "BR", "brazil": "BR", "são paulo": "BR", "sao paulo": "BR", "rio de janeiro": "BR",
    "portugal": "PT", "lisboa": "PT", "porto": "PT",
    "kenya": "KE", "nairobi": "KE", "mombasa": "KE", "tanzania": "TZ", "dar es salaam": "TZ",
    "nigeria": "NG", "lagos": "NG", "japan": "JP", "日本": "JP", "東京": "JP", "tokyo": "JP",
    "united kingdom": "GB", "london": "GB", "uk": "GB", "usa": "US", "new york": "US",
    "united states": "US", "australia": "AU", "sydney": "AU", "laos": "LA", "vientiane": "LA",
    "cambodia": "KH", "phnom penh": "KH", "myanmar": "MM", "yangon": "MM",
}  # fmt: skip

_LANGUAGES = {
    "vi": "VN", "th": "TH", "id": "ID", "ms": "MY", "zh": "CN", "ja": "JP",
    "fr": "FR", "es": "ES", "pt": "BR", "sw": "KE", "en": "US",
}  # fmt: skip

_PLATFORM_HINTS = {
    "chotot": "VN", "zalo": "VN", "shopee-vn": "VN", "taobao": "CN", "xianyu": "CN",
    "weibo": "CN", "kaskus": "ID", "tokopedia": "ID", "bukalapak": "ID", "leboncoin": "FR",
    "mercadolivre": "BR", "olx-br": "BR", "mercadolibre": "MX", "wallapop": "ES",
    "jiji": "KE", "pantip": "TH", "kaidee": "TH", "line": "TH", "mercari": "JP",
}  # fmt: skip


def _word(name: str) -> re.Pattern[str]:
    """``name`` as a whole word; names in scripts written without spaces match anywhere."""
    if _UNSPACED.search(name):
        return re.compile(re.escape(name))
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


#: Whole words only: "uk" is not in "Phuket", "usa" not in "Lusaka", "line" not in "online".
_PLACE_PATTERNS = tuple((_word(place), region) for place, region in _PLACES.items())
_PLATFORM_PATTERNS = tuple((_word(hint), region) for hint, region in _PLATFORM_HINTS.items())


def guess_region(listing: Listing, language: str | None) -> str | None:
    """ISO 3166 alpha-2 code for numbers written without a country code, or None."""
    location = (listing.location or "").casefold()
    if location:
        for pattern, region in _PLACE_PATTERNS:
            if pattern.search(location):
                return region
    platform = (listing.platform or "").casefold()
    for pattern, region in _PLATFORM_PATTERNS:
        if pattern.search(platform):
            return region
    if language:
        return _LANGUAGES.get(language.split("-")[0])
    return None
