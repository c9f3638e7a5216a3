"""Finding input files, folders of mixed formats, unknown and unreadable files, HTML files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wildtrace.collect import find_input_files, read_file, read_inputs
from wildtrace.errors import InputError
from wildtrace.model import Listing, Reject


def make_tree(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.jsonl").write_text(json.dumps({"id": "j1", "title": "Ivory"}) + "\n")
    (root / "b" / "c.csv").write_text("id,title\nc1,Pangolin\nc2,Turtle shell\n")
    (root / "b" / "deep" / "page.HTML").write_text(
        '<html><head><link rel="canonical" href="https://shop.test/p/9"></head>'
        "<body><h1>Rhino horn cup</h1><p>Antique</p></body></html>"
    )
    (root / "b" / "notes.txt").write_text("not an input")
    (root / ".hidden" / "x.jsonl").write_text(json.dumps({"id": "h", "title": "no"}) + "\n")
    (root / ".dot.jsonl").write_text(json.dumps({"id": "h2", "title": "no"}) + "\n")
    (root / "z.ndjson").write_text(json.dumps({"id": "z1", "text": "Shark fin"}) + "\n")


def test_folders_are_walked_sorted_skipping_hidden_and_unknown(tmp_path: Path) -> None:
    make_tree(tmp_path)
    files = find_input_files([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a.jsonl",
        "b/c.csv",
        "b/deep/page.HTML",
        "z.ndjson",
    ]
    assert files == find_input_files([str(tmp_path)])  # deterministic, str or Path


def test_read_inputs_mixes_formats_in_order(tmp_path: Path) -> None:
    make_tree(tmp_path)
    results = list(read_inputs([tmp_path]))
    assert all(isinstance(r, Listing) for r in results)
    ids = [r.id for r in results if isinstance(r, Listing)]
    assert ids[:3] == ["j1", "c1", "c2"] and ids[4] == "z1"
    assert ids[3].startswith("url-")  # the page's canonical URL gives its id
    page = results[3]
    assert isinstance(page, Listing) and page.title == "Rhino horn cup"
    assert page.origin is not None
    assert page.origin.file == str(tmp_path / "b" / "deep" / "page.HTML")
    assert page.origin.line is None


def test_files_given_twice_are_read_once_and_arguments_keep_their_order(tmp_path: Path) -> None:
    make_tree(tmp_path)
    z = tmp_path / "z.ndjson"
    assert find_input_files([z, tmp_path / "b", z]) == [
        z,
        tmp_path / "b" / "c.csv",
        tmp_path / "b" / "deep" / "page.HTML",
    ]


def test_missing_path_raises_input_error(tmp_path: Path) -> None:
    make_tree(tmp_path)
    with pytest.raises(InputError) as caught:
        read_inputs([tmp_path / "a.jsonl", tmp_path / "missing.csv"])
    assert caught.value.path == str(tmp_path / "missing.csv")
    assert "no such file" in caught.value.reason


def test_unknown_extension_given_explicitly_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "export.numbers"
    path.write_bytes(b"PK\x03\x04")
    make_tree(tmp_path / "good")
    good = tmp_path / "good" / "a.jsonl"
    reject, listing = list(read_inputs([path, good]))  # the other inputs are still read
    assert isinstance(listing, Listing) and listing.id == "j1"
    assert isinstance(reject, Reject)
    assert (reject.origin.file, reject.origin.line) == (str(path), None)
    assert reject.reason.startswith("unknown file type '.numbers'")


def test_file_that_cannot_be_opened_is_one_reject(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.jsonl"  # a folder where a file is expected
    folder.mkdir()
    make_tree(tmp_path / "good")
    reject, listing = [r for path in (folder, tmp_path / "good" / "a.jsonl") for r in read_file(path)]
    assert isinstance(listing, Listing) and listing.id == "j1"
    assert isinstance(reject, Reject)
    assert (reject.origin.file, reject.origin.line) == (str(folder), None)
    assert reject.reason == "cannot read file: Is a directory"


def test_html_file_reads_one_listing_with_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "ad.htm"
    path.write_text("<title>Hornbill casque</title><p>Carved casque, 5cm</p>", encoding="utf-8")
    [listing] = list(read_file(path))
    assert isinstance(listing, Listing)
    assert (listing.title, listing.text) == ("Hornbill casque", "Carved casque, 5cm")
    assert len(listing.extra["sha256"]) == 64


def test_html_file_without_text_or_charset_is_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><script>x()</script></head><body></body></html>")
    latin = tmp_path / "latin.html"
    latin.write_bytes(b"<p>Ivoire v\xe9ritable</p>")
    binary = tmp_path / "img.html"
    binary.write_bytes(b"\x89PNG\x00\x00")
    results = [list(read_file(p)) for p in (empty, latin, binary)]
    reasons = [(r.origin.line, r.reason) for [r] in results if isinstance(r, Reject)]
    assert reasons == [
        (None, "empty page: no title or text found"),
        (None, "not UTF-8 and no charset declared: byte 0xe9 at offset 11"),
        (None, "binary file (NUL bytes)"),
    ]
