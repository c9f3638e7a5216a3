"""The detector: lexicon terms (``matcher`` + ``score.fuse``) build the score and its
explanation; the learned model (``learned``) re-scores listings with lexicon evidence."""

from __future__ import annotations

import math
from dataclasses import replace

from wildtrace.detect.learned import LearnedModel, default_model, features
from wildtrace.detect.lexicon import EVIDENCE_KINDS, default_lexicon
from wildtrace.detect.matcher import TermHit, default_matcher
from wildtrace.detect.score import DEFAULT_THRESHOLD, drop_covered, drop_negated, fuse
from wildtrace.model import TEXT_FIELDS, Detection, Listing

#: Fields where lexicon terms count (a URL or seller name naming "ivory" is not an offer).
DETECT_FIELDS = tuple(name for name in TEXT_FIELDS if name not in ("url", "seller", "price"))
#: Fields where sellers spell terms out to dodge filters ("i v o r y"); the evasion view
#: costs time, and seller info or a location does not need it.
_EVASION_FIELDS = frozenset({"title", "text"})
#: Say "no learned model" explicitly (tests, training); the default is the packaged one.
LEXICON_ONLY = "lexicon-only"
#: The highest score the learned model gives (its probability, rounded to 4 places).
MAX_SCORE = 0.9999


FieldHits = list[tuple[str, list[TermHit]]]


def find_hits(listing: Listing, language: str | None = None) -> tuple[FieldHits, FieldHits]:
    """The lexicon terms of every detection field: all of them, and those left once
    negated terms and terms inside a look-alike phrase ("ivory" in "ivory coast") go."""
    matcher = default_matcher()
    raw = [
        (name, matcher.find(listing.field_text(name), language, evasions=name in _EVASION_FIELDS))
        for name in DETECT_FIELDS
    ]
    return raw, [(name, drop_covered(drop_negated(hits))) for name, hits in raw]


def has_evidence(field_hits: FieldHits) -> bool:
    return any(hit.term.kind in EVIDENCE_KINDS for _, hits in field_hits for hit in hits)


def lexicon_logit(score: float) -> float:
    """The log-odds of the lexicon score (clipped so that 0 and 1 stay finite)."""
    clipped = min(max(score, 1e-4), 1 - 1e-4)
    return math.log(clipped / (1 - clipped))


def detect(
    listing: Listing,
    language: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    model: LearnedModel | str | None = None,
) -> Detection:
    """Score one listing and explain the score (terms, commodities, taxa, cues).

    ``model``: None = the active learned model (packaged, or $WILDTRACE_DETECTOR_MODEL),
    ``LEXICON_ONLY`` = the additive lexicon score alone, or a ``LearnedModel``.

    The model only re-scores listings with surviving lexicon evidence, so a flagged
    listing always names the commodity of a matched term."""
    raw, kept = find_hits(listing, language)
    lexical = fuse(listing, kept, default_lexicon(), threshold)
    learned = default_model() if model is None else model
    if not isinstance(learned, LearnedModel) or not has_evidence(kept):
        return lexical
    vector = features(listing, raw, kept, lexicon_logit(lexical.score))
    # a probability, never a certainty: a threshold of 1.0 flags nothing
    score = min(round(learned.probability(vector), 4), MAX_SCORE)
    return replace(lexical, score=score, flagged=score >= threshold)
