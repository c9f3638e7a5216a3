"""The analysis cache of ``pipeline``: a repeated listing gets the analysis a fresh run gives,
and nothing cached survives a change of threshold, lexicon or model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.detect import MODEL_ENV, LearnedModel, default_lexicon, default_model
from wildtrace.detect.detector import _field_hits, find_hits
from wildtrace.detect.learned import packaged_model_path
from wildtrace.model import REMEMBERED_TEXT_CHARS, Listing
from wildtrace.pipeline import (
    AnalysisCache,
    _analyze_batch,
    analysis_cache,
    analyze,
    analyze_batch,
)

OFFER = Listing(
    id="a",
    platform="zalo-demo",
    title="Sừng tê giác nguyên chiếc",
    text="Hàng thật, giá 140tr. Zalo 0977 215 064",
    seller_info="Shop đồ cổ",
)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    analysis_cache().clear()
    yield
    analysis_cache().clear()


def test_a_repeated_listing_is_answered_from_the_cache_with_its_own_id() -> None:
    first = analyze(OFFER)
    again = analyze(replace(OFFER, id="b"))
    cache = analysis_cache()
    assert (cache.hits, cache.misses) == (1, 1)
    assert again.listing_id == "b"
    assert replace(again, listing_id="a") == first == _analyze_batch([OFFER], 0.5)[0]


def test_any_analysed_field_changes_the_key() -> None:
    analyze(OFFER)
    for name, value in [("title", "Sừng tê"), ("platform", "shopee-demo"), ("price", "5tr"), ("url", "x")]:
        changed = replace(OFFER, **{name: value})
        assert analyze(changed) == _analyze_batch([changed], 0.5)[0]
    assert analysis_cache().hits == 0


def test_another_threshold_is_another_analysis() -> None:
    low, high = analyze(OFFER, 0.1), analyze(OFFER, 0.999)
    assert analysis_cache().hits == 0
    assert low.detection.flagged and not high.detection.flagged
    assert high.analyzer_version.endswith("threshold=0.999")


def test_the_cache_keeps_only_the_most_recent_listings() -> None:
    cache = AnalysisCache(size=2)
    cache.check_owner()
    listings = [replace(OFFER, title=f"Sừng tê giác {i}") for i in range(3)]
    for item in listings:
        cache.analyze([item], 0.5)
    cache.analyze([listings[0]], 0.5)  # pushed out by the third
    assert (cache.hits, cache.misses, len(cache)) == (0, 4, 2)
    cache.analyze([listings[2]], 0.5)
    assert cache.hits == 1


def test_a_repeat_within_one_batch_is_analysed_once() -> None:
    batch = [OFFER, replace(OFFER, id="b"), replace(OFFER, title="Sừng tê"), replace(OFFER, id="c")]
    analyses = analyze_batch(batch)
    assert (analysis_cache().hits, analysis_cache().misses) == (2, 2)
    assert [a.listing_id for a in analyses] == ["a", "b", "a", "c"]
    assert analyses == [_analyze_batch([item], 0.5)[0] for item in batch]


def test_a_new_lexicon_empties_the_cache() -> None:
    analyze(OFFER)
    default_lexicon.cache_clear()
    try:
        analysis_cache().check_owner()
        assert len(analysis_cache()) == 0
        analyze(OFFER)
        assert analysis_cache().hits == 0
    finally:
        default_lexicon.cache_clear()


def test_another_model_is_not_answered_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = LearnedModel.load(packaged_model_path())
    # the same model, but far more sure of every offer: its scores must show, not the cached ones
    bolder = replace(packaged, weights=np.asarray(packaged.weights * 3, dtype=np.float32))
    path = tmp_path / "bolder.npz"
    path.write_bytes(bolder.to_bytes())
    before = analyze(OFFER)
    monkeypatch.setenv(MODEL_ENV, str(path))
    default_model.cache_clear()
    try:
        after = analyze(OFFER)
        assert analysis_cache().hits == 0
        assert after.detection.score != before.detection.score
        assert after.analyzer_version != before.analyzer_version
    finally:
        monkeypatch.delenv(MODEL_ENV)
        default_model.cache_clear()
    assert analyze(OFFER) == before


_words = st.sampled_from(
    ["ivory", "sừng tê", "象牙", "pangolin scales", "tiger balm", "faux", "for sale", "giá", "Zalo",
     "0977 215 064", "+84 912 345 678", "3.500.000đ", "wa.me/6281234567890", "i v o r y", "carving",
     "bracelet", "#ivorycarving", "@seller_01", "2 kg", "Hà Nội", "not", "resin", "\n"]
)  # fmt: skip
_texts = st.lists(_words, max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(title=_texts, text=_texts, seller_info=_texts, repeats=st.integers(1, 3))
def test_cached_analyses_equal_fresh_ones(title: str, text: str, seller_info: str, repeats: int) -> None:
    listing = Listing(id="x", title=title or None, text=text or None, seller_info=seller_info or None)
    batch = [replace(listing, id=f"x{i}") for i in range(repeats)]
    for item, analysis in zip(batch, analyze_batch(batch), strict=True):
        assert analysis == _analyze_batch([item], 0.5)[0]


def test_a_listing_with_a_very_long_field_is_analysed_but_not_remembered() -> None:
    long = replace(OFFER, text="Sừng tê giác. " * (REMEMBERED_TEXT_CHARS // 10))
    first, again = analyze_batch([long, replace(long, id="b")])
    assert len(analysis_cache()) == 0
    assert first == _analyze_batch([long], 0.5)[0] and again.listing_id == "b"
    hits_before = _field_hits.cache_info().currsize
    find_hits(long, "vi")
    assert _field_hits.cache_info().currsize == hits_before
