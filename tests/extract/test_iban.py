"""find_ibans(): bank accounts, validated by schwifty; a bad checksum is no selector."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.extract.iban import find_ibans

VALID = ("DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606")


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("Chuyển khoản IBAN DE89 3704 0044 0532 0130 00 nhé", "DE89370400440532013000",
         "DE89 3704 0044 0532 0130 00"),
        ("virement: FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606",
         "FR14 2004 1010 0505 0001 3M02 606"),
        ("GB82WEST12345698765432 CASH", "GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("IBAN GB82 WEST 1234 5698 7654 32 CASH ONLY", "GB82WEST12345698765432",
         "GB82 WEST 1234 5698 7654 32"),
    ],
)  # fmt: skip
def test_valid_ibans(text: str, value: str, raw: str) -> None:
    found = list(find_ibans(text, "text"))
    assert [(s.type, s.value, s.raw) for s in found] == [("iban", value, raw)]
    assert text[found[0].start : found[0].end] == raw


@pytest.mark.parametrize(
    "text",
    [
        "DE88 3704 0044 0532 0130 00",  # one check digit off
        "GB82WEST12345698765433",  # one digit of the account off
        "XX89370400440532013000",  # no such country
        "Order AB12 3456 7890 shipped",  # looks like one, is not
        "no capitals and digits here",
    ],
)
def test_invalid_ibans_are_not_selectors(text: str) -> None:
    assert list(find_ibans(text, "text")) == []


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(VALID), st.text(max_size=10), st.text(max_size=10))
def test_valid_values_round_trip_in_any_text(iban: str, before: str, after: str) -> None:
    text = f"{before} {iban} {after}"
    assert iban in [s.value for s in find_ibans(text, "text")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_never_raises(text: str) -> None:
    for selector in find_ibans(text, "t"):
        assert text[selector.start : selector.end] == selector.raw
