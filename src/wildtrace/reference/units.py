"""The one table of units: what each name means, in kilograms, cubic metres, pieces or live
specimens, for ``extract`` (units in running text) and ``ops`` (unit columns) alike.

``data/units.csv`` defines each unit once (its measure and exact factor, with the law or
custom it comes from); ``data/unit_names.csv`` says which unit a name means, and where:
a name may mean another unit in some countries (``regions``). The regional choice:

* ``斤`` is the mainland market jin, 0.5 kg, unless the country is Hong Kong, Macau,
  Singapore or Malaysia (the catty, 0.60478982 kg) or Taiwan (台斤, 0.6 kg). With no
  country known the mainland reading is the default.
* ``两`` / ``兩`` likewise: 50 g, the tael 37.799364 g (HK, MO, SG, MY), 37.5 g (TW).
* ``catty`` and ``tael`` written in English are the Hong Kong units (Taiwan's in TW).
* ``in_text`` marks the names that are read in running text (``scan``); the others are
  too often ordinary words ("con", "hai", "unit") and are read only in a unit column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Literal

from wildtrace.reference.text import fold

Measure = Literal["kg", "m3", "pieces", "live"]
MEASURES: tuple[Measure, ...] = ("kg", "m3", "pieces", "live")


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: its id in the table, what it measures and its exact factor to the measure."""

    id: str
    measure: Measure
    exact: Decimal

    @property
    def factor(self) -> float:
        return float(self.exact)


@dataclass(frozen=True, slots=True)
class _Names:
    default: dict[str, Unit]
    regional: dict[tuple[str, str], Unit]
    in_text: tuple[str, ...]


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("wildtrace.reference") / "data" / name
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def units() -> dict[str, Unit]:
    """Unit id -> unit."""
    table: dict[str, Unit] = {}
    for row in _rows("units.csv"):
        measure = row["measure"]
        if measure not in MEASURES:
            raise ValueError(f"units.csv: unit {row['unit']!r} has an unknown measure {measure!r}")
        table[row["unit"]] = Unit(row["unit"], measure, Decimal(row["factor"]))
    return table


@cache
def _names() -> _Names:
    known = units()
    default: dict[str, Unit] = {}
    regional: dict[tuple[str, str], Unit] = {}
    in_text: dict[str, None] = {}
    for row in _rows("unit_names.csv"):
        unit = known.get(row["unit"])
        if unit is None:
            raise ValueError(f"unit_names.csv: {row['name']!r} names an unknown unit {row['unit']!r}")
        key = fold(row["name"])
        regions = row["regions"].split()
        for region in regions:
            if regional.setdefault((key, region), unit) != unit:
                raise ValueError(f"unit_names.csv: {row['name']!r} means two units in {region}")
        if not regions and default.setdefault(key, unit) != unit:
            raise ValueError(f"unit_names.csv: {row['name']!r} means two units")
        if row["in_text"] == "yes":
            in_text.setdefault(row["name"].lower())
    return _Names(default, regional, tuple(in_text))


def unit_named(name: str, region: str | None = None) -> Unit | None:
    """The unit ``name`` means (any case, Latin accents optional, a trailing dot ignored)
    in the country ``region`` (ISO 3166 alpha-2; None: the default reading), or None."""
    names = _names()
    for key in dict.fromkeys((fold(name), fold(name).rstrip("."))):
        if region is not None and (found := names.regional.get((key, region))) is not None:
            return found
        if (found := names.default.get(key)) is not None:
            return found
    return None


def text_unit_names() -> tuple[str, ...]:
    """The names read in running text, lower case, as written in the table."""
    return _names().in_text
