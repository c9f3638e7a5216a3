"""The operation's domain: seizures, suspects and outcomes as plain frozen data.

No I/O here: the importer makes these from spreadsheet rows, the store keeps them and
the report reads them back.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from importlib import resources

from wildtrace.ops.units import fold

#: How a seizure travelled (the transport sector's categories).
TRANSPORT_MODES = (
    "air_cargo",
    "air_passenger",
    "sea_container",
    "sea_other",
    "road",
    "rail",
    "post_courier",
    "online_controlled_delivery",
    "other",
)

#: Splits a compound value ("post/courier", "truck + boat") into its parts.
_TRANSPORT_PARTS = re.compile(r"\s*(?:/|\\|,|;|\+|&|\band\b|\bor\b|\bet\b|\by\b|\be\b|和|及|、)\s*")


@cache
def _transport_table() -> dict[str, str]:
    """Folded alias -> transport mode, from ``data/transport_modes.csv`` (extend it there)."""
    table: dict[str, str] = {fold(mode.replace("_", " ")): mode for mode in TRANSPORT_MODES}
    table.update({fold(mode): mode for mode in TRANSPORT_MODES})
    path = resources.files("wildtrace.ops") / "data" / "transport_modes.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["mode"] not in TRANSPORT_MODES:
                raise ValueError(f"transport_modes.csv: unknown mode {row['mode']!r}")
            table.setdefault(fold(row["alias"]), row["mode"])
    return table


@cache
def _longest_alias() -> int:
    """Words in the longest alias: no longer run of words is looked up."""
    return max(len(alias.split()) for alias in _transport_table())


def _one_transport(text: str) -> str | None:
    """A single value: the whole text, else its longest known run of words, left first
    ("sea vessel" -> sea_other, "by fishing boat" -> sea_other)."""
    table = _transport_table()
    key = fold(text).strip(" .")
    if key in table:
        return table[key]
    words = key.split()
    for length in range(min(len(words) - 1, _longest_alias()), 0, -1):  # linear in the words
        for start in range(len(words) - length + 1):
            found = table.get(" ".join(words[start : start + length]))
            if found is not None:
                return found
    return None


def transport_mode(text: str) -> str | None:
    """The transport category a cell names, or None when it names none we know.

    A compound value names its parts: ``post/courier`` is post_courier; when the parts
    name different modes (``truck/boat``) the first one wins, as the sheet lists it."""
    found = _one_transport(text)
    if found is not None:
        return found
    for part in _TRANSPORT_PARTS.split(fold(text)):
        if part and (found := _one_transport(part)) is not None:
            return found
    return None


#: What happened to a suspect, in the order a case goes.
OUTCOME_KINDS = ("arrest", "charge", "prosecution", "conviction", "sentence", "acquittal")


@dataclass(frozen=True, slots=True)
class Suspect:
    """A person or company named in a seizure report."""

    name: str
    kind: str = "person"  # "person" or "company"
    nationality: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """An arrest, charge, prosecution, conviction or sentence, on a date."""

    kind: str
    occurred_on: date
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Seizure:
    """One seizure line, already checked and in canonical units."""

    seized_on: date
    country: str
    commodity: str
    reference: str | None = None
    agency: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    detection_point: str | None = None
    transport_mode: str | None = None
    origin: str | None = None
    transit: tuple[str, ...] = ()
    destination: str | None = None
    concealment: str | None = None
    species: str | None = None
    trade_term: str | None = None
    quantity: float | None = None
    unit: str | None = None
    kg: float | None = None
    m3: float | None = None
    pieces: float | None = None
    live: float | None = None
    value_usd: float | None = None
    suspects: tuple[Suspect, ...] = ()
    unnamed_suspects: int = 0
    outcomes: tuple[Outcome, ...] = ()
    listings: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical values: the same line read again (from CSV or Excel,
        with any column names) has the same fingerprint."""
        values: list[object] = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "seized_on":
                value = value.isoformat()
            elif item.name == "suspects":
                value = [[s.name, s.kind, s.nationality, s.role] for s in value]
            elif item.name == "outcomes":
                value = [[o.kind, o.occurred_on.isoformat(), o.detail] for o in value]
            elif item.name == "extra":
                value = sorted(value.items())
            values.append([item.name, value])
        text = json.dumps(values, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be imported, and why."""

    file: str
    row: int
    reason: str
    raw: dict[str, str]
