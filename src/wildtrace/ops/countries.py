"""Countries for operations: names and codes come from the one table in
``wildtrace.reference``; the points where route maps draw a country are ours."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from wildtrace.reference import country_code, country_name

__all__ = ["country_code", "country_name", "country_points"]


@cache
def country_points() -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each country's capital, where route maps draw it."""
    points: dict[str, tuple[float, float]] = {}
    path = resources.files("wildtrace.ops") / "data" / "country_points.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            points[row["iso2"]] = (float(row["longitude"]), float(row["latitude"]))
    return points
