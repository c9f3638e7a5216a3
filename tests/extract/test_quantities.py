"""find_quantities(): weights in kilograms (斤, 两, tael, lạng, kilo ...) and counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.extract.quantities import find_quantities


@pytest.mark.parametrize(
    ("text", "region", "value"),
    [
        ("ngà voi 2,5kg", None, "2.5 kg"),
        ("sừng tê 1 ký", None, "1 kg"),
        ("5 lạng", None, "0.5 kg"),  # vi: 100 g
        ("三斤", None, "1.5 kg"),  # zh: 0.5 kg a jin in mainland China
        ("2斤", "HK", "1.2096 kg"),  # the catty, 0.60478982 kg, in Hong Kong
        ("2斤", "TW", "1.2 kg"),  # 台斤, 0.6 kg, in Taiwan
        ("2 pairs", None, "4 pieces"),  # a pair is two, as in ops import
        ("3两", None, "0.15 kg"),
        ("10 tael", None, "0.378 kg"),
        ("2 kilo", None, "2 kg"),
        ("500 gramas", None, "0.5 kg"),  # pt
        ("100g", None, "0.1 kg"),
        ("1.5 tấn", None, "1500 kg"),
        ("20 pcs", None, "20 pieces"),
        ("3 ekor", None, "3 pieces"),  # id
        ("งาช้าง 2 กิโล", None, "2 kg"),  # th
        ("加V信 lz_88866 两斤起", None, "1 kg"),  # a handle's digits are no amount; 两 as "two"
        ("3公斤装", None, "3 kg"),  # Chinese runs on without spaces
    ],
)
def test_quantities(text: str, region: str | None, value: str) -> None:
    found = list(find_quantities(text, "text", region))
    assert [s.value for s in found] == [value]
    assert text[found[0].start : found[0].end] == found[0].raw


@pytest.mark.parametrize("text", ["4g LTE", "5G", "dài 2m2", "100 g", "1,000 kg", "tầng 2t", "12345"])
def test_not_quantities(text: str) -> None:
    assert list(find_quantities(text, "text", None)) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from([None, "HK", "VN"]))
def test_never_raises(text: str, region: str | None) -> None:
    for selector in find_quantities(text, "t", region):
        assert text[selector.start : selector.end] == selector.raw
        number, unit = selector.value.split(" ")
        assert float(number) > 0 and unit in ("kg", "pieces")
