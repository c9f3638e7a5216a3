"""One reader for tabular input: CSV (encoding detection, delimiter sniffing) and Excel .xlsx.

``scan`` (listings) and ``ops import`` (seizure lines) both read tables through
:func:`read_table`, so a file reads the same way in both: the same encodings (UTF-8 with or
without BOM, UTF-16 with a BOM or found by its NUL bytes, or the user's ``--encoding``), the
same delimiter (the one of ``, ; TAB |`` the header line holds most of, outside quotes), the
same line numbers (the physical line a row starts on; an Excel row's own number), the same
size limits and the same cleaning of characters a database cannot store.

A problem with one row (a byte that is not in the encoding, a row over the size limit, a
quote never closed) is reported on that :class:`Row` and the next row is read; only a file
that cannot be read as a table at all (binary, not a workbook, no such sheet) raises
:class:`TableError`. Lines and rows are streamed, never read whole; Excel is read with
openpyxl in read-only mode, with shared strings over the field limit kept out of memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wildtrace.config import max_field_bytes, max_record_bytes
from wildtrace.errors import InputError, WildTraceError
from wildtrace.parse import clean_text, unstorable_count

#: How much of a file is looked at to tell text from binary and to guess UTF-16.
SNIFF_BYTES = 8192
#: Share of control bytes (NUL included) from which a file holding NULs is binary.
BINARY_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c")
#: ASCII whitespace: a line made only of these is blank and skipped.
BLANK = " \t\r\n\x0b\x0c"
#: Delimiters a CSV file may use, in the order that breaks ties.
DELIMITERS = (",", ";", "\t", "|")
#: File name endings read as Excel workbooks.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Largest declared size of a workbook part that is parsed whole (styles, workbook, ...):
#: bigger is a zip bomb, not a spreadsheet.
MAX_WORKBOOK_PART_BYTES = 256 * 1024 * 1024
#: The first columns of a rejects file written by ``ops import`` (see ``guard_formula``).
REJECTS_HEADER = ("file", "row", "reason")

#: What a spreadsheet runs as a formula: TAB, CR or LF first, or = + - @ after leading blanks.
_FORMULA_START = re.compile(r"[\t\r\n]|\s*[=+\-@]")


class TableError(InputError):
    """A file that cannot be read as a table at all (binary, not a workbook, no such sheet)."""


class MappingError(WildTraceError, ValueError):
    """A ``--map COLUMN=FIELD`` the reader cannot use; the message names the accepted fields."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How the user asked a file to be read: ``--encoding``, ``--map`` and ``--sheet``.

    ``mapping`` maps a column name (as :func:`parse_mapping` keyed it) to a field name.
    """

    encoding: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: its line (CSV: the physical line it starts on; Excel: its row
    number), its cells, the row as written (for a rejects file), and why it cannot be read
    (``problem``; the cells are then what could be made of it). ``removed`` counts the
    characters taken out of its cells because a database cannot store them (NUL)."""

    line: int
    cells: tuple[Any, ...]
    raw: str
    problem: str | None = None
    removed: int = 0
    #: The physical line the row ends on (a quoted cell may hold line breaks).
    end: int = 0


@dataclass(slots=True)
class Table:
    """A table's header (names stripped, blanks named by position, repeats made unique),
    the line it is on, and its rows (a stream: read them once)."""

    header: list[str]
    header_line: int
    rows: Iterator[Row]
    #: A rejects file of ``ops import`` read back: formula guards were undone.
    rejects_file: bool = False


# --- --map ----------------------------------------------------------------------------------


def column_key(name: str) -> str:
    """How a column name is compared with a ``--map`` entry: case and spacing do not matter."""
    return " ".join(name.casefold().split())


def parse_mapping(
    items: Iterable[str], fields: Sequence[str], key: Callable[[str], str] = column_key
) -> dict[str, str]:
    """``["qty=quantity", "Titre=title"]`` -> column key -> field, for the given fields.

    Raises MappingError, naming the accepted fields, for an entry without ``=``, without a
    column, or with a field the reader does not know.
    """
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        target = target.strip()
        if not sep or not column.strip() or target not in fields:
            raise MappingError(f"--map {item!r}: write COLUMN=FIELD with FIELD one of {', '.join(fields)}")
        mapping[key(column)] = target
    return mapping


