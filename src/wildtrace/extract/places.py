"""Places: countries and major cities named in a text, as ISO 3166 alpha-2 codes.

One gazetteer serves two needs: ``place`` selectors (where a trader says they are or ship
to) and the region of phone numbers written without a country code (``regions.py``).
Names are matched with one Aho-Corasick automaton over the lower-cased text, as whole
words for scripts written with spaces. In running text a Latin-script name must be
capitalised ("Lagos", not "lagos" = lakes; "Porto", not "porto"), for precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

import ahocorasick_rs

from wildtrace.model import Selector

_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af]")  # Thai, CJK, kana, Hangul

#: Country names (confidence 0.9 as a place) in English, the country's own languages and
#: the languages of the trade routes; then major cities (0.8).
COUNTRIES: dict[str, tuple[str, ...]] = {
    "VN": ("viet nam", "vietnam", "việt nam", "越南", "เวียดนาม", "vietnã", "viêt nam"),
    "CN": ("china", "中国", "中國", "大陆", "trung quốc", "จีน", "chine", "tiongkok", "cina"),
    "HK": ("hong kong", "香港", "hồng kông", "ฮ่องกง", "hongkong"),
    "TW": ("taiwan", "台湾", "台灣", "đài loan", "ไต้หวัน"),
    "TH": ("thailand", "ประเทศไทย", "泰国", "泰國", "thái lan", "thaïlande", "tailandia"),
    "ID": ("indonesia", "印尼", "印度尼西亚", "indonésie"),
    "MY": ("malaysia", "马来西亚", "馬來西亞", "mã lai", "malaisie"),
    "SG": ("singapore", "新加坡", "singapour", "singapura"),
    "LA": ("laos", "lào", "ลาว", "老挝", "老撾"),
    "KH": ("cambodia", "campuchia", "กัมพูชา", "柬埔寨", "cambodge", "kampuchea"),
    "MM": ("myanmar", "burma", "缅甸", "緬甸", "เมียนมา", "miến điện"),
    "PH": ("philippines", "pilipinas", "菲律宾"),
    "JP": ("japan", "日本", "nhật bản", "ญี่ปุ่น", "japon"),
    "KR": ("south korea", "韩国", "韓國", "hàn quốc", "한국"),
    "IN": ("india", "印度", "ấn độ", "inde"),
    "FR": ("france", "法国", "法國", "pháp"),
    "BE": ("belgique", "belgium", "belgië"),
    "DE": ("germany", "deutschland", "allemagne", "alemania", "德国", "đức"),
    "ES": ("españa", "espana", "spain", "espagne", "西班牙"),
    "PT": ("portugal",),
    "GB": ("united kingdom", "england", "royaume-uni", "reino unido", "英国", "anh quốc"),
    "US": ("united states", "usa", "états-unis", "estados unidos", "美国", "美國", "hoa kỳ", "mỹ"),
    "MX": ("méxico", "mexico", "mexique"),
    "BR": ("brasil", "brazil", "brésil", "巴西"),
    "CO": ("colombia", "colombie"),
    "PE": ("perú", "peru", "pérou"),
    "KE": ("kenya", "肯尼亚", "肯亞"),
    "TZ": ("tanzania", "tanzanie", "坦桑尼亚"),
    "UG": ("uganda", "ouganda"),
    "NG": ("nigeria", "尼日利亚", "nigéria"),
    "CM": ("cameroon", "cameroun", "camerún"),
    "CD": ("rdc", "congo-kinshasa", "rd congo"),
    "CI": ("côte d'ivoire", "cote d'ivoire", "ivory coast"),
    "ZA": ("south africa", "afrique du sud", "南非", "nam phi"),
    "MZ": ("mozambique", "moçambique", "莫桑比克"),
    "AO": ("angola",),
    "ZW": ("zimbabwe",),
    "ZM": ("zambia", "zambie"),
    "MG": ("madagascar",),
    "AE": ("uae", "dubai", "迪拜", "united arab emirates"),
    "AU": ("australia", "澳大利亚", "úc"),
}  # fmt: skip
CITIES: dict[str, tuple[str, ...]] = {
    "VN": ("hà nội", "ha noi", "hanoi", "hồ chí minh", "ho chi minh", "sài gòn", "saigon",
           "tp.hcm", "tphcm", "hcm", "đà nẵng", "da nang", "hải phòng", "hai phong", "nha trang",
           "cần thơ", "河内", "胡志明市"),
    "CN": ("广州", "廣州", "北京", "上海", "深圳", "昆明", "福建", "云南", "雲南", "广西", "东兴",
           "东莞", "guangzhou", "beijing", "shanghai", "shenzhen", "kunming", "quảng châu",
           "bắc kinh", "thượng hải", "côn minh"),
    "HK": ("九龍", "九龙", "kowloon"),
    "TW": ("台北", "臺北", "高雄", "taipei", "kaohsiung"),
    "TH": ("กรุงเทพ", "bangkok", "เชียงใหม่", "chiang mai", "曼谷", "băng cốc", "phuket", "ภูเก็ต"),
    "ID": ("jakarta", "surabaya", "bandung", "medan", "makassar", "semarang", "雅加达"),
    "MY": ("kuala lumpur", "penang", "johor bahru", "吉隆坡"),
    "LA": ("vientiane", "viêng chăn", "万象", "เวียงจันทน์"),
    "KH": ("phnom penh", "金边", "phnôm pênh"),
    "MM": ("yangon", "mandalay", "仰光"),
    "PH": ("manila", "马尼拉"),
    "JP": ("東京", "tokyo", "大阪", "osaka"),
    "FR": ("paris", "marseille", "lyon", "toulouse", "bordeaux"),
    "BE": ("bruxelles", "brussels", "anvers", "antwerpen"),
    "ES": ("madrid", "barcelona", "valencia", "sevilla"),
    "PT": ("lisboa", "lisbon"),
    "GB": ("london", "manchester", "birmingham"),
    "US": ("new york", "los angeles", "miami", "houston"),
    "MX": ("cdmx", "ciudad de méxico", "guadalajara", "monterrey", "tijuana"),
    "BR": ("são paulo", "sao paulo", "rio de janeiro", "brasília", "belém", "manaus"),
    "KE": ("nairobi", "mombasa"),
    "TZ": ("dar es salaam", "zanzibar"),
    "UG": ("kampala",),
    "NG": ("lagos", "abuja"),
    "CM": ("douala", "yaoundé"),
    "CD": ("kinshasa",),
    "ZA": ("johannesburg", "cape town", "durban"),
    "MZ": ("maputo",),
    "AU": ("sydney", "melbourne"),
}  # fmt: skip
#: Short names that are also ordinary words or abbreviations: only in a location field.
_LOCATION_ONLY = frozenset({"uk", "hcm", "usa", "mỹ", "úc", "đức", "anh quốc", "rdc", "uae", "cina"})
_EXTRA_LOCATION = {"uk": "GB"}


def _entries() -> list[tuple[str, str, float]]:
    entries = [(name, code, 0.9) for code, names in COUNTRIES.items() for name in names]
    entries += [(name, code, 0.8) for code, names in CITIES.items() for name in names]
    entries += [(name, code, 0.9) for name, code in _EXTRA_LOCATION.items()]
    return entries


_ENTRIES = _entries()


@cache
def _automaton() -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(
        [name for name, _, _ in _ENTRIES], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )


def _is_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def find_places(text: str, field: str, *, location: bool = False) -> Iterator[Selector]:
    """Countries and major cities in ``text``, once per code, first mention kept.

    ``location`` relaxes the rules for a listing's location field, which names a place
    by definition: any capitalisation, and short names such as "UK" or "HCM".
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character changes length when lowered
        return
    seen: set[str] = set()
    for index, start, end in _automaton().find_matches_as_indexes(lowered):
        name, code, confidence = _ENTRIES[index]
        raw = text[start:end]
        if code in seen:
            continue
        if not _UNSPACED.search(name):
            if not _is_word(lowered, start, end):
                continue
            if not location and (name in _LOCATION_ONLY or not raw[0].isupper()):
                continue
        seen.add(code)
        yield Selector("place", code, raw, field, start, end, confidence=confidence)


def region_of_location(location: str) -> str | None:
    """The country a listing's location names, or None (its first place wins)."""
    places = location_places(location)
    return places[0].value if places else None


@lru_cache(maxsize=4096)
def location_places(location: str) -> tuple[Selector, ...]:
    """The places a listing's location field names. Cached: locations repeat across
    listings, and both the phone region and the place selectors need them."""
    return tuple(find_places(location, "location", location=True))
