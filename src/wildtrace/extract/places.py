"""Places: countries and major cities named in a text, as ISO 3166 alpha-2 codes.

Country names come from the one country table in ``wildtrace.reference`` (``ops import``
reads the same names), cities from ``data/cities.csv``. One gazetteer serves two needs:
``place`` selectors (where a trader says they are or ship to) and the region of phone
numbers written without a country code (``regions.py``).
Names are matched with one Aho-Corasick automaton over the lower-cased text, as whole
words for scripts written with spaces. In running text a Latin-script name must be
capitalised ("Lagos", not "lagos" = lakes; "Porto", not "porto"), for precision.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import ahocorasick_rs

from wildtrace.model import Selector
from wildtrace.reference import text_country_names

_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af]")  # Thai, CJK, kana, Hangul


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    #: (name as matched, code, confidence, read only in a location field)
    entries: list[tuple[str, str, float, bool]]
    automaton: ahocorasick_rs.AhoCorasick


@cache
def _gazetteer() -> _Gazetteer:
    """Country names (confidence 0.9 as a place) from the one country table in
    ``wildtrace.reference`` (its ``text`` and ``location`` names), then major cities (0.8)
    from ``data/cities.csv``. Built once, on first use."""
    entries = [(row.name.lower(), row.code, 0.9, row.use == "location") for row in text_country_names()]
    path = resources.files("wildtrace.extract") / "data" / "cities.csv"
    with path.open(encoding="utf-8") as handle:
        entries += [(row["name"].lower(), row["iso2"], 0.8, False) for row in csv.DictReader(handle)]
    automaton = ahocorasick_rs.AhoCorasick(
        [name for name, _, _, _ in entries], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return _Gazetteer(entries, automaton)


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
    gazetteer = _gazetteer()
    for index, start, end in gazetteer.automaton.find_matches_as_indexes(lowered):
        name, code, confidence, location_only = gazetteer.entries[index]
        raw = text[start:end]
        if code in seen:
            continue
        if not _UNSPACED.search(name):
            if not _is_word(lowered, start, end):
                continue
            if not location and (location_only or not raw[0].isupper()):
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