def check_encoding(encoding: str | None) -> str | None:
    """The Python codec name for ``--encoding``; MappingError (a usage error) if unknown."""
    if encoding is None or not encoding.strip():
        return None
    try:
        info = codecs.lookup(encoding.strip())
    except LookupError:
        raise MappingError(
            f"--encoding {encoding!r}: unknown encoding (try utf-8, cp1252, latin-1, gb18030)"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise MappingError(f"--encoding {encoding!r}: not a text encoding")
    return info.name


# --- spreadsheet formula guards -------------------------------------------------------------


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_like(value: str) -> bool:
    """Text a spreadsheet would run as a formula (``_FORMULA_START``), not a plain number: the
    one rule for every file WildTrace writes for spreadsheets (rejects, exports)."""
    return _FORMULA_START.match(value) is not None and not _NUMBER.fullmatch(value.strip())


def guard_formula(value: object) -> object:
    """A cell safe to open in a spreadsheet: formula-like text gets a leading ``'``.

    Text that is only apostrophes before formula-like text gets one more, so that
    :func:`unguard_formula` gives back exactly what was written (``'=x`` stays ``'=x``).
    """
    if isinstance(value, str) and formula_like(value.lstrip("'")):
        return "'" + value
    return value


def unguard_formula(value: object) -> object:
    """The cell :func:`guard_formula` was given: one ``'`` before formula-like text removed.

    Other cells that begin with an apostrophe (``'90s``, ``'Twas``) are left as they are.
    """
    if isinstance(value, str) and value[:1] == "'" and formula_like(value.lstrip("'")):
        return value[1:]
    return value


# --- lines and encodings --------------------------------------------------------------------

#: One physical line: its number (1-based), its text (ending kept), and why it is unreadable.
Line = tuple[int, str, str | None]


def looks_binary(head: bytes) -> bool:
    """True for the start of a binary file: NUL bytes among many control bytes.

    A text file with one bad line holding a NUL stays text; an image, an archive or a
    database is full of control bytes. (UTF-16 without a BOM is recognised before this.)
    """
    if b"\x00" not in head:
        return False
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls >= BINARY_CONTROL_SHARE * len(head)


def utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" / "utf-16-be" for text saved as UTF-16 without a byte-order mark, found by
    its NUL bytes (every other byte of Latin text), else None."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = sum(1 for byte in head[0 : pairs * 2 : 2] if byte == 0)
    odd = sum(1 for byte in head[1 : pairs * 2 : 2] if byte == 0)
    codec = None
    if odd >= 0.3 * pairs and even <= 0.05 * pairs:
        codec = "utf-16-le"
    elif even >= 0.3 * pairs and odd <= 0.05 * pairs:
        codec = "utf-16-be"
    if codec is None:
        return None
    text = head[: pairs * 2].decode(codec, errors="replace")
    controls = sum(1 for char in text if char < " " and char not in "\t\n\r")
    return codec if controls <= 0.05 * len(text) else None


class BinaryFileError(WildTraceError):
    """The file is not text."""


def text_lines(path: Path, encoding: str | None = None, limit: int | None = None) -> Iterator[Line]:
    """The lines of a text file, one at a time, each at most ``limit`` bytes kept.

    The encoding is the user's (``--encoding``), else from a byte-order mark, else UTF-16
    found by its NUL bytes, else UTF-8. A line that cannot be decoded, or that is longer
    than ``limit`` (default: WILDTRACE_MAX_RECORD_BYTES), is still yielded (undecodable
    bytes as \\xNN escapes, a long line cut short) with the reason, so the reader can reject
    that line and go on; memory stays bounded by the limit. Raises BinaryFileError before
    the first line if the file looks binary.
    """
    limit = max_record_bytes() if limit is None else limit
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
        codec, skip = _file_codec(head, encoding)
        stream.seek(skip)
        if codec.startswith(("utf-16", "utf-32")):
            yield from _decoded(_wide_raw_lines(stream, codec, limit), codec, limit)
        else:
            yield from _decoded(_raw_lines(stream, limit), codec, limit)


def _file_codec(head: bytes, encoding: str | None) -> tuple[str, int]:
    """(codec, bytes to skip at the start) for a file starting with ``head``."""
    given = check_encoding(encoding)
    wide_boms = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, codec in wide_boms:
        if head.startswith(bom) and (given is None or given.startswith("utf-16")):
            return codec, len(bom)
    utf8_bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if given is not None:
        if given in ("utf-16", "utf-32"):
            return given + "-le", 0  # no BOM: little-endian, as Windows writes it
        if given in ("utf-8", "utf-8-sig"):
            return "utf-8", utf8_bom
        return given, 0
    wide = utf16_without_bom(head)
    if wide:
        return wide, 0
    if looks_binary(head):
        raise BinaryFileError("binary file (NUL bytes)")
    return "utf-8", utf8_bom


def _raw_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """Lines of an ASCII-compatible file; None for a line longer than ``limit`` (skipped
    without keeping it)."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _wide_raw_lines(stream: IO[bytes], codec: str, limit: int) -> Iterator[bytes | None]:
    """Split UTF-16/32 bytes into lines on the newline code unit, at aligned offsets only;
    None for a line longer than ``limit``."""
    newline = "\n".encode(codec)
    width = len(newline)
    buffer = b""
    too_long = False
    while chunk := stream.read(1 << 16):
        buffer += chunk
        start = 0
        found = buffer.find(newline, start)
        while found != -1:
            if (found - start) % width:  # the bytes straddle two code units: not a newline
                found = buffer.find(newline, found + 1)
                continue
            line = buffer[start : found + width]
            yield None if too_long or len(line) > limit else line
            too_long = False
            start = found + width
            found = buffer.find(newline, start)
        buffer = buffer[start:]
        if len(buffer) > limit:  # a line too long: drop what was read of it, keep its alignment
            too_long = True
            buffer = buffer[len(buffer) - len(buffer) % width :]
    if buffer or too_long:
        yield None if too_long or len(buffer) > limit else buffer


def _decoded(raw_lines: Iterable[bytes | None], codec: str, limit: int) -> Iterator[Line]:
    for number, raw in enumerate(raw_lines, 1):
        yield (number, *decoded_line(raw, codec, limit))


def decoded_line(raw: bytes | None, codec: str, limit: int) -> tuple[str, str | None]:
    """One line's text and, when it cannot be read (``None``: longer than ``limit``; bytes
    that are not ``codec``), the reason; the Spark runner decodes its lines with it too."""
    if raw is None:
        return "", f"line longer than {limit:,} bytes (WILDTRACE_MAX_RECORD_BYTES)"
    try:
        return raw.decode(codec), None
    except UnicodeDecodeError as error:
        label = codec.upper().replace("_", "-")
        hint = " (save the file as UTF-8, or give its encoding with --encoding, e.g. cp1252)"
        bad = raw[error.start : error.start + 1].hex()
        why = f"not {label}: byte 0x{bad} at offset {error.start} of the line" + hint
        return raw.decode(codec, "backslashreplace"), why


def is_blank(text: str) -> bool:
    """Whether a line holds only whitespace."""
    return not text.strip(BLANK)


# --- CSV ------------------------------------------------------------------------------------


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV file from its header line: the one of ``, ; TAB |`` it holds
    most of outside quotes (ties keep that order; a single column is read with commas)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _RowTooLongError(WildTraceError):
    """The lines of one row add up to more than the record limit."""


class _LineFeed:
    """Feeds decoded lines to csv.reader, remembering the raw text and problems of each row."""

    def __init__(self, lines: Iterator[Line], limit: int) -> None:
        self._lines = lines
        self._limit = limit
        self.pending: list[str] = []
        self.size = 0
        self.problems: list[tuple[int, str]] = []
        self.last = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        number, text, problem = next(self._lines)
        self.last = number
        self.pending.append(text)
        self.size += len(text)
        if problem:
            self.problems.append((number, problem))
        if self.size > self._limit:
            raise _RowTooLongError
        return text

    def take(self) -> tuple[str, list[tuple[int, str]]]:
        """The raw text and the problems of the lines read since the last call."""
        raw, problems = "".join(self.pending), self.problems
        self.pending, self.problems, self.size = [], [], 0
        return raw, problems


def header_names(cells: Sequence[object]) -> list[str]:
    """Column names: stripped, blanks named by position, repeats made unique."""
    names: list[str] = []
    for position, cell in enumerate(cells, 1):
        text = "" if cell is None else clean_text(str(cell))
        label = text.strip().lstrip("\ufeff").strip() or f"column {position}"
        if label in names:
            label = f"{label} ({position})"
        names.append(label)
    return names


def _is_rejects_header(header: Sequence[str]) -> bool:
    return tuple(name.casefold() for name in header[:3]) == REJECTS_HEADER


def _clean_cells(cells: Iterable[Any], undo_guards: bool) -> tuple[tuple[Any, ...], int]:
    """Cells with NUL (and lone surrogates) removed, formula guards undone if asked; and how
    many characters were removed."""
    cleaned: list[Any] = []
    removed = 0
    for cell in cells:
        if isinstance(cell, str):
            if count := unstorable_count(cell):
                removed += count
                cell = clean_text(cell)
            if undo_guards:
                cell = unguard_formula(cell)
        cleaned.append(cell)
    return tuple(cleaned), removed


def _field_problem(cells: Sequence[Any], header: Sequence[str], limit: int) -> str | None:
    for index, cell in enumerate(cells):
        if (
            isinstance(cell, str)
            and len(cell) > limit // 4
            and len(cell.encode("utf-8", "surrogatepass")) > limit
        ):
            name = header[index] if index < len(header) else f"column {index + 1}"
            return f"field {name!r} is longer than {limit:,} bytes (WILDTRACE_MAX_FIELD_BYTES)"
    return None


def _read_csv(path: Path, options: ReadOptions) -> Table:
    record_limit, field_limit = max_record_bytes(), max_field_bytes()
    try:
        lines = text_lines(path, options.encoding, record_limit)
        first = next(((n, t, p) for n, t, p in lines if not is_blank(t)), None)
    except BinaryFileError as error:
        raise TableError(str(path), str(error)) from None
    if first is None:
        return Table([], 0, iter(()))
    header_line, header_text, _ = first  # a bad byte in a name: shown as \\xNN, the rows still read
    delimiter = sniff_delimiter(header_text)
    csv.field_size_limit(max(field_limit, 1))
    try:
        header = header_names(next(csv.reader([header_text], delimiter=delimiter, strict=False)))
    except (csv.Error, StopIteration) as error:
        raise TableError(str(path), f"cannot read the header row: {error}", header_line) from None
    rejects_file = _is_rejects_header(header)
    if rejects_file:
        header = [str(unguard_formula(name)) for name in header]
    feed = _LineFeed(lines, record_limit)
    feed.last = header_line

    def rows() -> Iterator[Row]:
        reader = csv.reader(feed, delimiter=delimiter, strict=False)
        while True:
            start = feed.last + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _RowTooLongError:
                raw, _ = feed.take()
                why = f"row longer than {record_limit:,} bytes (WILDTRACE_MAX_RECORD_BYTES)"
                if feed.last > start:
                    why += f"; it runs from line {start} to at least {feed.last}: an unclosed quote?"
                yield Row(start, (), raw[:200], why)
                continue
            except csv.Error as error:
                raw, _ = feed.take()
                if not raw:
                    return
                reason = str(error)
                if "field larger than field limit" in reason:
                    reason = f"a field is longer than {field_limit:,} bytes (WILDTRACE_MAX_FIELD_BYTES)"
                if feed.last > start:
                    reason += f"; the row runs from line {start} to {feed.last}: an unclosed quote?"
                yield Row(start, (), _shorten(raw), f"CSV error: {reason}", 0, feed.last)
                continue
            end = feed.last
            raw, problems = feed.take()
            if is_blank(raw) and not problems:
                continue
            if rejects_file or "\x00" in raw:  # decoded text holds no lone surrogate
                clean, removed = _clean_cells(cells, rejects_file)
            else:
                clean, removed = tuple(cells), 0
            problem = None
            if problems:
                number, problem = problems[0]
                problem = ("" if number == start else f"line {number}: ") + problem
            elif len(raw) > field_limit // 4 and (problem := _field_problem(clean, header, field_limit)):
                yield Row(start, (), _shorten(raw), problem, 0, end)
                continue
            yield Row(start, clean, raw.rstrip("\r\n"), problem, removed, end)

    return Table(header, header_line, rows(), rejects_file)


def _shorten(raw: str, size: int = 2000) -> str:
    return raw.rstrip("\r\n") if len(raw) <= size else raw[:size] + "…"


# --- Excel ----------------------------------------------------------------------------------


#: What a text run over the field limit is replaced with, followed by its size in bytes
#: (U+E000 is a private-use character: it never starts a real cell).
OVER_LIMIT = "\ue000over-limit "


class _CappedXml(io.RawIOBase):
    """A workbook part (sheet or shared strings) as a stream in which every text run longer
    than ``limit`` bytes is replaced by ``OVER_LIMIT`` and its size, so openpyxl never holds
    it; everything else passes through unchanged. Linear, and memory stays within the limit.
    A tag (or CDATA section) longer than the limit raises ValueError."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        super().__init__()
        self._source = source
        self._limit = limit
        self._in_tag = False
        self._text: list[bytes] = []
        self._text_size = 0
        self._tag_size = 0
        self._out = bytearray()
        self._done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._source.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while not self._out and not self._done:
            chunk = self._source.read(1 << 16)
            if not chunk:
                self._done = True
                self._flush_text()
            else:
                self._feed(chunk)
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        del self._out[:size]
        return size

    def _feed(self, chunk: bytes) -> None:
        position = 0
        while position < len(chunk):
            if self._in_tag:
                end = chunk.find(b">", position)
                stop = len(chunk) if end == -1 else end + 1
                self._tag_size += stop - position
                if self._tag_size > self._limit:
                    raise ValueError(f"an XML tag longer than {self._limit:,} bytes")
                self._out += chunk[position:stop]
                if end != -1:
                    self._in_tag = False
                position = stop
            else:
                start = chunk.find(b"<", position)
                stop = len(chunk) if start == -1 else start
                self._text_size += stop - position
                if self._text_size <= self._limit:
                    self._text.append(chunk[position:stop])
                else:
                    self._text.clear()
                if start != -1:
                    self._flush_text()
                    self._in_tag, self._tag_size = True, 0
                position = stop

    def _flush_text(self) -> None:
        if self._text_size > self._limit:
            self._out += f"{OVER_LIMIT}{self._text_size}".encode()
        else:
            self._out += b"".join(self._text)
        self._text.clear()
        self._text_size = 0


