"""Alerts in the web app (``/alerts``, ``/api/alerts``, the navigation count, the dashboard
figure): an alert shows only when the viewer may see both its watchlist and its listing;
agency B's secret listing, its phone and B's strict watchlist never reach agency A; a partner
sees CLEAR lists' alerts on CLEAR listings only; typed notes and scraped values are escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from tests.web.conftest import PLATFORM, SECRET, SECRET_PHONE, SECRET_REF, SHARED_PHONE, World
from tests.web.test_leaks import LEAK_MARKERS
from wildtrace.extract import identify
from wildtrace.model import Analysis, Detection, Listing
from wildtrace.store.collections import ensure_collection
from wildtrace.store.tables import ListingRow, PlatformRow
from wildtrace.store.tables_watch import AlertRow
from wildtrace.store.watchlists import WatchEntry, add_entries
from wildtrace.web.auth import SESSION_COOKIE

HOSTILE_NOTE = "<script>alert(1)</script>"
HOSTILE_LIST = "list<img src=x onerror=alert(2)>"
HOSTILE_SELLER = "<svg onload=alert(3)>"
HOSTILE_TITLE = "<script>alert(4)</script> horn"
A1, A2, C1, G1 = (f"{PLATFORM}:{uid}" for uid in ("a1", "a2", "c1", "g1"))
HOSTILE_REF = f"{PLATFORM}:evil1"


def _entry(kind: str, value: str, note: str = "", platform: str | None = None) -> WatchEntry:
    return WatchEntry(identify(kind, value, None, platform), note)


@pytest.fixture
def watched(world: World) -> World:
    """The world with watchlists of both agencies under every kind of marking, and the alerts
    they raised over its listings (retro-hunt):

    - ``a-watch`` (A, AMBER): the shared phone → a1, a2 (A's) and the secret listing (B's);
    - ``b-strict-SECRET`` (B, AMBER+STRICT): the secret phone → the secret listing;
    - ``b-green`` (B, GREEN): the shared phone → a1, a2, the secret listing; the seller of g1;
    - ``HOSTILE_LIST`` (B, CLEAR): the sellers of c1 (CLEAR), g1 (GREEN) and a hostile CLEAR
      listing, with a hostile note.
    """
    store, ana, bob = world.store, world.viewers["ana"], world.viewers["bob"]
    with store.write_transaction("a hostile clear listing") as conn:
        clear = ensure_collection(conn, "b-clear", "B", "CLEAR")
    hostile = Listing(id="evil1", platform=PLATFORM, seller=HOSTILE_SELLER, title=HOSTILE_TITLE, text="horn")
    analysis = Analysis("evil1", Detection(score=0.7, flagged=True), (), language="en", analyzer_version="t")
    store.save_batch([(hostile, analysis)], collection_id=clear)
    assert add_entries(store, [_entry("phone", SHARED_PHONE, "courier of A")], ana, "a-watch").alerts == 3
    strict = add_entries(
        store, [_entry("phone", SECRET_PHONE, f"{SECRET} informant")], bob, f"b-strict-{SECRET}",
        marking="AMBER+STRICT",
    )  # fmt: skip
    assert strict.alerts == 1
    green = [_entry("phone", SHARED_PHONE, "shared by B"), _entry("account", "green_seller", "", PLATFORM)]
    assert add_entries(store, green, bob, "b-green", marking="GREEN").alerts == 4
    clear_entries = [
        _entry("account", "open_shop", HOSTILE_NOTE, PLATFORM),
        _entry("account", "green_seller", "on a green listing", PLATFORM),
        _entry("account", HOSTILE_SELLER, "hostile seller", PLATFORM),
    ]
    assert add_entries(store, clear_entries, bob, HOSTILE_LIST, marking="CLEAR").alerts == 3
    return world


def _api(client: Any, world: World, user: str, query: str = "") -> dict[str, Any]:
    answer = client.get(f"/api/alerts{query}", headers=world.bearer(user))
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    found: dict[str, Any] = answer.json()
    return found


def _page(client: Any, world: World, user: str, path: str = "/alerts") -> Any:
    from wildtrace.store.web_sessions import create_session

    user_id = world.viewers[user].user_id
    assert user_id is not None
    session_id, _ = create_session(world.store, user_id, "testclient")
    client.cookies.set(SESSION_COOKIE, session_id)
    try:
        return client.get(path, follow_redirects=False)
    finally:
        client.cookies.clear()


def _seen(found: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(alert["listing"], alert["watchlist"]) for alert in found["alerts"]}


def _no_secret(text: str) -> None:
    assert SECRET not in text
    for marker in LEAK_MARKERS:
        assert marker not in text, marker


def test_ana_sees_alerts_on_her_visible_listings_only(watched: World, client: Any) -> None:
    found = _api(client, watched, "ana")
    assert _seen(found) == {
        (A1, "a-watch"), (A2, "a-watch"), (A1, "b-green"), (A2, "b-green"), (G1, "b-green"),
        (C1, HOSTILE_LIST), (G1, HOSTILE_LIST), (HOSTILE_REF, HOSTILE_LIST),
    }  # fmt: skip
    assert found["total"] == 8 and found["since"] is None
    _no_secret(str(found))
    page = _page(client, watched, "ana")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    _no_secret(page.text)
    assert "courier of A" in page.text and f'href="/listings/{quote(A1, safe="")}"' in page.text
    assert '<span id="alerts-total">8</span>' in page.text
    assert "b-strict" not in page.text  # B's strict list is not even named


def test_bob_does_not_see_agency_a_s_amber_watchlist(watched: World, client: Any) -> None:
    found = _api(client, watched, "bob")
    assert _seen(found) == {
        (SECRET_REF, f"b-strict-{SECRET}"), (SECRET_REF, "b-green"), (C1, HOSTILE_LIST), (G1, HOSTILE_LIST),
        (HOSTILE_REF, HOSTILE_LIST), (G1, "b-green"),
    }  # fmt: skip
    assert found["total"] == 6
    page = _page(client, watched, "bob")
    assert "a-watch" not in page.text and "courier of A" not in page.text
    assert SECRET_PHONE in page.text  # B sees its own secret


def test_the_partner_sees_clear_lists_alerts_on_clear_listings_only(watched: World, client: Any) -> None:
    found = _api(client, watched, "part_b")
    assert _seen(found) == {(C1, HOSTILE_LIST), (HOSTILE_REF, HOSTILE_LIST)} and found["total"] == 2
    page = _page(client, watched, "part_b")
    assert page.status_code == 200
    _no_secret(page.text)
    for hidden in ("a-watch", "b-green", "green_seller", "Pangolin scales", "courier", SHARED_PHONE):
        assert hidden not in page.text, hidden


def test_the_watchlists_side_table_shows_the_visible_lists(watched: World, client: Any) -> None:
    page = _page(client, watched, "ana").text
    side = page[page.index('id="watchlists"') :]
    assert "a-watch" in side and "b-green" in side and "TLP:GREEN" in side
    assert "b-strict" not in side
    partner = _page(client, watched, "part_b").text
    side = partner[partner.index('id="watchlists"') :]
    assert "TLP:CLEAR" in side and "a-watch" not in side and "b-green" not in side


def test_the_api_pages_and_totals(watched: World, client: Any) -> None:
    everything = _api(client, watched, "ana", "?limit=500")
    ids = [alert["id"] for alert in everything["alerts"]]
    assert len(ids) == everything["total"] == 8
    times = [alert["raised_at"] for alert in everything["alerts"]]
    assert times == sorted(times, reverse=True)  # newest first
    pages = [_api(client, watched, "ana", f"?limit=3&offset={offset}") for offset in (0, 3, 6, 9)]
    assert [page["total"] for page in pages] == [8] * 4
    assert [alert["id"] for page in pages for alert in page["alerts"]] == ids
    assert pages[-1]["alerts"] == [] and pages[0]["limit"] == 3 and pages[1]["offset"] == 3
    ana = watched.bearer("ana")
    for bad in ("?limit=0", "?limit=501", "?offset=-1", "?since=yesterday-ish"):
        assert client.get(f"/api/alerts{bad}", headers=ana).status_code == 422, bad
    assert "7d" in client.get("/api/alerts?since=soon", headers=ana).json()["detail"]


def test_since_filters_the_list_the_count_and_the_navigation(watched: World, client: Any) -> None:
    old = datetime.now(UTC) - timedelta(days=30)
    with watched.store.write_transaction("age an alert") as conn:
        a1 = conn.execute(
            select(ListingRow.id)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .where(ListingRow.uid == "a1", PlatformRow.name == PLATFORM)
        ).scalar_one()
        aged = conn.execute(update(AlertRow).where(AlertRow.listing_id == a1).values(raised_at=old)).rowcount
    assert aged == 2  # a-watch's and b-green's
    recent = _api(client, watched, "ana", "?since=7d")
    assert recent["total"] == 6 and A1 not in {alert["listing"] for alert in recent["alerts"]}
    assert _api(client, watched, "ana", "?since=24h")["total"] == 6
    day = (old - timedelta(days=1)).date().isoformat()
    assert _api(client, watched, "ana", f"?since={day}")["total"] == 8
    assert _api(client, watched, "ana", "?since=2999-01-01")["total"] == 0
    everything = _api(client, watched, "ana")["alerts"]
    assert everything[-1]["listing"] == A1 and everything[-2]["listing"] == A1  # the oldest last
    dashboard = _page(client, watched, "ana", "/")
    assert dashboard.status_code == 200
    assert '(<span id="nav-alerts-count" title="alerts in the last 7 days">6</span>)' in dashboard.text
    assert '<a class="fig" id="fig-alerts" href="/alerts?since=7d">6</a>' in dashboard.text
    page = _page(client, watched, "ana", "/alerts?since=7d")
    assert '<span id="alerts-total">6</span>' in page.text and 'value="7d"' in page.text
    wrong = _page(client, watched, "ana", "/alerts?since=" + quote(HOSTILE_NOTE))
    assert wrong.status_code == 422 and "is not a time" in wrong.text
    assert HOSTILE_NOTE not in wrong.text and "&lt;script&gt;" in wrong.text


def test_the_page_pages(watched: World, client: Any) -> None:
    first = _page(client, watched, "ana", "/alerts?limit=3")
    assert first.text.count("<tr data-alert=") == 3
    assert 'href="/alerts?limit=3&amp;offset=3" rel="next"' in first.text and 'rel="prev"' not in first.text
    last = _page(client, watched, "ana", "/alerts?limit=3&offset=6")
    assert last.text.count("<tr data-alert=") == 2
    assert 'href="/alerts?limit=3&amp;offset=3" rel="prev"' in last.text and 'rel="next"' not in last.text
    assert "7–8 of 8" in last.text


def test_hostile_values_are_escaped(watched: World, client: Any) -> None:
    for user in ("ana", "bob", "part_b"):
        page = _page(client, watched, user).text
        for raw in (HOSTILE_NOTE, HOSTILE_LIST, HOSTILE_SELLER, HOSTILE_TITLE, "<img", "<svg", "<script>a"):
            assert raw not in page, (user, raw)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "list&lt;img src=x onerror=alert(2)&gt;" in page
        assert "&lt;svg onload=alert(3)&gt;" in page  # the account value, casefolded
        assert "&lt;script&gt;alert(4)&lt;/script&gt; horn" in page
    found = _api(client, watched, "part_b")
    assert HOSTILE_NOTE in {alert["note"] for alert in found["alerts"]}  # JSON carries the text as it is


def test_reading_alerts_is_audited(watched: World, client: Any) -> None:
    from wildtrace.store import browse

    _api(client, watched, "ana", "?since=7d&limit=2")
    _page(client, watched, "ana", "/alerts?offset=1")
    _page(client, watched, "ana", "/")  # the count in the navigation is not a read of alerts
    entries = browse.audit_entries(watched.store, watched.viewers["admin_a"], action="alerts.list")
    details = sorted((entry["detail"]["since"], entry["detail"]["offset"], entry["detail"]["shown"])
                     for entry in entries)  # fmt: skip
    assert details == [("", 1, 7), ("7d", 0, 2)]
    assert {entry["user"] for entry in entries} == {"ana"} and {entry["object"] for entry in entries} == {
        "alerts"
    }


def test_signed_out_requests_are_refused(watched: World, client: Any) -> None:
    page = client.get("/alerts?since=7d", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=/alerts")
    api = client.get("/api/alerts")
    assert api.status_code == 401 and "alerts" not in api.text
    assert client.get("/api/alerts", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_the_api_is_in_the_openapi_description(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    parameters = {p["name"] for p in spec["paths"]["/api/alerts"]["get"]["parameters"]}
    assert parameters == {"since", "limit", "offset"}
