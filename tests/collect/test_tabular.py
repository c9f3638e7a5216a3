"""One tabular reader for ``scan`` and ``ops import`` (issue 10, findings 5, 12, 13, 15)."""

from __future__ import annotations

import codecs
import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from wildtrace.collect import ReadOptions, read_file, read_table
from wildtrace.collect.tabular import (
    MappingError,
    check_encoding,
    guard_formula,
    parse_mapping,
    unguard_formula,
)
from wildtrace.model import Listing, Reject
from wildtrace.ops.importer import read_seizures, write_rejects
from wildtrace.ops.model import RejectedRow

TODAY = date(2026, 1, 1)


def listings(results: list[Listing | Reject]) -> list[Listing]:
    return [r for r in results if isinstance(r, Listing)]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_reads_the_same_in_scan_and_ops(tmp_path: Path, codec: str) -> None:
    """Finding 5: ``ops import`` read UTF-16 without a BOM; ``scan`` rejected it as binary."""
    listing_file = tmp_path / "ads.csv"
    listing_file.write_bytes("id,title,price\r\n1,Vảy tê tê 500g,1.200.000đ\r\n".encode(codec))
    assert not listing_file.read_bytes().startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    [listing] = list(read_file(listing_file))
    assert isinstance(listing, Listing), listing
    assert (listing.id, listing.title, listing.price) == ("1", "Vảy tê tê 500g", "1.200.000đ")
    seizure_file = tmp_path / "seizures.csv"
    seizure_file.write_bytes("date,country,commodity\r\n2025-03-01,Việt Nam,vảy tê tê\r\n".encode(codec))
    [row] = read_seizures(seizure_file, today=TODAY).rows
    assert (row.row, row.seizure.country) == (2, "VN")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_one_delimiter_sniffer_for_both(tmp_path: Path, delimiter: str) -> None:
    """The two sniffers differed: ``scan`` did not know ``|``; a comma inside a quoted header
    name or in the cells of a semicolon file must not win."""
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerows([["name, full", "title", "price"], ["Kim", "Ngà voi, thật", "5,5"]])
    table = read_table(path)
    assert table.header == ["name, full", "title", "price"]
    [row] = list(table.rows)
    assert row.cells == ("Kim", "Ngà voi, thật", "5,5") and row.line == 2
    [listing] = listings(list(read_file(path)))
    assert (listing.title, listing.price) == ("Ngà voi, thật", "5,5")


def test_scan_reads_excel_like_ops(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "title", "price", "posted_at"])
    sheet.append([7, "Sừng tê giác", 12.5, date(2025, 3, 1)])
    sheet.append([None, None, None, None])
    sheet.append([8, "Hổ cốt", 3, None])
    path = tmp_path / "shops.xlsx"
    workbook.save(path)
    first, second = list(read_file(path))
    assert isinstance(first, Listing) and isinstance(second, Listing)
    assert (first.id, first.title, first.price, first.posted_at) == (
        "7",
        "Sừng tê giác",
        "12.5",
        "2025-03-01",
    )
    assert first.origin is not None and first.origin.line == 2
    assert second.origin is not None and second.origin.line == 4


def test_latin1_csv_with_other_column_names_reads_with_encoding_and_map(tmp_path: Path) -> None:
    """Finding 13: an analyst's Latin-1 sheet with French column names, read without editing."""
    path = tmp_path / "annonces.csv"
    path.write_bytes("Réf;Intitulé;Prix;Vendeur\n1;Ivoire sculpté;450 €;Boutique Élan\n".encode("cp1252"))
    [bad] = list(read_file(path))
    assert isinstance(bad, Reject) and bad.reason.startswith("not UTF-8: byte 0xe9")
    options = ReadOptions(
        encoding="cp1252",
        mapping=parse_mapping(["réf=id", "INTITULÉ=title", "prix=price", "Vendeur=seller"],
                              ("id", "title", "price", "seller")),
    )  # fmt: skip
    [listing] = list(read_file(path, options))
    assert isinstance(listing, Listing)
    assert (listing.id, listing.title, listing.price, listing.seller) == (
        "1",
        "Ivoire sculpté",
        "450 €",
        "Boutique Élan",
    )
    assert listing.extra == {}


def test_bad_map_and_encoding_name_what_is_accepted() -> None:
    with pytest.raises(MappingError, match=r"FIELD one of id, title"):
        parse_mapping(["Prix=prix"], ("id", "title"))
    with pytest.raises(MappingError, match="unknown encoding"):
        check_encoding("klingon-8")
    assert check_encoding("Latin-1") == "iso8859-1"


# --- finding 12: the rejects file round trip -------------------------------------------------

text_cells = st.text(alphabet=st.sampled_from(list("'=+-@\t\rab1. ")), max_size=8)


@given(text_cells)
def test_formula_guard_round_trip_is_exact(value: str) -> None:
    guarded = guard_formula(value)
    assert unguard_formula(guarded) == value
    assert isinstance(guarded, str)
    if guarded[:1] in ("=", "+", "-", "@", "\t", "\r"):  # what a spreadsheet sees starts no formula
        assert guarded == value and any(char.isdigit() for char in value)


def test_fixed_rejects_file_reads_back_the_original_values(tmp_path: Path) -> None:
    """Finding 12: ``ops import`` of a fixed rejects file kept the ``'`` of the formula guard."""
    header = ["date", "country", "commodity", "quantity", "unit", "reference", "note"]
    raw = {"date": "2025-03-01", "country": "Atlantis", "commodity": "ivory", "quantity": "3", "unit": "kg",
           "reference": "-REF-7", "note": "'90s stock; =not a formula"}  # fmt: skip
    original = tmp_path / "seizures.csv"
    with original.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, [raw[name] for name in header]])
    [reject] = read_seizures(original, today=TODAY).rejects
    assert reject.reason == "unknown country 'Atlantis'"
    rejects_file = tmp_path / "seizures.csv.rejects.csv"
    write_rejects(rejects_file, [reject], header)
    text = rejects_file.read_text(encoding="utf-8")
    assert "'-REF-7" in text  # guarded for the spreadsheet
    rejects_file.write_text(text.replace("Atlantis", "Kenya"), encoding="utf-8")  # the user's fix
    [row] = read_seizures(rejects_file, today=TODAY).rows
    assert row.seizure.reference == "-REF-7"
    assert row.seizure.extra == {"x:note": "'90s stock; =not a formula"}  # no file/row/reason columns
    [again] = read_seizures(_fixed(original, tmp_path), today=TODAY).rows
    assert again.seizure.fingerprint() == row.seizure.fingerprint()  # the same line as if typed right


def _fixed(original: Path, tmp_path: Path) -> Path:
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(original.read_text(encoding="utf-8").replace("Atlantis", "Kenya"), encoding="utf-8")
    return fixed


def test_rejects_header_is_unguarded_too(tmp_path: Path) -> None:
    rejects = [RejectedRow("s.csv", 2, "why", {"@cmd": "=1+1", "date": "2025-03-01"})]
    out = tmp_path / "r.csv"
    write_rejects(out, rejects, ["@cmd", "date"])
    table = read_table(out)
    assert table.rejects_file and table.header == ["file", "row", "reason", "@cmd", "date"]
    [row] = list(table.rows)
    assert row.cells[3:] == ("=1+1", "2025-03-01")
    plain = tmp_path / "p.csv"  # an ordinary file: its apostrophes are the user's own
    plain.write_text("note\n'=1+1\n", encoding="utf-8")
    assert [r.cells for r in read_table(plain).rows] == [("'=1+1",)]
