"""Reviewers' labels: what a verdict is, the consensus of several reviewers, and how far
reviewers agree (``wildtrace review``). Pure: the store keeps the labels, this reads them.

A label says whether a listing offers, promotes or asks for a protected species or timber
product (``yes``), does not (``no``), or that the reviewer cannot tell (``unsure``). Every
label is kept; a reviewer's latest label of a listing is the one that counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Literal, get_args

from wildtrace.errors import WildTraceError

LabelVerdict = Literal["yes", "no", "unsure"]
LABEL_VERDICTS: tuple[LabelVerdict, ...] = get_args(LabelVerdict)

#: Where a label was made: ``wildtrace review label`` / the web queue / ``review import``.
LabelSource = Literal["cli", "web", "import"]
LABEL_SOURCES: tuple[LabelSource, ...] = get_args(LabelSource)

#: The spellings of each verdict a labels file or a command line may use (case-insensitive).
VERDICT_SPELLINGS: dict[str, LabelVerdict] = {
    "yes": "yes", "1": "yes", "true": "yes",
    "no": "no", "0": "no", "false": "no",
    "unsure": "unsure",
}  # fmt: skip


class VerdictError(WildTraceError, ValueError):
    """A verdict written in none of the accepted spellings; the message lists them."""


def parse_verdict(text: object) -> LabelVerdict:
    """``yes``/``no``/``unsure``, also written ``1``/``0`` or ``true``/``false``, any case.

    Raises VerdictError naming the accepted spellings for anything else."""
    if isinstance(text, bool):
        return "yes" if text else "no"
    if isinstance(text, float) and text.is_integer():
        text = int(text)  # a spreadsheet cell holding 1 or 0
    word = str(text if text is not None else "").strip().casefold()
    verdict = VERDICT_SPELLINGS.get(word)
    if verdict is None:
        shown = "an empty verdict" if not word else f"verdict {str(text).strip()!r}"
        raise VerdictError(f"{shown} is not one of yes, no, unsure (or 1/0, true/false)")
    return verdict


@dataclass(frozen=True, slots=True)
class Label:
    """One reviewer's verdict on one listing (named by ``str(Listing.key)``), as stored."""

    listing: str
    verdict: LabelVerdict
    by: str
    at: datetime
    note: str = ""
    agency: str | None = None
    source: LabelSource = "cli"
    id: int = 0


def latest_per_reviewer(labels: Iterable[Label]) -> list[Label]:
    """The label that counts for each (listing, reviewer): the latest (by ``at``, then
    ``id``); in the order of the listings' first label."""
    latest: dict[tuple[str, str], Label] = {}
    for label in labels:
        key = (label.listing, label.by)
        shown = latest.get(key)
        if shown is None or (label.at, label.id) >= (shown.at, shown.id):
            latest[key] = label
    return list(latest.values())


def consensus(labels: Iterable[Label]) -> dict[str, LabelVerdict | None]:
    """The verdict of each labelled listing from its reviewers' latest labels: the verdict
    most of them gave, ``unsure`` ignored; ``None`` when ``yes`` and ``no`` tie or every
    reviewer was unsure (no consensus: such a listing teaches nothing yet)."""
    votes: dict[str, Counter[str]] = {}
    for label in latest_per_reviewer(labels):
        counter = votes.setdefault(label.listing, Counter())
        if label.verdict != "unsure":
            counter[label.verdict] += 1
    decided: dict[str, LabelVerdict | None] = {}
    for listing, counter in votes.items():
        yes, no = counter["yes"], counter["no"]
        decided[listing] = "yes" if yes > no else "no" if no > yes else None
    return decided


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """How two reviewers agree on the listings both labelled (their latest labels).

    ``kappa`` is Cohen's kappa over the three verdicts (chance-corrected agreement: 1 is
    complete, 0 what chance gives); None when chance alone would agree on everything (both
    gave one and the same verdict throughout), where kappa is not defined."""

    first: str
    second: str
    listings: int
    agreed: int
    kappa: float | None

    @property
    def percent(self) -> float:
        return 100.0 * self.agreed / self.listings if self.listings else 0.0


def cohens_kappa(pairs: Sequence[tuple[LabelVerdict, LabelVerdict]]) -> float | None:
    """Cohen's kappa of two reviewers' verdicts on the same listings (see PairAgreement)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[v] * second[v] for v in LABEL_VERDICTS) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def agreement(labels: Iterable[Label]) -> list[PairAgreement]:
    """Agreement of every two reviewers who labelled at least one listing in common,
    most shared listings first."""
    by_listing: dict[str, dict[str, LabelVerdict]] = {}
    for label in latest_per_reviewer(labels):
        by_listing.setdefault(label.listing, {})[label.by] = label.verdict
    shared: dict[tuple[str, str], list[tuple[LabelVerdict, LabelVerdict]]] = {}
    for verdicts in by_listing.values():
        for first, second in combinations(sorted(verdicts), 2):
            shared.setdefault((first, second), []).append((verdicts[first], verdicts[second]))
    found = [
        PairAgreement(first, second, len(pairs), sum(1 for a, b in pairs if a == b), cohens_kappa(pairs))
        for (first, second), pairs in shared.items()
    ]
    return sorted(found, key=lambda pair: (-pair.listings, pair.first, pair.second))
