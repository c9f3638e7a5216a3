"""Evasions traders use to dodge keyword filters, and the spans that point back at them."""

from __future__ import annotations

import pytest

from wildtrace.detect import detect
from wildtrace.detect.matcher import default_matcher
from wildtrace.detect.normalize import deobfuscate, normalize
from wildtrace.model import Listing


@pytest.mark.parametrize(
    ("text", "surface", "term"),
    [
        ("i v o r y bangle, DM for price", "i v o r y", "ivory"),
        ("I.V.O.R.Y carving for sale", "I.V.O.R.Y", "ivory"),
        ("i-v-o-r-y netsuke", "i-v-o-r-y", "ivory"),
        ("1v0ry carving, inbox", "1v0ry", "ivory"),
        ("rh1n0 h0rn powder", "rh1n0 h0rn", "rhino horn"),
        ("p a n g o l i n scales", "p a n g o l i n", "pangolin"),
        ("#ivorycarving #forsale", "ivory", "ivory"),
        ("🦏 powder, real, DM", "🦏", "🦏"),
        ("can ban sung te giac", "sung te giac", "sừng tê giác"),  # Vietnamese without marks
        ("出售象牙製品，現貨", "象牙製品", "象牙製品"),  # traditional Chinese
        ("出售象牙制品，现货", "象牙制品", "象牙制品"),  # simplified
        ("ＩＶＯＲＹ　ｆｏｒ　ｓａｌｅ", "ＩＶＯＲＹ", "ivory"),  # full width
    ],
)
def test_evasion_is_matched_and_the_span_points_at_what_was_written(
    text: str, surface: str, term: str
) -> None:
    hits = default_matcher().find(text)
    found = {(hit.term.term, text[hit.start : hit.end]) for hit in hits}
    assert (term, surface) in found


def test_traditional_chinese_finds_simplified_only_terms() -> None:
    # the lexicon has 非洲灰鹦鹉 only in simplified script
    detection = detect(Listing(id="T", text="出售非洲灰鸚鵡 幼鳥"), "zh")
    assert "live_bird" in detection.commodities


@pytest.mark.parametrize("text", ["price 4500 usd, 45cm x 2m2", "iphone 12 pro 128gb", "size 42 shoes"])
def test_ordinary_numbers_and_units_are_not_rewritten(text: str) -> None:
    view = normalize(text)
    undone = deobfuscate(view.folded)
    assert undone is None or undone.text == view.folded


def test_deobfuscated_view_maps_back_character_for_character() -> None:
    undone = deobfuscate("buy i.v.o.r.y now")
    assert undone is not None
    assert undone.text == "buy ivory now"
    start = undone.text.index("ivory")
    assert undone.span(start, start + 5) == (4, 13)


@pytest.mark.parametrize("text", ["i v o r y bangle for sale", "Genuine 1v0ry bangle for sale, DM"])
def test_evasions_are_flagged_like_the_plain_word(text: str) -> None:
    detection = detect(Listing(id="E", text=text), "en")
    assert detection.flagged is True
    assert detection.commodities == ("ivory",)


def test_a_hashtag_does_not_break_word_boundaries_elsewhere() -> None:
    # "bán" must not match inside "bánh" just because a hashtag is nearby
    hits = default_matcher().find("#banhmi bánh mì ngon")
    assert all(hit.term.term != "bán" for hit in hits)
