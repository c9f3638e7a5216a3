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
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeadersParser

from wildtrace.collect.evidence import (
    Payload,
    digest_problem,
    is_html,
    record_payload,
    sha256_hex,
    warc_capture,
)
from wildtrace.errors import InputError
from wildtrace.model import Listing, Origin, Reject
from wildtrace.parse.charset import CharsetError, charset_from_content_type
from wildtrace.parse.html import has_text, parse_listing_html
from wildtrace.parse.record import EmptyRecordError, clean_text, listing_from_record, url_id

Result = Listing | Reject

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
#: Parses the HTTP head of a response record warcio did not (its URI in angle brackets).
_HTTP_HEADERS = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)


def input_format(path: Path) -> str | None:
    """ "jsonl", "csv", "html" or "warc" from the file name, or None if WildTrace does not read it."""
    name = path.name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(ending):
            return FORMATS[ending]
    return None


def find_input_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files to read, in a deterministic order (see ``find_inputs``; what it skips is
    left out here: use ``find_inputs`` to report it)."""
    return find_inputs(paths).files


@dataclass(frozen=True)
class InputFiles:
    """The regular files to read, and a reject for every entry that cannot be read as one
    (a FIFO, socket or device, a symbolic link loop, a folder that cannot be listed)."""

    files: list[Path]
    skipped: list[Reject]


def find_inputs(paths: Sequence[str | Path]) -> InputFiles:
    """The files to read, in a deterministic order, and what was skipped and why.

    Files are kept as given (even with an unknown ending: reading them yields a Reject).
    Folders are walked recursively in sorted order, skipping hidden files and folders and
    files WildTrace does not read. A path given twice is read once. A missing path raises
    InputError. Nothing that is not a regular file is ever opened (a FIFO would block the
    scan forever): it is skipped with a Reject naming it, like a folder that cannot be read.
    """
    found: list[Path] = []
    skipped: list[Reject] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = _walk(path, skipped)
        elif path.exists() or path.is_symlink():
            files = [path]
        else:
            raise InputError(str(given), "no such file or directory")
        for file in files:
            problem = _not_a_regular_file(file)
            if problem is not None:
                skipped.append(Reject(Origin(str(file)), problem))
                continue
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return InputFiles(found, skipped)


def _not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file, found without opening it; None for a regular file."""
    if path.is_file():
        return None
    for test, kind in ((path.is_fifo, "a named pipe (FIFO)"), (path.is_socket, "a socket"),
                       (path.is_block_device, "a device"), (path.is_char_device, "a device")):  # fmt: skip
        if test():
            return f"{kind}, not a file: skipped without reading it"
    try:
        os.stat(path)
    except OSError as error:
        if path.is_symlink():
            return f"symbolic link that cannot be followed: {error.strerror or error}"
        return f"cannot read file: {error.strerror or error}"
    return "not a regular file: skipped without reading it"


def _walk(root: Path, skipped: list[Reject]) -> list[Path]:
    def unreadable(error: OSError) -> None:
        where = error.filename or root
        skipped.append(Reject(Origin(str(where)), f"cannot read folder: {error.strerror or error}"))

    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(root, onerror=unreadable):
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
    found = find_inputs(paths)

    def results() -> Iterator[Result]:
        yield from found.skipped
        for file in found.files:
            yield from read_file(file)

    return results()


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
        "warc": _read_warc,
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


# --- WARC -----------------------------------------------------------------------------------


def _read_warc(path: Path, name: str) -> Iterator[Result]:
    """Listings from the HTML pages of a WARC (status 200 responses, and HTML resource records
    with an http(s) URI); other records are skipped.

    Written for WARCs from many tools (WildTrace, webrecorder / pywb, browsertrix, wget
    --warc-file, Heritrix): request, revisit, metadata and non-HTML records are skipped;
    chunked and gzip / deflate / br bodies are decoded (``collect.evidence.decode_payload``);
    ``<...>`` around a target URI (old wget) is dropped; digests are checked where present
    (SHA-1, SHA-256, base32 or hex) and a record whose bytes do not match its own digest is
    rejected, naming it; records without digests are read as they are.
    The record number (1-based, counting every record) is the Origin line. A truncated or
    corrupt file yields the listings before the damage, then one Reject naming the record.
    """
    size = path.stat().st_size
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, check_digests=True)
        number = offset = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as error:  # warcio raises many kinds on corrupt input
                yield _corrupt(name, number + 1, records.offset, _warc_error(error))
                return
            number += 1
            offset = records.offset
            if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                yield _corrupt(name, number, offset, "no valid Content-Length (headers cut short?)")
                return
            try:
                result, payload = _warc_response(record, name, number, offset)
                truncated = _drain(record)
            except Exception as error:  # a body that cannot be read or decoded
                yield _corrupt(name, number, offset, _warc_error(error))
                return
            if truncated:
                yield _corrupt(name, number, offset, "the file ends inside this record")
                return
            altered = digest_problem(record, payload)
            if altered:
                url = _target_uri(record) or "no URI"
                reason = f"record {number} (offset {offset}, {url}): {altered}"
                yield Reject(Origin(name, number), reason, url)
            elif result is not None:
                yield result
        if records.offset < size:  # warcio stops quietly at a record cut short in its headers
            yield _corrupt(
                name,
                number + 1,
                records.offset,
                f"the file ends inside this record ({size - records.offset} bytes left over)",
            )
        elif number and not _gzip_tail_complete(stream, offset):
            yield _corrupt(name, number, offset, "the file ends inside this gzip member")


