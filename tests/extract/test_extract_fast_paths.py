"""The fast scans of extraction find exactly what the plain patterns they replace find.

Speed work rewrote several patterns (a character class first so the regex engine skips text
at C speed, cheap gates before long alternations, a money scan that skips numbers with no
currency next to them). Each is checked here against the plain pattern it replaced, on
random texts made of the pieces that make these patterns hard: digits of several scripts,
separators, currency words, units, CJK numerals and case variants.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.extract import handles, money, phones, quantities, wallets
from wildtrace.extract import iban as iban_module
from wildtrace.reference import text_unit_names

_UNIT = "|".join(re.escape(unit) for unit in sorted(text_unit_names(), key=len, reverse=True))
#: The patterns as they were before the speed work (the reference behaviour).
PLAIN_CANDIDATE = re.compile(r"(?=[+(\d])\+?\(?\d[\d\s().\-–/]{5,22}\d")
PLAIN_QUANTITY = re.compile(
    rf"(?=[\d一二三四五六七八九十半两兩])(?<![0-9A-Za-z_.,])(?P<number>\d+(?:[.,]\d+)?|"
    rf"[一二三四五六七八九十半两兩](?=[^两兩]))(?P<space>\s?)"
    rf"(?P<unit>{_UNIT})(?:(?<=[\u2e80-\u9fff])|(?![^\W\d_]|\d))",
    re.I,
)
PLAIN_HEAD = re.compile(rf"(?<![^\W\d_])(?P<cur>{money._CURRENCY})\s?$", re.I)
PLAIN_TAIL = re.compile(
    rf"\s?(?:(?P<mult>{money._MULT})\s?(?P<cur>{money._CURRENCY})?|(?P<cur2>{money._CURRENCY}))"
    rf"(?:{money._LETTERS_AFTER}|(?<=[\u2e80-\u9fff]))(?![\d])",
    re.I,
)
PLAIN_WALLET_PREFILTER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{25}")
PLAIN_IBAN_PREFILTER = re.compile(r"[A-Z]{2}\d{2}")
PLAIN_LINE = re.compile(
    rf"{handles._START}(?i:line){handles._STRICT_SEP}([A-Za-z0-9][A-Za-z0-9._-]{{3,19}}){handles._END}"
)

PIECES = [
    "0", "1", "2", "5", "9", "12", "345", "0912", "๑", "๒", "１", "٣", "١٢", " ", "  ", "\n", ".", ",",
    "/", "-", "(", ")", "+", "đ", "₫", "VND", "vnđ", "Rp", "rp.", "R$", "US$", "$", "¥", "€", "元", "万",
    "tr", "triệu", "k", "K", "m", "M", "mil", "jt", "rb", "baht", "บาท", "kg", "KG", "Kg", "\u212ag",
    "g", "t", "gr", "斤", "两", "兩", "一", "十", "半", "个", "lạng", "ký", "pcs", "cái", "tael",
    "a", "x", "Z", "_", "é", "İ", "ſ", "wa.me/", "WA.ME/", "api.whatsapp.com/send?phone=", "DE", "GB82",
    "WEST", "bc1q", "0x", "T", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "abcdefghijklmnopqrstuvwxyz",
    "line", "Line", "LINE", "lİne", "online", "ID", "id ", ":", "：", "=", "@", "shop_1",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _spans(matches: object) -> list[tuple[object, ...]]:
    return [(found.span(), found.groupdict()) for found in matches]  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_phone_candidates_are_the_plain_ones(text: str) -> None:
    assert [x.span() for x in phones._CANDIDATE.finditer(text)] == [
        x.span() for x in PLAIN_CANDIDATE.finditer(text)
    ]
    if phones._WA_LINK.search(text):
        assert phones._WA_GATE.search(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_quantities_are_the_plain_ones(text: str) -> None:
    fast = [(x.span(), x.group(0)[: x.end("number") - x.start()], x.group("space"), x.group("unit"))
            for x in quantities._pattern().finditer(text)]  # fmt: skip
    plain = [(x.span(), x.group("number"), x.group("space"), x.group("unit"))
             for x in PLAIN_QUANTITY.finditer(text)]  # fmt: skip
    assert fast == plain


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_money_amounts_are_the_plain_ones(text: str) -> None:
    kept = [(x.span(), money._around(text, x)) for x in money._AMOUNT.finditer(text)]
    fast = [(x.span(), money._around(text, x)) for x in money._amounts(text)]
    assert [k for k in fast if k[1] is not None] == [k for k in kept if k[1] is not None]


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=40))
def test_money_head_and_tail_are_the_plain_ones(text: str, at: int) -> None:
    at = min(at, len(text))
    head = money._HEAD.search(text, max(0, at - money._HEAD_WINDOW), at)
    plain_head = PLAIN_HEAD.search(text, max(0, at - money._HEAD_WINDOW), at)
    assert _spans([head] if head else []) == _spans([plain_head] if plain_head else [])
    tail, plain_tail = money._TAIL.match(text, at), PLAIN_TAIL.match(text, at)
    assert _spans([tail] if tail else []) == _spans([plain_tail] if plain_tail else [])


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_prefilters_agree_with_the_plain_ones(text: str) -> None:
    assert bool(wallets._PREFILTER.search(text)) == bool(PLAIN_WALLET_PREFILTER.search(text))
    assert bool(iban_module._PREFILTER.search(text)) == bool(PLAIN_IBAN_PREFILTER.search(text))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_line_handles_are_the_plain_ones(text: str) -> None:
    fast = handles._PATTERNS[7][1]
    assert [(x.span(), x.group(1)) for x in fast.finditer(text)] == [
        (x.span(), x.group(1)) for x in PLAIN_LINE.finditer(text)
    ]
