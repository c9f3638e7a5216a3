"""find_places(): countries and major cities, in several languages, as ISO codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.extract.places import find_places


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Hàng xách tay từ Lào về Hà Nội", ["LA", "VN"]),  # vi
        ("从越南发货到广州", ["VN", "CN"]),  # zh
        ("ส่งจากกรุงเทพ", ["TH"]),  # th
        ("Envoi depuis Paris vers la Belgique", ["FR"]),  # fr: "la Belgique" is a country word
        ("Kirim dari Jakarta", ["ID"]),  # id
        ("Entrega em São Paulo", ["BR"]),  # pt
        ("Tunapatikana Nairobi na Mombasa", ["KE"]),  # sw: one code per country
        ("Shipping from Lagos, Nigeria", ["NG"]),
    ],
)
def test_places(text: str, codes: list[str]) -> None:
    assert [s.value for s in find_places(text, "text")][: len(codes)] == codes


@pytest.mark.parametrize("text", ["nước lagos", "vinho do porto", "made in usa style", "online uk"])
def test_ordinary_words_are_not_places_in_text(text: str) -> None:
    assert list(find_places(text, "text")) == []


def test_location_field_is_read_leniently() -> None:
    assert [s.value for s in find_places("London, uk", "location", location=True)] == ["GB"]
    assert [s.value for s in find_places("Quận 1, TP.HCM", "location", location=True)] == ["VN"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.booleans())
def test_never_raises(text: str, location: bool) -> None:
    for selector in find_places(text, "t", location=location):
        assert text[selector.start : selector.end] == selector.raw
        assert len(selector.value) == 2 and selector.value.isupper()
