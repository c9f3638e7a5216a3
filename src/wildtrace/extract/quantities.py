"""Quantities: weights converted to kilograms, and counts of pieces.

Units come from the one table in ``wildtrace.reference`` (the names marked ``in_text``),
read as the listing's region reads them: 斤 is 0.5 kg in mainland China and with no region,
the catty (0.60478982 kg) in Hong Kong, Macau, Singapore and Malaysia, 0.6 kg in Taiwan;
两 likewise 50 g, 37.799364 g or 37.5 g; "tael" in English the Hong Kong tael; "lạng"
100 g; "cân", "ký", "kí", "kilo" 1 kg; a pair is two pieces. ``ops import`` reads the same
table, so a quantity gives the same kilograms in both. A number alone is never a quantity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import cache

from wildtrace.model import Selector
from wildtrace.reference import text_unit_names, unit_named

#: Units that are also common short words or codes: only right after the number, and
#: "t"/"g" never after a bare 2-5 ("4g", "5G" are networks, "2t" a floor).
_TIGHT = frozenset({"g", "t", "gr"})
_CHINESE_DIGITS: dict[str, int | Decimal] = {
    "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10, "半": Decimal("0.5"),
}  # fmt: skip


@cache
def _pattern() -> re.Pattern[str]:
    """The quantity pattern over the units the reference table reads in running text."""
    names = text_unit_names()
    unit = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    # the first letters of the units: one character-class test (same case folding as the
    # alternation) before the long alternation of units, which Python's re tries one by one
    first = "[" + "".join(sorted({re.escape(name[0]) for name in names})) + "]"
    # starts with the number's first character (then looks behind it) so that the regex
    # engine skips the text between numbers at C speed; ``number`` is the rest of the number
    return re.compile(
        rf"[\d一二三四五六七八九十半两兩](?<![0-9A-Za-z_.,][\d一二三四五六七八九十半两兩])"
        rf"(?P<number>(?<=\d)\d*(?:[.,]\d+)?|(?<=[一二三四五六七八九十半两兩])(?=[^两兩]))(?P<space>\s?)"
        # CJK: no spaces between words
        rf"(?={first})(?P<unit>{unit})(?:(?<=[\u2e80-\u9fff])|(?![^\W\d_]|\d))",
        re.I,
    )


_PREFILTER = re.compile(r"[\d一二三四五六七八九十半两兩]")


def find_quantities(text: str, field: str, region: str | None) -> Iterator[Selector]:
    """Weights (value "<kg> kg") and counts (value "<n> pieces") in ``text``."""
    if not _PREFILTER.search(text):
        return
    for found in _pattern().finditer(text):
        unit = found.group("unit").lower()
        number = found.group(0)[: found.end("number") - found.start()]
        if unit in _TIGHT and (found.group("space") or number in ("2", "3", "4", "5")):
            continue
        if number in _CHINESE_DIGITS and not ("\u2e80" <= unit[0] <= "\u9fff"):
            continue  # Chinese numerals only count with a Chinese unit
        if re.fullmatch(r"\d+[.,]\d{3}", number):
            continue  # "1,000" or "2.500": a thousands separator or a decimal point? unsaid
        amount = _number(number)
        if amount is None or amount <= 0:
            continue
        measure = unit_named(unit, region)
        if measure is None or measure.measure == "m3":
            continue
        if measure.measure == "kg":
            value = f"{_format(amount * measure.exact)} kg"
        else:  # pieces and live specimens are both counts here; a pair is two
            count = amount * measure.exact
            if count != count.to_integral_value():
                continue
            value = f"{int(count)} pieces"
        yield Selector("quantity", value, found.group(0), field, found.start(), found.end(),
                       confidence=0.9 if measure.measure == "kg" else 0.85)  # fmt: skip


def _number(text: str) -> Decimal | None:
    if text in _CHINESE_DIGITS:
        return Decimal(_CHINESE_DIGITS[text])
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _format(kg: Decimal) -> str:
    rounded = round(kg, 4)
    if rounded == rounded.to_integral_value():
        return str(int(rounded))
    return f"{rounded.normalize():f}"
