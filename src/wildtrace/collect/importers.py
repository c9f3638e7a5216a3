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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

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
from wildtrace.evidence.payload import sha256_hex
from wildtrace.evidence.warc_read import read_warc
from wildtrace.model import Listing, Origin, Page, Reject
from wildtrace.parse import (
    SCALAR_FIELDS,
    CharsetError,
    EmptyRecordError,
    has_text,
    listing_from_record,
    parse_listing_html,
)

#: What a reader yields; ``Page`` only from WARC files (a page that is not a listing).
Result = Listing | Reject | Page

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
        "warc": lambda path, name, _: read_warc(path, name),  # wildtrace.evidence.warc_read
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
            yield jsonl_record(text, origin, options.mapping, field_limit, removed)
    except BinaryFileError as error:
        yield Reject(Origin(name), str(error))


def jsonl_record(
    text: str, origin: Origin, mapping: Mapping[str, str], field_limit: int, removed: int = 0
) -> Result:
    """One JSON Lines record (a line, raw NULs taken out and counted in ``removed``) as a
    Listing, or a Reject saying why not: the rules of every reader of JSON records (the
    Spark runner reads its lines with it too)."""
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
    # JSON holds a NUL or a lone surrogate only as a \u escape (raw NULs were taken out)
    return record_listing(record, origin, mapping, field_limit, text, removed=removed, clean="\\u" in text)


def record_listing(
    record: dict[str, Any],
    origin: Origin,
    mapping: Mapping[str, str],
    field_limit: int,
    raw: str,
    *,
    removed: int = 0,
    clean: bool = True,
) -> Result:
    """A decoded record (a JSON object, a Parquet row) as a Listing, or a Reject with ``raw``
    (the record as read) when a field is too long or it carries no text."""
    for key, value in record.items():
        if isinstance(value, str) and _longer_than(value, field_limit):
            why = f"field {key!r} is longer than {field_limit:,} bytes (WILDTRACE_MAX_FIELD_BYTES)"
            return Reject(origin, why, _shorten(_raw(raw)))
    try:
        return listing_from_record(_mapped(record, mapping), origin, removed=removed, clean=clean)
    except EmptyRecordError as error:
        return Reject(origin, str(error), _shorten(_raw(raw)))


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
