"""Money: amounts with their currency, and their value in US dollars.

Amounts are read with price-parser; the currency comes from a symbol, code or word next
to the amount ("3.500.000đ", "R$ 15.000", "12,000 บาท", "140tr" = 140 million đồng).
An amount with no currency is not a selector, except in the listing's price field, where
the currency of the listing's country is assumed (confidence 0.6).

USD values use a dated rates table that ships with WildTrace (``data/rates.csv``:
currency, usd_per_unit, date, source). Set ``WILDTRACE_RATES`` to a CSV of the same
shape to add or replace rates (yours win, currency by currency).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from price_parser import Price

from wildtrace.errors import WildTraceError
from wildtrace.model import Selector

#: Symbols and words naming a currency (matched case-insensitively).
_CURRENCY_WORDS: dict[str, str] = {
    "đ": "VND", "₫": "VND", "vnd": "VND", "vnđ": "VND", "đồng": "VND", "dong": "VND",
    "元": "CNY", "块": "CNY", "塊": "CNY", "rmb": "CNY", "cny": "CNY", "人民币": "CNY",
    "人民幣": "CNY", "บาท": "THB", "฿": "THB", "baht": "THB", "thb": "THB",
    "rp": "IDR", "rp.": "IDR", "rupiah": "IDR", "idr": "IDR", "€": "EUR", "eur": "EUR",
    "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "usd": "USD", "us$": "USD",
    "usdt": "USD", "r$": "BRL", "brl": "BRL", "reais": "BRL", "ksh": "KES", "kes": "KES",
    "kshs": "KES", "tsh": "TZS", "tzs": "TZS", "ugx": "UGX", "₦": "NGN", "naira": "NGN",
    "ngn": "NGN", "hk$": "HKD", "hkd": "HKD", "nt$": "TWD", "ntd": "TWD", "twd": "TWD",
    "rm": "MYR", "ringgit": "MYR", "myr": "MYR", "s$": "SGD", "sgd": "SGD", "mxn": "MXN",
    "₱": "PHP", "php": "PHP", "円": "JPY", "yen": "JPY", "jpy": "JPY", "fcfa": "XAF",
    "cfa": "XOF", "kip": "LAK", "riel": "KHR", "kyat": "MMK", "rand": "ZAR", "zar": "ZAR",
    "aed": "AED", "inr": "INR", "₹": "INR", "$": "$", "¥": "¥",
}  # fmt: skip
#: Multipliers written after an amount; some imply a currency ("tr" = triệu đồng).
_MULTIPLIERS: dict[str, tuple[int, str | None]] = {
    "tr": (10**6, "VND"), "triệu": (10**6, "VND"), "trieu": (10**6, "VND"),
    "tỷ": (10**9, "VND"), "tỉ": (10**9, "VND"), "jt": (10**6, "IDR"), "juta": (10**6, "IDR"),
    "rb": (10**3, "IDR"), "ribu": (10**3, "IDR"), "万": (10**4, None), "萬": (10**4, None),
    "千": (10**3, None), "k": (10**3, None), "mil": (10**3, None), "million": (10**6, None),
    "millions": (10**6, None), "m": (10**6, None),
}  # fmt: skip
#: "$" and "¥" by the listing's country; elsewhere "$" is the US dollar and "¥" the yuan.
_DOLLAR = {"MX": "MXN", "HK": "HKD", "TW": "TWD", "SG": "SGD", "AU": "AUD", "CO": "COP", "CA": "CAD"}
_COUNTRY_CURRENCY = {
    "VN": "VND", "CN": "CNY", "HK": "HKD", "TW": "TWD", "TH": "THB", "ID": "IDR", "MY": "MYR",
    "SG": "SGD", "PH": "PHP", "LA": "LAK", "KH": "KHR", "MM": "MMK", "JP": "JPY", "KR": "KRW",
    "IN": "INR", "FR": "EUR", "BE": "EUR", "DE": "EUR", "ES": "EUR", "PT": "EUR", "GB": "GBP",
    "US": "USD", "MX": "MXN", "BR": "BRL", "CO": "COP", "KE": "KES", "TZ": "TZS", "UG": "UGX",
    "NG": "NGN", "ZA": "ZAR", "CM": "XAF", "CI": "XOF", "AU": "AUD", "AE": "AED",
}  # fmt: skip
#: Currencies written without decimals: "." and "," in them group thousands.
_NO_DECIMALS = frozenset({"VND", "IDR", "KRW", "JPY", "COP", "UGX", "TZS", "KHR", "LAK", "MMK",
                          "XOF", "XAF"})  # fmt: skip

_NUMBER = r"\d{1,3}(?:[.,  ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_LETTERS_AFTER = r"(?![^\W\d_])"
_CURRENCY = _alternation(list(_CURRENCY_WORDS))
_MULT = _alternation(list(_MULTIPLIERS))
#: Amounts are found by their digits first (a cheap scan), then a currency or multiplier is
#: looked for right before or right after each one: big alternations are only ever tried
#: at those few positions, never across the whole text.
_AMOUNT = re.compile(rf"(?=\d)(?<![0-9A-Za-z_.,])(?:{_NUMBER})(?![\d])")  # (?=\d): the fast scan
#: First characters of the words: a class test (same case folding) before the alternations,
#: which Python's re tries word by word at every position.
_CURRENCY_FIRST = "[" + "".join(sorted({re.escape(word[0]) for word in _CURRENCY_WORDS})) + "]"
_WORD_FIRST = "[" + "".join(sorted({re.escape(word[0]) for word in (*_CURRENCY_WORDS, *_MULTIPLIERS)})) + "]"
_HEAD = re.compile(rf"(?<![^\W\d_])(?={_CURRENCY_FIRST})(?P<cur>{_CURRENCY})\s?$", re.I)
_TAIL = re.compile(
    rf"\s?(?={_WORD_FIRST})(?:(?P<mult>{_MULT})\s?(?P<cur>{_CURRENCY})?|(?P<cur2>{_CURRENCY}))"
    rf"(?:{_LETTERS_AFTER}|(?<=[\u2e80-\u9fff]))(?![\d])",
    re.I,
)
_HEAD_WINDOW = 6  # the longest currency before an amount ("rupiah ") fits
#: Characters a currency or multiplier can start (after an amount) or end (before one) with:
#: one set lookup skips the regex for the many numbers that have neither (phones, sizes).
_TAIL_FIRST = frozenset(word[0] for word in (*_CURRENCY_WORDS, *_MULTIPLIERS)) | frozenset(
    word[0].upper() for word in (*_CURRENCY_WORDS, *_MULTIPLIERS)
)
_HEAD_LAST = frozenset(word[-1] for word in _CURRENCY_WORDS) | frozenset(
    word[-1].upper() for word in _CURRENCY_WORDS
)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    number: str
    cur: str | None
    mult: str | None


@dataclass(frozen=True, slots=True)
class Rate:
    """US dollars per unit of a currency, on a date, from a named source."""

    currency: str
    usd_per_unit: Decimal
    date: str
    source: str


def _read_rates(text: str, name: str) -> dict[str, Rate]:
    rates: dict[str, Rate] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            currency = row["currency"].strip().upper()
            rates[currency] = Rate(currency, Decimal(row["usd_per_unit"]), row["date"].strip(),
                                   (row.get("source") or "").strip())  # fmt: skip
        except (KeyError, AttributeError, InvalidOperation) as exc:
            raise WildTraceError(
                f"{name}:{line}: a rate needs currency, usd_per_unit (a number), date, source ({exc})"
            ) from exc
    return rates


@cache
def rates(override: str | None = None) -> dict[str, Rate]:
    """The shipped rates, updated with the user's file (``override`` or WILDTRACE_RATES)."""
    shipped = (resources.files("wildtrace.extract") / "data" / "rates.csv").read_text("utf-8")
    table = _read_rates(shipped, "rates.csv")
    path = override or os.environ.get("WILDTRACE_RATES")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise WildTraceError(f"{path}: cannot read the rates table: {exc.strerror}") from exc
        table.update(_read_rates(text, path))
    return table


