"""``wildtrace collection list|show|share|unshare|set-tlp|readers`` through the command line, on
both engines: what each shows, what each changes (seen through the visibility rule), the audit
entry of every change, and the clear errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from wildtrace import cli
from wildtrace.model import Analysis, Detection, Listing
from wildtrace.store import Store, open_store
from wildtrace.store.access import Viewer, visible_listing_ids
from wildtrace.store.audit import AuditLog
from wildtrace.store.collections import ensure_collection
from wildtrace.store.people import add_agency, add_user, viewer_by_name
from wildtrace.store.tables import ListingRow

runner = CliRunner()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """Agencies KWS (owner of 'leads', AMBER, 2 listings) and CUS, one analyst in each."""
    opened = open_store(db_url)
    add_agency(opened, "KWS", "Kenya Wildlife Service", "KE")
    add_agency(opened, "CUS", "Customs", "VN")
    add_user(opened, "kim", "KWS", "analyst", None)
    add_user(opened, "cao", "CUS", "analyst", None)
    with opened.write_transaction("make a collection") as conn:
        leads = ensure_collection(conn, "leads", "KWS", "AMBER")
    pairs = []
    for uid in ("l-1", "l-2"):
        listing = Listing(id=uid, platform="bazaar.example", title=f"ivory {uid}", text="ivory")
        pairs.append((listing, Analysis(uid, Detection(score=0.9, flagged=True), analyzer_version="1")))
    opened.save_batch(pairs, collection_id=leads)
    yield opened
    opened.engine.dispose()


def _run(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, [*args, "--db", store.url])
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def _seen(store: Store, username: str) -> set[str]:
    viewer = viewer_by_name(store, username)
    assert isinstance(viewer, Viewer)
    with store.read_connection("read") as conn:
        query = select(ListingRow.uid).where(ListingRow.id.in_(visible_listing_ids(viewer)))
        return set(conn.execute(query).scalars())


def _audited(store: Store) -> list[tuple[str, str, dict[str, str]]]:
    entries = AuditLog(store).entries(limit=50)
    return [
        (e["action"], e["object"], e["detail"])
        for e in reversed(entries)
        if e["action"].startswith("collection.")
    ]


def test_list_and_show(store: Store) -> None:
    code, out, _ = _run(store, "collection", "list")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["collection", "agency", "marking", "listings", "shared with"]
    assert ["default", "local", "AMBER", "0", "-"] in lines
    assert ["leads", "KWS", "AMBER", "2", "-"] in lines
    code, out, _ = _run(store, "collection", "show", "leads")
    assert code == 0
    assert "agency:      KWS" in out and "TLP:AMBER" in out and "listings:    2" in out
    assert "seen by:     KWS" in out
    code, _, err = _run(store, "collection", "show", "nope")
    assert code == 2 and "no collection 'nope'; collections: default, leads" in err


def test_share_and_unshare_change_who_sees_it_and_are_audited(store: Store) -> None:
    assert _seen(store, "cao") == set()
    code, _, err = _run(store, "collection", "share", "leads", "--with", "CUS")
    assert code == 0 and "shared with CUS" in err
    assert _seen(store, "cao") == {"l-1", "l-2"}
    code, _, err = _run(store, "collection", "share", "leads", "--with", "CUS")
    assert code == 0 and "already" in err
    code, out, _ = _run(store, "collection", "list")
    assert "leads\tKWS\tAMBER\t2\tCUS" in out
    assert "shared with: CUS" in _run(store, "collection", "show", "leads")[1]
    code, _, err = _run(store, "collection", "unshare", "leads", "--with", "CUS")
    assert code == 0 and "no longer shared with CUS" in err
    assert _seen(store, "cao") == set()
    assert _audited(store) == [
        ("collection.share", "collection:leads", {"agency": "CUS", "marking": "AMBER"}),
        ("collection.unshare", "collection:leads", {"agency": "CUS", "marking": "AMBER"}),
    ]
    assert AuditLog(store).verify().ok


def test_share_errors_are_clear_and_change_nothing(store: Store) -> None:
    assert _run(store, "collection", "share", "leads", "--with", "NOPE")[2].endswith(
        "error: unknown agency 'NOPE'; add it with `wildtrace agency add NOPE`"
    )
    code, _, err = _run(store, "collection", "share", "leads", "--with", "KWS")
    assert code == 2 and "belongs to agency 'KWS'" in err
    code, _, err = _run(store, "collection", "share", "nope", "--with", "CUS")
    assert code == 2 and "no collection 'nope'" in err
    assert _audited(store) == []


def test_set_tlp_changes_visibility_at_once(store: Store) -> None:
    code, _, err = _run(store, "collection", "set-tlp", "leads", "green")
    assert code == 0 and "TLP:AMBER -> TLP:GREEN" in err
    assert _seen(store, "cao") == {"l-1", "l-2"}
    code, _, err = _run(store, "collection", "set-tlp", "leads", "GREEN")
    assert code == 0 and "TLP:GREEN already" in err
    code, _, err = _run(store, "collection", "set-tlp", "leads", "orange")
    assert code == 2 and "unknown TLP marking 'orange'" in err
    _run(store, "collection", "share", "leads", "--with", "CUS")
    code, _, err = _run(store, "collection", "set-tlp", "leads", "AMBER+STRICT")
    assert code == 0
    assert _seen(store, "cao") == set()  # the share does not count under AMBER+STRICT
    assert _seen(store, "kim") == {"l-1", "l-2"}
    assert [(action, detail) for action, _, detail in _audited(store)] == [
        ("collection.set-tlp", {"before": "AMBER", "after": "GREEN"}),
        ("collection.share", {"agency": "CUS", "marking": "GREEN"}),
        ("collection.set-tlp", {"before": "GREEN", "after": "AMBER+STRICT"}),
    ]


def test_red_collections_name_their_readers(store: Store) -> None:
    code, _, _ = _run(store, "collection", "set-tlp", "leads", "RED")
    assert code == 0
    assert _seen(store, "kim") == set()  # RED: not even its own agency, unless named
    assert "nobody yet" in _run(store, "collection", "show", "leads")[1]
    code, out, _ = _run(store, "collection", "readers", "leads", "--add", "cao")
    assert code == 0 and out.split() == ["cao"]
    assert _seen(store, "cao") == {"l-1", "l-2"} and _seen(store, "kim") == set()
    code, out, _ = _run(store, "collection", "readers", "leads", "--add", "kim", "--remove", "cao")
    assert code == 0 and out.split() == ["kim"]
    assert _seen(store, "cao") == set() and _seen(store, "kim") == {"l-1", "l-2"}
    code, out, _ = _run(store, "collection", "readers", "leads")  # lists; changes nothing
    assert code == 0 and out.split() == ["kim"]
    code, _, err = _run(store, "collection", "readers", "leads", "--add", "ghost")
    assert code == 2 and "unknown user 'ghost'" in err
    assert [(action, detail) for action, _, detail in _audited(store)] == [
        ("collection.set-tlp", {"before": "AMBER", "after": "RED"}),
        ("collection.reader-add", {"user": "cao", "marking": "RED"}),
        ("collection.reader-add", {"user": "kim", "marking": "RED"}),
        ("collection.reader-remove", {"user": "cao", "marking": "RED"}),
    ]
    entry = AuditLog(store).entries(limit=1, action="collection.reader-remove")[0]
    assert (entry["user"], entry["agency"], entry["address"]) == ("cli", "local", "cli")
