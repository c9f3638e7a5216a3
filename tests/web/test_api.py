"""The JSON API's contract (issue 11, "API"), on both engines: shapes, parameters and answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.web.conftest import PLATFORM, SECRET, SHARED_PHONE, World, add_operation


def test_listings_page_filters_and_the_detail(world: World, client: Any) -> None:
    ana = world.bearer("ana")
    page = client.get("/api/listings?limit=2&offset=1", headers=ana).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["offset"] == 1
    item = page["items"][0]
    assert {"id", "title", "score", "flagged", "collections", "platform", "seller", "commodities"} <= set(
        item
    )
    assert client.get("/api/listings?flagged=false", headers=ana).json()["total"] == 1
    assert client.get("/api/listings?collection=a-amber", headers=ana).json()["total"] == 2
    assert client.get(f"/api/listings?q={quote(SHARED_PHONE)}", headers=ana).json()["total"] == 2
    assert client.get("/api/listings?limit=0", headers=ana).status_code == 422
    detail = client.get(f"/api/listings/{quote(PLATFORM + ':a1')}", headers=ana).json()
    scan_row = ("id", "score", "flagged", "commodities", "taxa", "matches", "legality_cues", "selectors",
                "language", "platform", "seller", "url", "title", "price")  # fmt: skip
    assert set(scan_row) | {"captures", "collections"} <= set(detail)
    assert detail["captures"][0]["sha256"] and detail["collections"] == [{"name": "a-amber", "tlp": "AMBER"}]
    # the text key is URL-encoded, or not: a ':' needs no escaping in a path
    assert client.get(f"/api/listings/{PLATFORM}:a1", headers=ana).json()["id"] == f"{PLATFORM}:a1"


def test_review_stores_a_verdict(world: World, client: Any) -> None:
    from wildtrace.store.labels import label_history

    path = f"/api/listings/{quote(PLATFORM + ':a2')}/review"
    answer = client.post(path, json={"verdict": "unsure", "note": "maybe"}, headers=world.bearer("rev_a"))
    assert answer.status_code == 200 and answer.json()["verdict"] == "unsure"
    assert client.post(path, json={"verdict": "perhaps"}, headers=world.bearer("rev_a")).status_code == 422
    [label] = label_history(world.store, f"{PLATFORM}:a2")
    assert (label.by, label.agency, label.note, label.source) == ("rev_a", "A", "maybe", "web")


def test_cases_accounts_and_networks(world: World, client: Any) -> None:
    ana = world.bearer("ana")
    made = client.post("/api/cases", json={"title": "Tiger bone", "tlp": "amber+strict"}, headers=ana)
    assert made.status_code == 201
    case = made.json()["id"]
    assert client.post("/api/cases", json={"title": "x", "tlp": "PURPLE"}, headers=ana).status_code == 422
    listing = client.post(f"/api/cases/{case}/items", json={"listing_id": f"{PLATFORM}:a1"}, headers=ana)
    account = client.post(
        f"/api/cases/{case}/items",
        json={"account": {"platform": PLATFORM, "seller": "tiger_trader"}},
        headers=ana,
    )
    assert listing.status_code == account.status_code == 201
    both = {"listing_id": f"{PLATFORM}:a1", "account": {"platform": PLATFORM, "seller": "tiger_trader"}}
    assert client.post(f"/api/cases/{case}/items", json=both, headers=ana).status_code == 422
    assert client.post(f"/api/cases/{case}/items", json={}, headers=ana).status_code == 422
    assert (
        client.post(f"/api/cases/{case}/notes", json={"text": "bought twice"}, headers=ana).status_code == 201
    )
    shown = client.get(f"/api/cases/{case}", headers=ana).json()
    assert shown["tlp"] == "AMBER+STRICT" and shown["items"] == 2 and shown["notes"][0]["by"] == "ana"
    assert [c["id"] for c in client.get("/api/cases", headers=ana).json()["items"]] == [case]
    assert client.get("/api/cases/999", headers=ana).status_code == 404
    seller = client.get(f"/api/accounts/{PLATFORM}/tiger_trader", headers=ana).json()
    assert seller["account"] == f"{PLATFORM}:tiger_trader" and seller["linked"][0]["reasons"]
    networks = client.get("/api/networks", headers=ana).json()["items"]
    network = client.get(f"/api/networks/{networks[0]['id']}", headers=ana).json()
    assert network["edges"][0]["reasons"] and any(node["key"] for node in network["nodes"])
    assert client.get("/api/networks/none", headers=ana).status_code == 404


def test_session_endpoint_and_openapi(world: World, client: Any) -> None:
    me = client.get("/api/session", headers=world.bearer("part_b")).json()
    assert me == {"username": "part_b", "agency": "B", "role": "partner", "csrf_token": None}
    spec = client.get("/openapi.json").json()
    for path in ("/api/health", "/api/session", "/api/listings", "/api/listings/{ref}", "/api/cases",
                 "/api/cases/{case_id}/items", "/api/accounts/{platform}/{seller}", "/api/networks",
                 "/api/audit"):  # fmt: skip
        assert path in spec["paths"], path


def test_a_case_changes_status_assignee_and_marking(world: World, client: Any) -> None:
    ana = world.bearer("ana")
    case = client.post("/api/cases", json={"title": "Pangolin route", "tlp": "AMBER"}, headers=ana).json()[
        "id"
    ]
    changed = client.patch(f"/api/cases/{case}", json={"status": "active", "assignee": "ana"}, headers=ana)
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "active" and changed.json()["assignee"] == "ana"
    assert client.patch(f"/api/cases/{case}", json={"status": "paused"}, headers=ana).status_code == 422
    assert (
        client.patch(f"/api/cases/{case}", json={"assignee": "bob"}, headers=ana).status_code == 422
    )  # agency B
    assert client.patch(f"/api/cases/{case}", json={"tlp": "PURPLE"}, headers=ana).status_code == 422
    bob = world.bearer("bob")
    assert client.patch(f"/api/cases/{case}", json={"status": "closed"}, headers=bob).status_code == 404
    marked = client.patch(f"/api/cases/{case}", json={"tlp": "red", "assignee": ""}, headers=ana)
    assert marked.status_code == 200 and marked.json()["tlp"] == "RED"  # ana made it: still hers
    assert client.get(f"/api/cases/{case}", headers=ana).json()["assignee"] is None


def test_a_case_holds_seizures_of_visible_operations(world: World, client: Any, tmp_path: Path) -> None:
    add_operation(world, tmp_path, "THUNDER", "A", "AMBER", "KE-1")
    add_operation(world, tmp_path, f"HIDDEN-{SECRET}", "B", "AMBER+STRICT", f"TZ-{SECRET}")
    ana = world.bearer("ana")
    case = client.post("/api/cases", json={"title": "Seized ivory", "tlp": "AMBER"}, headers=ana).json()["id"]
    added = client.post(f"/api/cases/{case}/items", json={"seizure": "KE-1"}, headers=ana)
    assert added.status_code == 201 and added.json()["item"] == "seizure:KE-1"
    hidden = client.post(f"/api/cases/{case}/items", json={"seizure": f"TZ-{SECRET}"}, headers=ana)
    assert hidden.status_code == 404 and SECRET not in hidden.text
    both = client.post(f"/api/cases/{case}/items", json={"seizure": "KE-1", "listing_id": "x"}, headers=ana)
    assert both.status_code == 422
    (seizure,) = client.get(f"/api/cases/{case}", headers=ana).json()["seizures"]
    assert (seizure["operation"], seizure["reference"], seizure["kg"], seizure["value_usd"]) == (
        "THUNDER", "KE-1", 12.0, 9000.0,
    )  # fmt: skip
    number = client.post(f"/api/cases/{case}/items", json={"seizure": f"#{seizure['id']}"}, headers=ana)
    assert number.status_code == 201  # already there: not added twice
    assert len(client.get(f"/api/cases/{case}", headers=ana).json()["seizures"]) == 1
