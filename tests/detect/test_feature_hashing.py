"""The vectorised character n-gram hashing of ``learned.char_gram_buckets`` gives exactly the
buckets of hashing each gram with zlib (the buckets the packaged model was trained on)."""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.detect.learned import GRAM_SIZES, N_FEATURES, char_gram_buckets


def one_by_one(windows: list[str]) -> set[int]:
    """The buckets as the model's features were first computed: gram by gram."""
    grams = {w[start : start + n] for w in windows for n in GRAM_SIZES for start in range(len(w) - n + 1)}
    return {zlib.crc32(("C:" + gram).encode("utf-8")) % N_FEATURES for gram in grams}


# ASCII, Vietnamese, Chinese, Thai, an emoji (4 UTF-8 bytes), separators
_chars = st.sampled_from(list("ab zIVORY.1\n") + list("sừngêđơ象牙犀角งาช้าง€😀🐘"))
_window = st.lists(_chars, max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_window, max_size=4), max_size=5))
def test_vectorised_buckets_equal_zlib_gram_by_gram(batch: list[list[str]]) -> None:
    assert [set(buckets) for buckets in char_gram_buckets(batch)] == [one_by_one(ws) for ws in batch]


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30), max_size=3))
def test_any_text_hashes_as_zlib_does(windows: list[str]) -> None:
    assert set(char_gram_buckets([windows])[0]) == one_by_one(windows)


def test_grams_never_span_two_windows() -> None:
    assert set(char_gram_buckets([["ab", "cd"]])[0]) == one_by_one(["ab", "cd"])
    assert one_by_one(["ab", "cd"]) != one_by_one(["abcd"])
    assert char_gram_buckets([[], ["a"], []]) == [[], [], []]
