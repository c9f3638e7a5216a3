"""The per-field memos of lexicon matching and extraction answer what a fresh run answers,
and a new matcher (a new lexicon) never reads an answer of the old one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.detect.detector import _field_hits, find_hits
from wildtrace.detect.lexicon import default_lexicon
from wildtrace.detect.matcher import TermMatcher, default_matcher
from wildtrace.detect.score import drop_covered, drop_negated
from wildtrace.extract import _field_selectors, extract
from wildtrace.model import Listing

_words = st.sampled_from(
    ["ivory", "sừng tê", "象牙", "not", "resin", "ivory coast", "i v o r y", "Zalo", "0977 215 064",
     "+84 912 345 678", "3.500.000đ", "2 kg", "@seller_01", "bob@example.org", "Hà Nội", "\n", "for sale"]
)  # fmt: skip
_texts = st.lists(_words, max_size=10).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(title=_texts, text=_texts, language=st.sampled_from([None, "vi", "en", "zh"]), repeat=st.booleans())
def test_memoised_fields_equal_fresh_ones(title: str, text: str, language: str | None, repeat: bool) -> None:
    listing = Listing(id="x", title=title or None, text=text or None, seller_info=text or None)
    if repeat:
        find_hits(listing, language), extract(listing, language)
    raw, kept = find_hits(listing, language)
    matcher = default_matcher()
    for (name, hits), (_, left) in zip(raw, kept, strict=True):
        fresh = matcher.find(listing.field_text(name), language, evasions=name in ("title", "text"))
        assert hits == fresh
        assert left == drop_covered(drop_negated(fresh))
    for field in ("title", "text", "seller_info"):
        value = listing.field_text(field)
        if value:
            assert _field_selectors(value, field, "VN") == _field_selectors.__wrapped__(value, field, "VN")


def test_a_new_matcher_does_not_read_the_old_ones_answers() -> None:
    old = default_matcher()
    _field_hits(old, "ivory carving, a new text", None, True)
    misses = _field_hits.cache_info().misses
    new = TermMatcher(default_lexicon())
    _field_hits(new, "ivory carving, a new text", None, True)
    assert _field_hits.cache_info().misses == misses + 1
