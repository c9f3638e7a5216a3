"""Country names in many languages, and ISO codes, to ISO 3166-1 alpha-2.

Reports from a multi-country operation name the same country as "Viet Nam", "Vietnam",
"Việt Nam", "越南", "เวียดนาม" or "VNM". The names come from pycountry (English names and
the Debian iso-codes translations it ships), plus a short table of our own for the short
and colloquial forms the translations lack (``data/country_aliases.csv``). A translated
name that two countries share in different languages is dropped rather than guessed.
"""

from __future__ import annotations

import csv
import gettext
import re
from functools import cache, lru_cache
from importlib import resources

import pycountry

from wildtrace.ops.units import fold

#: Languages whose country names are read from the iso-codes translations.
LANGUAGES = (
    "fr",
    "es",
    "pt",
    "pt_BR",
    "zh_CN",
    "zh_TW",
    "zh_HK",
    "vi",
    "th",
    "id",
    "ms",
    "sw",
    "de",
    "it",
    "nl",
    "ar",
    "ru",
    "ja",
    "ko",
    "km",
    "lo",
    "my",
    "fil",
    "ha",
    "yo",
    "am",
    "so",
    "bn",
    "hi",
)

_PUNCTUATION = re.compile(r"[.,'’()\-_/]+")
#: Words in front of a name that only say "country" or "the".
_PREFIXES = ("ประเทศ", "nước ", "the ", "republic of ", "negara ", "nchi ya ")


def _key(text: str) -> str:
    key = " ".join(_PUNCTUATION.sub(" ", fold(text)).split())
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix) :].strip()
    return key


def _inverted(name: str) -> str | None:
    """``"Congo, The Democratic Republic of the"`` -> ``"The Democratic Republic of the Congo"``."""
    if ", " not in name:
        return None
    head, tail = name.split(", ", 1)
    return f"{tail} {head}"


@cache
def _table() -> dict[str, str]:
    fixed: dict[str, str] = {}
    aliases = resources.files("wildtrace.ops") / "data" / "country_aliases.csv"
    with aliases.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fixed[_key(row["name"])] = row["iso2"]
    for country in pycountry.countries:
        code = country.alpha_2
        for value in (code, country.alpha_3):
            fixed.setdefault(_key(value), code)
        for name in _names(country):
            fixed.setdefault(_key(name), code)
            inverted = _inverted(name)
            if inverted:
                fixed.setdefault(_key(inverted), code)
    translated: dict[str, set[str]] = {}
    for language in LANGUAGES:
        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for country in pycountry.countries:
            for name in _names(country):
                local = translation.gettext(name)
                for form in (local, _inverted(local)):
                    if form:
                        translated.setdefault(_key(form), set()).add(country.alpha_2)
    table = dict(fixed)
    for key, codes in translated.items():
        if key not in table and len(codes) == 1:
            table[key] = next(iter(codes))
    table.pop("", None)
    return table


def _names(country: object) -> list[str]:
    return [
        value
        for attribute in ("name", "common_name", "official_name")
        if isinstance(value := getattr(country, attribute, None), str)
    ]


@lru_cache(maxsize=16384)
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country name or code in any supported language."""
    key = _key(text)
    if not key:
        return None
    return _table().get(key)


#: Short names where pycountry has only the long, inverted one.
_SHORT_NAMES = {
    "CD": "DR Congo",
    "CG": "Congo",
    "KR": "South Korea",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "MD": "Moldova",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "FM": "Micronesia",
}


def country_name(code: str) -> str:
    """The English short name of a country, for reports."""
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@cache
def country_points() -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each country's capital, where route maps draw it."""
    points: dict[str, tuple[float, float]] = {}
    path = resources.files("wildtrace.ops") / "data" / "country_points.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            points[row["iso2"]] = (float(row["longitude"]), float(row["latitude"]))
    return points