def to_usd(value: str) -> tuple[float, str] | None:
    """``(usd, rate date)`` for a money selector's value ("3500000 VND"), or None."""
    amount, _, currency = value.partition(" ")
    rate = rates(os.environ.get("WILDTRACE_RATES")).get(currency)
    if rate is None:
        return None
    return round(float(Decimal(amount) * rate.usd_per_unit), 2), rate.date


def _charset(chars: frozenset[str]) -> str:
    """A regex character class of exactly these characters (no case folding)."""
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


#: ``_AMOUNT`` narrowed to the amounts ``_around`` can keep: a currency may end right before
#: it (or before one space), or a currency or multiplier start right after it (or after one
#: space). Most numbers in a text (sizes, dates, phone numbers) have neither, and are then
#: skipped inside the regex engine instead of costing a match object and a Python call each.
#: The number itself is atomic: the gate never makes the engine try a shorter number. The
#: pattern starts with the number's first digit (then looks behind it) so that the engine
#: skips the text between digits at C speed; the rest of ``_NUMBER`` follows that digit.
_GATED_AMOUNT = re.compile(
    rf"\d(?<![0-9A-Za-z_.,]\d)(?P<head>(?<={_charset(_HEAD_LAST)}\d)|(?<={_charset(_HEAD_LAST)} \d))?"
    rf"(?>(?:\d{{0,2}}(?:[.,  ]\d{{3}})+(?:[.,]\d{{1,2}})?|\d*(?:[.,]\d+)?)(?![\d]))"
    rf"(?(head)|(?={_charset(_TAIL_FIRST)}| {_charset(_TAIL_FIRST)}))"
)