def _over_limit(cell: Any) -> int | None:
    """The size of a cell :class:`_CappedXml` left out, else None."""
    if isinstance(cell, str) and cell.startswith(OVER_LIMIT):
        size = cell[len(OVER_LIMIT) :]
        return int(size) if size.isdigit() else 0
    return None


def _open_workbook(path: Path) -> Any:
    """An openpyxl read-only workbook whose text runs over the field limit are never kept
    (shared strings here, sheets in :func:`_capped_sheet`)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import SHARED_STRINGS

    limit = max_field_bytes()

    class _Reader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with _CappedXml(self.archive.open(part.PartName[1:]), limit) as source:
                    self.shared_strings = read_string_table(source)

    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            streamed = info.filename.startswith("xl/worksheets/") or info.filename.endswith(
                "sharedStrings.xml"
            )
            if not streamed and info.file_size > MAX_WORKBOOK_PART_BYTES:
                raise ValueError(f"part {info.filename} inflates to {info.file_size:,} bytes (a zip bomb?)")
    reader = _Reader(str(path), read_only=True, keep_vba=False, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _capped_sheet(worksheet: Any) -> None:
    """Make a read-only worksheet read its XML through :class:`_CappedXml`."""
    limit = max_field_bytes()
    archive, part = worksheet.parent._archive, worksheet._worksheet_path
    worksheet._get_source = lambda: _CappedXml(archive.open(part), limit)


def _read_excel(path: Path, options: ReadOptions) -> Table:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = _open_workbook(path)
    except (OSError, InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TableError(str(path), f"cannot open as an Excel workbook: {exc}") from exc
    sheet = options.sheet
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise TableError(str(path), f"no sheet {sheet!r}; sheets: {', '.join(workbook.sheetnames)}")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    worksheet.reset_dimensions()  # a hostile <dimension> must not pad every row to 16,384 cells
    _capped_sheet(worksheet)
    values = worksheet.iter_rows(values_only=True)
    record_limit, field_limit = max_record_bytes(), max_field_bytes()
    header: list[str] = []
    number = 0
    try:
        for number, cells in enumerate(values, start=1):  # noqa: B007 (number is used after the loop)
            if any(cell not in (None, "") for cell in cells):
                header = header_names(cells)
                break
    except Exception as exc:  # openpyxl raises many kinds on a damaged sheet
        workbook.close()
        raise TableError(str(path), f"cannot read sheet {worksheet.title!r}: {exc}") from exc
    if not header:
        workbook.close()
        return Table([], 0, iter(()))
    rejects_file = _is_rejects_header(header)
    if rejects_file:
        header = [str(unguard_formula(name)) for name in header]
    start = number + 1

    def rows() -> Iterator[Row]:
        index = start - 1
        try:
            for index, cells in enumerate(values, start=start):
                if not any(cell not in (None, "") for cell in cells):
                    continue
                yield _excel_row(index, cells, header, rejects_file, record_limit, field_limit)
        except Exception as exc:  # a damaged row ends the sheet; the rows before it are kept
            yield Row(index + 1, (), "", f"cannot read the sheet from here on: {type(exc).__name__}: {exc}")
        finally:
            workbook.close()

    return Table(header, number, rows(), rejects_file)


def _excel_row(
    index: int,
    cells: Sequence[Any],
    header: Sequence[str],
    rejects_file: bool,
    record_limit: int,
    field_limit: int,
) -> Row:
    for column, cell in enumerate(cells):
        if (size := _over_limit(cell)) is not None:
            name = header[column] if column < len(header) else f"column {column + 1}"
            why = f"cell {name!r} is {size:,} bytes, longer than {field_limit:,} (WILDTRACE_MAX_FIELD_BYTES)"
            return Row(index, (), "", why)
    values = tuple("" if cell is None else cell for cell in cells)
    clean, removed = _clean_cells(values, rejects_file)
    raw = "\t".join(str(cell) for cell in clean)
    problem = _field_problem(clean, header, field_limit)
    if (
        problem is None
        and len(raw) > record_limit // 4
        and len(raw.encode("utf-8", "surrogatepass")) > record_limit
    ):
        problem = f"row longer than {record_limit:,} bytes (WILDTRACE_MAX_RECORD_BYTES)"
    if problem is not None:
        return Row(index, (), _shorten(raw), problem)
    return Row(index, clean, raw, None, removed, index)


# --- both -----------------------------------------------------------------------------------


def is_excel(path: Path) -> bool:
    """Whether a file is read as an Excel workbook (by its name)."""
    return path.name.lower().endswith(EXCEL_SUFFIXES)


def read_table(path: Path, options: ReadOptions | None = None) -> Table:
    """The header and rows of a CSV file or an Excel workbook (``options.sheet``, else the
    first sheet). An empty file or sheet gives an empty header and no rows.

    Raises TableError for a file that cannot be read as a table (binary, not a workbook, no
    such sheet, an old ``.xls``), and OSError when it cannot be opened.
    """
    options = options or ReadOptions()
    if path.name.lower().endswith(".xls"):
        raise TableError(str(path), "old .xls workbooks are not read; save it as .xlsx or CSV")
    if is_excel(path):
        return _read_excel(path, options)
    return _read_csv(path, options)
