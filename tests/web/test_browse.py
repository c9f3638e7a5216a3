"""store/browse.py on both engines: what each viewer is shown of listings, search, accounts,
networks and cases, and that agency B's AMBER+STRICT listings reach no one outside B."""

from __future__ import annotations

import json

import pytest

from tests.web.conftest import ANA_SEES, PLATFORM, SECRET, SECRET_PHONE, SECRET_REF, SHARED_PHONE, World
from wildtrace.store import browse


def _clean(value: object) -> None:
    shown = json.dumps(value)
    assert SECRET not in shown and SECRET_PHONE not in shown


def test_list_listings_counts_only_what_the_viewer_may_see(world: World) -> None:
    ana, bob, partner = (world.viewers[n] for n in ("ana", "bob", "part_b"))
    items, total = browse.list_listings(world.store, ana)
    assert {item["id"] for item in items} == ANA_SEES and total == 5
    assert [item["score"] for item in items] == sorted((item["score"] for item in items), reverse=True)
    _clean(items)
    first = items[0]
    assert first["id"] == f"{PLATFORM}:a1" and first["seller"] == "tiger_trader" and first["flagged"]
    assert first["collections"] == ["a-amber"] and first["language"] == "en"
    items, total = browse.list_listings(world.store, bob)
    assert SECRET_REF in {item["id"] for item in items} and total == 4  # B's own, GREEN, CLEAR
    secret = next(item for item in items if item["id"] == SECRET_REF)
    assert secret["collections"] == [f"b-strict-{SECRET}"]
    assert browse.list_listings(world.store, partner)[1] == 1  # CLEAR only


def test_list_listings_filters_and_pages(world: World) -> None:
    ana = world.viewers["ana"]
    assert browse.list_listings(world.store, ana, flagged=False)[1] == 1
    assert browse.list_listings(world.store, ana, flagged=True)[1] == 4
    assert browse.list_listings(world.store, ana, collection="a-amber")[1] == 2
    assert browse.list_listings(world.store, ana, collection=f"b-strict-{SECRET}") == ([], 0)
    items, total = browse.list_listings(world.store, ana, limit=2, offset=2)
    assert len(items) == 2 and total == 5
    assert browse.list_listings(world.store, ana, q="pangolin")[1] == 1  # g1, not B's secret
    assert browse.list_listings(world.store, ana, q=SECRET) == ([], 0)


def test_search_over_text_and_selectors_sees_only_visible_listings(world: World) -> None:
    ana, bob = world.viewers["ana"], world.viewers["bob"]
    assert [hit["id"] for hit in browse.search(world.store, ana, "pangolin")] == [f"{PLATFORM}:g1"]
    assert browse.search(world.store, ana, SECRET) == []
    assert browse.search(world.store, ana, SECRET_PHONE) == []
    hits = browse.search(world.store, ana, SHARED_PHONE)
    assert {hit["id"] for hit in hits} == {f"{PLATFORM}:a1", f"{PLATFORM}:a2"}
    assert hits[0]["selectors"] == [{"type": "phone", "value": SHARED_PHONE}]
    assert {hit["id"] for hit in browse.search(world.store, ana, "tiger BONE")} == {f"{PLATFORM}:a1"}
    assert {hit["id"] for hit in browse.search(world.store, bob, SECRET_PHONE)} == {SECRET_REF}
    assert browse.search(world.store, ana, "   ") == []


def test_listing_detail_is_none_when_not_visible(world: World) -> None:
    ana, bob = world.viewers["ana"], world.viewers["bob"]
    assert browse.listing_detail(world.store, ana, SECRET_REF) is None
    assert browse.listing_detail(world.store, ana, f"bx-{SECRET}") is None  # by plain uid either
    assert browse.listing_detail(world.store, ana, f"{PLATFORM}:nothing") is None
    detail = browse.listing_detail(world.store, ana, f"{PLATFORM}:a1")
    assert detail is not None
    assert detail["id"] == f"{PLATFORM}:a1" and detail["uid"] == "a1" and detail["score"] == 0.9
    assert detail["selectors"][0]["value"] == SHARED_PHONE and detail["account"] == f"{PLATFORM}:tiger_trader"
    assert detail["captures"][0]["url"].endswith("/a1") and len(detail["captures"][0]["sha256"]) == 64
    assert detail["collections"] == [{"name": "a-amber", "tlp": "AMBER"}]
    assert detail["price"]["raw"] == "120 USD" and detail["network"] == "n1"
    assert browse.listing_detail(world.store, ana, "a1") is not None  # a plain uid used once
    assert browse.listing_detail(world.store, bob, SECRET_REF) is not None


