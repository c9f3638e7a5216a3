"""Guess the country a listing's local phone numbers belong to.

Order of trust (issue: selectors): the listing's location (country or major city names in
their own languages, from the gazetteer in ``places.py``), the platform's country, then
the text's language (``data/region_hints.csv``: languages and platform names).
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from importlib import resources

from wildtrace.extract.places import region_of_location
from wildtrace.model import Listing


@cache
def _hints() -> tuple[dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    """(language -> country, (platform name pattern, country)) from ``data/region_hints.csv``.
    Platform names match whole words only: "line" is not in "onlineshop"; "-" and "."
    separate ("shopee-vn")."""
    languages: dict[str, str] = {}
    platforms: list[tuple[re.Pattern[str], str]] = []
    path = resources.files("wildtrace.extract") / "data" / "region_hints.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "language":
                languages[row["name"]] = row["iso2"]
            else:
                word = re.compile(rf"(?<![^\W_]){re.escape(row['name'])}(?![^\W_])")
                platforms.append((word, row["iso2"]))
    return languages, tuple(platforms)


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
        return _hints()[0].get(language.split("-")[0].casefold())
    return None


@lru_cache(maxsize=4096)
def _platform_region(platform: str) -> str | None:
    """Cached: a corpus names few platforms, and this tries every hint in turn."""
    folded = platform.casefold()
    for pattern, region in _hints()[1]:
        if pattern.search(folded):
            return region
    return None
