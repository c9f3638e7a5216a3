"""The one table of countries: names in many languages, and ISO codes, to ISO 3166-1 alpha-2.

Reports and listings name the same country as "Viet Nam", "Vietnam", "Việt Nam", "越南",
"เวียดนาม" or "VNM". The names come from ``data/countries.csv`` (our own: short, colloquial
and local forms, each marked with where it may be read) and from pycountry (English names
and the Debian iso-codes translations it ships). A translated name that two countries share
in different languages is dropped rather than guessed. A name is compared first as written
(lower case, accents kept: Vietnamese "Mỹ" is the United States), then with Latin accents
dropped ("Perú", "Peru").

``use`` in countries.csv: ``text`` names may be found in running text (place selectors),
``location`` names only in a listing's location field (they are also ordinary words or
abbreviations), ``cell`` names only as a whole cell of a sheet, ``short`` is the English
short name reports show. Every name is accepted as a whole cell.
"""

from __future__ import annotations

import csv
import gettext
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import pycountry

from wildtrace.reference.text import fold

#: Languages whose country names are read from the iso-codes translations.
LANGUAGES = (
    "fr", "es", "pt", "pt_BR", "zh_CN", "zh_TW", "zh_HK", "vi", "th", "id", "ms", "sw", "de", "it",
    "nl", "ar", "ru", "ja", "ko", "km", "lo", "my", "fil", "ha", "yo", "am", "so", "bn", "hi",
)  # fmt: skip

_PUNCTUATION = re.compile(r"[.,'’()\-_/]+")
#: Words in front of a name that only say "country" or "the".
_PREFIXES = ("ประเทศ", "nước ", "the ", "republic of ", "negara ", "nchi ya ")
USES = ("text", "location", "cell", "short")


@dataclass(frozen=True, slots=True)
class CountryName:
    """One row of countries.csv."""

    code: str
    name: str
    use: str


def _strip(key: str) -> str:
    key = " ".join(_PUNCTUATION.sub(" ", key).split())
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix) :].strip()
    return key


def _key(text: str) -> str:
    """Latin accents dropped."""
    return _strip(fold(text))


def _exact(text: str) -> str:
    """As written, lower case, accents kept."""
    return _strip(" ".join(text.strip().lower().split()))


def _inverted(name: str) -> str | None:
    """``"Congo, The Democratic Republic of the"`` -> ``"The Democratic Republic of the Congo"``."""
    if ", " not in name:
        return None
    head, tail = name.split(", ", 1)
    return f"{tail} {head}"


@cache
def country_names() -> tuple[CountryName, ...]:
    """The rows of countries.csv."""
    path = resources.files("wildtrace.reference") / "data" / "countries.csv"
    with path.open(encoding="utf-8") as handle:
        rows = tuple(CountryName(row["iso2"], row["name"], row["use"]) for row in csv.DictReader(handle))
    for row in rows:
        if row.use not in USES or len(row.code) != 2:
            raise ValueError(f"countries.csv: bad row {row}")
    return rows


def text_country_names() -> tuple[CountryName, ...]:
    """The names the place finder looks for in text (``text`` and ``location`` rows)."""
    return tuple(row for row in country_names() if row.use in ("text", "location"))


def _pycountry_names(country: object) -> list[str]:
    return [
        value
        for attribute in ("name", "common_name", "official_name")
        if isinstance(value := getattr(country, attribute, None), str)
    ]


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(names as written -> code, names folded -> code)."""
    exact: dict[str, str] = {}
    fixed: dict[str, str] = {}
    for country in pycountry.countries:  # codes first: "MY" is Malaysia, "Mỹ" the United States
        for value in (country.alpha_2, country.alpha_3):
            fixed.setdefault(_key(value), country.alpha_2)
    for row in country_names():
        exact.setdefault(_exact(row.name), row.code)
        fixed.setdefault(_key(row.name), row.code)
    for country in pycountry.countries:
        code = country.alpha_2
        for name in _pycountry_names(country):
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
            for name in _pycountry_names(country):
                local = translation.gettext(name)
                for form in (local, _inverted(local)):
                    if form:
                        translated.setdefault(_key(form), set()).add(country.alpha_2)
    for key, codes in translated.items():
        if key not in fixed and len(codes) == 1:
            fixed[key] = next(iter(codes))
    exact.pop("", None)
    fixed.pop("", None)
    return exact, fixed


@lru_cache(maxsize=16384)
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country name or code in any supported language."""
    exact, folded = _tables()
    return exact.get(_exact(text)) or folded.get(_key(text))


@cache
def _short_names() -> dict[str, str]:
    return {row.code: row.name for row in country_names() if row.use == "short"}


def country_name(code: str) -> str:
    """The English short name of a country, for reports."""
    short = _short_names().get(code)
    if short is not None:
        return short
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