def _amounts(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_AMOUNT.finditer(text)`` that ``_around`` can keep, in order.

    The gated scan may try a position that the plain scan skips (inside an earlier amount
    that the gate dropped) only when a digit, then digits, dots, commas or spaces, come
    right before it. No such case is known to give another amount, but then the plain
    scan is used all the same: a safety net that costs a few character tests.
    """
    gated = list(_GATED_AMOUNT.finditer(text))
    for amount in gated:
        at = amount.start() - 1
        while at >= 0 and (text[at].isdecimal() or text[at] in ". ,"):
            if text[at].isdecimal():
                return _AMOUNT.finditer(text)
            at -= 1
    return iter(gated)


def find_money(text: str, field: str, region: str | None, *, price_field: bool = False) -> Iterator[Selector]:
    """Amounts with a currency in ``text``; ``price_field`` for a listing's price."""
    found_any = False
    for amount in _amounts(text):
        found = _around(text, amount)
        selector = _selector(found, text, field, region) if found is not None else None
        if selector is not None:
            found_any = True
            yield selector
    if price_field and not found_any:
        yield from _bare_price(text, field, region)


def _around(text: str, amount: re.Match[str]) -> _Found | None:
    """The currency and multiplier written around one amount, if any."""
    start, end = amount.span()
    before = text[start - 2 : start] if start > 1 else text[:start]
    head = None
    if before and (before[-1] in _HEAD_LAST or (before[-1] == " " and before[:1] in _HEAD_LAST)):
        head = _HEAD.search(text, max(0, start - _HEAD_WINDOW), start)
    after = text[end : end + 2]
    tail = None
    if after and (after[0] in _TAIL_FIRST or (after[0] == " " and after[1:2] in _TAIL_FIRST)):
        tail = _TAIL.match(text, end)
    if head is not None:
        mult = tail.group("mult") if tail is not None and not tail.group("cur") else None
        stop = tail.start("mult") + len(mult) if tail is not None and mult else end
        return _Found(head.start(), stop, amount.group(0), head.group("cur"), mult)
    if tail is not None:
        return _Found(start, tail.end(), amount.group(0), tail.group("cur") or tail.group("cur2"),
                      tail.group("mult"))  # fmt: skip
    return None


def _selector(found: _Found, text: str, field: str, region: str | None) -> Selector | None:
    cur, mult = found.cur, found.mult
    multiplier, implied = _MULTIPLIERS.get(mult.lower(), (1, None)) if mult else (1, None)
    currency = _CURRENCY_WORDS.get(cur.lower()) if cur else implied
    if currency is None:
        return None
    if currency == "$":
        currency = _DOLLAR.get(region or "", "USD")
    elif currency == "¥":
        currency = "JPY" if region == "JP" else "CNY"
    if mult and mult.lower() in ("m", "k", "mil") and not cur:
        return None
    amount = _amount(found.number, currency, decimal=mult is not None)
    if amount is None or amount <= 0:
        return None
    raw = text[found.start : found.end].rstrip()
    confidence = 0.9 if cur and cur not in ("$", "¥") else 0.8
    return Selector("money", f"{_format(amount * multiplier)} {currency}", raw, field,
                    found.start, found.start + len(raw), confidence=confidence)  # fmt: skip


def _bare_price(text: str, field: str, region: str | None) -> Iterator[Selector]:
    currency = _COUNTRY_CURRENCY.get(region or "")
    found = re.search(_NUMBER, text)
    if currency is None or found is None or found.group(0).startswith("0"):
        return  # "0912345678" in a price field is a phone number, not a price
    amount = _amount(found.group(0), currency, decimal=False)
    if amount is not None and amount > 0:
        yield Selector("money", f"{_format(amount)} {currency}", found.group(0), field,
                       found.start(), found.end(), confidence=0.6)  # fmt: skip


@lru_cache(maxsize=16384)
def _amount(number: str, currency: str, *, decimal: bool) -> Decimal | None:
    """Cached: price-parser is the slow step, and sellers repeat their prices."""
    number = re.sub(r"[  ]", "", number)
    if currency in _NO_DECIMALS and not decimal:
        number = re.sub(r"[.,]", "", number)
    parsed = Price.fromstring(number).amount
    return parsed if isinstance(parsed, Decimal) else None


def _format(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return str(int(amount))
    return f"{amount.normalize():f}"
