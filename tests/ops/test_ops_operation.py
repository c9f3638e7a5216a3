"""A whole operation, imported and reported through the CLI on SQLite and PostgreSQL, whose
totals are checked against figures computed by hand from the small table below."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace.cli import app

runner = CliRunner()

HEADER = [
    "reference",
    "date",
    "country",
    "commodity",
    "quantity",
    "unit",
    "value_usd",
    "origin",
    "transit",
    "destination",
    "transport_mode",
    "concealment",
    "suspects",
    "outcomes",
]

# One template per row; each is repeated ``n`` times with its own reference and date.
# (country as written, commodity as written, quantity, unit, value_usd, origin, transit, destination,
#  transport, concealment, suspects, outcomes, n)
TEMPLATES = [
    ("Kenya", "ivory", "2.5", "kg", "1000", "KE", "", "CN", "air cargo", "in suitcase", "1", "", 30),
    ("Tanzanie", "ivoire", "500", "g", "200", "KE", "", "CN", "fret aérien", "in suitcase", "", "", 25),
    (
        "Việt Nam",
        "vảy tê tê",
        "1.5",
        "t",
        "300000",
        "NG",
        "SG",
        "VN",
        "container",
        "frozen fish",
        "Juma Demo (TZ, courier)",
        "arrest 2025-04-01",
        20,
    ),
    ("中国", "穿山甲鳞片", "20", "斤", "2000", "NG", "", "CN", "sea container", "frozen fish", "", "", 20),
    ("Brasil", "madeira", "12", "m3", "6000", "BR", "", "PT", "sea container", "", "0", "", 40),
    ("Indonesia", "kayu", "3", "t", "900", "ID", "", "CN", "sea container", "", "", "", 30),
    (
        "ประเทศไทย",
        "live reptiles",
        "15",
        "live",
        "450",
        "MY",
        "",
        "TH",
        "road",
        "",
        "Somchai Fictus 001 (TH, driver); Example Freight Co",
        "",
        25,
    ),
    ("Msumbiji", "rhino horn", "4", "lb", "", "MZ", "", "VN", "air passenger", "", "", "", 10),
    (
        "Afrique du Sud",
        "corne de rhinocéros",
        "2",
        "pcs",
        "5000",
        "ZA",
        "",
        "VN",
        "air passenger",
        "",
        "3",
        "",
        20,
    ),
    ("España", "ivory", "3", "pcs", "600", "CM", "", "ES", "post", "", "", "", 20),
    ("México", "totoaba", "16", "oz", "", "MX", "", "CN", "courier", "vacuum-packed", "", "", 20),
    ("Nigeria", "pangolin", "40", "kg", "", "NG", "", "VN", "sea container", "frozen fish", "", "", 20),
]
BAD = [
    ("Atlantis", "ivory", "1", "kg", "", "", "", "", "", "", "", "", 1),
    ("Kenya", "ivory", "-1", "kg", "", "", "", "", "", "", "", "", 1),
    ("Kenya", "ivory", "1", "bags", "", "", "", "", "", "", "", "", 1),
]


def _write(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number, (*cells, count) in enumerate(TEMPLATES + BAD, start=1):
            for index in range(int(count)):  # type: ignore[call-overload]
                day = date(2025, 1, 1) + timedelta(days=(index * 3) % 89)
                writer.writerow([f"T{number}-{index}", day.isoformat(), *cells])
    return path


def test_a_full_operation_adds_up(tmp_path: Path, db_url: str) -> None:
    source = _write(tmp_path / "operation.csv")
    first = runner.invoke(app, ["ops", "import", str(source), "--operation", "TEST-OP", "--db", db_url])
    assert first.exit_code == 1, first.output  # three rows rejected, the rest stored
    assert "280 seizure lines stored, 0 already stored, 3 rejected" in first.output
    with (tmp_path / "operation.csv.rejects.csv").open(encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("282", "unknown country 'Atlantis'"),
        ("283", "negative quantity -1"),
        ("284", "unknown unit 'bags'"),
    ]
    assert all(r["file"] == str(source) for r in rejects)

    again = runner.invoke(app, ["ops", "import", str(source), "--operation", "TEST-OP", "--db", db_url])
    assert "0 seizure lines stored, 280 already stored, 3 rejected" in again.output

    result = runner.invoke(app, ["ops", "report", "TEST-OP", "--format", "json", "--db", db_url])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)

    assert report["operation"] == "TEST-OP"
    assert report["countries"] == sorted(
        ["KE", "TZ", "VN", "CN", "BR", "ID", "TH", "MZ", "ZA", "ES", "MX", "NG"]
    )
    assert report["seizures"] == 30 + 25 + 20 + 20 + 40 + 30 + 25 + 10 + 20 + 20 + 20 + 20 == 280
    # named: Juma Demo, Somchai Fictus 001, Example Freight Co; counted: 30 x 1 + 20 x 3
    assert (report["suspects_named"], report["suspects_unnamed"], report["suspects"]) == (3, 90, 93)
    assert report["outcomes"] == {"arrest": 1}

    commodities = report["by_commodity"]
    assert set(commodities) == {"ivory", "pangolin", "timber", "live_reptile", "rhino_horn", "totoaba"}
    assert commodities["ivory"] == pytest.approx(
        {
            "seizures": 75,
            "kg": 30 * 2.5 + 25 * 0.5,
            "m3": 0,
            "pieces": 20 * 3,
            "live": 0,
            "value_reported": 30 * 1000 + 25 * 200 + 20 * 600,
            "value_estimated_low": 0,
            "value_estimated_high": 0,
        }
    )
    assert commodities["pangolin"]["seizures"] == 60
    assert commodities["pangolin"]["kg"] == 20 * 1500 + 20 * 10 + 20 * 40 == 31000
    assert (commodities["timber"]["seizures"], commodities["timber"]["kg"], commodities["timber"]["m3"]) == (
        70,
        30 * 3000,
        40 * 12,
    )
    assert commodities["live_reptile"]["live"] == 25 * 15
    assert commodities["rhino_horn"]["kg"] == pytest.approx(10 * 4 * 0.45359237, abs=0.001)
    assert commodities["rhino_horn"]["pieces"] == 40
    assert commodities["totoaba"]["kg"] == pytest.approx(20 * 16 * 0.028349523125, abs=0.001)

    value = report["value_usd"]
    reported = (
        30 * 1000
        + 25 * 200
        + 20 * 300000
        + 20 * 2000
        + 40 * 6000
        + 30 * 900
        + 25 * 450
        + 20 * 5000
        + 20 * 600
    )
    assert value["reported"] == reported == 6_465_250
    # rhino horn, 10 x 4 lb at the one HOR reference within ten years (2015: 30,000 USD/kg)
    # = 544,310.84; pangolin scales 20 x 40 kg at 180 .. 2,950 USD/kg = 144,000 .. 2,360,000
    # low 688,310.84 -> 680,000; high 2,904,310.84 -> 3,000,000 (two significant figures, outwards)
    assert (value["estimated_low"], value["estimated_high"]) == (680_000, 3_000_000)
    assert (value["total_low"], value["total_high"]) == (reported + 680_000, reported + 3_000_000)
    assert (value["lines_reported"], value["lines_estimated"], value["lines_unvalued"]) == (230, 30, 20)
    assert value["unvalued_by_commodity"] == {"totoaba": 20}
    assert any("WildAid" in ref for ref in value["references"])
    assert any("Yale e360" in ref for ref in value["references"])

    assert report["by_country"]["BR"]["seizures"] == 40
    assert report["by_country"]["TH"]["live"] == 375
    assert sum(month["seizures"] for month in report["timeline"]) == 280
    assert {month["month"] for month in report["timeline"]} == {"2025-01", "2025-02", "2025-03"}

    assert report["recurring_routes"] == [
        {
            "origin": "KE",
            "destination": "CN",
            "transport_mode": "air_cargo",
            "seizures": 55,
            "seizing_countries": ["KE", "TZ"],
        },
        {
            "origin": "NG",
            "destination": "VN",
            "transport_mode": "sea_container",
            "seizures": 40,
            "seizing_countries": ["NG", "VN"],
        },
    ]
    assert [
        (c["concealment"], c["seizures"], c["seizing_countries"]) for c in report["recurring_concealment"]
    ] == [
        ("frozen fish", 60, ["CN", "NG", "VN"]),
        ("in suitcase", 55, ["KE", "TZ"]),
        ("vacuum-packed", 20, ["MX"]),
    ]
    assert report["financial_leads"] == []

    text = runner.invoke(app, ["ops", "report", "TEST-OP", "--db", db_url]).stdout
    assert "12 countries and territories, 93 suspects identified" in text
    assert "280 seizures" in text
    assert "US$7,145,250 to US$9,465,250" in text
