"""Visibility leaks through the API and the pages: a listing in agency B's AMBER+STRICT collection
never shows up for agency A (lists, totals, search, detail, accounts, networks, cases, every GET
route), while B itself sees it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from tests.web.conftest import ANA_SEES, PLATFORM, SECRET, SECRET_PHONE, SECRET_REF, SHARED_PHONE, World
from tests.web.test_routes_authorised import routes_and_rules
from wildtrace.web.auth import SESSION_COOKIE

#: What of the secret listings an answer could show (their ids, titles, seller, collection, phone).
LEAK_MARKERS = (f"bx-{SECRET}", f"by-{SECRET}", f"{SECRET} pangolin", f"{SECRET} boss", "hidden_boss",
                f"b-strict-{SECRET}", f"same wallet {SECRET}", SECRET_PHONE)  # fmt: skip


def _clean(answer: Any, echo: str = "") -> None:
    """No secret in the answer; ``echo`` is what the request itself said (a query an answer may
    repeat), so markers it holds are not looked for."""
    if not echo:
        assert SECRET not in answer.text, answer.text[:300]
    for marker in LEAK_MARKERS:
        if marker not in echo:
            assert marker not in answer.text, (marker, answer.text[:300])


def test_lists_totals_and_search_hide_the_secret(world: World, client: Any) -> None:
    ana = world.bearer("ana")
    listed = client.get("/api/listings", headers=ana)
    assert listed.status_code == 200
    _clean(listed)
    assert {item["id"] for item in listed.json()["items"]} == ANA_SEES and listed.json()["total"] == 5
    for query in (SECRET, SECRET_PHONE, "pangolin", "boss"):
        for path in (f"/api/listings?q={quote(query)}", f"/api/search?q={quote(query)}"):
            answer = client.get(path, headers=ana)
            assert answer.status_code == 200
            _clean(answer, echo=query)
    assert client.get(f"/api/listings?q={quote(SECRET)}", headers=ana).json()["total"] == 0
    assert client.get(f"/api/listings?collection=b-strict-{SECRET}", headers=ana).json()["total"] == 0
    hits = client.get(f"/api/search?q={quote(SHARED_PHONE)}", headers=ana).json()["items"]
    assert {hit["id"] for hit in hits} == {f"{PLATFORM}:a1", f"{PLATFORM}:a2"}
    seen_by_b = client.get("/api/listings", headers=world.bearer("bob")).json()
    assert SECRET_REF in {item["id"] for item in seen_by_b["items"]} and seen_by_b["total"] == 4


def test_a_hidden_listing_is_answered_like_a_missing_one(world: World, client: Any) -> None:
    ana = world.bearer("ana")
    hidden = client.get(f"/api/listings/{quote(SECRET_REF)}", headers=ana)
    missing = client.get(f"/api/listings/{quote(PLATFORM + ':nothing-here')}", headers=ana)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    review = client.post(
        f"/api/listings/{quote(SECRET_REF)}/review", json={"verdict": "yes"}, headers=world.bearer("rev_a")
    )
    assert review.status_code == 404
    shown = client.get(f"/api/listings/{quote(PLATFORM + ':a1')}", headers=ana)
    assert shown.status_code == 200 and shown.json()["id"] == f"{PLATFORM}:a1"
    _clean(shown)
    assert client.get(f"/api/listings/{quote(SECRET_REF)}", headers=world.bearer("bob")).status_code == 200


def test_accounts_and_networks_hide_the_secret(world: World, client: Any) -> None:
    ana = world.bearer("ana")
    account = client.get(f"/api/accounts/{PLATFORM}/tiger_trader", headers=ana)
    assert account.status_code == 200
    _clean(account)
    assert len(account.json()["listings"]) == 2
    assert client.get(f"/api/accounts/{PLATFORM}/hidden_boss_{SECRET}", headers=ana).status_code == 404
    networks = client.get("/api/networks", headers=ana)
    _clean(networks)
    assert networks.json()["items"] == [{"id": "n1", "listings": 3, "accounts": 2}]
    network = client.get("/api/networks/n1", headers=ana)
    assert network.status_code == 200
    _clean(network)
    assert len(network.json()["nodes"]) == 2
    assert SECRET in client.get("/api/networks/n1", headers=world.bearer("bob")).text


def test_cases_hide_the_secret(world: World, client: Any) -> None:
    bob, ana = world.bearer("bob"), world.bearer("ana")
    strict = client.post("/api/cases", json={"title": "B only", "tlp": "AMBER+STRICT"}, headers=bob).json()[
        "id"
    ]
    green = client.post("/api/cases", json={"title": "Shared", "tlp": "GREEN"}, headers=bob).json()["id"]
    for case in (strict, green):
        added = client.post(f"/api/cases/{case}/items", json={"listing_id": SECRET_REF}, headers=bob)
        assert added.status_code == 201, added.text
        account = {"account": {"platform": PLATFORM, "seller": f"hidden_boss_{SECRET}"}}
        assert client.post(f"/api/cases/{case}/items", json=account, headers=bob).status_code == 201
    listed = client.get("/api/cases", headers=ana)
    assert [case["id"] for case in listed.json()["items"]] == [green]
    assert client.get(f"/api/cases/{strict}", headers=ana).status_code == 404
    shown = client.get(f"/api/cases/{green}", headers=ana)
    assert shown.status_code == 200
    _clean(shown)
    assert shown.json()["listings"] == [] and shown.json()["accounts"] == []
    mine = client.post("/api/cases", json={"title": "A's", "tlp": "AMBER"}, headers=ana).json()["id"]
    hidden = client.post(f"/api/cases/{mine}/items", json={"listing_id": SECRET_REF}, headers=ana)
    assert hidden.status_code == 404
    _clean(hidden)
    assert client.get(f"/api/cases/{mine}", headers=bob).status_code == 404


def _fill(template: str, sample: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: quote(sample.get(m.group(1), "1")), template)


def test_no_get_route_shows_the_secret_to_another_agency(world: World, client: Any) -> None:
    """Every GET route of the app (API and pages), with ordinary and with secret parameters,
    signed in as agency A's admin and analyst: the secret appears in no answer."""
    from wildtrace.store.web_sessions import create_session

    assert client.get(f"/api/listings/{quote(SECRET_REF)}", headers=world.bearer("bob")).status_code == 200
    table, _ = routes_and_rules(world.app)
    samples = [
        {"ref": f"{PLATFORM}:a1", "platform": PLATFORM, "seller": "tiger_trader", "network_id": "n1"},
        {"ref": SECRET_REF, "platform": PLATFORM, "seller": f"hidden_boss_{SECRET}", "network_id": "n1"},
    ]
    queries = ("", f"?q={SECRET}", f"?q={quote(SECRET_PHONE)}")
    checked = 0
    leaks: list[str] = []
    for user in ("ana", "admin_a", "coord_a"):
        user_id = world.viewers[user].user_id
        assert user_id is not None
        session_id, _ = create_session(world.store, user_id, "testclient")
        for method, template, rule in table:
            if method != "GET" or rule is None:
                continue
            for sample in samples:
                path = _fill(template, sample)
                for query in queries:
                    client.cookies.set(SESSION_COOKIE, session_id)
                    answer = client.get(path + query, headers={} if rule[1] else world.bearer(user))
                    client.cookies.clear()
                    if answer.status_code != 200:
                        continue
                    if "audit" in path:  # agency A's own requests named the secret: B's may not show
                        if "bob" in answer.text:
                            leaks.append(f"{user} {path}: agency B's audit entries")
                        continue
                    try:
                        _clean(answer, echo=unquote(path + query))
                    except AssertionError as exc:
                        leaks.append(f"{user} {path + query}: {exc}"[:300])
                    checked += 1
    assert not leaks, "\n".join(sorted(set(leaks)))
    assert checked > 50
