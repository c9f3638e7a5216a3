"""TermMatcher: every lexicon term, on word boundaries, with spans into the original text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wildtrace.detect.lexicon import Lexicon, Term, default_lexicon
from wildtrace.detect.matcher import TermHit, TermMatcher, default_matcher
from wildtrace.detect.normalize import fold_term


def _term(text: str, kind: str = "product", language: str = "en", commodity: str | None = "ivory") -> Term:
    return Term(text, language, commodity, None, kind, None, "test")


def _found(text: str, language: str | None = None) -> list[tuple[str, int, int]]:
    return [(hit.term.term, hit.start, hit.end) for hit in default_matcher().find(text, language)]


def _folds_to_term(surface: str, term: str) -> bool:
    """The property every hit must have: its original characters fold to its term."""
    surface_fold, surface_strip = fold_term(surface)
    term_fold, term_strip = fold_term(term)
    return surface_fold == term_fold or surface_strip == term_strip


def test_default_matcher_is_built_once() -> None:
    assert default_matcher() is default_matcher()


def test_empty_text_has_no_hits() -> None:
    assert default_matcher().find("") == []
    assert default_matcher().find("", "vi") == []


def test_hits_are_sorted_and_nested_terms_all_reported() -> None:
    lexicon = Lexicon(
        (_term("ivory"), _term("elephant ivory"), _term("ivory bangle"), _term("bangle", "context")),
        {},
    )
    hits = [(h.term.term, h.start, h.end) for h in TermMatcher(lexicon).find("Genuine elephant ivory bangle")]
    assert hits == [
        ("elephant ivory", 8, 22),
        ("ivory bangle", 17, 29),
        ("ivory", 17, 22),
        ("bangle", 23, 29),
    ]


def test_default_lexicon_reports_nested_terms() -> None:
    hits = _found("Genuine elephant ivory bangle")
    for expected in [("elephant ivory", 8, 22), ("ivory bangle", 17, 29), ("ivory", 17, 22)]:
        assert expected in hits
    assert hits == sorted(hits, key=lambda hit: (hit[1], -hit[2]))


def test_case_and_width_are_folded_and_spans_point_at_the_original() -> None:
    text = "Real ＩＶＯＲＹ for SALE"
    hits = _found(text)
    for expected in [("ivory", 5, 10), ("for sale", 11, 19), ("sale", 15, 19)]:
        assert expected in hits
    assert text[5:10] == "ＩＶＯＲＹ"


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("bánh mì ngon, giá rẻ", "bán"),  # "bán" (sell) inside "bánh" (bread)
        ("tusker beer, cold", "tusk"),
        ("Tuskers for sale", "tusk"),
        ("cargo trace", "go trac"),
        ("a lottery ticket", "lot"),
        ("codeine", "cod"),
        ("sales tax", "sale"),
        ("pangolins", "pangolin"),
        ("elephant tusks", "tusk"),
        ("wholesale prices", "sale"),  # left edge inside a word
        ("autopilot watch", "lot"),
        ("a diamond tiara", "ara"),
    ],
)
def test_terms_of_spaced_scripts_do_not_match_inside_words(text: str, absent: str) -> None:
    assert absent not in [term for term, _, _ in _found(text)]


@pytest.mark.parametrize(
    ("text", "term", "start"),
    [
        ("(tusk)", "tusk", 1),
        ("tusk.", "tusk", 0),
        ("ivory,rhino horn", "rhino horn", 6),
        ("ivory/tusk", "tusk", 6),
        ("#ivory", "ivory", 1),
    ],
)
def test_punctuation_is_a_word_boundary(text: str, term: str, start: int) -> None:
    assert (term, start, start + len(term)) in _found(text)


def test_unspaced_scripts_match_inside_runs_of_text() -> None:
    hits = _found("出售象牙手镯包邮")
    for expected in [("出售", 0, 2), ("售", 1, 2), ("象牙手镯", 2, 6), ("象牙", 2, 4), ("包邮", 6, 8)]:
        assert expected in hits
    assert ("งาช้าง", 3, 9) in _found("ขายงาช้างแท้")


def test_vietnamese_without_accents_matches_long_terms_only() -> None:
    hits = _found("can ban sung te giac")
    assert ("cần bán", 0, 7) in hits
    assert ("sừng tê giác", 8, 20) in hits
    # "bán" -> "ban" and "tê giác" -> "te giac" are shorter than six characters or collide:
    # only terms of six or more characters are searched without accents.
    assert all(term != "bán" for term, _, _ in hits)


def test_vietnamese_partially_accented_matches_through_the_stripped_view() -> None:
    hits = _found("bán sừng te giac")
    assert ("sừng tê giác", 4, 16) in hits


def test_decomposed_input_spans_map_back_to_the_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "Cần bán sừng tê giác")
    hits = default_matcher().find(text)
    by_term = {hit.term.term: hit for hit in hits}
    hit = by_term["sừng tê giác"]
    assert text[hit.start : hit.end] == unicodedata.normalize("NFD", "sừng tê giác")
    assert (hit.start, hit.end) == (11, 27)  # "Cần bán " is 11 code points once decomposed
    sale = by_term["cần bán"]
    assert (sale.start, sale.end) == (0, 10)
    for hit in hits:
        assert _folds_to_term(text[hit.start : hit.end], hit.term.term)


def test_language_picks_the_row_of_that_language() -> None:
    def vendo(language: str | None) -> Term:
        (hit,) = [hit for hit in default_matcher().find("vendo", language) if hit.end == 5]
        return hit.term

    pt, es, default = vendo("pt"), vendo("es"), vendo(None)
    assert (pt.language, es.language, default.language) == ("pt", "es", "es")
    hant = default_matcher().find("出售", "zh-Hant")[0]
    assert (hant.term.term, hant.term.language[:2]) == ("出售", "zh")


def test_custom_lexicon_and_one_hit_per_span() -> None:
    lexicon = Lexicon(
        (_term("ivory"), _term("Ivory", kind="negative"), _term("gỗ trắc", commodity="rosewood")),
        {},
    )
    matcher = TermMatcher(lexicon)
    hits = matcher.find("IVORY and go trac")
    assert hits == [
        TermHit(lexicon.terms[0], 0, 5),
        TermHit(lexicon.terms[2], 10, 17),
    ]


def test_short_terms_are_not_searched_without_accents() -> None:
    matcher = TermMatcher(Lexicon((_term("bán", kind="sale", commodity=None),), {}))
    assert matcher.find("ban") == []
    assert matcher.find("Bán") == [TermHit(matcher.find("bán")[0].term, 0, 3)]


# -- property: spans point at characters that fold to the term ---------------------------

_TERMS = [term.term for term in default_lexicon().terms]
_FILLER = st.sampled_from(["", " ", ", ", " - ", "\n", "!!! ", " 123 ", " giá ", " 出 "])


def _full_width(text: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text
    )


_VARIANTS = {
    "as is": lambda t: t,
    "upper": str.upper,
    "title": str.title,
    "nfd": lambda t: unicodedata.normalize("NFD", t),
    "full width": _full_width,
}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_TERMS), st.sampled_from(sorted(_VARIANTS)), _FILLER),
        min_size=1,
        max_size=4,
    ),
)
def test_every_hit_folds_to_its_term_and_every_planted_term_is_found(
    parts: list[tuple[str, str, str]],
) -> None:
    text = ""
    planted: list[tuple[int, int, str]] = []
    for term, variant, filler in parts:
        surface = _VARIANTS[variant](term)
        assume(fold_term(surface)[0] == fold_term(term)[0])
        text += " "
        planted.append((len(text), len(text) + len(surface), term))
        text += surface + " " + filler
    hits = default_matcher().find(text)
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert _folds_to_term(text[hit.start : hit.end], hit.term.term), (text, hit)
    spans = {(hit.start, hit.end): hit for hit in hits}
    for start, end, term in planted:
        assert (start, end) in spans, (text, term)
        assert fold_term(spans[(start, end)].term.term)[0] == fold_term(term)[0]
