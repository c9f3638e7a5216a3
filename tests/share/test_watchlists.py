"""Watchlists and alerts on SQLite and PostgreSQL: normalised matching when listings are
stored (scan, load and crawl all save through ``save_batch``), retro-hunting when entries are
added, expiry, visibility by agency and marking, and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wildtrace.extract import identify
from wildtrace.model import Analysis, Detection, Listing, Selector
from wildtrace.store import Store, open_store
from wildtrace.store.collections import ensure_collection
from wildtrace.store.people import add_agency, agency_viewer
from wildtrace.store.watchlists import WatchEntry, add_entries, count_alerts, list_alerts, remove_entries


def _pair(uid: str, seller: str, *selectors: tuple[str, str]) -> tuple[Listing, Analysis]:
    listing = Listing(id=uid, platform="bazaar.example", seller=seller, title=f"Listing {uid}", text="ivory")
    found = tuple(Selector(kind, value, value, "text", 0, len(value)) for kind, value in selectors)
    return listing, Analysis(uid, Detection(score=0.9, flagged=True), found, "vi", "test")


def _entry(
    kind: str, value: str, region: str | None = None, platform: str | None = None, **kw: object
) -> WatchEntry:
    return WatchEntry(identify(kind, value, region, platform), **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(db_url: str) -> Store:
    with open_store(db_url) as opened:
        add_agency(opened, "A", "Agency A", "VN")
        add_agency(opened, "B", "Agency B", "KE")
        yield opened


def test_scan_time_alert_matches_the_normalised_value_once(store: Store) -> None:
    viewer = agency_viewer(store, None)  # the local agency: its default collection holds these
    added = add_entries(store, [_entry("phone", "0912 345 678", "VN", note="known courier")], viewer, "hanoi")
    assert (added.added, added.alerts) == (1, 0)
    counts = store.save_batch([_pair("1", "seller1", ("phone", "+84912345678")), _pair("2", "other")])
    assert counts.alerts == 1
    changed = Listing(id="1", platform="bazaar.example", seller="seller1", title="Listing 1", text="ivory!")
    found = (Selector("phone", "+84912345678", "+84912345678", "text", 0, 12),)
    again = store.save_batch(
        [(changed, Analysis("1", Detection(score=0.9, flagged=True), found, "vi", "test"))]
    )
    assert again.updated == 1 and again.alerts == 0  # the same listing and entry: one alert, ever
    alerts = list_alerts(store, viewer)
    assert [(a.listing_key, a.selector_type, a.value, a.watchlist, a.note) for a in alerts] == [
        ("bazaar.example:1", "phone", "+84912345678", "hanoi", "known courier")
    ]


def test_retro_hunt_handles_accounts_wallets_and_expiry(store: Store) -> None:
    viewer = agency_viewer(store, None)
    wallet = "0x52908400098527886E0F7030069857D2E4169EE7"
    store.save_batch(
        [
            _pair("1", "Ivory King", ("telegram", "hornshop")),
            _pair("2", "someone", ("eth", wallet.lower())),
            _pair("3", "nobody", ("line", "hornshop")),
        ]
    )
    past = datetime.now(UTC) - timedelta(days=1)
    result = add_entries(
        store,
        [
            _entry("handle", "t.me/HornShop"),  # telegram only: not the LINE handle of listing 3
            _entry("wallet", wallet),
            _entry("account", "ivory king", platform="bazaar.example"),
            _entry("email", "gone@old.example", valid_until=past),
            _entry("handle", "@hornshop"),  # any app: listings 1 and 3
        ],
        viewer,
    )
    assert result.added == 5
    found = {(a.listing_key.split(":")[1], a.selector_type) for a in list_alerts(store, viewer)}
    assert found == {("1", "telegram"), ("2", "eth"), ("1", "account"), ("3", "line")}
    assert result.alerts == 5  # listing 1's telegram handle hits two entries
    # an expired entry raises nothing on new listings either
    assert store.save_batch([_pair("4", "x", ("email", "gone@old.example"))]).alerts == 0
    assert remove_entries(store, identify("email", "gone@old.example"), viewer) == 1


def test_alerts_follow_the_markings_of_watchlist_and_listing(store: Store) -> None:
    a, b = agency_viewer(store, "A"), agency_viewer(store, "B")
    with store.write_transaction("collections") as conn:
        a_only = ensure_collection(conn, "a-amber", "A", "AMBER")
        green = ensure_collection(conn, "green", "B", "GREEN")
    store.save_batch([_pair("a1", "s", ("phone", "+84912345678"))], collection_id=a_only)
    store.save_batch([_pair("g1", "s", ("phone", "+84912345678"))], collection_id=green)
    add_entries(store, [_entry("phone", "+84912345678")], a, "a-private")  # AMBER: A's own
    add_entries(store, [_entry("phone", "+84912345678")], b, "b-shared", "GREEN")
    seen_by_a = {(x.listing_key, x.watchlist) for x in list_alerts(store, a)}
    seen_by_b = {(x.listing_key, x.watchlist) for x in list_alerts(store, b)}
    assert seen_by_a == {
        ("bazaar.example:a1", "a-private"), ("bazaar.example:g1", "a-private"),
        ("bazaar.example:a1", "b-shared"), ("bazaar.example:g1", "b-shared"),
    }  # fmt: skip
    assert seen_by_b == {("bazaar.example:g1", "b-shared")}  # not A's list, not A's listing
    assert count_alerts(store, b) == 1


def test_watchlist_of_another_agency_is_not_written_to(store: Store) -> None:
    from wildtrace.errors import AccessError

    add_entries(store, [_entry("phone", "+84912345678")], agency_viewer(store, "A"), "mine")
    with pytest.raises(AccessError, match="another agency"):
        add_entries(store, [_entry("phone", "+84912345679")], agency_viewer(store, "B"), "mine")


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WILDTRACE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "wildtrace", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_import_keeps_good_rows_and_saves_rejects_then_scan_alerts(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    table = tmp_path / "known.csv"
    table.write_text(
        "value,type,note,until,region\n"
        "0912 345 678,phone,courier,,VN\n"
        "not-a-phone,phone,,,\n"
        "hornshop,telegram,channel,2099-01-01,\n"
        "=HYPERLINK(1),email,,,\n"
        "x@y.vn,email,,someday,\n",
        encoding="utf-8",
    )
    run = _cli("watch", "import", str(table), "--list", "known", "--db", db, home=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "5 rows read: 2 entries added to known" in " ".join(run.stderr.split())
    rejects = (tmp_path / "known.csv.rejects.csv").read_text(encoding="utf-8")
    assert "known.csv,3," in rejects and "not a valid phone number" in rejects
    assert "known.csv,4," not in rejects
    assert "'=HYPERLINK(1)" in rejects and "someday" in rejects
    listings = tmp_path / "in.jsonl"
    listings.write_text(
        '{"id": "1", "platform": "chotot", "title": "Sung te", "text": "lien he 0912345678 zalo",'
        ' "location": "Hà Nội", "language": "vi"}\n',
        encoding="utf-8",
    )
    scan = _cli("scan", str(listings), "--db", db, home=tmp_path)
    assert scan.returncode == 0, scan.stderr
    assert "1 alerts" in scan.stderr
    shown = _cli("alerts", "--since", "1h", "--db", db, home=tmp_path)
    assert "chotot:1\tphone\t+84912345678\tknown\tcourier" in shown.stdout
    listed = _cli("watch", "list", "known", "--db", db, home=tmp_path)
    assert "telegram\thornshop" in listed.stdout and "2099-01-02" in listed.stdout
    bad = _cli("watch", "add", "12", "--type", "phone", "--db", db, home=tmp_path)
    assert bad.returncode == 2 and "not a valid phone number" in bad.stderr


def test_watchlist_alert_counts_cover_only_visible_listings(store: Store) -> None:
    from wildtrace.store.watchlists import list_watchlists

    a, b = agency_viewer(store, "A"), agency_viewer(store, "B")
    with store.write_transaction("collections") as conn:
        a_only = ensure_collection(conn, "a-amber", "A", "AMBER")
        green = ensure_collection(conn, "green", "B", "GREEN")
    store.save_batch([_pair("a1", "s", ("phone", "+84912345678"))], collection_id=a_only)
    store.save_batch([_pair("g1", "s", ("phone", "+84912345678"))], collection_id=green)
    add_entries(store, [_entry("phone", "+84912345678")], b, "b-shared", "GREEN")
    counts = {
        viewer.agency_code: {w.name: w.alerts for w in list_watchlists(store, viewer)} for viewer in (a, b)
    }
    assert counts == {"A": {"b-shared": 2}, "B": {"b-shared": 1}}  # B is not told of A's listing
