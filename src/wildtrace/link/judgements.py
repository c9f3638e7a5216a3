"""Analysts' judgements on links: the human word that wins over the automatic result.

A judgement is about a pair of accounts (``platform:seller``; a listing without a seller
is ``listing:<platform>:<id>``, or ``listing:<id>`` when it names no platform; the plain
``listing:<id>`` recorded before listings were keyed by platform still matches where one
platform uses the id) or about one selector value:

- confirm two accounts: they are joined, even with nothing in common in the data;
- reject two accounts: they are never put in one network, whatever they share (a link
  that would join them is not made, and the summary says so);
- confirm a value: it links even when the over-correlation guard would hold it back;
- reject a value: it never links (a help line the guard did not catch).

Judgements are stored with who made them and when (``store/judgements.py``) and are
reversible: an undone judgement is kept for the record but no longer applies. When two
active judgements concern the same subject, the latest wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["confirm", "reject"]
VERDICTS: tuple[Verdict, ...] = ("confirm", "reject")


@dataclass(frozen=True, slots=True)
class Judgement:
    """One analyst's decision, as stored (``second`` is None for a value)."""

    id: int
    verdict: Verdict
    first: str
    second: str | None
    by: str
    at: str  # ISO 8601, UTC
    note: str = ""

    @property
    def subject(self) -> tuple[str, ...]:
        """What the judgement is about, independent of the order it was written in."""
        return (self.first,) if self.second is None else tuple(sorted((self.first, self.second)))

    def describe(self) -> str:
        """How a reason cites it: "analyst ana on 2026-11-28 (#3: same phone seen at a raid)"."""
        note = f": {self.note}" if self.note else ""
        return f"analyst {self.by} on {self.at[:10]} (judgement #{self.id}{note})"


def latest(judgements: Iterable[Judgement]) -> list[Judgement]:
    """The judgement that applies to each subject: the latest (highest id) wins."""
    by_subject: dict[tuple[str, ...], Judgement] = {}
    for judgement in sorted(judgements, key=lambda j: j.id):
        by_subject[judgement.subject] = judgement
    return sorted(by_subject.values(), key=lambda j: j.id)
