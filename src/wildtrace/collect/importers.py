"""Reading inputs: JSON Lines, CSV, HTML pages, WARC files, and folders of them.

Every reader yields ``Listing`` for each good record and ``Reject`` for each bad one (with the
file, the line or record number, and a reason a person can act on); nothing raises for bad
data. Only a path that does not exist raises ``InputError``: that is a usage error.
Line-based files are streamed, never read whole.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from wildtrace.errors import InputError
from wildtrace.evidence.payload import sha256_hex
from wildtrace.evidence.warc_read import read_warc
from wildtrace.model import Listing, Origin, Page, Reject
from wildtrace.parse.charset import CharsetError
from wildtrace.parse.html import has_text, parse_listing_html
from wildtrace.parse.record import EmptyRecordError, clean_text, listing_from_record

#: What a reader yields; ``Page`` only from WARC files (a page that is not a listing).
Result = Listing | Reject | Page

#: File name endings WildTrace reads, and the format each one means.
FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json-lines": "jsonl",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".warc": "warc",
    ".warc.gz": "warc",
    # a WARC still being written (or left by a killed crawl): read up to its last whole record
    ".warc.open": "warc",
    ".warc.gz.open": "warc",
}
#: How much of a file is looked at to tell text from binary.
SNIFF_BYTES = 8192
#: Share of control bytes (NUL included) from which a file holding NULs is binary.
BINARY_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c")
#: ASCII whitespace: a line made only of these is blank and skipped.
BLANK = " \t\r\n\x0b\x0c"

_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def input_format(path: Path) -> str | None:
    """ "jsonl", "csv", "html" or "warc" from the file name, or None if WildTrace does not read it."""
    name = path.name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(ending):
            return FORMATS[ending]
    return None


def find_input_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files to read, in a deterministic order.

    Files are kept as given (even with an unknown ending: reading them yields a Reject).
    Folders are walked recursively in sorted order, skipping hidden files and folders and
    files WildTrace does not read. A path given twice is read once. A missing path raises
    InputError.
    """
    found: list[Path] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = _walk(path)
        elif path.exists():
            files = [path]
        else:
            raise InputError(str(given), "no such file or directory")
        for file in files:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        files.extend(
            Path(folder, name)
            for name in filenames
            if not name.startswith(".") and input_format(Path(name)) is not None
        )
    return sorted(files, key=lambda file: file.relative_to(root).parts)


def read_inputs(paths: Sequence[str | Path]) -> Iterator[Result]:
    """Every listing and reject in the given files and folders (see find_input_files).

    Missing paths raise InputError at once, before anything is read.
    """
    files = find_input_files(paths)
    return (result for file in files for result in read_file(file))


def read_file(path: Path) -> Iterator[Result]:
    """Every listing and reject in one file, by its ending (.jsonl, .csv, .html, .warc ...)."""
    name = str(path)
    kind = input_format(path)
    if kind is None:
        known = ", ".join(FORMATS)
        yield Reject(
            Origin(name), f"unknown file type {path.suffix or path.name!r} (WildTrace reads {known})"
        )
        return
    readers: dict[str, Callable[[Path, str], Iterator[Result]]] = {
        "jsonl": _read_jsonl,
        "csv": _read_csv,
        "html": _read_html,
        "warc": read_warc,  # wildtrace.evidence.warc_read
    }
    try:
        yield from readers[kind](path, name)
    except OSError as error:
        yield Reject(Origin(name), f"cannot read file: {error.strerror or error}")


# --- lines and charsets ---------------------------------------------------------------------

#: One physical line: its number (1-based), its text (ending kept), and why it is unreadable.
Line = tuple[int, str, str | None]


class _BinaryFileError(Exception):
    """The file is not text."""


def looks_binary(head: bytes) -> bool:
    """True for the start of a binary file: NUL bytes among many control bytes.

    A text file with one bad line holding a NUL stays text (only that line is rejected);
    an image, an archive or a database is full of control bytes.
    """
    if b"\x00" not in head:
        return False
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls >= BINARY_CONTROL_SHARE * len(head)


def _text_lines(path: Path) -> Iterator[Line]:
    """The lines of a UTF-8 (BOM optional) or UTF-16 (BOM required) file, one at a time.

    A line that cannot be decoded is still yielded (with the bad bytes as \\xNN escapes), with
    the reason, so that the reader can reject that line and go on. Raises _BinaryFileError
    before the first line if the file looks binary and has no UTF-16 byte-order mark.
    """
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
        for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
            if head.startswith(bom):
                stream.seek(len(bom))
                yield from _decoded(_utf16_raw_lines(stream, codec), codec)
                return
        if looks_binary(head):
            raise _BinaryFileError("binary file (NUL bytes)")
        stream.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
        yield from _decoded(stream, "utf-8")


def _decoded(raw_lines: Iterable[bytes], codec: str) -> Iterator[Line]:
    label = "UTF-8" if codec == "utf-8" else "UTF-16"
    for number, raw in enumerate(raw_lines, 1):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as error:
            bad = raw[error.start : error.start + 1].hex()
            yield (
                number,
                raw.decode(codec, "backslashreplace"),
                (f"not {label}: byte 0x{bad} at offset {error.start} of the line (save the file as UTF-8)"),
            )
            continue
        if "\x00" in text:
            yield number, text.replace("\x00", "\\x00"), "binary data (NUL bytes) in the line"
        else:
            yield number, text, None