def test_record_label_writes_the_labels_table_for_visible_listings_only(world: World) -> None:
    from wildtrace.store.labels import label_history

    ana, bob = world.viewers["ana"], world.viewers["bob"]
    assert browse.record_label(world.store, ana, f"{PLATFORM}:a1", "yes", "clear offer")
    assert not browse.record_label(world.store, ana, SECRET_REF, "yes")
    [label] = label_history(world.store)
    assert (label.listing, label.verdict, label.by, label.agency, label.source) == (
        f"{PLATFORM}:a1",
        "yes",
        "ana",
        "A",
        "web",
    )
    detail = browse.listing_detail(world.store, ana, f"{PLATFORM}:a1")
    assert detail is not None and detail["labels"][0]["reviewer"] == "ana"
    other = browse.listing_detail(world.store, bob, f"{PLATFORM}:a1")
    assert other is None  # A's AMBER collection is not shared with B


def test_account_detail_shows_only_visible_listings_links_and_selectors(world: World) -> None:
    ana, bob = world.viewers["ana"], world.viewers["bob"]
    account = browse.account_detail(world.store, ana, PLATFORM, "tiger_trader")
    assert account is not None
    _clean(account)
    assert {item["id"] for item in account["listings"]} == {f"{PLATFORM}:a1", f"{PLATFORM}:a2"}
    assert account["selectors"] == [{"type": "phone", "value": SHARED_PHONE, "listings": 2}]
    assert [linked["account"] for linked in account["linked"]] == [f"{PLATFORM}:green_seller"]
    assert len(account["timeline"]) == 2
    assert browse.account_detail(world.store, ana, PLATFORM, f"hidden_boss_{SECRET}") is None
    assert browse.account_detail(world.store, ana, PLATFORM, "nobody") is None
    seen_by_b = browse.account_detail(world.store, bob, PLATFORM, "tiger_trader")
    assert seen_by_b is not None and [i["id"] for i in seen_by_b["listings"]] == [SECRET_REF]


def test_networks_are_computed_over_visible_listings(world: World) -> None:
    ana, bob = world.viewers["ana"], world.viewers["bob"]
    networks = browse.list_networks(world.store, ana)
    assert networks == [{"id": "n1", "listings": 3, "accounts": 2}]  # n2, n3: one listing each
    network = browse.network_detail(world.store, ana, "n1")
    assert network is not None
    _clean(network)
    assert {node["id"] for node in network["nodes"]} == {
        f"{PLATFORM}:tiger_trader",
        f"{PLATFORM}:green_seller",
    }
    assert [(e["source"], e["target"]) for e in network["edges"]] == [
        (f"{PLATFORM}:green_seller", f"{PLATFORM}:tiger_trader")
    ]
    assert sorted(network["edges"][0]["reasons"]) == ["same photo", "same wording"]
    assert all(node["key"] for node in network["nodes"])
    assert browse.network_detail(world.store, ana, "missing") is None
    seen_by_b = browse.network_detail(world.store, bob, "n1")
    assert seen_by_b is not None and any(SECRET in node["id"] for node in seen_by_b["nodes"])


def test_cases_follow_their_marking_and_show_only_visible_items(world: World) -> None:
    from wildtrace.store.access import MarkingError

    ana, bob, viewer_a = world.viewers["ana"], world.viewers["bob"], world.viewers["view_a"]
    strict = browse.create_case(world.store, bob, "B's own", "amber+strict")
    green = browse.create_case(world.store, bob, "Shared lead", "GREEN")
    for case in (strict, green):
        assert browse.add_case_item(world.store, bob, case, listing_ref=SECRET_REF)
        assert browse.add_case_item(world.store, bob, case, account=(PLATFORM, f"hidden_boss_{SECRET}"))
        assert browse.add_case_item(world.store, bob, case, listing_ref=f"{PLATFORM}:g1")
        assert browse.add_case_note(world.store, bob, case, "seen twice")
    assert browse.add_case_item(world.store, bob, green, listing_ref=f"{PLATFORM}:g1")  # once only
    assert {case["id"] for case in browse.list_cases(world.store, ana)} == {green}
    assert browse.case_detail(world.store, ana, strict) is None
    shown = browse.case_detail(world.store, ana, green)
    assert shown is not None
    _clean(shown)
    assert [item["id"] for item in shown["listings"]] == [f"{PLATFORM}:g1"] and shown["accounts"] == []
    assert shown["notes"][0]["text"] == "seen twice" and shown["items"] == 1
    assert not browse.add_case_item(world.store, ana, green, listing_ref=f"{PLATFORM}:a1")  # B's case
    mine = browse.create_case(world.store, ana, "A's case", "AMBER")
    assert not browse.add_case_item(world.store, ana, mine, listing_ref=SECRET_REF)
    assert not browse.add_case_item(world.store, ana, mine, account=(PLATFORM, f"hidden_boss_{SECRET}"))
    assert browse.add_case_item(world.store, ana, mine, account=(PLATFORM, "tiger_trader"))
    assert browse.case_detail(world.store, viewer_a, mine) is not None  # same agency
    assert browse.case_detail(world.store, bob, mine) is None
    full = browse.case_detail(world.store, bob, green)
    assert full is not None and full["items"] == 3
    with pytest.raises(MarkingError):
        browse.create_case(world.store, ana, "x", "PURPLE")
    with pytest.raises(ValueError):
        browse.create_case(world.store, ana, "  ", "AMBER")
