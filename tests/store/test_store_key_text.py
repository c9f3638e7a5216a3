"""A listing key's text form is one-to-one (review of issue 10, finding C): the id 123 on
ebay and a platform-less listing whose id is "ebay:123" (the old README told users to
prefix ids so) are two listings, stored, named, exported and linked separately."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from wildtrace import cli
from wildtrace.model import Analysis, Detection, Listing, ListingKey, parse_listing_key
from wildtrace.store import open_store
from wildtrace.store.repository import listing_row_ids

ON_EBAY, PREFIXED = ListingKey("ebay", "123"), ListingKey("", "ebay:123")
runner = CliRunner()


def test_text_form_stays_plain_in_the_common_cases_and_reads_back() -> None:
    assert (str(ON_EBAY), str(ListingKey("", "123"))) == ("ebay:123", "123")
    assert str(PREFIXED) == ":ebay:123"
    assert str(ListingKey("::1", "7")) == "%3A%3A1:7"  # an IPv6 host as platform
    for key in (ON_EBAY, PREFIXED, ListingKey("::1", "7"), ListingKey("ebay", "a:b")):
        assert parse_listing_key(str(key)) == key


@given(st.text(), st.text(), st.text(), st.text())
def test_text_form_is_one_to_one(p1: str, i1: str, p2: str, i2: str) -> None:
    one, two = ListingKey(p1, i1), ListingKey(p2, i2)
    assert parse_listing_key(str(one)) == one
    assert (str(one) == str(two)) == (one == two)


def _analysis(uid: str) -> Analysis:
    return Analysis(uid, Detection(score=0.9, flagged=True, commodities=("ivory",)), (), "en", "1")


def test_both_listings_are_stored_and_named_apart(db_url: str) -> None:
    store = open_store(db_url)
    try:
        counts = store.save_batch([(Listing("123", platform="ebay", title="a"), _analysis("123")),
                                   (Listing("ebay:123", title="b"), _analysis("ebay:123")),
                                   (Listing("7", platform="shop", title="c"), _analysis("7")),
                                   (Listing("7", title="d"), _analysis("7"))])  # fmt: skip
        assert counts.new == 4
        assert store.resolve_listing("ebay:123") == ON_EBAY
        assert store.resolve_listing(":ebay:123") == PREFIXED
        assert store.resolve_listing("123") == ON_EBAY
        assert store.listing_keys("7") == [ListingKey("shop", "7"), ListingKey("", "7")]
        assert store.resolve_listing(":7") == ListingKey("", "7")
        with store.read_connection("test") as conn:
            ids = listing_row_ids(conn, ["ebay:123", ":ebay:123", "7", ":7", "shop:7"])
        assert ids.keys() == {"ebay:123", ":ebay:123", ":7", "shop:7"}  # "7" names two: left out
        assert len(set(ids.values())) == 4
    finally:
        store.close()


def test_both_listings_are_exported_and_linked_apart(tmp_path: Path) -> None:
    phone = "Call +1 415 555 0100 for ivory"
    records = [{"id": "123", "platform": "ebay", "seller": "a", "title": "Ivory bangle", "text": phone},
               {"id": "ebay:123", "seller": "b", "title": "Ivory carving", "text": phone}]  # fmt: skip
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = str(tmp_path / "w.db")
    assert runner.invoke(cli.app, ["scan", str(source), "--db", db]).exit_code == 0

    subjects = []
    for target in ("ebay:123", ":ebay:123"):
        out = tmp_path / f"{len(subjects)}.zip"
        result = runner.invoke(cli.app, ["evidence", "export", target, "--out", str(out), "--db", db])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(out) as archive:
            subjects.append(json.loads(archive.read("datapackage.json"))["title"])
    assert subjects == ["Evidence: listing:ebay:123", "Evidence: listing::ebay:123"]

    for args in ([str(source)], ["--db", db]):
        out = tmp_path / "links.jsonl"
        result = runner.invoke(cli.app, ["link", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert [(row["platform"], row["id"]) for row in rows] == [("ebay", "123"), (None, "ebay:123")]
        for row in rows:  # each links to the other through the shared phone, not to itself
            assert {(link["platform"], link["to"]) for link in row["links"]} == (
                {(None, "ebay:123")} if row["platform"] == "ebay" else {("ebay", "123")}
            )
