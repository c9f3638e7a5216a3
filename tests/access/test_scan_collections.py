"""``scan``, ``load``, ``crawl`` and ``ops import`` store into the collection ``--collection``
names, owned by ``--agency`` and marked ``--tlp``; a bad choice stops them (exit 2) before
anything is stored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from wildtrace import cli
from wildtrace.store import Store, open_store
from wildtrace.store.audit import AuditLog
from wildtrace.store.people import add_agency
from wildtrace.store.tables import ListingRow
from wildtrace.store.tables_access import AgencyRow, CollectionListingRow, CollectionRow

runner = CliRunner()

RECORDS = [
    {"id": "c-1", "platform": "chotot-demo", "seller": "ngavoi_hn", "title": "Bán vòng ngà voi thật",
     "text": "Zalo 0912.345.678"},
    {"id": "c-2", "platform": "facebook", "seller": "Ivory Art", "title": "Antique ivory carving",
     "text": "WhatsApp +84 912 345 678"},
]  # fmt: skip


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _collections(store: Store) -> dict[str, tuple[str, str, set[str]]]:
    """Collection name -> (agency code, marking, uids of its listings)."""
    with store.read_connection("read collections") as conn:
        rows = conn.execute(
            select(CollectionRow.name, AgencyRow.code, CollectionRow.tlp, ListingRow.uid)
            .join(AgencyRow, AgencyRow.id == CollectionRow.agency_id)
            .outerjoin(CollectionListingRow, CollectionListingRow.collection_id == CollectionRow.id)
            .outerjoin(ListingRow, ListingRow.id == CollectionListingRow.listing_id)
        ).all()
    found: dict[str, tuple[str, str, set[str]]] = {}
    for name, code, tlp, uid in rows:
        found.setdefault(name, (code, tlp, set()))[2].update({uid} if uid is not None else set())
    return found


def _listings(store: Store) -> int:
    with store.read_connection("count") as conn:
        return int(conn.execute(select(func.count()).select_from(ListingRow)).scalar_one())


def test_scan_stores_into_the_named_collection_of_the_agency(db_url: str, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", RECORDS)
    with open_store(db_url) as store:
        add_agency(store, "KE-KWS", "Kenya Wildlife Service", "KE")
    result = runner.invoke(cli.app, ["scan", str(source), "--db", db_url, "--collection", "kws-leads",
                                     "--agency", "KE-KWS", "--tlp", "amber+strict"])  # fmt: skip
    assert result.exit_code == 0, result.output
    more = _jsonl(tmp_path / "more.jsonl", [dict(RECORDS[0], id="c-3")])
    plain = runner.invoke(cli.app, ["scan", str(more), "--db", db_url])
    assert plain.exit_code == 0, plain.output
    # an existing collection: --tlp is only checked when given, and the same listings are re-put
    again = runner.invoke(cli.app, ["scan", str(source), "--db", db_url, "--collection", "kws-leads",
                                    "--agency", "KE-KWS"])  # fmt: skip
    assert again.exit_code == 0, again.output
    with open_store(db_url) as store:
        held = _collections(store)
    assert held["kws-leads"] == ("KE-KWS", "AMBER+STRICT", {"c-1", "c-2"})
    assert held["default"] == ("local", "AMBER", {"c-3"})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--agency", "nobody", "--collection", "x"], "unknown agency 'nobody'"),
        (["--tlp", "orange"], "unknown TLP marking 'orange'"),
        (["--collection", "kws-leads"], "belongs to agency 'KE-KWS', not 'local'"),
        (["--collection", "kws-leads", "--agency", "KE-KWS", "--tlp", "RED"], "set-tlp kws-leads RED"),
        (["--agency", "KE-KWS"], "belongs to agency 'local', not 'KE-KWS'"),  # the local default
    ],
)
def test_a_bad_collection_choice_stops_the_scan_before_anything_is_stored(
    tmp_path: Path, options: list[str], message: str
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(db) as store:
        add_agency(store, "KE-KWS", "Kenya Wildlife Service", "KE")
        with store.write_transaction("make a collection") as conn:
            from wildtrace.store.collections import ensure_collection

            ensure_collection(conn, "kws-leads", "KE-KWS", "GREEN")
    result = runner.invoke(cli.app, ["scan", str(_jsonl(tmp_path / "in.jsonl", RECORDS)), "--db", db,
                                     *options])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split())
    with open_store(db) as store:
        assert _listings(store) == 0


def test_load_stores_parquet_rows_into_the_collection(db_url: str, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    from wildtrace.model import Listing
    from wildtrace.pipeline import analyze
    from wildtrace.runners.parquet import SCHEMA, parquet_row

    rows = []
    for record in RECORDS:
        listing = Listing(id=record["id"], platform=record["platform"], title=record["title"],
                          text=record["text"], seller=record["seller"])  # fmt: skip
        rows.append(parquet_row(listing, analyze(listing, 0.5)))
    folder = tmp_path / "rows" / "platform=x" / "day=2026-01-01"
    folder.mkdir(parents=True)
    table = pa.Table.from_pylist([{k: v for k, v in row.items() if k in SCHEMA.names} for row in rows],
                                 schema=SCHEMA)  # fmt: skip
    pq.write_table(table, folder / "part-0.parquet")
    with open_store(db_url) as store:
        add_agency(store, "VN-CUS", "Vietnam Customs", "VN")
    result = runner.invoke(cli.app, ["load", str(tmp_path / "rows"), "--db", db_url, "--collection",
                                     "customs", "--agency", "VN-CUS", "--tlp", "green"])  # fmt: skip
    assert result.exit_code == 0, result.output
    refused = runner.invoke(cli.app, ["load", str(tmp_path / "rows"), "--db", db_url, "--collection",
                                      "customs"])  # fmt: skip
    assert refused.exit_code == 2 and "belongs to agency 'VN-CUS'" in refused.stderr
    with open_store(db_url) as store:
        assert _collections(store)["customs"] == ("VN-CUS", "GREEN", {"c-1", "c-2"})


def test_ops_import_checks_the_collection_and_audits_the_import(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    sheet = tmp_path / "seizures.csv"
    sheet.write_text("date,country,commodity,quantity,unit\n2025-03-01,KE,ivory,12,kg\n", encoding="utf-8")
    with open_store(db) as store:
        add_agency(store, "KE-KWS", "Kenya Wildlife Service", "KE")
    refused = runner.invoke(cli.app, ["ops", "import", str(sheet), "--operation", "THUNDER", "--db", db,
                                      "--agency", "nobody", "--collection", "ops"])  # fmt: skip
    assert refused.exit_code == 2 and "unknown agency 'nobody'" in refused.stderr
    result = runner.invoke(cli.app, ["ops", "import", str(sheet), "--operation", "THUNDER", "--db", db,
                                     "--agency", "KE-KWS", "--collection", "kws-ops",
                                     "--tlp", "AMBER"])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    from wildtrace.ops.store import operation_collection

    with open_store(db) as store:
        assert _collections(store)["kws-ops"] == ("KE-KWS", "AMBER", set())
        with store.read_connection("read") as conn:
            assert operation_collection(conn, "THUNDER") == "kws-ops"
        entries = AuditLog(store).entries(action="ops.import")
    assert [(e["object"], e["detail"]["collection"]) for e in entries] == [("operation:THUNDER", "kws-ops")]


def test_crawl_stores_the_crawled_listings_into_the_collection(tmp_path: Path) -> None:
    from wildtrace.demo.site import DemoSite

    db = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(db) as store:
        add_agency(store, "TRAFFIC", "An NGO partner", "GB")
    site = DemoSite(limit=6)
    with site.serve() as url:
        wrong = subprocess.run(
            [sys.executable, "-m", "wildtrace", "crawl", url, "--allow-private", "--db", db,
             "--out-dir", str(tmp_path / "crawl"), "--agency", "TRAFFIC", "--tlp", "purple"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert wrong.returncode == 2 and "unknown TLP marking 'purple'" in wrong.stderr
        done = subprocess.run(
            [sys.executable, "-m", "wildtrace", "crawl", url, "--allow-private", "--delay", "0",
             "--concurrency", "8", "--max-pages", "12", "--db", db, "--out-dir", str(tmp_path / "crawl"),
             "--collection", "ngo-crawl", "--agency", "TRAFFIC", "--tlp", "CLEAR"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open_store(db) as store:
        held = _collections(store)
        stored = _listings(store)
    agency, marking, uids = held["ngo-crawl"]
    assert (agency, marking) == ("TRAFFIC", "CLEAR")
    assert stored > 0 and len(uids) == stored
    assert held["default"][2] == set()


def test_a_new_red_collection_without_readers_is_stored_with_a_warning(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    source = _jsonl(tmp_path / "in.jsonl", RECORDS)
    options = ["--collection", "secret", "--tlp", "red"]
    result = runner.invoke(cli.app, ["scan", str(source), "--db", db, *options])
    assert result.exit_code == 0, result.output
    assert "names no reader" in result.stderr and "collection readers secret --add USER" in result.stderr
    with open_store(db) as store:
        assert _collections(store)["secret"] == ("local", "RED", {"c-1", "c-2"})
