"""The operations store on SQLite and PostgreSQL: idempotent saves, suspects, outcomes,
links to stored listings and accounts, and the financial lead list built from them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import func, inspect, select

from wildtrace.model import Listing
from wildtrace.ops.importer import read_seizures
from wildtrace.ops.report import build_report
from wildtrace.ops.store import save_rows
from wildtrace.pipeline import analyze
from wildtrace.store import open_store
from wildtrace.store.engine import alembic_config
from wildtrace.store.tables_operations import OutcomeRow, SeizureRow, SeizureSuspectRow, SuspectRow

TODAY = date(2026, 1, 1)
ETH = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"  # EIP-55 test vector: a valid checksum
HEADER = [
    "reference",
    "date",
    "country",
    "commodity",
    "quantity",
    "unit",
    "suspects",
    "outcomes",
    "listings",
    "accounts",
    "agency",
]


def _file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_saving_twice_stores_nothing_twice(tmp_path: Path, db_url: str) -> None:
    rows = [
        [
            "R1",
            "2025-03-01",
            "KE",
            "ivory",
            "2",
            "kg",
            "Juma Demo (TZ); Kestrel Demo Ltd",
            "arrest 2025-03-02",
            "",
            "",
            "KE Wildlife Service",
        ],
        [
            "R2",
            "2025-03-02",
            "TZ",
            "ivory",
            "3",
            "kg",
            "Juma Demo (TZ)",
            "arrest 2025-03-02; charge 2025-03-05",
            "",
            "",
            "TZ Customs",
        ],
        [
            "R2",
            "2025-03-02",
            "TZ",
            "ivory",
            "3",
            "kg",
            "Juma Demo (TZ)",
            "arrest 2025-03-02; charge 2025-03-05",
            "",
            "",
            "TZ Customs",
        ],  # the same line twice in one file
    ]
    result = read_seizures(_file(tmp_path / "a.csv", rows), today=TODAY)
    with open_store(db_url) as store:
        first = save_rows(store, "OP", result.rows)
        second = save_rows(store, "OP", result.rows)
        other = save_rows(store, "OTHER-OP", result.rows[:1])
        with store.engine.connect() as conn:
            seizures = conn.execute(select(func.count()).select_from(SeizureRow)).scalar_one()
            suspects = conn.execute(select(SuspectRow.name).order_by(SuspectRow.id)).scalars().all()
            links = conn.execute(select(func.count()).select_from(SeizureSuspectRow)).scalar_one()
            outcomes = conn.execute(
                select(OutcomeRow.kind, OutcomeRow.occurred_on).order_by(OutcomeRow.id)
            ).all()
    assert (first.new, first.already, first.suspects_new) == (2, 1, 2)
    assert (second.new, second.already, second.suspects_new) == (0, 3, 0)
    assert (other.new, other.already) == (1, 0)  # operations are separate
    assert seizures == 3
    assert suspects == ["Juma Demo", "Kestrel Demo Ltd", "Juma Demo", "Kestrel Demo Ltd"]
    assert links == 2 + 1 + 2
    # Juma's arrest is one event, reported on two seizures: kept once per operation
    assert outcomes[:3] == [
        ("arrest", date(2025, 3, 2)),
        ("arrest", date(2025, 3, 2)),
        ("charge", date(2025, 3, 5)),
    ]
    assert len(outcomes) == 3 + 2


def test_financial_leads_come_from_linked_listings_and_accounts(tmp_path: Path, db_url: str) -> None:
    listings = [
        Listing(
            id="L1",
            platform="telegram-demo",
            seller="rare_supply",
            url="https://t.example/1",
            title="Ivory beads",
            text=f"Ivory beads, pay ETH {ETH}",
            price="US$1,200",
        ),
        Listing(
            id="L2",
            platform="telegram-demo",
            seller="rare_supply",
            url="https://t.example/2",
            title="Pangolin scales",
            text="Scales 5 kg. M-Pesa +254 712 345678",
            price="KSh 60,000",
        ),
        Listing(
            id="L3",
            platform="shop-demo",
            seller="unrelated",
            url="https://s.example/3",
            title="Tea",
            text=f"Tea, ETH {ETH.lower()}",
            price="5",
        ),
    ]
    rows = [
        ["S1", "2025-03-01", "KE", "ivory", "2", "kg", "", "", "https://t.example/1", "", ""],
        ["S2", "2025-03-02", "KE", "pangolin", "5", "kg", "", "", "", "telegram-demo:rare_supply", ""],
        ["S3", "2025-03-03", "KE", "pangolin", "1", "kg", "", "", "no-such-listing", "nobody", ""],
    ]
    with open_store(db_url) as store:
        store.save_batch([(listing, analyze(listing)) for listing in listings])
        save_rows(store, "OP", read_seizures(_file(tmp_path / "b.csv", rows), today=TODAY).rows)
        report = build_report(store, "OP")
    assert report is not None
    leads = {(lead["type"], lead["value"]): lead for lead in report["financial_leads"]}
    eth = leads[("eth", ETH.lower())]
    assert eth["accounts"] == ["telegram-demo:rare_supply"]  # not the unrelated shop's listing
    assert eth["amounts_seen"] == ["1200 USD", "US$1,200"]  # the money selector and the listed price
    assert eth["seizures"] == ["S1"]
    phone = leads[("phone", "+254712345678")]
    assert "KSh 60,000" in phone["amounts_seen"]
    assert phone["seizures"] == ["S2"]
    assert len(leads) == 2
    assert report["unresolved_online_links"] == 2


def test_migration_down_and_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    with open_store(url) as store:
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "ops_operations",
            "ops_seizures",
            "ops_suspects",
            "ops_outcomes",
            "ops_online_links",
        } <= tables
        with store.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0003")
        assert not {name for name in inspect(store.engine).get_table_names() if name.startswith("ops_")}
    with open_store(url) as store:
        assert "ops_seizures" in inspect(store.engine).get_table_names()
