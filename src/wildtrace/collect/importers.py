"""Reading inputs: JSON Lines, CSV and Excel (``collect.tabular``), HTML pages, WARC files,
and folders of them.

Every reader yields ``Listing`` for each good record and ``Reject`` for each bad one (with the
file, the line or record number, and a reason a person can act on); nothing raises for bad
data. Only a path that does not exist raises ``InputError``: that is a usage error.
Line-based files are streamed, never read whole.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
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
from wildtrace.collect.tabular import (
    SNIFF_BYTES,
    BinaryFileError,
    ReadOptions,
    TableError,
    column_key,
    is_blank,
    is_excel,
    looks_binary,
    parse_mapping,
    read_table,
    text_lines,
)
from wildtrace.config import max_field_bytes, max_page_bytes
from wildtrace.errors import InputError
from wildtrace.model import Listing, Origin, Reject
from wildtrace.parse.charset import CharsetError, charset_from_content_type
from wildtrace.parse.html import has_text, parse_listing_html
from wildtrace.parse.record import SCALAR_FIELDS, EmptyRecordError, listing_from_record, url_id

Result = Listing | Reject

#: File name endings WildTrace reads, and the format each one means.
FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json-lines": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".warc": "warc",
    ".warc.gz": "warc",
    # a WARC still being written (or left by a killed crawl): read up to its last whole record
    ".warc.open": "warc",
    ".warc.gz.open": "warc",
}
#: Parses the HTTP head of a response record warcio did not (its URI in angle brackets).
_HTTP_HEADERS = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)


def input_format(path: Path) -> str | None:
    """ "jsonl", "csv", "xlsx", "html" or "warc" from the file name, or None if WildTrace does not read it."""
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


def read_file(path: Path, options: ReadOptions | None = None) -> Iterator[Result]:
    """Every listing and reject in one file, by its ending (.jsonl, .csv, .xlsx, .html, .warc ...).

    ``options`` carries the user's ``--encoding`` (JSONL and CSV lines; a hint for HTML) and
    ``--map`` (column or key name -> listing field, from :func:`parse_field_mapping`).
    """
    name = str(path)
    kind = input_format(path)
    if kind is None:
        known = ", ".join(FORMATS)
        yield Reject(
            Origin(name), f"unknown file type {path.suffix or path.name!r} (WildTrace reads {known})"
        )
        return
    try:
        mode = path.stat().st_mode  # stat, not open: opening a FIFO blocks
    except OSError as error:
        yield Reject(Origin(name), f"cannot read file: {error.strerror or error}")
        return
    if stat.S_ISDIR(mode):
        yield Reject(Origin(name), "cannot read file: Is a directory")
        return
    if not stat.S_ISREG(mode):
        yield Reject(Origin(name), "not a regular file (a FIFO, socket or device): not read")
        return
    options = options or ReadOptions()
    readers: dict[str, Callable[[Path, str, ReadOptions], Iterator[Result]]] = {
        "jsonl": _read_jsonl,
        "csv": _read_table,
        "xlsx": _read_table,
        "html": _read_html,
        "warc": lambda path, name, _: _read_warc(path, name),
    }
    try:
        yield from readers[kind](path, name, options)
    except OSError as error:
        yield Reject(Origin(name), f"cannot read file: {error.strerror or error}")


#: The listing fields a column or key can be mapped to with ``scan --map COLUMN=FIELD``.
LISTING_FIELDS: tuple[str, ...] = ("id", *SCALAR_FIELDS, "images")


def parse_field_mapping(items: Sequence[str]) -> dict[str, str]:
    """``scan --map`` entries -> column key -> listing field (MappingError names the fields)."""
    return parse_mapping(items, LISTING_FIELDS)


def _mapped(record: dict[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """A record with the columns the user mapped renamed to their fields."""
    if not mapping:
        return record
    renamed: dict[str, Any] = {}
    for key, value in record.items():
        target = mapping.get(column_key(key), key)
        if target in renamed and key != target:  # the mapped column wins over one named like it
            renamed.setdefault(key, renamed[target])
        renamed[target] = value
    return renamed


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


def _read_jsonl(path: Path, name: str, options: ReadOptions) -> Iterator[Result]:
    field_limit = max_field_bytes()
    try:
        for number, text, problem in text_lines(path, options.encoding):
            if is_blank(text) and not problem:
                continue
            origin = Origin(name, number)
            if problem:
                yield Reject(origin, problem, _raw(text))
                continue
            removed = text.count("\x00")  # a raw NUL is not even valid JSON: take it out first
            if removed:
                text = text.replace("\x00", "")
            yield _jsonl_record(text, origin, options.mapping, field_limit, removed)
    except BinaryFileError as error:
        yield Reject(Origin(name), str(error))


def _jsonl_record(
    text: str, origin: Origin, mapping: Mapping[str, str], field_limit: int, removed: int = 0
) -> Result:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Reject(origin, f"invalid JSON: {error.msg} at column {error.colno}", _shorten(_raw(text)))
    except (ValueError, RecursionError) as error:  # huge integers, very deep nesting
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        return Reject(origin, f"invalid JSON: {reason}", _shorten(_raw(text)))
    if not isinstance(record, dict):
        kind = _JSON_TYPES.get(type(record), type(record).__name__)
        return Reject(origin, f"not a JSON object: the line holds {kind}", _shorten(_raw(text)))
    for key, value in record.items():
        if isinstance(value, str) and _longer_than(value, field_limit):
            why = f"field {key!r} is longer than {field_limit:,} bytes (WILDTRACE_MAX_FIELD_BYTES)"
            return Reject(origin, why, _shorten(_raw(text)))
    try:
        # JSON holds a NUL or a lone surrogate only as a \u escape (raw NULs were taken out)
        clean = "\\u" in text
        return listing_from_record(_mapped(record, mapping), origin, removed=removed, clean=clean)
    except EmptyRecordError as error:
        return Reject(origin, str(error), _shorten(_raw(text)))


# --- CSV and Excel (collect.tabular) --------------------------------------------------------


def _read_table(path: Path, name: str, options: ReadOptions) -> Iterator[Result]:
    try:
        table = read_table(path, options)
    except TableError as error:
        yield Reject(Origin(name, error.line), error.reason)
        return
    header = table.header
    for row in table.rows:
        origin = Origin(name, row.line)
        if row.problem:
            yield Reject(origin, row.problem, row.raw)
            continue
        cells = list(row.cells)
        if len(cells) > len(header) and not any(_cell_text(cell) for cell in cells[len(header) :]):
            cells = cells[: len(header)]  # empty cells after the last column (Excel, trailing commas)
        if len(cells) > len(header) or (len(cells) < len(header) and not is_excel(path)):
            spans = row.end > row.line
            hint = f" (the row runs from line {row.line} to {row.end}: an unclosed quote?)" if spans else ""
            yield Reject(origin, f"row has {len(cells)} fields, header has {len(header)}{hint}", row.raw)
            continue
        record = {column: _cell_text(cell) for column, cell in zip(header, cells, strict=False)}
        try:
            listing = listing_from_record(
                _mapped(record, options.mapping), origin, removed=row.removed, clean=False
            )  # the tabular reader cleaned every cell
            yield listing
        except EmptyRecordError as error:
            yield Reject(origin, str(error), row.raw)


def _longer_than(text: str, limit: int) -> bool:
    """Whether text takes more than ``limit`` bytes as UTF-8 (cheap for short text)."""
    return len(text) > limit // 4 and len(text.encode("utf-8", "surrogatepass")) > limit


def _cell_text(cell: Any) -> str:
    """A cell as the text a CSV file would hold (Excel numbers, dates and booleans too)."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time(0) else cell.isoformat()
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)


def _shorten(raw: str, size: int = 2000) -> str:
    """A rejected record's text as saved in the rejects: long ones cut short."""
    return raw if len(raw) <= size else raw[:size] + "…"


# --- HTML pages -----------------------------------------------------------------------------


def _read_html(path: Path, name: str, options: ReadOptions) -> Iterator[Result]:
    origin = Origin(name)
    limit = max_page_bytes()
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        yield Reject(origin, f"page larger than {limit:,} bytes (WILDTRACE_MAX_PAGE_BYTES)")
        return
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and looks_binary(data[:SNIFF_BYTES]):
        yield Reject(origin, "binary file (NUL bytes)")
        return
    try:
        listing = parse_listing_html(data, charset_hint=options.encoding)
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
