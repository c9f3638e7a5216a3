"""normalize(): the folded views that the matcher searches, aligned with the original text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.detect.normalize import NormalizedText, fold_term, normalize

VIETNAMESE = "Cần bán sừng tê giác, vảy tê tê và gỗ trắc. Đồi mồi thật, giá tốt ở Hà Nội"


def test_ascii_is_lowered_and_needs_no_offset_map() -> None:
    view = normalize("Genuine IVORY Tusk")
    assert view == NormalizedText("genuine ivory tusk", "genuine ivory tusk", None)


def test_empty_text() -> None:
    assert normalize("") == NormalizedText("", "", None)


def test_full_width_letters_fold_to_ascii() -> None:
    view = normalize("ＩＶＯＲＹ ｆｏｒ ｓａｌｅ")
    assert view.folded == "ivory for sale"
    assert view.stripped == "ivory for sale"
    assert view.offsets is None


def test_vietnamese_keeps_diacritics_in_folded_and_drops_them_in_stripped() -> None:
    view = normalize("Sừng Tê Giác")
    assert view.folded == "sừng tê giác"
    assert view.stripped == "sung te giac"
    assert view.offsets is None


def test_d_with_stroke_is_stripped_to_d_in_both_cases() -> None:
    view = normalize("Đồi mồi, đồ cổ")
    assert view.folded == "đồi mồi, đồ cổ"
    assert view.stripped == "doi moi, do co"


def test_non_latin_scripts_pass_through_unchanged() -> None:
    for text in ("出售象牙手镯", "ขายงาช้างแท้", "センザンコウ"):
        view = normalize(text)
        assert (view.folded, view.stripped, view.offsets) == (text, text, None)


def test_traditional_chinese_folds_to_simplified_in_place() -> None:
    view = normalize("象牙製品 穿山甲鱗片")
    assert (view.folded, view.stripped, view.offsets) == ("象牙制品 穿山甲鳞片", "象牙制品 穿山甲鳞片", None)


def test_marks_that_make_another_letter_outside_latin_are_kept() -> None:
    view = normalize("センザンコウ й")
    assert view.stripped == "センザンコウ й"  # not "センサンコウ и"


def test_other_latin_languages() -> None:
    view = normalize("Écailles de PANGOLÍN à vendre")
    assert view.folded == "écailles de pangolín à vendre"
    assert view.stripped == "ecailles de pangolin a vendre"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Straße", "straße"),  # casefold would give "strasse": one character too many
        ("ﬁne", "ﬁne"),  # NFKC would give "fi": kept as it is
        ("İvory", "İvory"),  # lower() and casefold() give two characters
    ],
)
def test_folds_that_change_length_are_not_applied(text: str, folded: str) -> None:
    view = normalize(text)
    assert view.folded == folded
    assert len(view.folded) == len(view.stripped) == len(text)
    assert view.offsets is None


def test_stripped_view_is_lower_case_even_when_folding_kept_a_capital() -> None:
    assert normalize("İVORY").stripped == "ivory"


def test_decomposed_vietnamese_is_composed_with_an_offset_map() -> None:
    original = unicodedata.normalize("NFD", "Bán sừng tê giác")
    assert len(original) == 21  # "á", "ê" and "á" are two code points each, "ừ" three
    view = normalize(original)
    assert view.folded == "bán sừng tê giác"
    assert view.stripped == "ban sung te giac"
    assert view.offsets == (0, 1, 3, 4, 5, 6, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20, 21)
    # "sừng" is folded[4:8]; in the original it is 6 code points long.
    start, end = view.original_span(4, 8)
    assert (start, end) == (5, 11)
    assert original[start:end] == unicodedata.normalize("NFD", "sừng")
    # the whole text maps to the whole original
    assert view.original_span(0, len(view.folded)) == (0, len(original))


def test_original_span_is_identity_without_offset_map() -> None:
    view = normalize("ivory tusk")
    assert view.original_span(6, 10) == (6, 10)


def test_lone_combining_mark_is_kept_not_dropped() -> None:
    original = "\u0301abc q\u0301"  # nothing to compose: already NFC
    view = normalize(original)
    assert view.folded == original
    assert view.stripped == original
    assert view.offsets is None


def test_decomposed_kana_is_composed() -> None:
    original = unicodedata.normalize("NFD", "センザンコウ")
    assert len(original) == 7
    view = normalize(original)
    assert view.folded == "センザンコウ"
    assert view.offsets == (0, 1, 2, 4, 5, 6, 7)


def test_fold_term_composes_strips_and_trims() -> None:
    assert fold_term("  Sừng Tê Giác ") == ("sừng tê giác", "sung te giac")
    assert fold_term(unicodedata.normalize("NFD", "gỗ trắc")) == ("gỗ trắc", "go trac")
    assert fold_term("ＩＶＯＲＹ") == ("ivory", "ivory")
    assert fold_term("象牙") == ("象牙", "象牙")


# -- properties --------------------------------------------------------------------------

_VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
vietnamese_text = st.text(
    alphabet=st.sampled_from(_VIETNAMESE_LETTERS + _VIETNAMESE_LETTERS.upper() + " ,.0123"),
    max_size=40,
)


def _check_views(text: str, view: NormalizedText) -> None:
    assert len(view.folded) == len(view.stripped)
    if view.offsets is None:
        assert len(view.folded) == len(text)
    else:
        assert len(view.offsets) == len(view.folded) + 1
        assert view.offsets[0] == 0
        assert view.offsets[-1] == len(text)
        assert all(a < b for a, b in zip(view.offsets, view.offsets[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalize_never_raises_and_views_have_equal_length(text: str) -> None:
    _check_views(text, normalize(text))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Mn", "Ll", "Lu", "Zs"]), max_size=30))
def test_combining_marks_anywhere_keep_views_consistent(text: str) -> None:
    _check_views(text, normalize(text))


@settings(max_examples=150, deadline=None)
@given(vietnamese_text)
def test_decomposed_vietnamese_folds_like_composed(text: str) -> None:
    composed = unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFD", text)
    by_composed, by_decomposed = normalize(composed), normalize(decomposed)
    assert by_decomposed.folded == by_composed.folded
    assert by_decomposed.stripped == by_composed.stripped
    _check_views(decomposed, by_decomposed)
    # every composed character maps back to exactly its decomposed characters
    for index, char in enumerate(by_decomposed.folded):
        start, end = by_decomposed.original_span(index, index + 1)
        piece = unicodedata.normalize("NFC", decomposed[start:end])
        assert piece.casefold() == char
