"""Analysts' judgements win over the automatic result: confirm, reject, values, latest wins."""

from __future__ import annotations

from wildtrace.link import Judgement, latest, link_listings
from wildtrace.model import Analysis, Detection, Listing, Selector

DETECTION = Detection(score=0.9, flagged=True)
PHONE = "+84912345678"


def _pair(listing_id: str, *values: str, seller: str, platform: str = "p") -> tuple[Listing, Analysis]:
    selectors = tuple(Selector("phone", v, v, "text", 0, len(v)) for v in values)
    return Listing(id=listing_id, platform=platform, seller=seller), Analysis(
        listing_id, DETECTION, selectors
    )


def _j(jid: int, verdict: str, first: str, second: str | None = None, note: str = "") -> Judgement:
    return Judgement(jid, verdict, first, second, "ana", f"2026-11-2{jid}T10:00:00+00:00", note)  # type: ignore[arg-type]


def test_reject_splits_accounts_that_share_a_phone() -> None:
    pairs = [_pair("a", PHONE, seller="A"), _pair("b", PHONE, seller="B"), _pair("c", PHONE, seller="C")]
    assert len(set(link_listings(pairs).clusters.values())) == 1
    network = link_listings(pairs, judgements=[_j(1, "reject", "p:A", "p:B", "different shops")])
    assert network.clusters["p:a"] != network.clusters["p:b"]
    # C still joins one of them, and the refused join is explained
    assert network.clusters["p:c"] == network.clusters["p:a"]
    (held,) = network.held_back
    assert held.reason == (
        f"phone {PHONE} was not used to join account 'B' on p to the network of account 'A' on p: "
        "analyst ana on 2026-11-21 (judgement #1: different shops) judged them different operators"
    )


def test_reject_holds_even_through_a_third_account() -> None:
    pairs = [
        _pair("a", "+84911111111", seller="A"),
        _pair("m", "+84911111111", "+84922222222", seller="M"),
        _pair("b", "+84922222222", seller="B"),
    ]
    network = link_listings(pairs, judgements=[_j(1, "reject", "p:B", "p:A")])
    assert network.clusters["p:a"] != network.clusters["p:b"]


def test_confirm_joins_accounts_with_nothing_in_common() -> None:
    pairs = [_pair("a", seller="A"), _pair("b", seller="B", platform="q")]
    network = link_listings(pairs, judgements=[_j(2, "confirm", "q:B", "p:A", "same face in both videos")])
    (link,) = network.links
    assert (link.kind, link.value) == ("judgement", "2")
    assert link.reason == (
        "account 'A' on p and account 'B' on q are one operator: confirmed by analyst ana on "
        "2026-11-22 (judgement #2: same face in both videos)"
    )
    assert network.clusters["p:a"] == network.clusters["q:b"]  # listings are named platform:id


def test_value_judgements_override_the_guard_both_ways() -> None:
    crowd = [_pair(f"l{i}", PHONE, seller=f"s{i}") for i in range(8)]
    assert link_listings(crowd).links == ()
    allowed = link_listings(crowd, judgements=[_j(1, "confirm", PHONE)])
    assert len(set(allowed.clusters.values())) == 1
    two = [_pair("a", PHONE, seller="A"), _pair("b", PHONE, seller="B")]
    rejected = link_listings(two, judgements=[_j(1, "reject", PHONE, note="shop's help line")])
    assert rejected.links == ()
    assert "rejected by analyst ana" in rejected.held_back[0].reason


def test_latest_judgement_on_a_subject_wins() -> None:
    judgements = [_j(1, "reject", "p:A", "p:B"), _j(2, "confirm", "p:B", "p:A"), _j(3, "reject", PHONE)]
    assert [j.id for j in latest(judgements)] == [2, 3]
    pairs = [_pair("a", seller="A"), _pair("b", seller="B")]
    assert len(set(link_listings(pairs, judgements=judgements).clusters.values())) == 1


def test_judgements_on_accounts_not_in_the_data_are_ignored() -> None:
    pairs = [_pair("a", PHONE, seller="A"), _pair("b", PHONE, seller="B")]
    network = link_listings(pairs, judgements=[_j(1, "reject", "p:A", "p:Z"), _j(2, "confirm", "p:A", "p:Y")])
    assert [link.kind for link in network.links] == ["phone"]