def _utf16_raw_lines(stream: Any, codec: str) -> Iterator[bytes]:
    """Split UTF-16 bytes into lines on the two-byte newline, at even offsets only."""
    newline = "\n".encode(codec)
    buffer = b""
    while chunk := stream.read(1 << 20):
        buffer += chunk
        start = 0
        found = buffer.find(newline, start)
        while found != -1:
            if found % 2:  # the two bytes straddle two code units: not a newline
                found = buffer.find(newline, found + 1)
                continue
            yield buffer[start : found + 2]
            start = found + 2
            found = buffer.find(newline, start)
        buffer = buffer[start:]
    if buffer:
        yield buffer


def _is_blank(text: str) -> bool:
    return not text.strip(BLANK)


def _raw(text: str) -> str:
    return text.rstrip("\r\n")


# --- JSON Lines -----------------------------------------------------------------------------

_JSON_TYPES = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "null",
}


def _read_jsonl(path: Path, name: str) -> Iterator[Result]:
    try:
        for number, text, problem in _text_lines(path):
            if _is_blank(text):
                continue
            origin = Origin(name, number)
            if problem:
                yield Reject(origin, problem, _raw(text))
                continue
            yield _jsonl_record(text, origin)
    except _BinaryFileError as error:
        yield Reject(Origin(name), str(error))


def _jsonl_record(text: str, origin: Origin) -> Result:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Reject(origin, f"invalid JSON: {error.msg} at column {error.colno}", _raw(text))
    except (ValueError, RecursionError) as error:  # huge integers, very deep nesting
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        return Reject(origin, f"invalid JSON: {reason}", _raw(text))
    if not isinstance(record, dict):
        kind = _JSON_TYPES.get(type(record), type(record).__name__)
        return Reject(origin, f"not a JSON object: the line holds {kind}", _raw(text))
    if _LONE_SURROGATE_ESCAPE.search(text):
        record = _clean_strings(record)
    try:
        return listing_from_record(record, origin)
    except EmptyRecordError as error:
        return Reject(origin, str(error), _raw(text))


def _clean_strings(value: Any) -> Any:
    """Replace lone surrogates everywhere in a parsed JSON value (they cannot be stored)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): _clean_strings(item) for key, item in value.items()}
    return value


# --- CSV ------------------------------------------------------------------------------------


class _LineFeed:
    """Feeds decoded lines to csv.reader, remembering the raw text and problems of each row."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._lines = lines
        self.pending: list[str] = []
        self.problems: list[tuple[int, str]] = []

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        number, text, problem = next(self._lines)
        self.pending.append(text)
        if problem:
            self.problems.append((number, problem))
        return text

    def take(self) -> tuple[str, list[tuple[int, str]]]:
        """The raw text and the problems of the lines read since the last call."""
        raw, problems = "".join(self.pending), self.problems
        self.pending, self.problems = [], []
        return raw, problems


def _sniff_delimiter(header_line: str) -> str:
    """Comma by default; semicolon or tab when the header holds more of them."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])  # ties keep the first: the comma
    return best if counts[best] else ","


def _read_csv(path: Path, name: str) -> Iterator[Result]:
    try:
        lines = _text_lines(path)
        first = next(((n, t, p) for n, t, p in lines if not _is_blank(t)), None)
    except _BinaryFileError as error:
        yield Reject(Origin(name), str(error))
        return
    if first is None:
        return
    feed = _LineFeed(_chain_one(first, lines))
    reader = csv.reader(feed, delimiter=_sniff_delimiter(first[1]), strict=False)
    header_line = first[0]
    try:
        header = _header(next(reader))
    except csv.Error as error:
        yield Reject(Origin(name, header_line), f"cannot read the header row: {error}")
        return
    feed.take()
    line_offset = header_line - 1  # reader.line_num counts from the first non-blank line
    while True:
        start = line_offset + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raw, _ = feed.take()
            if not raw:
                break
            yield Reject(Origin(name, start), f"CSV error: {error}", _raw(raw))
            continue
        end = line_offset + reader.line_num
        raw, problems = feed.take()
        if _is_blank(raw):
            continue
        origin = Origin(name, start)
        if problems:
            number, problem = problems[0]
            where = "" if number == start else f"line {number}: "
            yield Reject(origin, where + problem, _raw(raw))
        elif len(row) != len(header):
            hint = f" (the row runs from line {start} to {end}: an unclosed quote?)"
            yield Reject(
                origin,
                f"row has {len(row)} fields, header has {len(header)}" + (hint if end > start else ""),
                _raw(raw),
            )
        else:
            try:
                yield listing_from_record(dict(zip(header, row, strict=True)), origin)
            except EmptyRecordError as error:
                yield Reject(origin, str(error), _raw(raw))


def _chain_one(first: Line, rest: Iterator[Line]) -> Iterator[Line]:
    yield first
    yield from rest


def _header(row: list[str]) -> list[str]:
    """Column names: stripped, blanks named by position, repeats made unique."""
    names: list[str] = []
    for position, cell in enumerate(row, 1):
        label = cell.strip().lstrip("\ufeff") or f"column {position}"
        if label in names:
            label = f"{label} ({position})"
        names.append(label)
    return names


# --- HTML pages -----------------------------------------------------------------------------


def _read_html(path: Path, name: str) -> Iterator[Result]:
    data = path.read_bytes()
    origin = Origin(name)
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and looks_binary(data[:SNIFF_BYTES]):
        yield Reject(origin, "binary file (NUL bytes)")
        return
    try:
        listing = parse_listing_html(data)
    except CharsetError as error:
        yield Reject(origin, str(error))
        return
    if not has_text(listing):
        yield Reject(origin, "empty page: no title or text found")
        return
    extra = {**listing.extra, "sha256": sha256_hex(data)}
    yield replace(listing, origin=origin, extra=extra)
