"""Detection: how likely a listing offers a wildlife or timber product, and why."""

from __future__ import annotations

from wildtrace.detect.lexicon import COMMODITIES, default_lexicon
from wildtrace.detect.matcher import default_matcher
from wildtrace.detect.score import DEFAULT_THRESHOLD, drop_covered, drop_negated, fuse
from wildtrace.model import TEXT_FIELDS, Detection, Listing

__all__ = ["COMMODITIES", "DEFAULT_THRESHOLD", "detect"]

#: Fields where lexicon terms count (a URL or seller name naming "ivory" is not an offer).
_DETECT_FIELDS = tuple(name for name in TEXT_FIELDS if name not in ("url", "seller", "price"))


def detect(
    listing: Listing, language: str | None = None, threshold: float = DEFAULT_THRESHOLD
) -> Detection:
    """Score one listing and explain the score (terms, commodities, taxa, cues)."""
    matcher = default_matcher()
    field_hits = [
        (name, drop_covered(drop_negated(matcher.find(listing.field_text(name), language))))
        for name in _DETECT_FIELDS
    ]
    return fuse(listing, field_hits, default_lexicon(), threshold)
