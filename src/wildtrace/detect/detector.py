"""The detector: lexicon terms (``matcher`` + ``score.fuse``) build the score and its
explanation; the learned model (``learned``) re-scores listings with lexicon evidence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from wildtrace.detect.learned import FeatureInput, LearnedModel, default_model, features_batch
from wildtrace.detect.lexicon import EVIDENCE_KINDS, default_lexicon
from wildtrace.detect.matcher import TermHit, default_matcher
from wildtrace.detect.score import DEFAULT_THRESHOLD, drop_covered, drop_negated, fuse
from wildtrace.model import TEXT_FIELDS, Detection, Listing

#: Fields where lexicon terms count (a URL or seller name naming "ivory" is not an offer).
_DETECT_FIELDS = tuple(name for name in TEXT_FIELDS if name not in ("url", "seller", "price"))
#: Fields where sellers spell terms out to dodge filters ("i v o r y"); the evasion view
#: costs time, and seller info or a location does not need it.
_EVASION_FIELDS = frozenset({"title", "text"})
#: Say "no learned model" explicitly (tests, training); the default is the packaged one.
LEXICON_ONLY = "lexicon-only"


FieldHits = list[tuple[str, list[TermHit]]]


def find_hits(listing: Listing, language: str | None = None) -> tuple[FieldHits, FieldHits]:
    """The lexicon terms of every detection field: all of them, and those left once
    negated terms and terms inside a look-alike phrase ("ivory" in "ivory coast") go."""
    matcher = default_matcher()
    raw = [
        (name, matcher.find(listing.field_text(name), language, evasions=name in _EVASION_FIELDS))
        for name in _DETECT_FIELDS
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
    return detect_batch([listing], [language], threshold, model)[0]


def detect_batch(
    listings: Sequence[Listing],
    languages: Sequence[str | None],
    threshold: float = DEFAULT_THRESHOLD,
    model: LearnedModel | str | None = None,
) -> list[Detection]:
    """``detect`` over many listings (with the language of each): the learned model's
    features of the whole batch are computed together (see ``learned.features_batch``)."""
    learned = default_model() if model is None else model
    lexicon = default_lexicon()
    detections: list[Detection] = []
    to_score: list[tuple[int, FeatureInput]] = []
    for index, (listing, language) in enumerate(zip(listings, languages, strict=True)):
        raw, kept = find_hits(listing, language)
        lexical = fuse(listing, kept, lexicon, threshold)
        detections.append(lexical)
        if isinstance(learned, LearnedModel) and has_evidence(kept):
            to_score.append((index, (listing, raw, kept, lexicon_logit(lexical.score))))
    if isinstance(learned, LearnedModel) and to_score:
        vectors = features_batch([item for _, item in to_score])
        for (index, _), vector in zip(to_score, vectors, strict=True):
            score = round(learned.probability(vector), 4)
            detections[index] = replace(detections[index], score=score, flagged=score >= threshold)
    return detections
