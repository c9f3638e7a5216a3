"""Legality claims are cues for the reviewer, never a reason to lower the score.

"Antique", "pre-ban", "mammoth", "with CITES certificate", "collectible": these claims
are how laundered products are sold, so the detector shows them (``legality_cues``) and
must not learn to discount them. ``score.fuse`` gives them no negative weight; this
module makes the learned model keep that promise: after fitting, every weight that a
legality claim's own features carry (the term, its cue, its kind, its words) is clamped
at zero from below. The words around a claim still count ("mammoth" next to "fossil
tusk for the museum" may still read as no offer); the claim itself never subtracts.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from functools import cache

from wildtrace.detect.detector import DETECT_FIELDS
from wildtrace.detect.learned import LearnedModel, feature_bucket
from wildtrace.detect.lexicon import Lexicon, default_lexicon
from wildtrace.detect.normalize import normalize

#: The cues that are claims of legality or provenance (``lexicon.csv``'s ``cue`` column).
LEGALITY_CUES = frozenset({
    "claims antique / pre-1947",
    "claims CITES certificate",
    "mammoth ivory",
    "collector's item",
    "claims genuine material",
})  # fmt: skip
_WORD = re.compile(r"\w+", re.UNICODE)


def claim_features(lexicon: Lexicon) -> list[str]:
    """The names of the features a legality claim contributes (see ``learned.features``)."""
    names: set[str] = {"L:k=cue", *(f"L:k=cue|f={field}" for field in DETECT_FIELDS)}
    for term in lexicon.terms:
        if term.kind != "cue" or term.cue not in LEGALITY_CUES:
            continue
        names.add(f"L:t={term.term.casefold()}")
        names.add(f"L:cue={term.cue}|k=cue")
        if term.commodity:
            names.add(f"L:c={term.commodity}|k=cue")
        words = _WORD.findall(normalize(term.term).folded)
        names.update(f"W:{word}" for word in words)
        names.update(f"B:{first} {second}" for first, second in itertools.pairwise(words))
    return sorted(names)


@cache
def _claim_buckets() -> tuple[int, ...]:
    return tuple(sorted({feature_bucket(name) for name in claim_features(default_lexicon())}))


def never_discount(model: LearnedModel) -> LearnedModel:
    """``model`` with no negative weight on a legality claim's features."""
    weights = model.weights.copy()
    index = list(_claim_buckets())
    weights[index] = weights[index].clip(min=0.0)
    meta = {**model.meta, "legality_claims": "never discount"}
    return replace(model, weights=weights, meta=meta)
