"""The detector: lexicon terms (``matcher`` + ``score.fuse``) build the score and its
explanation; the learned model (``learned``) re-scores listings with lexicon evidence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from wildtrace.detect.learned import FeatureInput, LearnedModel, features_batch, model_in_use
from wildtrace.detect.lexicon import EVIDENCE_KINDS, default_lexicon
from wildtrace.detect.matcher import TermHit, TermMatcher, default_matcher
from wildtrace.detect.score import DEFAULT_THRESHOLD, drop_covered, drop_negated, fuse
from wildtrace.model import REMEMBERED_TEXT_CHARS, TEXT_FIELDS, Detection, Listing

#: Fields where lexicon terms count (a URL or seller name naming "ivory" is not an offer).
DETECT_FIELDS = tuple(name for name in TEXT_FIELDS if name not in ("url", "seller", "price"))
#: Fields where sellers spell terms out to dodge filters ("i v o r y"); the evasion view
#: costs time, and seller info or a location does not need it.
_EVASION_FIELDS = frozenset({"title", "text"})
#: Say "no learned model" explicitly (tests, training); the default is the packaged one.
LEXICON_ONLY = "lexicon-only"
#: Set in a model's meta by ``wildtrace train --db`` when reviewers labelled offers with no
#: lexicon evidence: such a model reads every listing, not only those naming a term.
READS_WITHOUT_EVIDENCE = "reads_without_evidence"
#: The highest score the learned model gives (its probability, rounded to 4 places).
MAX_SCORE = 0.9999


FieldHits = list[tuple[str, list[TermHit]]]


def find_hits(listing: Listing, language: str | None = None) -> tuple[FieldHits, FieldHits]:
    """The lexicon terms of every detection field: all of them, and those left once
    negated terms and terms inside a look-alike phrase ("ivory" in "ivory coast") go."""
    matcher = default_matcher()
    raw: FieldHits = []
    kept: FieldHits = []
    found: tuple[TermHit, ...]
    left: tuple[TermHit, ...]
    for name in DETECT_FIELDS:
        text = listing.field_text(name)
        if not text:
            found, left = (), ()
        elif len(text) <= REMEMBERED_TEXT_CHARS:
            found, left = _field_hits(matcher, text, language, name in _EVASION_FIELDS)
        else:
            found, left = _field_hits.__wrapped__(matcher, text, language, name in _EVASION_FIELDS)
        raw.append((name, list(found)))
        kept.append((name, list(left)))
    return raw, kept


#: Field texts whose hits are remembered: a seller's stock text, a shop's info line or a
#: city recur from listing to listing, and matching is a quarter of an analysis.
FIELD_MEMO_SIZE = 8192


@lru_cache(maxsize=FIELD_MEMO_SIZE)
def _field_hits(
    matcher: TermMatcher, text: str, language: str | None, evasions: bool
) -> tuple[tuple[TermHit, ...], tuple[TermHit, ...]]:
    """The hits of one field's text, and those left once negated and covered ones go. Keyed
    by the matcher itself, so a new lexicon (a new matcher) never reads an old answer."""
    hits = matcher.find(text, language, evasions=evasions)
    return tuple(hits), tuple(drop_covered(drop_negated(hits)))


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

    ``model``: None = the model in use (``learned.model_in_use``: $WILDTRACE_DETECTOR_MODEL,
    the store's active model, or the packaged one),
    ``LEXICON_ONLY`` = the additive lexicon score alone, or a ``LearnedModel``.

    The model re-scores listings with surviving lexicon evidence; one trained on reviewers'
    labels of offers that name no lexicon term (``READS_WITHOUT_EVIDENCE``) scores every
    listing. Commodities and taxa always come from matched terms only."""
    return detect_batch([listing], [language], threshold, model)[0]


def detect_batch(
    listings: Sequence[Listing],
    languages: Sequence[str | None],
    threshold: float = DEFAULT_THRESHOLD,
    model: LearnedModel | str | None = None,
) -> list[Detection]:
    """``detect`` over many listings (with the language of each): the learned model's
    features of the whole batch are computed together (see ``learned.features_batch``)."""
    learned = model_in_use() if model is None else model
    lexicon = default_lexicon()
    detections: list[Detection] = []
    to_score: list[tuple[int, FeatureInput]] = []
    for index, (listing, language) in enumerate(zip(listings, languages, strict=True)):
        raw, kept = find_hits(listing, language)
        lexical = fuse(listing, kept, lexicon, threshold)
        detections.append(lexical)
        if isinstance(learned, LearnedModel) and (
            has_evidence(kept) or learned.meta.get(READS_WITHOUT_EVIDENCE)
        ):
            to_score.append((index, (listing, raw, kept, lexicon_logit(lexical.score))))
    if isinstance(learned, LearnedModel) and to_score:
        vectors = features_batch([item for _, item in to_score])
        for (index, _), vector in zip(to_score, vectors, strict=True):
            # a probability, never a certainty: a threshold of 1.0 flags nothing
            score = min(round(learned.probability(vector), 4), MAX_SCORE)
            detections[index] = replace(detections[index], score=score, flagged=score >= threshold)
    return detections
