"""Fuse lexicon evidence into one risk score with its explanation.

A transparent additive model on the log-odds scale; the learned model (``learned``)
reads its score as one feature among the words around the evidence. Legality claims
(antique, pre-ban, mammoth, certificate) are cues for the reviewer and never lower the
score; a post that discusses the trade and offers nothing is "discussion, not an offer".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from wildtrace.detect.lexicon import EVIDENCE_KINDS, Lexicon
from wildtrace.detect.matcher import TermHit
from wildtrace.model import Detection, Listing, Match, Taxon

DEFAULT_THRESHOLD = 0.5

_KIND_WEIGHT = {"product": 3.0, "species": 2.2, "code_word": 1.8}
_BIAS = -3.0
_EXTRA_TERM = 0.4  # each further distinct evidence term, up to two
_SALE = 1.0
_PRICE = 0.5
_DEMAND = 0.5
_CONTEXT = 0.4  # a context term ("scales", 🐘) next to evidence
_NEGATIVE = 2.5  # faux, toy, brand ... anywhere in the listing
_NO_EVIDENCE = -5.0
_PART_OF_SPECIES = 1.2  # a species name with a part word: "python skin", "bear claw", "deer skull"
_DISCUSSION = 2.0  # a post about the trade (news, seizure, campaign) with no offer signal

#: The cue a reviewer sees on a post that discusses the trade and offers nothing.
DISCUSSION_CUE = "discussion, not an offer"
#: A price written in the text: a currency sign or code next to a number ("$450",
#: "Rp 350.000", "1.200.000đ", "50k", "3800元").
_MONEY = re.compile(
    r"(?:[$€£¥₫฿]|\b(?:usd|us\$|eur|gbp|rp|rm|vnd|ksh|r\$|nt\$|thb|idr|myr)\.?)\s?\d"
    r"|\d(?:[.,]\d+)*\s?(?:usd|eur|k|tr|triệu|đ|vnđ|元|円|บาท|baht)(?![a-z])",
    re.IGNORECASE,
)


#: How far (in characters) a negation may stand before the negative term it cancels.
NEGATION_REACH = 4
NEGATABLE_KINDS = EVIDENCE_KINDS | {"negative"}
GENUINE_CUE = "claims genuine material"
_GENUINE = 0.5


def drop_negated(hits: list[TermHit]) -> list[TermHit]:
    """Remove negated negative terms ("not resin", "唔係樹脂") and negated evidence
    ("không phải sừng tê": not rhino horn), and the negation terms themselves."""
    if not any(hit.term.kind == "negation" for hit in hits):
        return list(hits)  # the usual case: nothing to cancel
    # a negation inside a longer term is part of a word, not a negation ("非" in "非洲", "非诚勿扰")
    negations = [
        hit for hit in hits
        if hit.term.kind == "negation"
        and not any(other.term.kind != "negation" and other.start <= hit.start and hit.end <= other.end
                    and other.end - other.start > hit.end - hit.start for other in hits)
    ]  # fmt: skip
    kept = []
    for hit in hits:
        if hit.term.kind == "negation":
            continue
        negated = hit.term.kind in NEGATABLE_KINDS and any(
            0 <= hit.start - neg.end <= NEGATION_REACH for neg in negations
        )
        if not negated:
            kept.append(hit)
    return kept


def drop_covered(hits: list[TermHit]) -> list[TermHit]:
    """Remove evidence that lies inside a negative phrase ("ivory" in "ivory coast")."""
    negatives = [hit for hit in hits if hit.term.kind == "negative"]
    if not negatives:
        return list(hits)  # the usual case: no look-alike phrase to cover anything
    kept = []
    for hit in hits:
        covered = hit.term.kind != "negative" and any(
            neg.start <= hit.start and hit.end <= neg.end for neg in negatives
        )
        if not covered:
            kept.append(hit)
    return kept


def priced(listing: Listing) -> bool:
    """A price given, in its field or written in the title or text."""
    if listing.price:
        return True
    return any(_MONEY.search(text) for text in (listing.title, listing.text) if text)


def offers(listing: Listing, kinds: set[str]) -> bool:
    """An offer signal: sale or demand words (price, contact, DM, shipping, auction
    vocabulary, "wanted") or a price. A discussion of the trade without one offers nothing."""
    return bool(kinds & {"sale", "demand"}) or priced(listing)


def discourse(listing: Listing, field_hits: Iterable[tuple[str, list[TermHit]]]) -> tuple[str, ...]:
    """What the listing does with its evidence, as named features for the learned model:
    ``offer`` (a sale or demand word, or a price), ``discussion_only`` (news, seizure,
    campaign or question words and no offer signal), ``part_of_species`` (a species name
    with a part word: "python skin", "bear claw")."""
    terms = [hit.term for _, hits in field_hits for hit in hits]
    kinds = {term.kind for term in terms}
    parts = any(term.kind == "context" and term.commodity is None for term in terms)
    offer = offers(listing, kinds)
    named = []
    if offer:
        named.append("offer")
    if "discussion" in kinds and not offer:
        named.append("discussion_only")
    if parts and "species" in kinds:
        named.append("part_of_species")
    return tuple(named)


def _outermost_evidence(hits: list[TermHit]) -> set[TermHit]:
    """Evidence hits not nested in a longer one ("穿山甲" inside "穿山甲片" counts once)."""
    evidence = [hit for hit in hits if hit.term.kind in EVIDENCE_KINDS]
    return {
        hit
        for hit in evidence
        if not any(
            other is not hit and other.start <= hit.start and hit.end <= other.end
            and (other.end - other.start) > (hit.end - hit.start)
            for other in evidence
        )
    }


def fuse(
    listing: Listing,
    field_hits: Iterable[tuple[str, list[TermHit]]],
    lexicon: Lexicon,
    threshold: float = DEFAULT_THRESHOLD,
) -> Detection:
    """Turn the surviving hits of every field into a Detection."""
    matches: list[Match] = []
    evidence: dict[str, float] = {}
    commodities: list[str] = []
    taxa: dict[str, Taxon] = {}
    cues: list[str] = []
    kinds: set[str] = set()
    negatives: set[tuple[str, str | None]] = set()
    context = 0
    parts = 0  # commodity-free context words: skin, hide, skull, claw, tooth ...
    for field, hits in field_hits:
        outer = _outermost_evidence(hits)
        for hit in hits:
            term = hit.term
            kinds.add(term.kind)
            matches.append(
                Match(term.term, field, hit.start, hit.end, term.language,
                      term.commodity, term.kind, term.taxon)
            )  # fmt: skip
            if term.cue and term.cue not in cues and term.kind != "discussion":
                cues.append(term.cue)
            if term.kind in EVIDENCE_KINDS:
                if hit in outer:
                    key = term.term.casefold()
                    evidence[key] = max(evidence.get(key, 0.0), _KIND_WEIGHT[term.kind])
                if term.commodity and term.commodity not in commodities:
                    commodities.append(term.commodity)
                for name in (term.taxon or "").split("|"):
                    if name and name not in taxa:
                        taxa[name] = Taxon(name, lexicon.appendix(name))
            elif term.kind == "context":
                context += 1
                parts += term.commodity is None
            elif term.kind == "negative" and term.cue:
                negatives.add((term.cue, term.commodity))
    # a look-alike counts against the listing when it is generic (faux, toy) or about a
    # commodity the listing names: "Tiger Balm" does not excuse pangolin scales
    penalised = {cue for cue, commodity in negatives if commodity is None or commodity in commodities}
    discussion = "discussion" in kinds and not offers(listing, kinds)
    if discussion and evidence:  # a post about the trade in a named commodity
        cues.append(DISCUSSION_CUE)
    if evidence:
        weights = sorted(evidence.values(), reverse=True)
        logit = _BIAS + weights[0] + _EXTRA_TERM * min(2, len(weights) - 1)
        logit += _SALE * ("sale" in kinds) + _DEMAND * ("demand" in kinds)
        logit += _PRICE * priced(listing) + _CONTEXT * min(2, context)
        logit += _GENUINE * (GENUINE_CUE in cues) - _NEGATIVE * len(penalised)
        logit += _PART_OF_SPECIES * bool(parts and "species" in kinds) - _DISCUSSION * discussion
    else:
        logit = _NO_EVIDENCE
    score = round(1.0 / (1.0 + math.exp(-logit)), 4)
    return Detection(
        score=score,
        flagged=score >= threshold,
        commodities=tuple(commodities),
        taxa=tuple(taxa.values()),
        matches=tuple(matches),
        legality_cues=tuple(cues),
    )
