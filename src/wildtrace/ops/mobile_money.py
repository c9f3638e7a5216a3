"""Mobile-money services named in a listing: a phone number beside one is a payment lead.

The services, their aliases and the countries where they run are kept in
``data/mobile_money.csv`` (sources in ``data/SOURCE.txt``). Names are matched as whole
words (Unicode-aware: "novo", "microwave" and "bandana" name nothing), and a name that is
also an ordinary word or a person's name (Wave, Maya, OVO, DANA, MoMo, Pix) counts only
when the phone number belongs to a country where that service runs.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import phonenumbers

#: Scripts written without spaces between words: no word boundary to test there.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class MoneyService:
    """One row of the table: a service, its aliases and where it runs (empty: anywhere)."""

    name: str
    aliases: tuple[str, ...]
    countries: frozenset[str]
    ordinary_word: bool


@cache
def money_services() -> tuple[MoneyService, ...]:
    """The table, read once."""
    path = resources.files("wildtrace.ops") / "data" / "mobile_money.csv"
    with path.open(encoding="utf-8") as handle:
        return tuple(
            MoneyService(
                row["service"],
                tuple(alias.strip() for alias in row["aliases"].split("|") if alias.strip()),
                frozenset(row["countries"].split()),
                row["ordinary_word"].strip().lower() == "yes",
            )
            for row in csv.DictReader(handle)
        )


def _alias_pattern(alias: str) -> str:
    """An alias as a pattern: a space or hyphen may be written as either or left out
    ("M-Pesa", "M Pesa", "MPesa"); an apostrophe may be either kind or none."""
    parts: list[str] = []
    for char in alias:
        if char in " -":
            parts.append(r"[\s\-]?")
        elif char in "'’":
            parts.append(r"['’]?")
        else:
            parts.append(re.escape(char))
    body = "".join(parts)
    if _UNSPACED.search(alias):
        return body
    return rf"(?<![^\W_]){body}(?![^\W_])"


def _key(text: str) -> str:
    return re.sub(r"[\s\-'’]+", "", text.casefold())


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[MoneyService, ...]]]:
    by_key: dict[str, list[MoneyService]] = {}
    aliases: set[str] = set()
    for service in money_services():
        for alias in service.aliases:
            by_key.setdefault(_key(alias), []).append(service)
            aliases.add(alias)
    ordered = sorted(aliases, key=len, reverse=True)  # longest first: "Wave Money" before "Wave"
    pattern = re.compile("|".join(_alias_pattern(alias) for alias in ordered), re.IGNORECASE)
    return pattern, {key: tuple(services) for key, services in by_key.items()}


def phone_region(number: str) -> str | None:
    """The ISO country of an E.164 phone number, or None."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(parsed)


def mobile_money_services(text: str, phone: str | None = None) -> list[str]:
    """The services ``text`` names as whole words, in the order named (each once).

    A service whose name is an ordinary word counts only when ``phone`` (E.164) is from a
    country where it runs."""
    pattern, by_key = _matcher()
    region = phone_region(phone) if phone else None
    found: dict[str, None] = {}
    for match in pattern.finditer(text):
        for service in by_key.get(_key(match.group(0)), ()):
            if service.ordinary_word and (region is None or region not in service.countries):
                continue
            found.setdefault(service.name)
    return list(found)