def _target_uri(record: Any) -> str:
    """The record's WARC-Target-URI, without the angle brackets some tools put around it."""
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1].strip()
    return uri


def _gzip_tail_complete(stream: Any, offset: int) -> bool:
    """Whether the gzip member at offset (the last record) ends properly; True if not gzip."""
    stream.seek(offset)
    if stream.read(2) != b"\x1f\x8b":
        return True
    stream.seek(offset)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while not member.eof and (chunk := stream.read(1 << 16)):
        try:
            member.decompress(chunk)
        except zlib.error:
            return False
    return member.eof


def _warc_page(record: Any) -> tuple[str | None, int | None] | None:
    """(Content-Type, HTTP status) of a record that holds an HTML page, else None."""
    bracketed = record.rec_type == "response" and record.http_headers is None and record.length
    if bracketed and _target_uri(record).lower().startswith(("http://", "https://")):  # "<http://...>"
        record.http_headers = _HTTP_HEADERS.parse(record.raw_stream)
    if record.rec_type == "response" and record.http_headers is not None:
        headers = record.http_headers
        content_type = headers.get_header("Content-Type")
        if headers.get_statuscode() != "200" or not is_html(content_type):
            return None
        return content_type, 200
    if record.rec_type == "resource" and _target_uri(record).lower().startswith(("http://", "https://")):
        content_type = record.rec_headers.get_header("Content-Type")
        return (content_type, None) if is_html(content_type) else None
    return None  # request, revisit (the bytes are in the record it refers to), metadata ...


def _warc_response(record: Any, name: str, number: int, offset: int) -> tuple[Result | None, Payload | None]:
    """The listing in one WARC record (or a Reject, or None for records that hold no page),
    and the payload when it was read."""
    page = _warc_page(record)
    if page is None:
        return None, None
    content_type, status = page
    url = _target_uri(record)
    payload = record_payload(record)
    body = payload.body
    origin = Origin(name, number)
    if not url:
        return Reject(origin, f"record {number} (offset {offset}): page without a WARC-Target-URI"), payload
    if "inflates beyond" in payload.problem or "larger than" in payload.problem:
        return Reject(origin, f"record {number} ({url}): {payload.problem}", url), payload
    try:
        listing = parse_listing_html(
            body, url, listing_id=url_id(url), charset_hint=charset_from_content_type(content_type)
        )
    except CharsetError as error:
        return Reject(origin, f"record {number} ({url}): {error}", url), payload
    if not has_text(listing):
        return Reject(origin, f"record {number} ({url}): empty page: no title or text found", url), payload
    capture = warc_capture(
        url,
        body,
        captured_at=record.rec_headers.get_header("WARC-Date"),
        content_type=content_type,
        http_status=status,
        warc_file=name,
        warc_offset=offset,
    )
    truncated = record.rec_headers.get_header("WARC-Truncated")
    extra = {**listing.extra, "warc_truncated": truncated} if truncated else listing.extra
    return replace(listing, origin=origin, capture=capture, extra=extra), payload


def _drain(record: Any) -> bool:
    """Read the rest of a record; True if the file ended before the record's Content-Length."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    return bool(getattr(raw, "limit", 0))


def _corrupt(name: str, number: int, offset: int, why: str) -> Reject:
    return Reject(
        Origin(name, number),
        f"truncated or corrupt WARC at record {number} (offset {offset}): {why}",
    )


def _warc_error(error: BaseException) -> str:
    """A short reason from a warcio error (its own message when it has a useful one)."""
    if type(error).__name__ not in ("ArchiveLoadFailed", "StatusAndHeadersParserException"):
        return f"cannot read the record ({type(error).__name__}: {str(error)[:120]})"
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[0] if lines else type(error).__name__)[:200]
