"""The store on both engines: idempotent saves, updates, rejects, networks, summary, reloads."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from wildtrace.errors import StoreError
from wildtrace.model import (
    Analysis,
    Capture,
    Detection,
    HeldBack,
    Link,
    Listing,
    Match,
    Network,
    Origin,
    Reject,
    Selector,
    Taxon,
)
from wildtrace.store import SaveCounts, Store, open_store, repository
from wildtrace.store.tables import (
    Base,
    HeldBackRow,
    LinkRow,
    ListingRow,
    NetworkMemberRow,
    RejectRow,
)

SHA_A = "a" * 64
SHA_B = "b" * 64


def make_listing(uid: str, **changes: Any) -> Listing:
    fields: dict[str, Any] = {
        "id": uid,
        "platform": "bazaar.example",
        "url": f"https://bazaar.example/item/{uid}",
        "seller": "tusk_trader",
        "seller_info": "Member since 2019",
        "title": "Carved ivory bangle",
        "text": "Genuine old ivory, no papers needed. WhatsApp +255 712 345 678",
        "price": "USD 450",
        "location": "Dar es Salaam",
        "posted_at": "2024-03-01",
        "images": ("https://bazaar.example/img/1.jpg",),
        "extra": {"views": 12},
        "origin": Origin("listings.jsonl", 1),
    }
    fields.update(changes)
    return Listing(**fields)


def make_analysis(
    uid: str,
    *,
    flagged: bool = True,
    commodities: tuple[str, ...] = ("ivory",),
    version: str = "1",
    matches: tuple[Match, ...] | None = None,
) -> Analysis:
    if matches is None:
        matches = tuple(
            Match(term=c, field="title", start=7, end=12, language="en", commodity=c) for c in commodities
        )
    return Analysis(
        listing_id=uid,
        detection=Detection(
            score=0.93 if flagged else 0.04,
            flagged=flagged,
            commodities=commodities,
            taxa=(Taxon("Loxodonta africana", "I"),) if flagged else (),
            matches=matches,
            legality_cues=("no papers",) if flagged else (),
        ),
        selectors=(
            Selector("phone", "+255712345678", "+255 712 345 678", "text", 45, 61, "whatsapp"),
            Selector("handle", "tusk_trader", "tusk_trader", "seller", 0, 11),
        ),
        language="en",
        analyzer_version=version,
    )


def pair(uid: str, **changes: Any) -> tuple[Listing, Analysis]:
    return make_listing(uid, **changes), make_analysis(uid)


def row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def test_open_migrates_an_empty_database_and_reopens(db_url: str) -> None:
    with open_store(db_url) as store:
        counts = row_counts(store)
        # The core tables are there (later areas add their own), all empty.
        assert set(counts) >= {
            "platforms",
            "accounts",
            "listings",
            "captures",
            "analyses",
            "matches",
            "selectors",
            "links",
            "network_members",
            "held_back",
            "rejects",
            "scan_runs",
        }
        # empty but for the local agency and its default collection (migration 0008)
        assert {name: n for name, n in counts.items() if n} == {"agencies": 1, "collections": 1}
        store.save_batch([pair("L1")])
    with open_store(db_url) as store:  # migrating again is a no-op and keeps the data
        assert row_counts(store)["listings"] == 1


def test_saving_the_same_batch_twice_writes_nothing_the_second_time(store: Store) -> None:
    batch = [pair("L1"), pair("L2", seller="other_seller", platform="market.example")]
    assert store.save_batch(batch) == SaveCounts(new=2, updated=0, unchanged=0)
    before = row_counts(store)
    with store.engine.connect() as connection:
        seen_before = connection.execute(select(ListingRow.uid, ListingRow.last_seen)).all()

    assert store.save_batch(batch) == SaveCounts(new=0, updated=0, unchanged=2)

    assert row_counts(store) == before
    assert before["listings"] == 2
    assert before["analyses"] == 2
    assert before["matches"] == 2
    assert before["selectors"] == 4
    assert before["platforms"] == 2
    assert before["accounts"] == 2
    with store.engine.connect() as connection:
        assert connection.execute(select(ListingRow.uid, ListingRow.last_seen)).all() == (seen_before)


def test_changed_content_updates_listing_and_replaces_its_analysis(store: Store) -> None:
    store.save_batch([pair("L1"), pair("L2")])
    with store.engine.connect() as connection:
        first_seen = connection.execute(
            select(ListingRow.first_seen).where(ListingRow.uid == "L1")
        ).scalar_one()

    changed = make_listing("L1", title="Carved ivory and rhino horn bangle")
    analysis = make_analysis("L1", commodities=("ivory", "rhino horn"))
    counts = store.save_batch([(changed, analysis), pair("L2")])

    assert counts == SaveCounts(new=0, updated=1, unchanged=1)
    counts_after = row_counts(store)
    assert counts_after["listings"] == 2
    assert counts_after["analyses"] == 2
    assert counts_after["matches"] == 3  # 2 for L1 (replaced, not added) + 1 for L2
    assert counts_after["selectors"] == 4
    with store.engine.connect() as connection:
        title, kept_first_seen, last_seen = connection.execute(
            select(ListingRow.title, ListingRow.first_seen, ListingRow.last_seen).where(
                ListingRow.uid == "L1"
            )
        ).one()
    assert title == "Carved ivory and rhino horn bangle"
    assert kept_first_seen == first_seen
    assert last_seen >= first_seen
    reloaded = dict((listing.id, a) for listing, a in store.load_analyses())
    assert reloaded["L1"] == analysis


def test_new_analyzer_version_replaces_the_analysis(store: Store) -> None:
    listing = make_listing("L1")
    store.save_batch([(listing, make_analysis("L1", version="1"))])
    counts = store.save_batch([(listing, make_analysis("L1", version="2", flagged=False))])
    assert counts == SaveCounts(new=0, updated=1, unchanged=0)
    [(_, analysis)] = list(store.load_analyses())
    assert analysis.analyzer_version == "2"
    assert not analysis.detection.flagged
    assert row_counts(store)["analyses"] == 1


def test_origin_does_not_count_as_a_change(store: Store) -> None:
    store.save_batch([pair("L1")])
    moved = make_listing("L1", origin=Origin("other-file.csv", 99))
    assert store.save_batch([(moved, make_analysis("L1"))]).unchanged == 1


def test_captures_are_kept_once_per_content(store: Store) -> None:
    first = Capture(url="https://bazaar.example/item/L1", sha256=SHA_A, http_status=200)
    store.save_batch([pair("L1", capture=first)])
    again = dataclasses.replace(first, captured_at="2024-04-01T10:00:00Z")
    assert store.save_batch([pair("L1", capture=again)]).unchanged == 1
    assert row_counts(store)["captures"] == 1
    retitled = pair("L1", capture=first, title="Re-parsed title")
    assert store.save_batch([retitled]).updated == 1
    assert row_counts(store)["captures"] == 1

    newer = Capture(url=first.url, sha256=SHA_B, warc_file="crawl.warc.gz", warc_offset=2**40)
    assert store.save_batch([pair("L1", capture=newer, title="Re-parsed title")]).updated == 1
    assert row_counts(store)["captures"] == 2
    [(listing, _)] = list(store.load_analyses())
    assert listing.capture == newer


def test_a_uid_twice_in_one_batch_is_stored_once(store: Store) -> None:
    counts = store.save_batch([pair("L1"), pair("L1"), pair("L1", title="Changed title")])
    assert counts == SaveCounts(new=1, updated=1, unchanged=1)
    [(listing, _)] = list(store.load_analyses())
    assert listing.title == "Changed title"
    assert row_counts(store)["listings"] == 1


def test_analysis_of_another_listing_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="L2"):
        store.save_batch([(make_listing("L1"), make_analysis("L2"))])
    assert row_counts(store)["listings"] == 0


def test_batches_larger_than_one_in_list_are_chunked(store: Store) -> None:
    batch = [pair(f"L{i:04d}", seller=f"seller{i % 700}") for i in range(1200)]
    assert store.save_batch(batch) == SaveCounts(new=1200)
    assert store.save_batch(batch) == SaveCounts(unchanged=1200)
    counts = row_counts(store)
    assert counts["listings"] == 1200
    assert counts["accounts"] == 700


def test_sellers_without_platform_get_an_account_and_round_trip(store: Store) -> None:
    listing = make_listing("L1", platform=None)
    anonymous = make_listing("L2", platform=None, seller=None)
    store.save_batch([(listing, make_analysis("L1")), (anonymous, make_analysis("L2"))])
    reloaded = [item for item, _ in store.load_analyses()]
    assert reloaded == [listing, anonymous]
    assert row_counts(store)["accounts"] == 1
    assert store.summary().platforms == 0


def test_interrupted_batch_leaves_no_partial_rows(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save_batch([pair("L1")])
    before = row_counts(store)
    saved = list(store.load_analyses())

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interrupted after the listing rows were written")

    monkeypatch.setattr(Store, "_write_details", fail)
    changed = make_listing("L1", title="Changed", seller="new_seller")
    batch = [(changed, make_analysis("L1")), pair("L2"), pair("L3")]
    with pytest.raises(RuntimeError, match="interrupted"):
        store.save_batch(batch)

    assert row_counts(store) == before
    assert list(store.load_analyses()) == saved
    monkeypatch.undo()
    assert store.save_batch(batch) == SaveCounts(new=2, updated=1)


def test_rejects_are_stored_once(store: Store) -> None:
    run_id = store.start_run(["listings.jsonl"])
    rejects = [
        Reject(Origin("listings.jsonl", 3), "not JSON", "{oops"),
        Reject(Origin("listings.jsonl", 7), "no id", '{"title": "x"}'),
        Reject(Origin("capture.warc.gz"), "truncated record", ""),
        Reject(Origin("listings.jsonl", 3), "not JSON", "{oops"),  # same record twice
    ]
    assert store.save_rejects(run_id, rejects) == 3
    assert store.save_rejects(store.start_run(["listings.jsonl"]), rejects) == 0
    edited = Reject(Origin("listings.jsonl", 3), "not JSON", "{oops again")
    assert store.save_rejects(None, [edited]) == 1
    assert store.save_rejects(None, []) == 0
    assert row_counts(store)["rejects"] == 4
    with store.engine.connect() as connection:
        runs = connection.execute(select(RejectRow.run_id).where(RejectRow.line == 7)).scalar_one()
    assert runs == run_id


def _network_rows(store: Store) -> tuple[set[tuple[str, str, str]], dict[str, str], list[str]]:
    with store.engine.connect() as connection:
        uid = {i: u for i, u in connection.execute(select(ListingRow.id, ListingRow.uid))}
        links = {
            (uid[s], uid[t], kind)
            for s, t, kind in connection.execute(
                select(LinkRow.source_listing_id, LinkRow.target_listing_id, LinkRow.kind)
            )
        }
        members = {
            uid[i]: c
            for i, c in connection.execute(select(NetworkMemberRow.listing_id, NetworkMemberRow.cluster))
        }
        held = list(connection.execute(select(HeldBackRow.value)).scalars())
    return links, members, held


def test_saving_a_network_replaces_the_previous_one(store: Store) -> None:
    store.save_batch([pair("L1"), pair("L2"), pair("L3")])
    first = Network(
        clusters={"L1": "c1", "L2": "c1", "L3": "c2"},
        links=(Link("L1", "L2", "same phone +255712345678", "phone", "+255712345678"),),
        held_back=(HeldBack("email", "info@shop.example", 40, "shared by 40 accounts"),),
    )
    store.save_network(first)
    assert _network_rows(store) == (
        {("L1", "L2", "phone")},
        {"L1": "c1", "L2": "c1", "L3": "c2"},
        ["info@shop.example"],
    )

    second = Network(
        clusters={"L2": "n1", "L3": "n1"},
        links=(Link("L2", "L3", "same handle", "handle", "tusk_trader"),),
    )
    store.save_network(second)
    assert _network_rows(store) == ({("L2", "L3", "handle")}, {"L2": "n1", "L3": "n1"}, [])

    with pytest.raises(StoreError, match="not in the store: L9"):
        store.save_network(Network(clusters={"L9": "x"}))
    assert _network_rows(store)[1] == {"L2": "n1", "L3": "n1"}  # nothing replaced


def test_summary_counts_match_the_hand_computed_figures(store: Store) -> None:
    store.save_batch(
        [
            # bazaar.example / tusk_trader: 3 listings, 2 flagged (ivory; ivory + pangolin)
            pair("L1"),
            (make_listing("L2"), make_analysis("L2", commodities=("ivory", "pangolin scales"))),
            (make_listing("L3"), make_analysis("L3", flagged=False, commodities=())),
            # bazaar.example / scales4u: 1 listing, flagged (pangolin)
            (
                make_listing("L4", seller="scales4u"),
                make_analysis("L4", commodities=("pangolin scales",)),
            ),
            # market.example / tusk_trader (another account): 2 listings, 1 flagged (rosewood)
            (
                make_listing("L5", platform="market.example"),
                make_analysis("L5", commodities=("rosewood",)),
            ),
            (
                make_listing("L6", platform="market.example"),
                make_analysis("L6", flagged=False, commodities=("rosewood",)),
            ),
            # no seller: flagged, but no account
            (make_listing("L7", seller=None), make_analysis("L7", commodities=("ivory",))),
        ]
    )
    store.save_rejects(None, [Reject(Origin("bad.csv", 2), "missing id", "a,b")])
    store.save_network(Network(clusters={"L1": "c1", "L2": "c1", "L4": "c1", "L5": "c2"}))
    run_id = store.start_run(["listings.jsonl", "bad.csv"])
    store.finish_run(run_id, read=8, stored=7, unchanged=0, rejected=1, status="completed")

    summary = store.summary(top=2)

    assert summary.listings == 7
    assert summary.analysed == 7
    assert summary.flagged == 5
    assert summary.rejects == 1
    assert summary.platforms == 2
    assert summary.accounts == 3
    assert summary.top_commodities == (("ivory", 3), ("pangolin scales", 2))
    assert summary.top_sellers == (
        ("bazaar.example", "tusk_trader", 2, 3),
        ("market.example", "tusk_trader", 1, 2),  # ties on flagged: more listings first
    )
    assert store.summary().top_sellers[2] == ("bazaar.example", "scales4u", 1, 1)
    assert store.summary().top_commodities[2] == ("rosewood", 1)
    assert summary.networks == 1
    assert summary.last_run is not None
    assert summary.last_run.id == run_id
    assert summary.last_run.status == "completed"
    assert summary.last_run.inputs == ("listings.jsonl", "bad.csv")
    assert (summary.last_run.read, summary.last_run.stored) == (8, 7)
    assert summary.last_run.finished_at is not None
    assert summary.last_run.finished_at >= summary.last_run.started_at


def test_summary_of_an_empty_store(store: Store) -> None:
    summary = store.summary()
    assert (summary.listings, summary.flagged, summary.networks) == (0, 0, 0)
    assert summary.top_commodities == ()
    assert summary.top_sellers == ()
    assert summary.last_run is None


def test_load_analyses_rebuilds_what_was_saved(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repository, "_PAGE", 2)  # several pages
    capture = Capture(
        url="https://bazaar.example/item/L1",
        sha256=SHA_A,
        captured_at="2024-03-02T08:15:00Z",
        content_type="text/html; charset=utf-8",
        http_status=200,
        warc_file="crawl-0001.warc.gz",
        warc_offset=123456,
    )
    saved = [
        (make_listing("L1", capture=capture), make_analysis("L1")),
        (
            make_listing("L2", title="象牙手镯", extra={"nested": {"a": [1, 2]}, "ok": True}),
            make_analysis("L2", commodities=("ivory", "pangolin scales")),
        ),
        (
            Listing(id="L3"),
            Analysis("L3", Detection(score=0.0, flagged=False), analyzer_version="1"),
        ),
        (
            make_listing("L4", images=(), origin=None),
            make_analysis(
                "L4",
                matches=(
                    Match("pango", "text", 3, 8, "fr", None, "slang", "Manis"),
                    Match("écailles", "title", 0, 8, "fr", "pangolin scales"),
                ),
            ),
        ),
        (make_listing("L5", origin=Origin("capture.warc.gz")), make_analysis("L5")),
    ]
    store.save_batch(saved)

    loaded = list(store.load_analyses())

    assert loaded == saved
    for (listing, _), (original, _) in zip(loaded, saved, strict=True):
        assert listing.extra == original.extra  # not part of Listing equality
        assert listing.origin == original.origin


def test_runs_are_recorded(store: Store) -> None:
    run_id = store.start_run(["a.jsonl"])
    last = store.summary().last_run
    assert last is not None
    assert (last.status, last.finished_at) == ("running", None)
    store.finish_run(run_id, read=10, stored=4, unchanged=5, rejected=1, status="interrupted")
    last = store.summary().last_run
    assert last is not None
    assert (last.status, last.read, last.stored, last.unchanged, last.rejected) == (
        "interrupted",
        10,
        4,
        5,
        1,
    )
    with pytest.raises(ValueError, match="status"):
        store.finish_run(run_id, read=0, stored=0, unchanged=0, rejected=0, status="done")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="no scan run"):
        store.finish_run(999, read=0, stored=0, unchanged=0, rejected=0, status="completed")


def test_deleting_a_listing_cascades_to_its_rows(store: Store) -> None:
    capture = Capture(url="https://bazaar.example/item/L1", sha256=SHA_A)
    store.save_batch([pair("L1", capture=capture), pair("L2")])
    store.save_network(Network(clusters={"L1": "c", "L2": "c"}, links=(Link("L1", "L2", "r", "k", "v"),)))
    with store.engine.begin() as connection:
        connection.execute(delete(ListingRow).where(ListingRow.uid == "L1"))
    counts = row_counts(store)
    assert {name: counts[name] for name in ("analyses", "matches", "selectors", "captures")} == {
        "analyses": 1,
        "matches": 1,
        "selectors": 2,
        "captures": 0,
    }
    assert (counts["links"], counts["network_members"]) == (0, 1)
    assert (counts["platforms"], counts["accounts"]) == (1, 1)  # still used by L2


def test_database_errors_are_store_errors_and_roll_back(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.save_batch([pair("L1")])
        with pytest.raises(StoreError, match="listings"):  # out of range for an INTEGER column
            store.save_batch([pair("L2", origin=Origin("big.jsonl", 2**40)), pair("L3")])
        assert row_counts(store)["listings"] == 1


def test_the_same_id_on_another_platform_is_another_listing(store: Store) -> None:
    original = make_listing("L1", platform="shop-a.example", title="Ivory bangle")
    store.save_batch([(original, make_analysis("L1"))])
    other = make_listing("L1", platform="shop-b.example", title="Rosewood table")
    assert store.save_batch([(other, make_analysis("L1")), pair("L2")]) == SaveCounts(new=2)
    assert [item for item, _ in store.load_analyses()] == [original, other, pair("L2")[0]]


@pytest.mark.parametrize("named_first", [True, False])
def test_a_listing_without_a_platform_and_one_with_keep_apart_in_either_order(
    store: Store, named_first: bool
) -> None:
    """Both directions are the same: no platform is a namespace of its own, ""."""
    named = make_listing("L1", platform="shop-a.example")
    anonymous = make_listing("L1", platform=None, title="Something else")
    first, second = (named, anonymous) if named_first else (anonymous, named)
    assert store.save_batch([(first, make_analysis("L1"))]) == SaveCounts(new=1)
    assert store.save_batch([(second, make_analysis("L1"))]) == SaveCounts(new=1)
    assert [item for item, _ in store.load_analyses()] == [first, second]


def test_several_processes_opening_a_new_postgresql_database_at_once_all_succeed(pg_url: str) -> None:
    """Crawl workers start together on a new database: one migrates, the others wait."""
    import subprocess
    import sys
    import time

    start_at = time.time() + 3  # all four begin migrating at the same moment
    script = (
        "import sys, time; from wildtrace.store import open_store; "
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); open_store(sys.argv[1]).close()"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, pg_url, str(start_at)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    failures = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], failures
