"""Estimated values for seizures that came without one: a range, with its references.

Prices of illegal wildlife products vary tenfold between markets, years and sources, so
an estimate is never one number. For a seizure of a commodity and CITES trade term (the
usual term when none is given: tusks for ivory, scales for pangolin, horns for rhino horn)
the estimate uses every reference in ``data/prices.csv`` of that commodity, term and
measure (USD per kg, or per piece) dated within ``WINDOW_YEARS`` before the seizure (or
after it); when none is that recent, all of them. The range is the quantity times the
lowest low and the highest high, and the references used are named with it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

#: References older than this many years before a seizure are used only when none is newer.
WINDOW_YEARS = 10

#: The trade term assumed when a seizure names none.
DEFAULT_TERMS = {"ivory": "TUS", "pangolin": "SCA", "rhino_horn": "HOR"}


@dataclass(frozen=True, slots=True)
class PriceReference:
    """One published price, as ``data/prices.csv`` holds it."""

    reference: str
    commodity: str
    trade_term: str
    measure: str
    location: str
    market_level: str
    year: str
    low: float
    high: float
    unit: str
    source: str
    reliability: str

    @property
    def last_year(self) -> int:
        """The year a figure stands for (the end of a span such as ``2016-2022``)."""
        return int(self.year.split("-")[-1])

    def cite(self) -> str:
        """How a report names the reference."""
        return (
            f"{self.source} ({self.year}, {self.location}, {self.market_level}: "
            f"{_money(self.low)}-{_money(self.high)} {self.unit}; reliability {self.reliability})"
        )


@dataclass(frozen=True, slots=True)
class Estimate:
    """A value range for one seizure, and the references it rests on."""

    low: float
    high: float
    references: tuple[PriceReference, ...]


def _money(value: float) -> str:
    return f"{value:,.0f}"


@cache
def price_references() -> tuple[PriceReference, ...]:
    """The shipped price table."""
    path = resources.files("wildtrace.ops") / "data" / "prices.csv"
    with path.open(encoding="utf-8") as handle:
        return tuple(
            PriceReference(
                reference=row["reference"],
                commodity=row["commodity"],
                trade_term=row["trade_term"],
                measure=row["measure"],
                location=row["location"],
                market_level=row["market_level"],
                year=row["year"],
                low=float(row["price_low_usd"]),
                high=float(row["price_high_usd"]),
                unit=row["unit"],
                source=row["source"],
                reliability=row["reliability"],
            )
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=4096)
def references_for(
    commodity: str, trade_term: str | None, measure: str, year: int
) -> tuple[PriceReference, ...]:
    """The references an estimate for this commodity, term, measure and year uses."""
    term = trade_term or DEFAULT_TERMS.get(commodity)
    if term is None:
        return ()
    matching = [
        ref
        for ref in price_references()
        if ref.commodity == commodity and ref.trade_term == term and ref.measure == measure
    ]
    recent = [ref for ref in matching if ref.last_year >= year - WINDOW_YEARS]
    return tuple(recent or matching)


def estimate(
    commodity: str, trade_term: str | None, measure: str, amount: float, year: int
) -> Estimate | None:
    """The value range of ``amount`` (in ``measure``), or None without a reference."""
    references = references_for(commodity, trade_term, measure, year)
    if not references or amount <= 0:
        return None
    low = amount * min(ref.low for ref in references)
    high = amount * max(ref.high for ref in references)
    return Estimate(low, high, references)


def round_range(low: float, high: float) -> tuple[float, float]:
    """A range at two significant figures, rounded outwards: no false precision."""
    return _round(low, math.floor), _round(high, math.ceil)


def _round(value: float, direction: object) -> float:
    if value <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(value)) - 1)
    rounder = math.floor if direction is math.floor else math.ceil
    return float(rounder(value / step) * step)


def cite_all(references: Sequence[PriceReference]) -> list[str]:
    """Distinct citations in table order."""
    return list(dict.fromkeys(ref.cite() for ref in references))
