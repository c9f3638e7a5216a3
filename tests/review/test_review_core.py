"""The pure part of reviewing: verdict spellings, consensus, agreement (Cohen's kappa on a
hand-computed example) and the choice of the review queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wildtrace.detect import (
    Candidate,
    Label,
    LabelVerdict,
    QueueShares,
    VerdictError,
    agreement,
    choose_queue,
    consensus,
    latest_per_reviewer,
    parse_verdict,
)
from wildtrace.detect.active import kind_of
from wildtrace.detect.review import cohens_kappa

T0 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "verdict"),
    [("yes", "yes"), ("YES", "yes"), (" Yes ", "yes"), ("1", "yes"), ("true", "yes"), ("True", "yes"),
     (1, "yes"), (1.0, "yes"), (True, "yes"),
     ("no", "no"), ("No", "no"), ("0", "no"), ("FALSE", "no"), (0, "no"), (0.0, "no"), (False, "no"),
     ("unsure", "unsure"), ("UNSURE", "unsure")],
)  # fmt: skip
def test_every_spelling_of_a_verdict(written: object, verdict: str) -> None:
    assert parse_verdict(written) == verdict


@pytest.mark.parametrize("written", ["maybe", "", None, "2", "y", "yes please", 0.5])
def test_other_verdicts_are_refused_naming_the_accepted_ones(written: object) -> None:
    with pytest.raises(VerdictError, match="not one of yes, no, unsure \\(or 1/0, true/false\\)"):
        parse_verdict(written)


def label(listing: str, verdict: LabelVerdict, by: str, minutes: int = 0, id: int = 0) -> Label:
    return Label(listing, verdict, by, T0 + timedelta(minutes=minutes), id=id)


def test_the_latest_label_of_a_reviewer_counts() -> None:
    labels = [label("a", "no", "ana", 0, 1), label("a", "yes", "ana", 5, 2), label("a", "no", "ben", 1, 3)]
    assert {(x.by, x.verdict) for x in latest_per_reviewer(labels)} == {("ana", "yes"), ("ben", "no")}
    # given in another order, the time still decides; at the same time, the later row
    assert {(x.by, x.verdict) for x in latest_per_reviewer(list(reversed(labels)))} == {
        ("ana", "yes"),
        ("ben", "no"),
    }
    same_time = [label("b", "no", "ana", 0, 1), label("b", "yes", "ana", 0, 2)]
    assert latest_per_reviewer(same_time)[0].verdict == "yes"


def test_consensus_ignores_unsure_and_a_tie_is_none() -> None:
    labels = [
        label("offer", "yes", "ana"), label("offer", "yes", "ben"), label("offer", "no", "cho"),
        label("decoy", "no", "ana"), label("decoy", "unsure", "ben"),
        label("tied", "yes", "ana"), label("tied", "no", "ben"),
        label("unclear", "unsure", "ana"),
        label("changed", "yes", "ana", 0), label("changed", "no", "ana", 1),
    ]  # fmt: skip
    assert consensus(labels) == {
        "offer": "yes",
        "decoy": "no",
        "tied": None,
        "unclear": None,
        "changed": "no",
    }


def test_cohens_kappa_on_a_hand_computed_example() -> None:
    # 10 listings: both yes on 4, both no on 3, ana yes / ben no on 2, ana no / ben yes on 1.
    # observed = 7/10; ana yes 6/10, ben yes 5/10: expected = .6*.5 + .4*.5 = 0.5;
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    pairs: list[tuple[LabelVerdict, LabelVerdict]] = (
        [("yes", "yes")] * 4 + [("no", "no")] * 3 + [("yes", "no")] * 2 + [("no", "yes")]
    )
    assert cohens_kappa(pairs) == pytest.approx(0.4)
    labels = [label(f"l{n}", a, "ana") for n, (a, _) in enumerate(pairs)]
    labels += [label(f"l{n}", b, "ben") for n, (_, b) in enumerate(pairs)]
    labels += [label("only-ana", "yes", "ana"), label("l0", "unsure", "cho")]
    found = {(p.first, p.second): p for p in agreement(labels)}
    assert set(found) == {("ana", "ben"), ("ana", "cho"), ("ben", "cho")}
    pair = found[("ana", "ben")]
    assert (pair.listings, pair.agreed, pair.percent) == (10, 7, 70.0)
    assert pair.kappa == pytest.approx(0.4)
    # one listing, told apart: no better than chance
    assert found[("ana", "cho")].kappa == 0.0 and found[("ana", "cho")].agreed == 0
    # both gave one and the same verdict throughout: chance agrees on everything, kappa undefined
    assert cohens_kappa([("yes", "yes"), ("yes", "yes")]) is None


def test_cohens_kappa_three_verdicts_and_perfect_agreement() -> None:
    assert cohens_kappa([("yes", "yes"), ("no", "no"), ("unsure", "unsure")]) == pytest.approx(1.0)
    # observed 1/3; expected: each verdict 1/3 for both -> 1/3; kappa 0
    assert cohens_kappa([("yes", "no"), ("no", "unsure"), ("unsure", "unsure")]) == pytest.approx(
        (1 / 3 - (1 / 3 * 0 + 1 / 3 * 1 / 3 + 1 / 3 * 2 / 3)) / (1 - (0 + 1 / 9 + 2 / 9))
    )
    assert cohens_kappa([]) is None


def candidates(n: int = 400) -> list[Candidate]:
    """Scores spread over 0..1; a third without lexicon evidence (scored low); three
    commodities, two languages, two platforms."""
    found = []
    for i in range(n):
        evidence = i % 3 != 0
        score = (i * 37 % 100) / 100 if evidence else (i % 10) / 100
        commodities = (("ivory", "pangolin", "rosewood")[i % 7 % 3],) if evidence else ()
        found.append(
            Candidate(f"p{i % 2}:{i}", score, f"p{i % 2}", ("en", "fr")[i % 5 % 2], commodities, evidence)
        )
    return found


def test_the_queue_is_mostly_uncertain_with_confident_and_exploration_parts() -> None:
    pool = candidates()
    chosen = choose_queue(pool, 50, 0.5, seed=1)
    assert len(chosen) == 50 and len({c.candidate.key for c in chosen}) == 50
    reasons = [c.reason for c in chosen]
    # a third of the pool has no lexicon evidence: explore 0.35 x 1/3 of 50 = 6
    assert reasons.count("uncertain") == 39
    assert reasons.count("confident yes") == 3 and reasons.count("confident no") == 2
    assert reasons.count("explore") == 6
    uncertain = [c.candidate for c in chosen if c.reason == "uncertain"]
    margins = sorted(abs(c.score - 0.5) for c in pool)
    assert max(abs(c.score - 0.5) for c in uncertain) <= margins[39 * 4 - 1]  # from the nearest pool
    for choice in chosen:
        if choice.reason == "confident yes":
            assert choice.candidate.score >= 0.9
        if choice.reason == "confident no":
            assert choice.candidate.evidence and choice.candidate.score <= 0.1
        if choice.reason == "explore":
            assert not choice.candidate.evidence


def test_exploration_grows_when_most_listings_name_no_lexicon_term() -> None:
    # nine in ten without evidence (bird ads the lexicon does not know): a tenth of the queue
    # would give the model too few offers without a term to learn from
    pool = [Candidate(f"p:{i}", 0.01, "p", "en", (), i % 10 == 0) for i in range(1000)]
    reasons = [c.reason for c in choose_queue(pool, 50, 0.5, seed=3)]
    assert reasons.count("explore") == 16  # 0.35 x 0.9 of 50
    assert reasons.count("uncertain") > 25  # still the larger part
    few = [Candidate(f"q:{i}", 0.01 * (i % 90), "q", "en", ("ivory",), True) for i in range(1000)]
    assert [c.reason for c in choose_queue(few, 50, 0.5, seed=3)].count("explore") == 0


def test_the_uncertain_part_is_spread_over_kinds_of_listing() -> None:
    # 30 ivory listings right at the threshold, 10 of other kinds a little further away
    near = [Candidate(f"x:{i}", 0.5 + i / 10_000, "x", "en", ("ivory",), True) for i in range(30)]
    other = [
        Candidate(f"y:{i}", 0.45, "y", "fr", (("pangolin", "agarwood")[i % 2],), True) for i in range(10)
    ]
    chosen = choose_queue(near + other, 10, 0.5, shares=QueueShares(confident=0, explore=0))
    kinds = {kind_of(c.candidate) for c in chosen}
    assert len(kinds) == 3
    nearest_only = sorted(near + other, key=lambda c: abs(c.score - 0.5))[:10]
    assert len({kind_of(c) for c in nearest_only}) == 1


def test_the_queue_is_deterministic_for_a_seed_and_whatever_the_input_order() -> None:
    pool = candidates()
    first = choose_queue(pool, 50, 0.5, seed=7)
    assert choose_queue(list(reversed(pool)), 50, 0.5, seed=7) == first
    assert choose_queue(pool, 50, 0.5, seed=8) != first


def test_small_pools_and_limits() -> None:
    pool = candidates(12)
    assert len(choose_queue(pool, 50, 0.5)) == 12
    assert choose_queue(pool, 0, 0.5) == []
    assert choose_queue([], 10, 0.5) == []
    assert [c.reason for c in choose_queue(pool, 1, 0.5)] == ["uncertain"]
