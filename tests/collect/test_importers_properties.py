"""Property tests: reading arbitrary bytes never raises and accounts for every non-blank line."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wildtrace.collect import read_file
from wildtrace.collect.tabular import SNIFF_BYTES, looks_binary, utf16_without_bom
from wildtrace.model import Listing, Reject

BLANK = b" \t\r\n\x0b\x0c"

record = st.dictionaries(
    st.sampled_from(["id", "title", "text", "description", "body", "price", "images", "x"]),
    st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.text(max_size=5))),
    max_size=5,
).map(lambda d: json.dumps(d).encode())
line = st.one_of(
    st.binary(max_size=30),
    st.text(max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass")),
    record,
    st.sampled_from([b"", b"  ", b'"', b"a,b,c", b"\xff\xfe", b"\xef\xbb\xbf", b"\x00"]),
)
content = st.one_of(st.binary(max_size=300), st.lists(line, max_size=12).map(b"\n".join))

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def nonblank_lines(data: bytes) -> list[int]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return [n for n, raw in enumerate(data.split(b"\n"), 1) if raw.strip(BLANK)]


def is_whole_file_reject(results: list[Listing | Reject]) -> bool:
    return len(results) == 1 and isinstance(results[0], Reject) and results[0].origin.line is None


def origin_lines(results: list[Listing | Reject]) -> list[int | None]:
    return [r.origin.line if r.origin else None for r in results]


@SETTINGS
@given(data=content)
def test_jsonl_never_raises_and_accounts_for_every_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    results = list(read_file(path))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # UTF-16: lines are split on two-byte newlines, not on b"\n"
    if utf16_without_bom(data[:SNIFF_BYTES]):
        return  # UTF-16 without a BOM, found by its NUL bytes
    if looks_binary(data[:SNIFF_BYTES]):
        assert is_whole_file_reject(results)
        return
    assert origin_lines(results) == nonblank_lines(data)


@SETTINGS
@given(data=content)
def test_csv_never_raises_and_accounts_for_every_row(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    results = list(read_file(path))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if utf16_without_bom(data[:SNIFF_BYTES]):
        return  # UTF-16 without a BOM, found by its NUL bytes
    if looks_binary(data[:SNIFF_BYTES]):
        assert is_whole_file_reject(results)
        return
    lines = nonblank_lines(data)
    got = origin_lines(results)
    assert all(isinstance(n, int) for n in got) and got == sorted(set(got))  # type: ignore[type-var]
    if b'"' not in data and b"\r" not in data:  # one row per physical line
        assert got == lines[1:]  # the first non-blank line is the header


@SETTINGS
@given(data=content)
def test_html_never_raises_and_gives_one_result(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.html"
    path.write_bytes(data)
    results = list(read_file(path))
    assert len(results) == 1


@SETTINGS
@given(data=st.binary(max_size=400))
def test_warc_never_raises(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.warc"
    path.write_bytes(b"WARC/1.0\r\n" + data)
    results = list(read_file(path))
    assert all(isinstance(r, Listing | Reject) for r in results)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_fuzzed_shapes_are_read(tmp_path: Path, suffix: str) -> None:
    """The strategy's records really produce listings (guards against a vacuous property)."""
    path = tmp_path / f"ok{suffix}"
    path.write_text('title\n"x"\n' if suffix == ".csv" else '{"title": "x"}\n')
    assert [type(r) for r in read_file(path)] == [Listing]
