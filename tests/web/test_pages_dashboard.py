"""store/dashboard.py on both engines: the dashboard's figures, the review queue and its filters
count and list only what the viewer may see (agency B's AMBER+STRICT listings for B alone)."""

from __future__ import annotations

from tests.web.conftest import SECRET, World
from wildtrace.store import browse
from wildtrace.store.dashboard import QueueFilters, dashboard, queue_choices, review_queue


def refs(items: list[dict[str, object]]) -> list[object]:
    return [item["id"] for item in items]


def test_dashboard_counts_only_what_each_viewer_may_see(world: World) -> None:
    ana = dashboard(world.store, world.viewers["ana"])
    assert (ana.listings, ana.analysed, ana.flagged) == (5, 5, 4)
    assert ana.by_commodity == [("pangolin", 1)]
    assert ana.by_language == [("en", 4)]
    assert ana.by_platform == [("bazaar.example", 4)]
    assert ana.by_country == [("KE", 2), ("unknown", 2)]
    assert sum(n for _, n in ana.over_time) == 4
    assert [item["id"] for item in ana.newest] and all(SECRET not in str(item) for item in ana.newest)
    assert ana.networks == [{"id": "n1", "accounts": 2, "listings": 3, "flagged": 3}]
    assert ("queue", "4 flagged listing(s) not yet reviewed by your agency", "/review") in ana.alerts
    assert ana.computed_at

    bob = dashboard(world.store, world.viewers["bob"])
    assert (bob.listings, bob.flagged) == (4, 3)
    assert bob.by_commodity == [("pangolin", 2)]
    assert bob.networks[0]["accounts"] == 3
    assert any(SECRET in str(item) for item in bob.newest)


def test_partner_sees_clear_only(world: World) -> None:
    board = dashboard(world.store, world.viewers["part_b"])
    assert (board.listings, board.flagged) == (1, 0)
    assert board.networks == []


def test_review_queue_lists_visible_flagged_and_uncertain_listings(world: World) -> None:
    ana = world.viewers["ana"]
    queue = review_queue(world.store, ana)
    expected = ["bazaar.example:a1", "bazaar.example:a2", "bazaar.example:a3", "bazaar.example:g1"]
    assert refs(queue) == expected  # highest score first; c1 (0.2) is neither flagged nor uncertain
    assert all(item["verdict"] is None for item in queue)
    assert refs(review_queue(world.store, ana, QueueFilters(commodity="pangolin"))) == ["bazaar.example:g1"]
    assert refs(review_queue(world.store, ana, QueueFilters(min_score=0.75))) == expected[:2]
    assert refs(review_queue(world.store, ana, QueueFilters(max_score=0.65))) == expected[3:]
    assert refs(review_queue(world.store, ana, QueueFilters(collection="a-strict"))) == ["bazaar.example:a3"]
    assert review_queue(world.store, ana, QueueFilters(collection=f"b-strict-{SECRET}")) == []
    assert review_queue(world.store, ana, QueueFilters(platform="elsewhere.example")) == []
    assert refs(review_queue(world.store, ana, QueueFilters(platform="bazaar.example"))) == expected
    assert refs(review_queue(world.store, ana, QueueFilters(language="en"), limit=2)) == expected[:2]
    # the country of a listing is its phone numbers' (a1 and a2 give a Kenyan number)
    assert [item["country"] for item in queue] == ["KE", "KE", None, None]
    assert refs(review_queue(world.store, ana, QueueFilters(country="ke"))) == expected[:2]
    assert review_queue(world.store, ana, QueueFilters(country="ZZ")) == []
    bob = review_queue(world.store, world.viewers["bob"])
    assert f"bazaar.example:bx-{SECRET}" in refs(bob)
    assert not {"bazaar.example:a1", "bazaar.example:a2", "bazaar.example:a3"} & set(refs(bob))


def test_labelled_listings_leave_the_agency_queue(world: World) -> None:
    ana = world.viewers["ana"]
    assert browse.record_label(world.store, ana, "bazaar.example:a1", "yes")
    assert "bazaar.example:a1" not in refs(review_queue(world.store, ana))
    everything = review_queue(world.store, ana, QueueFilters(include_reviewed=True))
    assert {item["id"]: item["verdict"] for item in everything}["bazaar.example:a1"] == "yes"
    # another agency's queue is its own
    coord = world.viewers["coord_a"]  # same agency A: the label counts for it too
    assert "bazaar.example:a1" not in refs(review_queue(world.store, coord))
    assert "bazaar.example:g1" in refs(review_queue(world.store, world.viewers["bob"]))


def test_queue_choices_offer_only_visible_values(world: World) -> None:
    ana = queue_choices(world.store, world.viewers["ana"])
    assert ana["platforms"] == ["bazaar.example"]
    assert ana["languages"] == ["en"]
    assert ana["commodities"] == ["pangolin"]
    assert ana["collections"] == ["a-amber", "a-strict", "b-clear", "b-green"]
    bob = queue_choices(world.store, world.viewers["bob"])
    assert f"b-strict-{SECRET}" in bob["collections"]
    assert "a-strict" not in bob["collections"]


def test_a_cached_figure_is_computed_once_when_many_ask_at_once(world: World) -> None:
    import threading
    import time

    from wildtrace.store.dashboard import _cached

    calls: list[int] = []
    start = threading.Barrier(6)

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    answers: list[int] = []

    def ask() -> None:
        start.wait()
        answers.append(_cached(world.store, ("test", "stampede"), 60.0, slow))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 6 and len(calls) == 1
    assert _cached(world.store, ("test", "stampede"), 0.0, slow) == 42 and len(calls) == 2  # expired
