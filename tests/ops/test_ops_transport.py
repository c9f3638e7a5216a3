"""Finding 1: a transport mode the aliases lack keeps its seizure (stored as ``other`` with the
text as given, and listed in the summary); common transport words in every supported language."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.ops.importer import GIVEN_TRADE_TERM, GIVEN_TRANSPORT, read_seizures
from wildtrace.ops.model import TRANSPORT_MODES, transport_mode

TODAY = date(2026, 1, 1)
runner = CliRunner()

WORDS = [
    # (value as a sheet writes it, mode)
    ("post/courier", "post_courier"),
    ("sea vessel", "sea_other"),
    ("Courier", "post_courier"),
    ("parcel", "post_courier"),
    ("express mail", "post_courier"),
    ("EMS", "post_courier"),
    ("fishing boat", "sea_other"),
    ("Ship", "sea_other"),
    ("lorry", "road"),
    ("truck", "road"),
    ("bus", "road"),
    ("motorbike", "road"),
    ("pedestrian", "road"),
    ("rail", "rail"),
    ("train", "rail"),
    ("air cargo", "air_cargo"),
    ("passenger luggage", "air_passenger"),
    ("Air cargo (DHL)", "air_cargo"),
    ("truck + boat", "road"),
    # zh, ja, vi, th, id, ms, fr, es, pt, sw
    ("快递", "post_courier"),
    ("渔船", "sea_other"),
    ("郵便小包", "post_courier"),
    ("漁船", "sea_other"),
    ("chuyển phát nhanh", "post_courier"),
    ("tàu cá", "sea_other"),
    ("xe tải", "road"),
    ("ไปรษณีย์", "post_courier"),
    ("เรือประมง", "sea_other"),
    ("kapal nelayan", "sea_other"),
    ("kurir", "post_courier"),
    ("bot nelayan", "sea_other"),
    ("lori", "road"),
    ("colis postal", "post_courier"),
    ("bateau de pêche", "sea_other"),
    ("mensajería", "post_courier"),
    ("barco pesquero", "sea_other"),
    ("encomenda", "post_courier"),
    ("caminhão", "road"),
    ("pikipiki", "road"),
    ("meli", "sea_other"),
    ("treni", "rail"),
]


@pytest.mark.parametrize(("value", "mode"), WORDS)
def test_common_transport_words_map(value: str, mode: str) -> None:
    assert transport_mode(value) == mode


def test_every_canonical_mode_names_itself() -> None:
    for mode in TRANSPORT_MODES:
        assert transport_mode(mode) == mode
        assert transport_mode(mode.replace("_", " ").upper()) == mode
    assert transport_mode("teleport") is None


def _sheet(path: Path) -> Path:
    """36 seizures; 5 have a transport mode the old table rejected the row for."""
    modes = ["air cargo"] * 31 + ["post/courier", "sea vessel", "sea vessel", "hovercraft", "Hovercraft "]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "date", "country", "commodity", "quantity", "unit", "transport", "suspects"])
        for number, mode in enumerate(modes, start=1):
            writer.writerow(
                [
                    f"S-{number}",
                    "2025-03-01",
                    "Kenya",
                    "ivory",
                    str(number),
                    "kg",
                    mode,
                    f"Demo Person {number}",
                ]
            )
    return path


def test_unknown_mode_keeps_the_row_as_other_with_the_text(tmp_path: Path) -> None:
    result = read_seizures(_sheet(tmp_path / "s.csv"), today=TODAY)
    assert not result.rejects
    assert len(result.rows) == 36
    by_ref = {row.seizure.reference: row.seizure for row in result.rows}
    assert by_ref["S-32"].transport_mode == "post_courier"
    assert by_ref["S-33"].transport_mode == "sea_other"
    assert by_ref["S-35"].transport_mode == "other"
    assert by_ref["S-35"].extra[GIVEN_TRANSPORT] == "hovercraft"
    assert by_ref["S-35"].suspects[0].name == "Demo Person 35"
    assert by_ref["S-35"].kg == 35.0
    assert GIVEN_TRANSPORT not in by_ref["S-1"].extra  # a known mode changes nothing (fingerprints stay)
    assert result.unmapped == {("transport_mode", "hovercraft"): 1, ("transport_mode", "Hovercraft"): 1}


def test_import_stores_all_36_and_lists_the_unmapped_values(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    done = runner.invoke(
        app, ["ops", "import", str(_sheet(tmp_path / "s.csv")), "--operation", "OP", "--db", db]
    )
    assert done.exit_code == 0, done.output
    assert "36 seizure lines stored" in done.output
    assert "0 rejected" in done.output
    assert "unmapped transport_mode 'hovercraft' in 1 rows: stored as 'other'" in done.output
    report = json.loads(runner.invoke(app, ["ops", "report", "OP", "-f", "json", "--db", db]).stdout)
    assert report["seizure_lines"] == 36
    assert report["suspects_named"] == 36
    assert report["by_commodity"]["ivory"]["kg"] == sum(range(1, 37))


def test_an_unknown_trade_term_keeps_a_row_that_names_its_commodity(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "date,country,commodity,trade_term,quantity,unit\n"
        "2025-03-01,KE,ivory,TSU,2,kg\n"  # a typo of TUS: the row still says what was seized
        "2025-03-01,KE,,TSU,2,kg\n"  # nothing else says what it was: meaningless
        "2025-03-01,KE,ivory,TUS,2,kg\n",
        encoding="utf-8",
    )
    result = read_seizures(path, today=TODAY)
    assert [(r.seizure.commodity, r.seizure.trade_term) for r in result.rows] == [
        ("ivory", None),
        ("ivory", "TUS"),
    ]
    assert result.rows[0].seizure.extra == {GIVEN_TRADE_TERM: "TSU"}
    assert [(r.row, r.reason) for r in result.rejects] == [
        (3, "unknown CITES trade term 'TSU' (and no commodity or species)")
    ]
    assert result.unmapped == {("trade_term", "TSU"): 1}
