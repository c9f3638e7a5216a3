"""Seizure dates: formats, Excel serials, and the day/month decision."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from wildtrace.ops.dates import DateError, order_evidence, parse_date

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-12",
        "2025/03/12",
        "2025.3.12",
        "2025-03-12T08:30:00",
        "2025-03-12 00:00:00",
        "20250312",
        "12 March 2025",
        "March 12, 2025",
        "Mar 12 2025",
        "12-mar-2025",
        "12 mars 2025",
        "12 de marzo de 2025",
        "12 de março de 2025",
        "12 Maret 2025",
        "2025年3月12日",
        "ngày 12 tháng 3 năm 2025",
        "45728",
        "45728.0",
        "12/03/2025",
        "12.03.2025",
        45728,
        45728.0,
        date(2025, 3, 12),
        datetime(2025, 3, 12, 9, 0),
    ],
)
def test_formats_read_as_the_same_day(value: object) -> None:
    order = "dmy" if value in ("12/03/2025", "12.03.2025") else "auto"
    assert parse_date(value, order, TODAY) == date(2025, 3, 12)  # type: ignore[arg-type]


def test_unambiguous_slashed_dates_need_no_option() -> None:
    assert parse_date("25/03/2025", "auto", TODAY) == date(2025, 3, 25)
    assert parse_date("03/25/2025", "auto", TODAY) == date(2025, 3, 25)
    assert parse_date("04/04/2025", "auto", TODAY) == date(2025, 4, 4)


def test_ambiguous_dates_follow_the_option_or_are_rejected() -> None:
    assert parse_date("03/04/2025", "dmy", TODAY) == date(2025, 4, 3)
    assert parse_date("03/04/2025", "mdy", TODAY) == date(2025, 3, 4)
    with pytest.raises(DateError, match=r"ambiguous date '03/04/2025'.*--date-order"):
        parse_date("03/04/2025", "auto", TODAY)


def test_order_is_inferred_from_a_files_unambiguous_dates() -> None:
    assert order_evidence(["25/03/2025", "03/04/2025"]) == "dmy"
    assert order_evidence(["03/25/2025", "03/04/2025"]) == "mdy"
    assert order_evidence(["03/04/2025"]) == "auto"
    assert order_evidence(["25/03/2025", "03/25/2025"]) == "auto"  # contradicting: decide nothing


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2025-02-30", "impossible date"),
        ("31/31/2025", "impossible date"),
        ("2025-13-01", "impossible date"),
        ("12/03/25", "two-digit year"),
        ("2027-01-01", "in the future"),
        ("hello", "unreadable date"),
        ("", "date missing"),
        ("1850-01-01", "before 1900"),
        ("0", "not an Excel date serial"),
    ],
)
def test_bad_dates_say_why(value: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(value, "auto", TODAY)
