"""The fast paths of detection give exactly what the plain computations they replace give:
the cheap pre-checks of the evasion patterns, the one combined automaton for texts without
diacritics, and the one-pass script counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.cli import demo_inputs
from wildtrace.collect import read_file
from wildtrace.detect.lexicon import default_lexicon
from wildtrace.detect.matcher import TermMatcher, default_matcher
from wildtrace.detect.normalize import _LEET_HINT, _LEET_WORD, _SPACED, _SPACED_HINT
from wildtrace.model import Listing
from wildtrace.parse import language

_NO_SURROGATES = st.characters(blacklist_categories=("Cs",))
_EVASION_ALPHABET = st.sampled_from(list("abiv1034$@ .-_*·/|é#\n"))


@settings(max_examples=500, deadline=None)
@given(st.lists(_EVASION_ALPHABET, max_size=16).map("".join))
def test_evasion_hints_never_miss_what_the_full_patterns_find(text: str) -> None:
    if _SPACED.search(text):
        assert _SPACED_HINT.search(text)
    if _LEET_WORD.search(text):
        assert _LEET_HINT.search(text)


_TWO_PASS = TermMatcher(default_lexicon())
_TWO_PASS.one_pass = False


@pytest.mark.parametrize(
    "text",
    [
        "Ban sung te giac that, ivory bangle, nga voi, 100% real",  # diacritics typed away
        "carved elephant ivory and pangolin scales for sale #ivorycarving i.v.o.r.y 1v0ry",
        "出售象牙手镯 穿山甲片 正品",
        "Bán sừng tê giác thật",  # diacritics: two passes either way
    ],
)
def test_combined_automaton_finds_what_the_two_views_find(text: str) -> None:
    assert default_matcher().find(text, "en") == _TWO_PASS.find(text, "en")
    assert default_matcher().find(text) == _TWO_PASS.find(text)


def test_combined_automaton_on_the_demo_corpus() -> None:
    listings = [item for item in read_file(demo_inputs()[0]) if isinstance(item, Listing)]
    for listing in listings:
        for name in ("title", "text", "seller_info", "location"):
            text = listing.field_text(name)
            assert default_matcher().find(text, "en") == _TWO_PASS.find(text, "en"), text


_WORDS = ["ivory", "nga", "voi", "sung", "te", "giac", "#", "x", "象牙", "1"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=12))
def test_combined_automaton_on_generated_text(parts: list[str]) -> None:
    text = " ".join(parts)
    assert default_matcher().find(text) == _TWO_PASS.find(text)


@settings(max_examples=200, deadline=None)
@given(st.text(_NO_SURROGATES, max_size=60))
def test_script_counts_equal_the_regex_counts(text: str) -> None:
    classes = text.translate(language._CLASSES)
    assert classes.count(language._ALPHA) == sum(char.isalpha() for char in text)
    assert classes.count(language._LETTER_CODE) == len(language._LETTER.findall(text))
    assert (language._NOT_LATIN_CODE in classes) == bool(language._NOT_LATIN.search(text))
    assert classes.count(language._HAN_CODE) == len(language._HAN_CHAR.findall(text))
    for (_, script, _), code in zip(language._SCRIPTS, language._SCRIPT_CODES, strict=True):
        assert classes.count(code) == len(script.findall(text))
