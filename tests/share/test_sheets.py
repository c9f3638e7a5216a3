"""CSV and XLSX exports for analysts: what hostile scraped text becomes (never a formula),
what a reader gets back, and the markings on every row and sheet."""

from __future__ import annotations

import codecs
import csv
import re
import time
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from wildtrace.errors import InputError
from wildtrace.share import sheets
from wildtrace.share.exportset import (
    ExportedAccount,
    ExportedGroup,
    ExportedLink,
    ExportedListing,
    ExportedSelector,
    Exporter,
    ExportSet,
)
from wildtrace.share.sheets import TABLES, clean_text, is_formula_like, write_csv, write_xlsx

SEEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil","x")'
VIETNAMESE = "Vòng tay ngà voi thật, giao hàng toàn quốc"
CHINESE = "象牙手镯 正品 微信联系"
THAI = "กำไลงาช้างแท้"


def _listing(ref: int, **given: Any) -> ExportedListing:
    fields: dict[str, Any] = {
        "ref": ref, "key": f"shopee:{ref}", "platform": "shopee", "uid": str(ref),
        "url": f"https://shopee.example/item/{ref}", "title": f"listing {ref}", "account_ref": None,
        "seller": None, "score": 0.5, "flagged": False, "commodities": (), "taxa": (), "price": None,
        "location": None, "first_seen": SEEN, "last_seen": SEEN, "marking": "AMBER",
    }  # fmt: skip
    fields.update(given)
    return ExportedListing(**fields)


