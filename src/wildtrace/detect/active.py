"""Which listings a reviewer should label next (``wildtrace review queue``). Pure.

A few hundred well-chosen labels teach the detector more than thousands of random ones.
The queue is made of four parts:

- **uncertain** (most of it): the listings whose score is nearest the threshold, where a
  label most changes the model, spread over kinds of listing (commodity, language,
  platform) so that one kind does not fill the queue;
- **confident yes** and **confident no** (a few each): listings the model is sure of,
  to catch its systematic errors (a toy scored as an offer; a lexicon match scored low);
- **explore** (a few, more when most listings have no lexicon evidence): listings with no
  lexicon evidence at all, at random: offers in words the lexicon lacks are found no other
  way (an uncertainty-only queue never shows them, as the score of such a listing sits far
  below the threshold). When most stored listings name no lexicon term (a set of bird ads,
  a new commodity), a tenth of the queue gives the model too few such offers to learn from
  (measured: 3 of 50 in the first round on the bird ads, F1 0.10 after it), so the share
  grows with that fraction, up to ``explore_max``, keeping the uncertain part the larger.

The choice is deterministic for a given seed and set of listings; a listing is chosen once.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

QueueReason = Literal["uncertain", "confident yes", "confident no", "explore"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored listing no one has labelled yet, as the queue sees it. ``evidence``: the
    lexicon found a product, species or code word in it."""

    key: str
    score: float
    platform: str = ""
    language: str | None = None
    commodities: tuple[str, ...] = ()
    evidence: bool = False


@dataclass(frozen=True, slots=True)
class QueueShares:
    """Parts of the queue that are not chosen for uncertainty (fractions of ``limit``);
    ``confident`` is split between the two sides. ``pool`` is how many times the uncertain
    part's size the nearest-threshold listings are among which diversity is sought, and
    ``confident_pool`` the most confident fraction of each side that is sampled."""

    confident: float = 0.1
    explore: float = 0.1
    explore_max: float = 0.35
    pool: int = 4
    confident_pool: float = 0.1


@dataclass(frozen=True, slots=True)
class QueueChoice:
    """A listing chosen for review, and why it was chosen."""

    candidate: Candidate
    reason: QueueReason


def kind_of(candidate: Candidate) -> tuple[str, str, str]:
    """The kind of listing diversity is sought over: main commodity, language, platform."""
    commodity = candidate.commodities[0] if candidate.commodities else "-"
    return commodity, candidate.language or "-", candidate.platform or "-"


def _spread(ranked: Sequence[Candidate], count: int, threshold: float) -> list[Candidate]:
    """``count`` of ``ranked`` (nearest the threshold first), taken in turns from each kind
    of listing: each round takes every kind's nearest remaining one, nearest first."""
    by_kind: dict[tuple[str, str, str], list[Candidate]] = {}
    for candidate in ranked:
        by_kind.setdefault(kind_of(candidate), []).append(candidate)
    queues = list(by_kind.values())
    chosen: list[Candidate] = []
    depth = 0
    while len(chosen) < count and any(depth < len(queue) for queue in queues):
        layer = [queue[depth] for queue in queues if depth < len(queue)]
        layer.sort(key=lambda c: (abs(c.score - threshold), c.key))
        chosen.extend(layer[: count - len(chosen)])
        depth += 1
    return chosen


def _confident(
    side: list[Candidate], count: int, share: float, rng: random.Random, order: Callable[[Candidate], Any]
) -> list[Candidate]:
    """``count`` at random among the most confident ``share`` of one side (``order``: most
    confident first), so that the same extremes are not shown every round."""
    if count <= 0 or not side:
        return []
    top = heapq.nsmallest(max(count, round(len(side) * share)), side, key=order)
    return rng.sample(top, min(count, len(top)))


def choose_queue(
    candidates: Iterable[Candidate],
    limit: int,
    threshold: float,
    seed: int = 0,
    shares: QueueShares | None = None,
) -> list[QueueChoice]:
    """The next ``limit`` listings to label, with the reason each was chosen (uncertain
    ones first, nearest the threshold first within each round of kinds)."""
    shares = shares or QueueShares()
    if limit <= 0:
        return []
    rng = random.Random(seed)
    pool = list(candidates)
    taken: set[str] = set()
    confident = round(limit * shares.confident)
    without_evidence = sum(not c.evidence for c in pool) / len(pool) if pool else 0.0
    explore_share = max(shares.explore, min(shares.explore_max, shares.explore_max * without_evidence))
    explore_count = round(limit * explore_share)

    def free(items: Iterable[Candidate]) -> list[Candidate]:
        return [c for c in items if c.key not in taken]

    def margin(c: Candidate) -> tuple[float, str]:
        return abs(c.score - threshold), c.key

    yes_side = [c for c in pool if c.score >= threshold]
    no_side = [c for c in pool if c.score < threshold and c.evidence]
    if not no_side:  # no lexicon match below the threshold: the confident no's are any low score
        no_side = [c for c in pool if c.score < threshold]
    share = shares.confident_pool
    sure_yes = _confident(yes_side, (confident + 1) // 2, share, rng, lambda c: (-c.score, c.key))
    taken.update(c.key for c in sure_yes)
    sure_no = _confident(free(no_side), confident // 2, share, rng, lambda c: (c.score, c.key))
    taken.update(c.key for c in sure_no)
    unmatched = sorted(free(c for c in pool if not c.evidence), key=lambda c: c.key)
    explore = rng.sample(unmatched, min(explore_count, len(unmatched)))
    taken.update(c.key for c in explore)

    wanted = limit - len(taken)
    nearest = heapq.nsmallest(wanted * max(shares.pool, 1), free(pool), key=margin)
    uncertain = _spread(nearest, wanted, threshold)
    # fewer than ``wanted`` only when ``nearest`` holds every candidate left: nothing to add
    return (
        [QueueChoice(c, "uncertain") for c in uncertain]
        + [QueueChoice(c, "confident yes") for c in sure_yes]
        + [QueueChoice(c, "confident no") for c in sure_no]
        + [QueueChoice(c, "explore") for c in explore]
    )
