"""Finding 4: one table of units and one of countries, so ``scan`` (extract) and ``ops import``
give the same answer for the same input, with the regional reading explicit."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.extract import find_places
from wildtrace.extract.quantities import find_quantities
from wildtrace.ops.importer import read_seizures
from wildtrace.reference import country_code, text_country_names, text_unit_names, unit_named, units

TODAY = date(2026, 1, 1)
runner = CliRunner()

#: (quantity as written, the country / region, kg)
SAME_KG = [
    ("10 斤", None, 5.0),  # the mainland jin is the default
    ("10 斤", "CN", 5.0),
    ("10 斤", "HK", 6.0478982),  # the Hong Kong catty (Cap. 68)
    ("10 斤", "SG", 6.0478982),
    ("10 斤", "TW", 6.0),  # 台斤
    ("10 两", None, 0.5),
    ("10 两", "HK", 0.37799364),
    ("10 两", "TW", 0.375),
    ("10 tael", None, 0.37799364),
    ("10 tael", "TW", 0.375),
    ("5 lạng", "VN", 0.5),
    ("16 oz", None, 16 * 0.028349523125),
    ("3 lbs", None, 3 * 0.45359237),
    ("2 ký", "VN", 2.0),
    ("1.5 tấn", "VN", 1500.0),
    ("500 gramas", "BR", 0.5),
    ("3 กิโล", "TH", 3.0),
]


def _sheet(path: Path, quantity: str, country: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "country", "commodity", "quantity"])
        writer.writerow(["2025-03-01", country, "ivory", quantity])
    return path


@pytest.mark.parametrize(("written", "region", "kg"), SAME_KG)
def test_scan_and_ops_import_give_the_same_kilograms(
    tmp_path: Path, written: str, region: str | None, kg: float
) -> None:
    scanned = [s for s in find_quantities(f"bán {written} nhé", "text", region) if s.value.endswith(" kg")]
    assert len(scanned) == 1, scanned
    scan_kg = float(scanned[0].value.split()[0])
    # ops import reads the unit as the seizing country does; with no region, a country
    # that has no regional reading (Kenya) gives the default
    result = read_seizures(_sheet(tmp_path / "s.csv", written, region or "KE"), today=TODAY)
    assert not result.rejects, result.rejects
    ops_kg = result.rows[0].seizure.kg
    assert ops_kg == pytest.approx(kg, rel=1e-12)
    assert scan_kg == round(ops_kg, 4)  # scan shows four decimals


def test_pairs_and_counts_agree() -> None:
    assert [s.value for s in find_quantities("3 pairs", "text", None)] == ["6 pieces"]
    pair = unit_named("pairs")
    assert pair is not None and (pair.measure, pair.factor) == ("pieces", 2.0)


def test_every_text_unit_is_a_unit_of_the_table() -> None:
    for name in text_unit_names():
        assert unit_named(name) is not None, name
    assert units()["catty_hk"].exact == Decimal("0.60478982")
    # 16 taels to the catty (Cap. 68 gives the tael rounded to the microgram)
    assert abs(units()["tael_hk"].exact * 16 - units()["catty_hk"].exact) < Decimal("0.00000001")


def test_every_country_the_place_finder_knows_ops_import_knows_the_same() -> None:
    for row in text_country_names():
        assert country_code(row.name) == row.code, row
        found = list(find_places(row.name, "location", location=True))
        assert [s.value for s in found] == [row.code], row


@pytest.mark.parametrize(
    ("name", "code"),
    [("Mỹ", "US"), ("Malaysia", "MY"), ("Việt Nam", "VN"), ("大陆", "CN"), ("한국", "KR")],
)
def test_country_names_one_answer(name: str, code: str) -> None:
    assert country_code("MY") == "MY"  # the ISO code, not Vietnamese "Mỹ" without its accent
    assert country_code(name) == code
    assert [s.value for s in find_places(name, "location", location=True)] == [code]


def test_the_scan_and_ops_import_commands_agree(tmp_path: Path) -> None:
    """End to end: ``wildtrace scan`` of listings and ``wildtrace ops import`` of a sheet
    with the same quantities give the same kilograms (10 斤: 6.0479 in Hong Kong, 5 elsewhere)."""
    listings = tmp_path / "l.jsonl"
    listings.write_text(
        json.dumps({"id": "hk", "title": "象牙", "text": "象牙 10斤 現貨", "location": "Hong Kong"}) + "\n"
        + json.dumps({"id": "cn", "title": "象牙", "text": "象牙 10斤 现货", "location": "广州"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "scan.jsonl"
    scanned = runner.invoke(app, ["scan", str(listings), "--no-store", "--workers", "1", "--out", str(out)])
    assert scanned.exit_code == 0, scanned.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    scan_kg = {row["id"]: [s["value"] for s in row["selectors"] if s["type"] == "quantity"] for row in rows}
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "reference,date,country,commodity,quantity\nhk,2025-03-01,Hong Kong,ivory,10 斤\n"
        "cn,2025-03-01,China,ivory,10 斤\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "d.db")
    imported = runner.invoke(app, ["ops", "import", str(sheet), "--operation", "OP", "--db", db])
    assert imported.exit_code == 0, imported.output
    report = json.loads(runner.invoke(app, ["ops", "report", "OP", "-f", "json", "--db", db]).stdout)
    ops_kg = {code: values["kg"] for code, values in report["by_country"].items()}
    assert scan_kg == {"hk": ["6.0479 kg"], "cn": ["5 kg"]}
    assert ops_kg["HK"] == round(6.0478982, 3)  # the report shows grams
    assert ops_kg["CN"] == 5