def _hostile_export() -> ExportSet:
    listings = (
        _listing(1, title=HOSTILE, seller="ivory\x00shop\x07", score=0.93, flagged=True,
                 commodities=("ivory", "bangle"), taxa=(("Elephas maximus", "I"), ("Proboscidea", None)),
                 price="-2+3", location=VIETNAMESE, account_ref=10, marking="RED"),
        _listing(2, title="+1+1", seller="@SUM(A1)", price="\t=1", location=CHINESE, score=-0.25,
                 first_seen=datetime(2026, 3, 4, 12, 0, tzinfo=timezone(timedelta(hours=7)))),
        _listing(3, title=THAI, seller="  =1+2", url=None, score=None, price="#REF!",
                 location="\r\n=cmd|' /C calc'!A0", marking="GREEN"),
    )  # fmt: skip
    return ExportSet(
        exporter=Exporter("KESTREL", "Kestrel Wildlife Unit", "VN"),
        created_at=datetime(2026, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        groups=(ExportedGroup("case", "C-7", "=Operation Tusk", "", (1, 2, 3), (10,), "RED"),),
        listings=listings,
        selectors=(
            ExportedSelector("phone", "+84912345678", (1, 2), ("zalo", "whatsapp"), "AMBER"),
            ExportedSelector("telegram", "@ivory_vn", (3,), (), "GREEN"),
        ),
        accounts=(ExportedAccount(10, "shopee", "-ivory-", (1, 2), "AMBER"),),
        links=(ExportedLink(1, 2, "phone", "+84912345678", "both list +84912345678", "AMBER"),),
        marking="RED",
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(path)
    return [tuple(cell.value for cell in row) for row in workbook[sheet].iter_rows()]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_round_trip_with_hostile_and_non_latin_text(tmp_path: Path) -> None:
    export = _hostile_export()
    counts = write_csv(export, tmp_path / "out")
    files = ("about.csv", "listings.csv", "selectors.csv", "accounts.csv", "links.csv")
    assert counts == dict(zip(files, (11, 3, 2, 1, 1), strict=True))

    listings = _read_csv(tmp_path / "out" / "listings.csv")
    assert [row["key"] for row in listings] == ["shopee:1", "shopee:2", "shopee:3"]
    first, second, third = listings
    assert first["title"] == "'" + HOSTILE
    assert first["seller"] == "ivoryshop\ufffd"  # NUL dropped as the store drops it; \x07 replaced
    assert first["price"] == "'-2+3"
    assert first["location"] == VIETNAMESE
    assert first["commodities"] == "ivory; bangle"
    assert first["taxa"] == "Elephas maximus (CITES I); Proboscidea"
    assert first["flagged"] == "TRUE" and second["flagged"] == "FALSE"
    assert float(first["score"]) == 0.93 and float(second["score"]) == -0.25  # numbers stay numbers
    assert third["score"] == "" and third["url"] == ""
    assert second["title"] == "'+1+1" and second["seller"] == "'@SUM(A1)" and second["price"] == "'\t=1"
    assert second["location"] == CHINESE and third["title"] == THAI
    assert third["seller"] == "'  =1+2" and third["location"] == "'\r\n=cmd|' /C calc'!A0"
    assert third["price"] == "#REF!"
    assert first["first_seen"] == "2026-03-04T05:06:07Z"
    assert second["first_seen"] == "2026-03-04T05:00:00Z"  # 12:00 at UTC+7, in UTC
    assert [row["tlp"] for row in listings] == ["TLP:RED", "TLP:AMBER", "TLP:GREEN"]

    selectors = _read_csv(tmp_path / "out" / "selectors.csv")
    assert selectors[0] == {"tlp": "TLP:AMBER", "type": "phone", "value": "'+84912345678",
                            "listings": "shopee:1; shopee:2", "channels": "zalo; whatsapp"}  # fmt: skip
    assert selectors[1]["value"] == "'@ivory_vn"
    accounts = _read_csv(tmp_path / "out" / "accounts.csv")
    assert accounts == [{"tlp": "TLP:AMBER", "platform": "shopee", "seller": "'-ivory-",
                         "listings": "shopee:1; shopee:2"}]  # fmt: skip
    links = _read_csv(tmp_path / "out" / "links.csv")
    assert links == [{"tlp": "TLP:AMBER", "source_key": "shopee:1", "target_key": "shopee:2", "kind": "phone",
                      "value": "'+84912345678", "reason": "both list +84912345678"}]  # fmt: skip


def test_csv_about_names_the_exporter_marking_counts_and_groups(tmp_path: Path) -> None:
    write_csv(_hostile_export(), tmp_path)
    about = _read_csv(tmp_path / "about.csv")
    facts = {row["field"]: row["value"] for row in about if row["field"] != "group"}
    assert facts == {
        "exporter_code": "KESTREL", "exporter_name": "Kestrel Wildlife Unit", "exporter_country": "VN",
        "created_at": "2026-03-05T08:30:00Z", "marking": "TLP:RED",
        "groups": "1", "listings": "3", "selectors": "2", "accounts": "1", "links": "1",
    }  # fmt: skip
    groups = [row for row in about if row["field"] == "group"]
    assert groups == [{"tlp": "TLP:RED", "field": "group", "value": "", "kind": "case", "ref": "C-7",
                       "title": "'=Operation Tusk"}]  # fmt: skip
    assert all(row["tlp"] == "TLP:RED" for row in about)


def test_every_csv_file_has_a_bom_one_header_and_a_tlp_column(tmp_path: Path) -> None:
    write_csv(_hostile_export(), tmp_path)
    for table in TABLES:
        raw = (tmp_path / table.file).read_bytes()
        assert raw.startswith(codecs.BOM_UTF8)
        with (tmp_path / table.file).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == table.header()
        tlp = rows[0].index("tlp")
        assert all(re.fullmatch(r"TLP:[A-Z+]+", row[tlp]) for row in rows[1:])
        assert all(len(row) == len(rows[0]) for row in rows)


def test_no_csv_cell_can_start_a_formula(tmp_path: Path) -> None:
    write_csv(_hostile_export(), tmp_path)
    for table in TABLES:
        with (tmp_path / table.file).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", cell):
                        continue  # a number (a negative score) is read as a number, not a formula
                    assert not is_formula_like(cell), (table.file, cell)


@given(st.text())
def test_any_text_becomes_a_safe_writable_csv_cell(text: str) -> None:
    cell = sheets._csv_cell(text)
    assert not is_formula_like(cell)
    assert clean_text(cell) == cell
    cell.encode("utf-8")  # lone surrogates are gone too
    assert cell in (clean_text(text), "'" + clean_text(text))


@pytest.mark.parametrize("text", ["=1", "+84912345678", "-2+3", "@SUM(A1)", "\t=1", "\rx", "\nx", " =1",
                                  "\u00a0\u3000+1", "\t"])  # fmt: skip
def test_formula_like_texts(text: str) -> None:
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["", "ivory", "a=b", "1-2", "x@y.example", "象牙", "'=1", "   ", "#REF!"])
def test_texts_that_are_not_formulas(text: str) -> None:
    assert not is_formula_like(text)


def test_csv_refuses_a_folder_that_holds_an_export_unless_forced(tmp_path: Path) -> None:
    export = _hostile_export()
    (tmp_path / "links.csv").write_text("earlier work", encoding="utf-8")
    with pytest.raises(InputError, match=r"links\.csv.*force") as caught:
        write_csv(export, tmp_path)
    assert caught.value.path == str(tmp_path)
    assert (tmp_path / "links.csv").read_text(encoding="utf-8") == "earlier work"
    assert not (tmp_path / "listings.csv").exists()  # nothing written before the refusal

    write_csv(export, tmp_path, force=True)
    assert len(_read_csv(tmp_path / "links.csv")) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(table.file for table in TABLES)


def test_other_files_in_the_folder_do_not_block_the_export(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    write_csv(_hostile_export(), tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_round_trip_keeps_the_text_as_found(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    counts = write_xlsx(_hostile_export(), path)
    assert counts == {"About": 11, "Listings": 3, "Selectors": 2, "Accounts": 1, "Links": 1}

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["About", "Listings", "Selectors", "Accounts", "Links"]
    rows = [list(row) for row in workbook["Listings"].iter_rows()]
    header = [cell.value for cell in rows[0]]
    assert tuple(header) == sheets.LISTINGS.header()
    column = {name: index for index, name in enumerate(header)}
    first, second, third = rows[1:]

    def value(row: list[Any], name: str) -> Any:
        return row[column[name]].value

    assert value(first, "title") == HOSTILE
    assert value(first, "seller") == "ivoryshop\ufffd"
    assert value(first, "price") == "-2+3" and value(first, "location") == VIETNAMESE
    assert value(second, "title") == "+1+1" and value(second, "seller") == "@SUM(A1)"
    assert value(second, "price") == "\t=1" and value(second, "location") == CHINESE
    assert value(third, "title") == THAI and value(third, "seller") == "  =1+2"
    assert value(third, "price") == "#REF!"  # text, not an error value
    assert value(third, "location") == "\r\n=cmd|' /C calc'!A0"
    assert value(first, "score") == 0.93 and first[column["score"]].data_type == "n"
    assert value(third, "score") is None
    assert value(first, "flagged") is True
    assert value(first, "first_seen") == "2026-03-04T05:06:07Z"
    assert [value(row, "tlp") for row in rows[1:]] == ["TLP:RED", "TLP:AMBER", "TLP:GREEN"]

    for name in ("title", "seller", "price", "location"):
        for row in rows[1:]:
            cell = row[column[name]]
            assert cell.data_type == "s", (name, cell.value)
            assert bool(cell.quotePrefix) == is_formula_like(cell.value), (name, cell.value)

    selectors = _sheet_rows(path, "Selectors")
    assert selectors[1] == ("TLP:AMBER", "phone", "+84912345678", "shopee:1; shopee:2", "zalo; whatsapp")
    assert _sheet_rows(path, "Accounts")[1] == ("TLP:AMBER", "shopee", "-ivory-", "shopee:1; shopee:2")
    assert _sheet_rows(path, "Links")[1] == ("TLP:AMBER", "shopee:1", "shopee:2", "phone", "+84912345678",
                                            "both list +84912345678")  # fmt: skip


def test_no_xlsx_cell_is_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(_hostile_export(), path)
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n", "b"), (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(path) as archive:
        parts = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(parts) == len(TABLES)
        for name in parts:
            xml = archive.read(name).decode("utf-8")
            assert not re.search(r"<(\w+:)?f[\s>/]", xml), name
            assert 't="e"' not in xml and 't="str"' not in xml


def test_xlsx_marks_every_sheet_and_freezes_a_bold_header(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(_hostile_export(), path)
    workbook = load_workbook(path)
    for table, sheet in zip(TABLES, workbook.worksheets, strict=True):
        assert sheet.title == table.sheet
        assert sheet.oddHeader.center.text == "TLP:RED"
        assert sheet.oddFooter.center.text == "TLP:RED"
        assert sheet.freeze_panes == "A2"
        header = next(sheet.iter_rows(max_row=1))
        assert tuple(cell.value for cell in header) == table.header()
        assert all(cell.font.bold for cell in header)
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in header]
        assert widths == [column.width for column in table.columns]
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    about = {row[1]: row for row in _sheet_rows(path, "About")[1:]}
    assert about["marking"][2] == "TLP:RED"
    assert about["listings"][2] == 3
    assert about["created_at"][2] == "2026-03-05T08:30:00Z"
    assert about["group"] == ("TLP:RED", "group", None, "case", "C-7", "=Operation Tusk")


def test_csv_and_xlsx_have_the_same_columns(tmp_path: Path) -> None:
    write_csv(_hostile_export(), tmp_path)
    write_xlsx(_hostile_export(), tmp_path / "export.xlsx")
    for table in TABLES:
        with (tmp_path / table.file).open(encoding="utf-8-sig", newline="") as handle:
            csv_header = next(csv.reader(handle))
        assert tuple(csv_header) == _sheet_rows(tmp_path / "export.xlsx", table.sheet)[0]


def test_xlsx_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"earlier work")
    with pytest.raises(InputError, match=r"export\.xlsx.*force"):
        write_xlsx(_hostile_export(), path)
    assert path.read_bytes() == b"earlier work"
    write_xlsx(_hostile_export(), path, force=True)
    assert load_workbook(path).sheetnames[0] == "About"
    assert sorted(item.name for item in tmp_path.iterdir()) == ["export.xlsx"]  # no partial file left


def test_xlsx_refuses_more_rows_than_a_sheet_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "XLSX_ROW_LIMIT", 3)
    with pytest.raises(InputError, match="export CSV"):
        write_xlsx(_hostile_export(), tmp_path / "export.xlsx")
    assert not (tmp_path / "export.xlsx").exists()


def test_xlsx_cuts_a_cell_at_excels_limit(tmp_path: Path) -> None:
    long = ExportSet(Exporter("K", "K", None), SEEN, (), (_listing(1, title="x" * 40_000),), (), (), ())
    write_xlsx(long, tmp_path / "export.xlsx")
    title = _sheet_rows(tmp_path / "export.xlsx", "Listings")[1][sheets.LISTINGS.header().index("title")]
    assert title == "x" * sheets.XLSX_CELL_LIMIT


# --- size -----------------------------------------------------------------------------------


def test_a_hundred_thousand_listings_export_in_time(tmp_path: Path) -> None:
    count = 100_000
    listings = tuple(
        _listing(ref, title=(HOSTILE if ref % 100 == 0 else f"{VIETNAMESE} {CHINESE} {ref}"),
                 seller=f"seller {ref % 5000}", score=(ref % 100) / 100, flagged=bool(ref % 2),
                 commodities=("ivory",), taxa=(("Elephas maximus", "I"),), price="1.200.000 ₫",
                 location="Hà Nội")
        for ref in range(count)
    )  # fmt: skip
    selectors = tuple(
        ExportedSelector("phone", f"+8491{ref:07d}", (ref, ref + 1), ("zalo",), "AMBER")
        for ref in range(0, count, 10)
    )
    export = ExportSet(Exporter("KESTREL", "Kestrel", "VN"), SEEN, (), listings, selectors, (), (), "AMBER")

    started = time.perf_counter()
    assert write_csv(export, tmp_path / "csv")["listings.csv"] == count
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    assert write_xlsx(export, tmp_path / "export.xlsx")["Listings"] == count
    xlsx_seconds = time.perf_counter() - started
    print(f"\n{count:,} listings: csv {csv_seconds:.1f} s, xlsx {xlsx_seconds:.1f} s")
    assert csv_seconds < 60 and xlsx_seconds < 60

    with (tmp_path / "csv" / "listings.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) == count + 1
    with zipfile.ZipFile(tmp_path / "export.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")  # Listings
    assert f'<row r="{count + 1}"' in xml and f'<row r="{count + 2}"' not in xml
    assert not re.search(r"<(\w+:)?f[\s>/]", xml)
