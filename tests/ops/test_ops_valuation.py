"""Valuation: ranges from the shipped, sourced price table, never one number."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from wildtrace.ops.valuation import estimate, price_references, references_for, round_range


def test_price_table_rows_all_name_a_source_a_year_and_a_grade() -> None:
    path = resources.files("wildtrace.ops") / "data" / "prices.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(price_references()) >= 20
    for row in rows:
        assert row["source"] and row["source"] != "same as above"
        assert row["reliability"] in ("high", "medium", "low")
        assert row["year"][:4].isdigit()
        assert float(row["price_low_usd"]) <= float(row["price_high_usd"])


def test_ivory_in_2025_uses_the_references_of_the_last_ten_years() -> None:
    # TUS USD/kg dated 2015 or later: 1100 (2015), 730 (2017), 1322 (2015), 750 (2016), 660 (2017);
    # the 2010 (750) and 2014 (2100) figures are older than the window.
    refs = references_for("ivory", None, "kg", 2025)
    assert sorted(ref.low for ref in refs) == [660, 730, 750, 1100, 1322]
    found = estimate("ivory", None, "kg", 10.0, 2025)
    assert found is not None
    assert (found.low, found.high) == (6600.0, 13220.0)


def test_pangolin_scales_range_spans_the_sources() -> None:
    # SCA USD/kg dated 2015 or later: 600 (2016), 180 (2021), 2950 (2019)
    found = estimate("pangolin", "SCA", "kg", 2.0, 2025)
    assert found is not None
    assert (found.low, found.high) == (360.0, 5900.0)


def test_without_a_recent_reference_all_of_them_are_used() -> None:
    # rhino horn in 2040: nothing dated 2030 or later, so all four HOR figures (250 .. 70000)
    found = estimate("rhino_horn", "HOR", "kg", 1.0, 2040)
    assert found is not None
    assert (found.low, found.high) == (250.0, 70000.0)


def test_per_item_references_and_missing_ones() -> None:
    skins = estimate("tiger", "SKI", "pieces", 2.0, 2025)  # 2,283 - 15,825 each (WJC 2023)
    assert skins is not None and (skins.low, skins.high) == (4566.0, 31650.0)
    assert estimate("rosewood", "TIM", "m3", 10.0, 2025) is None
    assert estimate("tiger", None, "kg", 1.0, 2025) is None  # tiger needs a trade term
    assert estimate("ivory", None, "pieces", 3.0, 2025) is None  # only USD/kg figures for tusks


@pytest.mark.parametrize(
    ("low", "high", "rounded"),
    [
        (6600.0, 13220.0, (6600.0, 14000.0)),
        (1650.0, 3305.0, (1600.0, 3400.0)),
        (0.0, 0.0, (0.0, 0.0)),
        (544310.8, 544310.8, (540000.0, 550000.0)),
        (12.0, 99.1, (12.0, 100.0)),
    ],
)
def test_ranges_are_rounded_outwards_to_two_significant_figures(
    low: float, high: float, rounded: tuple[float, float]
) -> None:
    assert round_range(low, high) == rounded
