"""Hostile files for the JSONL, CSV, Excel and HTML readers (issue 10, findings 15 and 22).

Each hostile file is read in a child process with its address space capped
(``resource.setrlimit``) and a timeout, so a reader that blows up memory or time fails the
test instead of the machine. Every file also holds good records around the bad one: they
must be kept, and the bad one rejected with its file, line and reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wildtrace.collect import read_file, read_table
from wildtrace.config import max_record_bytes
from wildtrace.errors import ConfigError
from wildtrace.model import Listing, Reject

#: Address space a child reading one hostile file may use (the interpreter and its
#: libraries take ~250 MB of it); the unbounded readers needed 0.5 to 3.3 GB.
MEMORY_LIMIT = 512 * 1024 * 1024
TIME_LIMIT = 60

_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from pathlib import Path
from wildtrace.collect import read_file
from wildtrace.model import Listing
out = []
for item in read_file(Path(sys.argv[1])):
    if isinstance(item, Listing):
        out.append(["listing", item.id, item.origin.line if item.origin else None])
    else:
        out.append(["reject", item.reason, item.origin.line])
print(json.dumps(out))
"""


def read_in_child(path: Path, env: dict[str, str] | None = None) -> list[list[Any]]:
    """What ``read_file`` gives for ``path``, read under the memory and time limits."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(limit=MEMORY_LIMIT), str(path)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: list[list[Any]] = json.loads(done.stdout)
    return result


def test_a_50_mb_json_line_is_rejected_and_the_next_kept(tmp_path: Path) -> None:
    """One 50 MB record took 3.3 GB; it is now rejected unread, the next line is read."""
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "a", "title": "Ngà voi"}) + "\n")
        handle.write('{"id": "huge", "title": "x", "images": [' + "0," * (25 * 1024 * 1024) + "0]}\n")
        handle.write(json.dumps({"id": "b", "title": "Vảy tê tê"}) + "\n")
    results = read_in_child(path)
    assert results[0] == ["listing", "a", 1] and results[2] == ["listing", "b", 3]
    kind, reason, line = results[1]
    assert (kind, line) == ("reject", 2)
    assert reason == f"line longer than {max_record_bytes():,} bytes (WILDTRACE_MAX_RECORD_BYTES)"


def test_the_record_limit_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "title": "x" * 300}) + "\n" + '{"id": "b", "title": "y"}\n')
    results = read_in_child(path, {"WILDTRACE_MAX_RECORD_BYTES": "200"})
    assert [r[0] for r in results] == ["reject", "listing"]
    assert results[0][1].startswith("line longer than 200 bytes")
    field = read_in_child(path, {"WILDTRACE_MAX_FIELD_BYTES": "100"})
    assert field[0] == ["reject", "field 'title' is longer than 100 bytes (WILDTRACE_MAX_FIELD_BYTES)", 1]
    os.environ["WILDTRACE_MAX_RECORD_BYTES"] = "lots"
    try:
        with pytest.raises(ConfigError, match="WILDTRACE_MAX_RECORD_BYTES='lots'"):
            max_record_bytes()
    finally:
        del os.environ["WILDTRACE_MAX_RECORD_BYTES"]


def test_csv_huge_line_and_unclosed_quote_are_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,title\n1,Ngà voi\n")
        handle.write("2," + "x" * (50 * 1024 * 1024) + "\n")  # line 3: one 50 MB line
        handle.write("3,Sừng tê\n")
        handle.write('4,"never closed\n' + ("y" * 999 + "\n") * 1100)  # 1.1 MB of lines in one quote
        handle.write("5,Rhino horn\n")
    results = read_in_child(path)
    listings = [r for r in results if r[0] == "listing"]
    rejects = [r for r in results if r[0] == "reject"]
    assert [r[1:] for r in listings] == [["1", 2], ["3", 4], ["5", 1106]]
    assert rejects[0][2] == 3 and "line longer than" in rejects[0][1]
    assert rejects[1][2] == 5 and "longer than 1,048,576 bytes" in rejects[1][1]
    assert "the row runs from line 5 to 1054: an unclosed quote?" in rejects[1][1]
    assert all("row has 1 fields" in reject[1] for reject in rejects[2:])  # the rest of the quote


_SST = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _workbook_with_cell(path: Path, size: int, shared: bool) -> None:
    """A small .xlsx with one cell of ``size`` bytes between two good rows (a zip bomb: the
    200 MB cell compresses to ~200 KB). openpyxl writes cells inline in the sheet; Excel
    writes them to the shared strings table (``shared``)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "title"])
    sheet.append(["1", "Ngà voi"])
    sheet.append(["2", "PLACEHOLDER"])
    sheet.append(["3", "Vảy tê tê"])
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml" and shared:
                data = data.replace(b't="inlineStr"><is><t>PLACEHOLDER</t></is>', b't="s"><v>0</v>')
            elif info.filename == "[Content_Types].xml" and shared:
                override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST + b'"/>'
                data = data.replace(b"</Types>", override + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels" and shared:
                rel = b'<Relationship Id="rIdS" Type="' + _SST_REL + b'" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", rel + b"</Relationships>")
            if b"PLACEHOLDER" in data or (shared and info.filename == "xl/worksheets/sheet1.xml"):
                if shared:
                    target.writestr(info, data)
                    data = (
                        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org'
                        b'/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                        b"<si><t>PLACEHOLDER</t></si></sst>"
                    )
                    info = zipfile.ZipInfo("xl/sharedStrings.xml")
                before, after = data.split(b"PLACEHOLDER")
                with target.open(info.filename, "w", force_zip64=True) as part:
                    part.write(before)
                    chunk = b"A" * (1 << 20)
                    for _ in range(size // len(chunk)):
                        part.write(chunk)
                    part.write(after)
            else:
                target.writestr(info, data)


@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared-strings"])
def test_a_200_mb_excel_cell_is_rejected_in_bounded_memory(tmp_path: Path, shared: bool) -> None:
    """A 200 MB cell in a ~200 KB .xlsx took 2.6 GB; now its row is rejected, the others read."""
    path = tmp_path / "bomb.xlsx"
    _workbook_with_cell(path, 200 * 1024 * 1024, shared)
    assert path.stat().st_size < 1024 * 1024
    results = read_in_child(path)
    assert results[0] == ["listing", "1", 2] and results[2] == ["listing", "3", 4]
    kind, reason, line = results[1]
    assert (kind, line) == ("reject", 3)
    assert reason.startswith("cell 'title' is 209,715,200 bytes, longer than 1,048,576")


@pytest.mark.parametrize("tag", ["div", "article", "div itemscope itemprop=offers", "span", "li><ul"])
def test_100k_unclosed_nested_elements_parse_in_linear_time(tmp_path: Path, tag: str) -> None:
    """100k unclosed nested elements took 150 s (quadratic); the page is now read in about a second."""
    path = tmp_path / "deep.html"
    path.write_text(
        "<html><head><title>Ngà voi</title></head><body><h1>Vòng ngà voi</h1>"
        + f"<{tag}>" * 100_000
        + "Zalo 0912 345 678</body></html>",
        encoding="utf-8",
    )
    results = read_in_child(path)
    assert [r[0] for r in results] == ["listing"]


def test_an_oversized_page_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<html><body><h1>x</h1>" + "<p>y</p>" * 1000 + "</body></html>", encoding="utf-8")
    [[kind, reason, line]] = read_in_child(path, {"WILDTRACE_MAX_PAGE_BYTES": "4000"})
    assert (kind, reason, line) == ("reject", "page larger than 4,000 bytes (WILDTRACE_MAX_PAGE_BYTES)", None)


def test_a_hostile_dimension_does_not_pad_every_row(tmp_path: Path) -> None:
    """A <dimension ref="A1:XFD1048576"> made openpyxl pad each row to 16,384 cells."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "title"])
    for n in range(2000):
        sheet.append([str(n), "Ngà voi"])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    path = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2001"/>', b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in data
            target.writestr(info, data)
    results = read_in_child(path)
    assert len(results) == 2000 and all(r[0] == "listing" for r in results)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx", ".html"])
def test_a_fifo_or_a_symlink_loop_is_one_reject_not_a_hang(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    loop = tmp_path / f"loop{suffix}"
    loop.symlink_to(loop)
    assert read_in_child(fifo) == [
        ["reject", "not a regular file (a FIFO, socket or device): not read", None]
    ]
    [[kind, reason, line]] = read_in_child(loop)
    assert (kind, line) == ("reject", None) and reason.startswith("cannot read file: ")


# --- fuzzed readers: no crash, every record accounted for --------------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cell_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@FUZZ
@given(rows=st.lists(st.lists(cell_text, min_size=2, max_size=2), min_size=1, max_size=8))
def test_fuzzed_excel_rows_read_back_with_their_numbers(tmp_path: Path, rows: list[list[str]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "title"])
    kept = []
    for row in rows:
        cells = [ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row]
        cells = ["'" + c if c.startswith("=") else c for c in cells]  # a formula is not a value
        sheet.append(cells)
        kept.append(cells)
    path = tmp_path / "fuzz.xlsx"
    workbook.save(path)
    table = read_table(path)
    got = {row.line: row for row in table.rows}
    for number, cells in enumerate(kept, start=2):
        if not any(cells):
            assert number not in got
            continue
        assert got[number].problem is None
        assert [str(c) for c in got[number].cells] + [""] * (2 - len(got[number].cells)) == cells
    results = list(read_file(path))
    assert all(isinstance(r, Listing | Reject) for r in results)


@FUZZ
@given(
    body=st.lists(
        st.sampled_from(["<div>", "</div>", "<article>", "<p>", "<script>", "</script>", "<!--", "-->",
                         "<b>", "<div/>", "<svg><path/>", "ivory ", "\x00", "<", ">", "&amp;",
                         '<script type="application/ld+json">{"@type":"Product","name":"x\\u0000"}',
                         "<span itemscope itemprop=seller>", "<meta property=og:title content=t>"]),
        max_size=200,
    )
)  # fmt: skip
def test_fuzzed_html_gives_one_result(tmp_path: Path, body: list[str]) -> None:
    path = tmp_path / "fuzz.html"
    path.write_text("<html><body><h1>Ngà</h1>" + "".join(body), encoding="utf-8", errors="surrogatepass")
    results = list(read_file(path))
    assert len(results) == 1
    if isinstance(results[0], Listing):
        assert all("\x00" not in (results[0].field_text(name)) for name in ("title", "text", "price"))


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            st.just('{"id": "x\\u0000", "title": "a\\u0000b"}'),
            st.just('{"title": "' + "y" * 300 + '"}'),
            st.just('{"title": "ok"}'),
            st.just("[" * 5000),
            st.text(max_size=30),
        ),
        max_size=12,
    )
)
def test_fuzzed_jsonl_accounts_for_every_line(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.jsonl"
    data = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    path.write_bytes(data.encode("utf-8", "surrogatepass"))
    os.environ["WILDTRACE_MAX_RECORD_BYTES"] = "200"
    try:
        results = list(read_file(path))
    finally:
        del os.environ["WILDTRACE_MAX_RECORD_BYTES"]
    if results and isinstance(results[0], Reject) and results[0].origin.line is None:
        return  # read as binary or UTF-16: one reject for the file
    numbered = [n for n, line in enumerate(data.split("\n"), 1) if line.strip(" \t\r\n\x0b\x0c")]
    assert [r.origin.line if r.origin else None for r in results] == numbered
    for result in results:
        if isinstance(result, Listing):
            assert "\x00" not in json.dumps([result.id, result.title, result.extra])


LATIN = st.characters(codec="latin-1", exclude_categories=["Cc"], include_characters="\t\n")


@FUZZ
@given(
    rows=st.lists(
        st.lists(st.text(alphabet=LATIN, max_size=12), min_size=3, max_size=3).filter(
            lambda row: bool(row[0].strip(" \t\r\n\x0b\x0c"))
        ),
        min_size=1, max_size=6,
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]),
)  # fmt: skip
def test_fuzzed_csv_reads_back_its_cells_in_every_encoding_and_delimiter(
    tmp_path: Path, rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    """The one tabular reader gives back what a CSV writer wrote, whatever the delimiter and
    encoding (UTF-16 without BOM found by its NULs; cp1252 through --encoding)."""
    import csv
    import io

    from wildtrace.collect import ReadOptions

    if encoding == "cp1252":
        rows = [[cell.encode("cp1252", "replace").decode("cp1252") for cell in row] for row in rows]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["id", "title", "price"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    options = ReadOptions(encoding="cp1252" if encoding == "cp1252" else None)
    table = read_table(path, options)
    assert table.header == ["id", "title", "price"]
    got = [row for row in table.rows]
    assert all(row.problem is None for row in got), [row.problem for row in got]
    assert [list(row.cells) for row in got] == rows
