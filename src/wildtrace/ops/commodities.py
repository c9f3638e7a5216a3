"""Commodities as seizure reports name them, and CITES trade terms, to one vocabulary.

The vocabulary is the detection lexicon's (``ivory``, ``pangolin``, ``rhino_horn``,
``rosewood`` ...) plus ``timber`` for wood not identified further. A line's commodity comes
from its commodity cell (names in several languages, ``data/commodity_aliases.csv``), else
from its species (genus, ``data/species_genera.csv``), else from its CITES trade term
(``data/cites_terms.csv``, e.g. TUS tusks -> ivory, SCA scales -> pangolin, TIM -> timber).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from wildtrace.ops.units import fold

#: Name used when a commodity cell names nothing in the vocabulary.
OTHER = "other"


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("wildtrace.ops") / "data" / name
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _aliases() -> dict[str, str]:
    return {fold(row["alias"]): row["commodity"] for row in _rows("commodity_aliases.csv")}


@cache
def _genera() -> dict[str, str]:
    return {fold(row["genus"]): row["commodity"] for row in _rows("species_genera.csv")}


@cache
def trade_terms() -> dict[str, tuple[str, str]]:
    """CITES trade-term code -> (description, commodity or "")."""
    return {row["code"]: (row["description"], row["commodity"]) for row in _rows("cites_terms.csv")}


def commodity_from_name(text: str) -> str | None:
    """The commodity a commodity cell names, or None when it names none we know."""
    key = fold(text).strip(" .")
    if not key:
        return None
    found = _aliases().get(key)
    if found is None and key.replace(" ", "_") in set(_aliases().values()):
        found = key.replace(" ", "_")
    return found


def commodity_from_species(text: str) -> str | None:
    """The commodity a scientific name points to (species first, then genus)."""
    words = fold(text).split()
    if not words:
        return None
    genera = _genera()
    return genera.get(" ".join(words[:2])) or genera.get(words[0])


def trade_term(text: str) -> str | None:
    """The CITES trade-term code in ``text`` (``"tus"``, ``"TUS - tusks"``), or None."""
    code = text.strip().upper()[:3]
    if len(code) == 3 and code in trade_terms() and (len(text.strip()) == 3 or not text.strip()[3].isalpha()):
        return code
    return None


def commodity_from_term(code: str) -> str | None:
    found = trade_terms().get(code)
    return found[1] or None if found else None
