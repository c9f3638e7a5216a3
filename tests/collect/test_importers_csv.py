"""CSV: header, aliases, extra columns, dialects, bad rows, charsets, stable ids."""

from __future__ import annotations

import json
from pathlib import Path

from wildtrace.collect import read_file
from wildtrace.model import Listing, Reject


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def split(results: list[Listing | Reject]) -> tuple[list[Listing], list[Reject]]:
    return (
        [r for r in results if isinstance(r, Listing)],
        [r for r in results if isinstance(r, Reject)],
    )


def test_description_alias_and_extra_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ads.csv",
        "id,title,description,price,images,shop_rating,category\n"
        "1,Pangolin scales,500g available,120,https://i.test/a.jpg|https://i.test/b.jpg,4.5,"
        "medicine\n"
        "2,Parrot,Young african grey,300,https://i.test/c.jpg https://i.test/d.jpg,,birds\n",
    )
    first, second = list(read_file(path))
    assert isinstance(first, Listing) and isinstance(second, Listing)
    assert first.text == "500g available"
    assert first.images == ("https://i.test/a.jpg", "https://i.test/b.jpg")
    assert first.extra == {"shop_rating": "4.5", "category": "medicine"}
    assert second.images == ("https://i.test/c.jpg", "https://i.test/d.jpg")
    assert first.origin is not None and first.origin.line == 2
    assert second.origin is not None and second.origin.line == 3


def test_row_with_wrong_number_of_fields_is_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ads.csv",
        "id,title,price\n1,Ivory bangle,450\n2,Tiger claw,100,extra,fields\n3,Shark fin\n4,Rhino horn,9000\n",
    )
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["1", "4"]
    assert [(r.origin.file, r.origin.line, r.reason) for r in rejects] == [
        (str(path), 3, "row has 5 fields, header has 3"),
        (str(path), 4, "row has 2 fields, header has 3"),
    ]
    assert rejects[0].raw == "2,Tiger claw,100,extra,fields"


def test_line_numbers_are_physical_with_quoted_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ads.csv",
        'id,title,text\n1,One,"first\nsecond\nthird"\n\n2,Two,"x"\n3,"unclosed,Three\n4,Four,y\n',
    )
    listings, rejects = split(list(read_file(path)))
    assert [(item.id, item.origin and item.origin.line) for item in listings] == [
        ("1", 2),
        ("2", 6),
    ]
    assert listings[0].text == "first\nsecond\nthird"
    [reject] = rejects
    assert reject.origin.line == 7
    assert reject.reason == (
        "row has 2 fields, header has 3 (the row runs from line 7 to 8: an unclosed quote?)"
    )


def test_empty_row_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "id,title,text,price\n1,Bear bile,,\n2,,,50\n3,,Gall,\n")
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["1", "3"]
    [reject] = rejects
    assert reject.origin.line == 3
    assert reject.reason.startswith("empty record")


def test_semicolon_and_tab_dialects_are_sniffed(tmp_path: Path) -> None:
    semicolon = write(tmp_path / "s.csv", "id;title;price\n1;Ivoire, sculpté;450,00\n")
    tab = write(tmp_path / "t.csv", "id\ttitle\tprice\n1\tGading, ukir\t450\n")
    [a] = list(read_file(semicolon))
    [b] = list(read_file(tab))
    assert isinstance(a, Listing) and (a.title, a.price) == ("Ivoire, sculpté", "450,00")
    assert isinstance(b, Listing) and (b.title, b.price) == ("Gading, ukir", "450")


def test_utf16_csv_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "excel.csv", "id,title\r\n1,象牙\r\n2,Ngà voi\r\n", encoding="utf-16")
    listings, rejects = split(list(read_file(path)))
    assert rejects == []
    assert [(item.id, item.title) for item in listings] == [("1", "象牙"), ("2", "Ngà voi")]


def test_latin1_row_is_rejected_with_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"id,title\n1,ok\n2,Ivoire v\xe9ritable\n3,fine\n")
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["1", "3"]
    [reject] = rejects
    assert reject.origin.line == 3
    assert reject.reason.startswith("not UTF-8: byte 0xe9 at offset 10 of the line")


def test_binary_csv_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(100))
    [reject] = list(read_file(path))
    assert isinstance(reject, Reject)
    assert (reject.origin.line, reject.reason) == (None, "binary file (NUL bytes)")


def test_same_record_in_jsonl_and_csv_gets_the_same_id(tmp_path: Path) -> None:
    record = {
        "title": "Ivory chopsticks",
        "description": "Old, 20cm",
        "price": 80,
        "images": ["a.jpg", "b.jpg"],
        "note": "only in one",
    }
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps(record) + "\n", encoding="utf-8")
    csv_file = write(
        tmp_path / "b.csv",
        'title,text,price,images\nIvory chopsticks,"Old, 20cm",80,a.jpg|b.jpg\n'
        "Ivory chopsticks,Old 20cm,80,a.jpg|b.jpg\n",
    )
    [from_json] = list(read_file(jsonl))
    from_csv, different = list(read_file(csv_file))
    assert isinstance(from_json, Listing) and isinstance(from_csv, Listing)
    assert isinstance(different, Listing)
    assert from_json.id.startswith("sha-") and len(from_json.id) == 4 + 16
    assert from_json.id == from_csv.id
    assert different.id != from_csv.id
    [again] = list(read_file(jsonl))  # stable from one read to the next
    assert isinstance(again, Listing) and again.id == from_json.id


def test_header_only_and_empty_files_give_nothing(tmp_path: Path) -> None:
    assert list(read_file(write(tmp_path / "h.csv", "id,title\n"))) == []
    assert list(read_file(write(tmp_path / "e.csv", ""))) == []


def test_a_latin1_byte_rejects_its_line_and_a_stray_nul_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"id,title\n1,ivory\n2,caf\xe9\n3,x\x00y\n4,horn\n")
    results = list(read_file(path))
    listings = [r for r in results if isinstance(r, Listing)]
    assert [(r.id, r.title, r.extra.get("removed_characters")) for r in listings] == [
        ("1", "ivory", None), ("3", "xy", 1), ("4", "horn", None)
    ]
    assert [r.origin.line for r in results if isinstance(r, Reject)] == [3]
