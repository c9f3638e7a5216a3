"""Quantities: weights converted to kilograms, and counts of pieces.

Traditional units are read as the trade uses them: 斤 (jin, catty) 0.5 kg in mainland
China and 0.6 kg in Hong Kong and Taiwan; 两 (liang) 50 g, and 37.8 g as a Hong Kong or
Taiwan tael ("tael" written in English is that tael); "lạng" 100 g in Viet Nam; "cân",
"ký", "kí", "kilo" 1 kg. A number alone is never a quantity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from wildtrace.model import Selector

_TRADITIONAL = frozenset({"HK", "TW", "MO"})
#: unit -> kilograms per unit (None: a count of pieces)
_UNITS: dict[str, Decimal | None] = {
    "kg": Decimal(1), "kgs": Decimal(1), "kilo": Decimal(1), "kilos": Decimal(1),
    "kilogram": Decimal(1), "kilograms": Decimal(1), "kilogramme": Decimal(1),
    "kilogrammes": Decimal(1), "quilo": Decimal(1), "quilos": Decimal(1), "公斤": Decimal(1),
    "千克": Decimal(1), "cân": Decimal(1), "ký": Decimal(1), "kí": Decimal(1), "กิโล": Decimal(1),
    "กิโลกรัม": Decimal(1), "g": Decimal("0.001"), "gr": Decimal("0.001"), "gram": Decimal("0.001"),
    "grams": Decimal("0.001"), "gramme": Decimal("0.001"), "grammes": Decimal("0.001"),
    "gramos": Decimal("0.001"), "gramas": Decimal("0.001"), "克": Decimal("0.001"),
    "กรัม": Decimal("0.001"), "t": Decimal(1000), "ton": Decimal(1000), "tons": Decimal(1000),
    "tonne": Decimal(1000), "tonnes": Decimal(1000), "tấn": Decimal(1000), "吨": Decimal(1000),
    "噸": Decimal(1000), "lb": Decimal("0.45359237"), "lbs": Decimal("0.45359237"),
    "oz": Decimal("0.028349523"), "斤": Decimal("0.5"), "两": Decimal("0.05"),
    "兩": Decimal("0.05"), "tael": Decimal("0.0378"), "taels": Decimal("0.0378"),
    "lạng": Decimal("0.1"), "pcs": None, "pieces": None, "piece": None, "cái": None, "chiếc": None,
    "只": None, "隻": None, "个": None, "個": None, "支": None, "根": None, "对": None, "對": None,
    "pairs": None, "pair": None, "đôi": None, "ekor": None, "buah": None, "pièces": None,
    "piezas": None, "peças": None, "ชิ้น": None, "ตัว": None,
}  # fmt: skip
_HK_TW = {"斤": Decimal("0.6"), "两": Decimal("0.0378"), "兩": Decimal("0.0378")}
#: Units that are also common short words or codes: only right after the number, and
#: "t"/"g" never after a bare 2-5 ("4g", "5G" are networks, "2t" a floor).
_TIGHT = frozenset({"g", "t", "gr"})
_CHINESE_DIGITS: dict[str, int | Decimal] = {
    "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10, "半": Decimal("0.5"),
}  # fmt: skip

_UNIT = "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))
#: The first letters of the units: one character-class test (same case folding as the
#: alternation) before the long alternation of units, which Python's re tries one by one.
_UNIT_FIRST = "[" + "".join(sorted({re.escape(unit[0]) for unit in _UNITS})) + "]"
#: Starts with the number's first character (then looks behind it) so that the regex engine
#: skips the text between numbers at C speed; ``number`` is the rest of the number.
_QUANTITY = re.compile(
    rf"[\d一二三四五六七八九十半两兩](?<![0-9A-Za-z_.,][\d一二三四五六七八九十半两兩])"
    rf"(?P<number>(?<=\d)\d*(?:[.,]\d+)?|(?<=[一二三四五六七八九十半两兩])(?=[^两兩]))(?P<space>\s?)"
    # CJK: no spaces between words
    rf"(?={_UNIT_FIRST})(?P<unit>{_UNIT})(?:(?<=[\u2e80-\u9fff])|(?![^\W\d_]|\d))",
    re.I,
)
_PREFILTER = re.compile(r"[\d一二三四五六七八九十半两兩]")


def find_quantities(text: str, field: str, region: str | None) -> Iterator[Selector]:
    """Weights (value "<kg> kg") and counts (value "<n> pieces") in ``text``."""
    if not _PREFILTER.search(text):
        return
    for found in _QUANTITY.finditer(text):
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
        per_kg = _UNITS[unit]
        if region in _TRADITIONAL and unit in _HK_TW:
            per_kg = _HK_TW[unit]
        if per_kg is None:
            if amount != amount.to_integral_value():
                continue
            value = f"{int(amount)} pieces"
        else:
            value = f"{_format(amount * per_kg)} kg"
        yield Selector("quantity", value, found.group(0), field, found.start(), found.end(),
                       confidence=0.85 if per_kg is None else 0.9)  # fmt: skip


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
