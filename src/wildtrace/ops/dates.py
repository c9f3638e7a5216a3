"""Seizure dates as the world writes them, with the day/month question decided explicitly.

Accepted: ISO ``2025-03-12`` (also ``/`` or ``.``), ``20250312``, ``12/03/2025`` and
``03/12/2025`` (see below), month names in English, French, Spanish, Portuguese and
Indonesian (``12 March 2025``, ``March 12, 2025``, ``12-mar-2025``, ``12 de marzo de 2025``),
Chinese ``2025年3月12日``, Vietnamese ``ngày 12 tháng 3 năm 2025``, Excel serial day numbers
(``45728``, 1900 date system) and the date cells of an Excel sheet.

``A/B/YYYY`` is ambiguous when both A and B are 12 or less and differ. The order is
``dmy`` or ``mdy`` when the user says so (``--date-order``); by default (``auto``) it is
inferred per file from the dates that are not ambiguous (a ``25/03/2025`` says d/m/y), and
when the file gives no evidence, or contradicting evidence, an ambiguous date is rejected
with a reason that says to pass ``--date-order``. Two-digit years are rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal

from wildtrace.errors import WildTraceError
from wildtrace.ops.units import fold

DateOrder = Literal["auto", "dmy", "mdy"]

#: Excel's day zero in the 1900 date system (it counts a 29 February 1900 that never was).
_EXCEL_EPOCH = date(1899, 12, 30)
_EARLIEST = date(1900, 1, 1)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "janvier", "janv", "enero", "ene", "janeiro", "januari"),
        ("february", "feb", "fevrier", "fev", "febrero", "fevereiro", "februari", "pebruari"),
        ("march", "mar", "mars", "marzo", "marco", "maret"),
        ("april", "apr", "avril", "avr", "abril", "abr"),
        ("may", "mai", "mayo", "maio", "mei"),
        ("june", "jun", "juin", "junio", "junho", "juni"),
        ("july", "jul", "juillet", "juil", "julio", "julho", "juli"),
        ("august", "aug", "aout", "agosto", "ago", "agustus", "agu"),
        ("september", "sep", "sept", "septembre", "septiembre", "setembro", "set"),
        ("october", "oct", "octobre", "octubre", "outubro", "out", "oktober", "okt"),
        ("november", "nov", "novembre", "noviembre", "novembro", "nopember"),
        ("december", "dec", "decembre", "diciembre", "dic", "dezembro", "dez", "desember", "des"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.0+)?$")
_DAY_MONTH_NAME_YEAR = re.compile(
    r"^(\d{1,2})(?:er|st|nd|rd|th)?[\s\-/.]+(?:de\s+)?([^\W\d_]+)\.?[\s\-/.,]+(?:de\s+)?(\d{2,4})$"
)
_MONTH_NAME_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_VIETNAMESE = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+(?:nam\s+)?(\d{4})$")


class DateError(WildTraceError, ValueError):
    """A date cell that cannot be read; the message is the reject reason."""


def order_evidence(values: Iterable[str]) -> DateOrder:
    """The day/month order a file's unambiguous ``A/B/YYYY`` dates show, or ``auto``
    when they show none or contradict each other."""
    dmy = mdy = False
    for value in values:
        found = _NUMERIC.match(value.strip())
        if found is None:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        dmy = dmy or (first > 12 >= second)
        mdy = mdy or (second > 12 >= first)
    if dmy and not mdy:
        return "dmy"
    if mdy and not dmy:
        return "mdy"
    return "auto"


def parse_date(value: object, order: DateOrder = "auto", today: date | None = None) -> date:
    """The date in a cell; raises DateError with the reason when there is none."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = _from_serial(float(value))
    else:
        found = _from_text(str(value), order)
    if found < _EARLIEST:
        raise DateError(f"implausible date {found.isoformat()} (before 1900)")
    limit = today or date.today()
    if found > limit:
        raise DateError(f"date {found.isoformat()} is in the future")
    return found


def _from_serial(number: float) -> date:
    if number < 1 or number != int(number):
        raise DateError(f"{number:g} is not an Excel date serial number")
    try:
        return _EXCEL_EPOCH + timedelta(days=int(number))
    except OverflowError:
        raise DateError(f"{number:g} is not an Excel date serial number") from None


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"impossible date {text!r}") from None


def _year(text: str, raw: str) -> int:
    if len(text) != 4:
        raise DateError(f"date {raw!r} has a two-digit year; write the year in full")
    return int(text)


def _from_text(raw: str, order: DateOrder) -> date:
    text = raw.strip()
    if not text:
        raise DateError("date missing")
    if found := _ISO.match(text):
        return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)), text)
    if found := _COMPACT.match(text):
        return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)), text)
    if _SERIAL.match(text):
        return _from_serial(float(text))
    if found := _NUMERIC.match(text):
        first, second = int(found.group(1)), int(found.group(2))
        year = _year(found.group(3), text)
        if first > 12 and second > 12:
            raise DateError(f"impossible date {text!r}")
        if first > 12:
            return _make(year, second, first, text)
        if second > 12:
            return _make(year, first, second, text)
        if first == second or order == "dmy":
            return _make(year, second, first, text)
        if order == "mdy":
            return _make(year, first, second, text)
        raise DateError(f"ambiguous date {text!r}: day/month order unknown; pass --date-order dmy or mdy")
    if found := _CHINESE.match(text):
        return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)), text)
    folded = fold(text)
    if found := _VIETNAMESE.match(folded):
        return _make(int(found.group(3)), int(found.group(2)), int(found.group(1)), text)
    if found := _DAY_MONTH_NAME_YEAR.match(folded):
        month = _MONTHS.get(found.group(2))
        if month is not None:
            return _make(_year(found.group(3), text), month, int(found.group(1)), text)
    if found := _MONTH_NAME_DAY_YEAR.match(folded):
        month = _MONTHS.get(found.group(1))
        if month is not None:
            return _make(_year(found.group(3), text), month, int(found.group(2)), text)
    raise DateError(f"unreadable date {text!r}")
