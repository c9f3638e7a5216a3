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

import ahocorasick_rs
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


def _variants(alias: str) -> set[str]:
    """An alias as it may be written, lower case: a space or hyphen as either or left out
    ("M-Pesa", "M Pesa", "MPesa"); an apostrophe as either kind or none."""
    forms = {""}
    for char in alias.casefold():
        if char in " -":
            forms = {form + sep for form in forms for sep in (" ", "-", "")}
        elif char in "'’":
            forms = {form + sep for form in forms for sep in ("'", "’", "")}
        else:
            forms = {form + char for form in forms}
    return forms


def _key(text: str) -> str:
    return re.sub(r"[\s\-'’]+", "", text.casefold())


@dataclass(frozen=True, slots=True)
class _Matcher:
    names: list[str]  # the written forms, in automaton order
    services: dict[str, tuple[MoneyService, ...]]  # key of a form -> its services
    automaton: ahocorasick_rs.AhoCorasick


@cache
def _matcher() -> _Matcher:
    """One Aho-Corasick automaton over every written form of every alias: linear in the
    text, however many services the table lists."""
    by_key: dict[str, list[MoneyService]] = {}
    names: set[str] = set()
    for service in money_services():
        for alias in service.aliases:
            by_key.setdefault(_key(alias), []).append(service)
            names.update(_variants(alias))
    ordered = sorted(names)
    automaton = ahocorasick_rs.AhoCorasick(ordered, matchkind=ahocorasick_rs.MatchKind.Standard)
    return _Matcher(ordered, {key: tuple(found) for key, found in by_key.items()}, automaton)


def _is_word(text: str, start: int, end: int) -> bool:
    """Nothing of a word touches the match (letters, digits, marks or ``_``)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _WORD.match(before) and not _WORD.match(after)


_WORD = re.compile(r"[\w\u0300-\u036f]")


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
    matcher = _matcher()
    lowered = text.casefold()
    if len(lowered) != len(text):  # a rare character changes length when folded
        lowered = "".join(char.casefold()[:1] or char for char in text)
    region = phone_region(phone) if phone else None
    matches: list[tuple[int, int, str]] = []
    for index, start, end in matcher.automaton.find_matches_as_indexes(lowered, overlapping=True):
        name = matcher.names[index]
        if _UNSPACED.search(name) or _is_word(lowered, start, end):
            matches.append((start, end, name))
    # a form inside a longer one found around it is part of it ("Wave" in "Wave Money")
    found: dict[str, None] = {}
    reach = -1
    for _start, end, name in sorted(matches, key=lambda match: (match[0], -match[1])):
        if end <= reach:
            continue
        reach = end
        for service in matcher.services.get(_key(name), ()):
            if service.ordinary_word and (region is None or region not in service.countries):
                continue
            found.setdefault(service.name)
    return list(found)
