"""JSON Lines: good records, every kind of bad line, aliases, ids, charsets, streaming."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from wildtrace.collect import read_file
from wildtrace.model import Listing, Reject


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def split(results: list[Listing | Reject]) -> tuple[list[Listing], list[Reject]]:
    listings = [r for r in results if isinstance(r, Listing)]
    rejects = [r for r in results if isinstance(r, Reject)]
    return listings, rejects


GOOD_1 = json.dumps({"id": "a1", "title": "Ivory bangle", "price": 450})
GOOD_2 = json.dumps({"id": "a2", "title": "Tiger claw pendant"})


def test_good_records_become_listings_with_fields_and_extra(tmp_path: Path) -> None:
    record = {
        "id": "L-1",
        "platform": "market.test",
        "url": "https://market.test/1",
        "seller": "tan99",
        "seller_info": "Zalo 0912 345 678",
        "title": "Vòng tay ngà voi",
        "text": "Ngà voi thật 100%",
        "price": 450,
        "location": "Hà Nội",
        "posted_at": "2024-05-01",
        "images": ["https://img.test/1.jpg", "https://img.test/2.jpg"],
        "views": 12,
        "category": {"id": 7},
    }
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(record, ensure_ascii=False)])
    [listing] = list(read_file(path))
    assert isinstance(listing, Listing)
    assert listing.id == "L-1"
    assert listing.title == "Vòng tay ngà voi"
    assert listing.price == "450"  # numbers become strings
    assert listing.images == ("https://img.test/1.jpg", "https://img.test/2.jpg")
    assert listing.extra == {"views": 12, "category": {"id": 7}}
    assert listing.origin is not None
    assert (listing.origin.file, listing.origin.line) == (str(path), 1)


def test_body_alias_fills_text(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "a.jsonl",
        [
            json.dumps({"id": "b", "body": "Rhino horn powder"}),
            json.dumps({"id": "c", "text": "main", "description": "second", "body": "third"}),
        ],
    )
    first, second = list(read_file(path))
    assert isinstance(first, Listing) and isinstance(second, Listing)
    assert first.text == "Rhino horn powder" and "body" not in first.extra
    assert second.text == "main"
    assert second.extra == {"description": "second", "body": "third"}


def test_malformed_line_is_rejected_and_neighbours_are_read(tmp_path: Path) -> None:
    bad = '{"id": "x" "title": "no comma"}'
    path = write_lines(tmp_path / "in.jsonl", [GOOD_1, bad, GOOD_2])
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["a1", "a2"]
    [reject] = rejects
    assert reject.origin.file == str(path) and reject.origin.line == 2
    assert reject.reason == "invalid JSON: Expecting ',' delimiter at column 12"
    assert reject.raw == bad


def test_line_that_is_not_an_object_is_rejected(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [GOOD_1, '["a", "list"]', "42", GOOD_2])
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["a1", "a2"]
    assert [(r.origin.line, r.reason) for r in rejects] == [
        (2, "not a JSON object: the line holds an array"),
        (3, "not a JSON object: the line holds a number"),
    ]


def test_empty_record_is_rejected(tmp_path: Path) -> None:
    empty = json.dumps({"id": "e", "price": 10, "title": "  ", "images": ["x.jpg"]})
    path = write_lines(tmp_path / "in.jsonl", [GOOD_1, empty, GOOD_2])
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["a1", "a2"]
    [reject] = rejects
    assert reject.origin.line == 2
    assert reject.reason.startswith("empty record: no title, text")


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", ["", GOOD_1, "   ", "", "{oops", GOOD_2])
    results = list(read_file(path))
    assert [r.origin.line for r in results if r.origin] == [2, 5, 6]


def test_undecodable_line_is_rejected_with_byte_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(GOOD_1.encode() + b"\n" + b'{"title": "caf\xe9"}\n' + GOOD_2.encode() + b"\n")
    listings, rejects = split(list(read_file(path)))
    assert [item.id for item in listings] == ["a1", "a2"]
    [reject] = rejects
    assert reject.origin.line == 2
    assert reject.reason.startswith("not UTF-8: byte 0xe9 at offset 14 of the line")
    assert "\\xe9" in reject.raw


def test_binary_file_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "photo.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [reject] = list(read_file(path))
    assert isinstance(reject, Reject)
    assert (reject.origin.file, reject.origin.line) == (str(path), None)
    assert reject.reason == "binary file (NUL bytes)"


def test_utf8_bom_and_utf16_with_bom_are_read(tmp_path: Path) -> None:
    bom8 = tmp_path / "bom8.jsonl"
    bom8.write_bytes(codecs.BOM_UTF8 + (GOOD_1 + "\n" + GOOD_2 + "\n").encode())
    text = json.dumps({"id": "z", "title": "象牙手镯"}, ensure_ascii=False) + "\n" + GOOD_2
    utf16 = write_lines(tmp_path / "wide.jsonl", [text], encoding="utf-16")  # adds a BOM
    assert [r.id for r in read_file(bom8) if isinstance(r, Listing)] == ["a1", "a2"]
    listings, rejects = split(list(read_file(utf16)))
    assert rejects == []
    assert [(item.id, item.title, item.origin and item.origin.line) for item in listings] == [
        ("z", "象牙手镯", 1),
        ("a2", "Tiger claw pendant", 2),
    ]


def test_lone_surrogate_escapes_are_replaced(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", ['{"title": "bad \\ud800 here", "x": "\\udfff"}'])
    [listing] = list(read_file(path))
    assert isinstance(listing, Listing)
    assert listing.title == "bad \ufffd here"
    assert listing.extra == {"x": "\ufffd", "removed_characters": 2}


def test_large_file_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    with path.open("w", encoding="utf-8") as stream:
        for number in range(50_000):
            stream.write(json.dumps({"title": f"item {number}", "price": number}) + "\n")
    count = 0
    last = None
    for result in read_file(path):  # iterate, never materialise the whole list
        assert isinstance(result, Listing)
        count += 1
        last = result
    assert count == 50_000
    assert last is not None and last.title == "item 49999" and last.origin is not None
    assert last.origin.line == 50_000


def test_a_stray_nul_in_one_line_is_removed_and_the_record_kept(tmp_path: Path) -> None:
    """A NUL (a raw byte or a \\u0000 escape) cannot be stored in PostgreSQL: it is taken out
    of every field and counted, and the record is kept (issue 10, finding 15)."""
    path = tmp_path / "nul.jsonl"
    path.write_bytes(
        b'{"id": "a", "title": "ivory"}\n{"id": "b", "title": "x\x00y"}\n{"id": "c", "title": "horn"}\n'
        b'{"id": "d\\u0000", "title": "ok", "text": "a\\u0000b", "note": {"k\\u0000": ["\\u0000"]}}\n'
    )
    results = list(read_file(path))
    assert all(isinstance(r, Listing) for r in results)
    listings = [r for r in results if isinstance(r, Listing)]
    assert [(r.id, r.title, r.text) for r in listings] == [
        ("a", "ivory", None), ("b", "xy", None), ("c", "horn", None), ("d", "ok", "ab")
    ]
    assert [r.extra.get("removed_characters") for r in listings] == [None, 1, None, 4]
    assert listings[3].extra["note"] == {"k": [""]}
