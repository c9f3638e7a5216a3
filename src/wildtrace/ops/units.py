"""Quantities as seizure reports write them, converted to four canonical measures.

Weights go to kilograms, volumes to cubic metres (timber), counts to pieces, and live
animals or plants to live specimens, so a report can add a Kenyan "2,5 t" to a Vietnamese
"300 kg" and a Chinese "20 斤". The units and their regional readings (a bare ``斤`` is
0.5 kg, but the catty of 0.60478982 kg in a Hong Kong seizure) are the one table in
``wildtrace.reference`` that ``scan`` reads too; this module reads numbers and cells.
Counts (``pcs``) of a live trade term (``LIV``) or of a ``live_*`` commodity are live specimens.
"""

from __future__ import annotations

import re

from wildtrace.reference import MEASURES, Measure, Unit, fold, unit_named

__all__ = ["MEASURES", "Measure", "Unit", "canonical", "fold", "parse_number", "parse_unit", "split_quantity"]


def parse_unit(text: str, region: str | None = None) -> Unit | None:
    """The unit named by ``text`` (any case, accents optional, trailing dot ignored) as
    it is read in the country ``region`` (the seizing country), or None."""
    return unit_named(text, region)


_NUMBER = re.compile(r"^[+-]?(?:\d[\d\s.,'’]*\d|\d)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$")


def parse_number(text: str) -> float | None:
    """A number as people write it: ``1,234.5``, ``1.234,5``, ``2,5``, ``1 200``, ``1'200``.

    A lone comma is a decimal comma unless it groups thousands (``1,200`` is 1200).
    """
    raw = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not raw or not _NUMBER.match(raw):
        return None
    raw = raw.replace(" ", "").replace("'", "").replace("’", "")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", "") if _THOUSANDS.match(raw) else raw.replace(",", ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    try:
        return float(raw)
    except ValueError:
        return None


_QUANTITY_WITH_UNIT = re.compile(r"^\s*([+-]?[\d][\d\s.,'’]*)\s*(\S.*)?$")


def split_quantity(text: str) -> tuple[str, str]:
    """``"2.5 kg"`` -> ``("2.5", "kg")``: a quantity cell that also carries its unit."""
    found = _QUANTITY_WITH_UNIT.match(text)
    if found is None:
        return text.strip(), ""
    return found.group(1).strip(), (found.group(2) or "").strip()


def canonical(quantity: float, unit: Unit, *, live: bool = False) -> tuple[Measure, float]:
    """The canonical measure and amount; counts become live specimens when ``live``."""
    measure: Measure = "live" if live and unit.measure == "pieces" else unit.measure
    return measure, quantity * unit.factor
