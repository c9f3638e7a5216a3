"""Reading WARC files: record by record, with bounded memory and time, past damaged records.

``split_records`` cuts a WARC file (gzipped record by record, or uncompressed) into its
records before any WARC library sees them, so that a hostile file cannot make a reader slow or
big: a header block longer than ``Limits.header`` bytes, a record longer than ``Limits.record``
bytes, a gzip member that will not inflate, or bytes that are not a record are each reported
as one damaged record (a typed ``WarcDamage``), and reading goes on at the next gzip member
(magic ``1f 8b 08``) or the next ``WARC/1.`` line. Every search is a forward scan over the file
in fixed-size chunks (linear), and nothing larger than the limits is ever held in memory.

``read_warc`` is the importer built on it: listings from the HTML pages of a WARC written by
any tool (``wildtrace scan``), every other page counted by kind (``wildtrace.parse.page``).
``evidence verify`` reads files with the same splitter, so a damaged record is named alone.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeadersParser

from wildtrace.errors import WildTraceError
from wildtrace.evidence.payload import (
    MAX_DECODED_BYTES,
    Payload,
    digest_problem,
    is_html,
    record_payload,
    warc_capture,
)
from wildtrace.model import Listing, Origin, Page, Reject
from wildtrace.parse import (
    CharsetError,
    PageKind,
    charset_from_content_type,
    has_text,
    page_kind,
    parse_listing_html,
    url_id,
)

#: Magic of a gzip member with the deflate method: where a gzipped WARC resynchronises.
GZIP_MAGIC = b"\x1f\x8b\x08"
#: Start of a WARC record's version line: where an uncompressed WARC resynchronises.
WARC_MAGIC = b"WARC/1."
_CHUNK = 1 << 16
_CONTENT_LENGTH = re.compile(
    rb"^content-length[ \t]*:[ \t]*(\d{1,18})[ \t]*\r?$", re.IGNORECASE | re.MULTILINE
)
_RECORD_TYPE = re.compile(rb"^warc-type[ \t]*:[ \t]*([^\r\n]*)\r?$", re.IGNORECASE | re.MULTILINE)
_TARGET_URI = re.compile(rb"^warc-target-uri[ \t]*:[ \t]*([^\r\n]*)\r?$", re.IGNORECASE | re.MULTILINE)
#: Parses the HTTP head of a response record warcio did not (its URI in angle brackets).
_HTTP_HEADERS = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of one record a reader holds (documented in docs/evidence.md).

    ``header``: the WARC header block, and the HTTP header block at the start of a response or
    request, each at most this many bytes (any one line is shorter still). ``record``: the
    whole record (headers and block) at most this many bytes, so the importer can hold a page
    of up to ``MAX_DECODED_BYTES`` with its headers.
    """

    header: int = 256 * 1024
    record: int = MAX_DECODED_BYTES + 2 * 256 * 1024


DEFAULT_LIMITS = Limits()


class WarcDamage(Enum):
    """Why one record could not be read: callers decide by kind, never by message text."""

    #: The WARC (or HTTP) header block is longer than ``Limits.header``.
    HEADER_TOO_LONG = "header too long"
    #: The record is longer than ``Limits.record``, or its gzip member inflates beyond it.
    TOO_LARGE = "too large"
    #: The gzip member is damaged (a flipped byte, a bad checksum).
    BAD_GZIP = "bad gzip"
    #: The file ends inside the record.
    TRUNCATED = "truncated"
    #: Bytes that are not a WARC record (or a header without a valid Content-Length).
    NOT_A_RECORD = "not a record"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as cut from the file: its bytes, or why they could not be had."""

    #: Byte offset in the file of the record (of its gzip member, when gzipped).
    offset: int
    #: The whole record (WARC headers and block), uncompressed; b"" when damaged.
    data: bytes = b""
    damage: WarcDamage | None = None
    why: str = ""
    #: The record's WARC headers (up to ``Limits.header``), also for a record too large to hold.
    head: bytes = b""
    #: Byte offset in the file just after the record (or where reading resumed).
    end: int = 0

    @property
    def rec_type(self) -> str:
        """The WARC-Type from the header block ("" when unknown)."""
        found = _RECORD_TYPE.search(self.head)
        return found.group(1).strip().decode("latin-1").lower() if found else ""

    @property
    def target_uri(self) -> str:
        """The WARC-Target-URI, without the angle brackets some tools put around it."""
        found = _TARGET_URI.search(self.head)
        uri = found.group(1).strip().decode("utf-8", "replace") if found else ""
        return uri[1:-1].strip() if uri.startswith("<") and uri.endswith(">") else uri


class _Truncated(WildTraceError):
    """The file ended inside a gzip member."""


class _BadMember(WildTraceError):
    """A gzip member that does not inflate."""


class _Member:
    """The inflated bytes of one gzip member, read in bounded chunks."""

    def __init__(self, stream: IO[bytes], offset: int) -> None:
        self._stream = stream
        self._offset = offset
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._read = 0  # compressed bytes taken from the file
        self._used = 0  # compressed bytes inflated
        self.done = False

    def read(self, size: int) -> bytes:
        """Up to ``size`` inflated bytes (b"" at the member's end)."""
        while not self.done:
            if self._pending:
                data, self._pending = self._pending, b""
            else:
                self._stream.seek(self._offset + self._read)
                data = self._stream.read(_CHUNK)
                if not data:
                    raise _Truncated
                self._read += len(data)
            try:
                out = self._inflater.decompress(data, size)
            except zlib.error as exc:
                raise _BadMember(str(exc)) from exc
            if self._inflater.eof:
                self.done = True
                self._used += len(data) - len(self._inflater.unused_data)
            else:
                self._pending = self._inflater.unconsumed_tail
                self._used += len(data) - len(self._pending)
            if out:
                return out
        return b""

    @property
    def end(self) -> int:
        """Offset just after the member (valid once ``done``)."""
        return self._offset + self._used


class _File:
    """The bytes of an uncompressed file from an offset, read in bounded chunks."""

    def __init__(self, stream: IO[bytes], offset: int) -> None:
        self._stream = stream
        self.position = offset

    def read(self, size: int) -> bytes:
        self._stream.seek(self.position)
        data = self._stream.read(size)
        self.position += len(data)
        return data


class _Buffer:
    """A forward-only buffer over a source with bounded look-ahead."""

    def __init__(self, source: _Member | _File) -> None:
        self.source = source
        self.data = bytearray()
        self.taken = 0  # bytes consumed from the start of the source
        self.ended = False

    def fill(self, size: int) -> bool:
        """Hold at least ``size`` bytes; False if the source ends first."""
        while len(self.data) < size and not self.ended:
            chunk = self.source.read(max(_CHUNK, min(size - len(self.data), 1 << 22)))
            if not chunk:
                self.ended = True
                break
            self.data += chunk
        return len(self.data) >= size

    def find(self, pattern: bytes, limit: int) -> int:
        """Index of ``pattern`` within the first ``limit`` bytes (filling as needed), or -1."""
        searched = 0
        while True:
            found = self.data.find(pattern, max(0, searched - len(pattern) + 1), limit)
            if found != -1 and found + len(pattern) <= limit:
                return found
            searched = len(self.data)
            if searched >= limit or not self.fill(searched + 1):
                return -1

    def take(self, size: int) -> bytes:
        out = bytes(self.data[:size])
        del self.data[:size]
        self.taken += len(out)
        return out

    def skip_blank(self) -> None:
        """Drop the blank lines between records."""
        while True:
            if not self.data and not self.fill(1):
                return
            stripped = self.data.lstrip(b"\r\n")
            dropped = len(self.data) - len(stripped)
            if dropped:
                del self.data[:dropped]
                self.taken += dropped
            if self.data:
                return


def _header_end(buffer: _Buffer, limit: int) -> int:
    """Length of the header block (blank line included) at the buffer's start, 0 if none in limit."""
    crlf = buffer.find(b"\r\n\r\n", limit)
    # some tools write bare line feeds: look for them only before the first CRLF blank line
    lf = buffer.find(b"\n\n", crlf + 3 if crlf != -1 else limit)
    ends = [at + size for at, size in ((crlf, 4), (lf, 2)) if at != -1]
    return min(ends) if ends else 0


def _next_record(buffer: _Buffer, limits: Limits) -> tuple[bytes, bytes, WarcDamage | None, str, int]:
    """(data, head, damage, why, block bytes still to skip) of the record at the buffer's start."""
    if not buffer.fill(len(WARC_MAGIC)) or not buffer.data.startswith(WARC_MAGIC):
        if buffer.ended and not buffer.data:
            return b"", b"", WarcDamage.TRUNCATED, "the file ends here", 0
        return b"", b"", WarcDamage.NOT_A_RECORD, "no WARC/1.x record starts here", 0
    head_length = _header_end(buffer, limits.header)
    if not head_length:
        if buffer.ended:
            head = bytes(buffer.data[: limits.header])
            return b"", head, WarcDamage.TRUNCATED, "the file ends inside the record's headers", 0
        head = bytes(buffer.data[: min(len(buffer.data), 4096)])
        return b"", head, WarcDamage.HEADER_TOO_LONG, f"WARC headers longer than {limits.header:,} bytes", 0
    head = bytes(buffer.data[:head_length])
    found = _CONTENT_LENGTH.search(head)
    if found is None:
        return b"", head, WarcDamage.NOT_A_RECORD, "no valid Content-Length (headers cut short?)", 0
    length = int(found.group(1))
    if head_length + length > limits.record:
        buffer.take(head_length)
        return (
            b"",
            head,
            WarcDamage.TOO_LARGE,
            f"record of {length:,} bytes, larger than {limits.record:,}",
            length,
        )
    if not buffer.fill(head_length + length):
        return b"", head, WarcDamage.TRUNCATED, "the record ends before its Content-Length (cut short?)", 0
    data = buffer.take(head_length + length)
    if length > limits.header and _http_block(head) and not _header_end_in(data[head_length:], limits.header):
        why = f"HTTP headers longer than {limits.header:,} bytes"
        return b"", head, WarcDamage.HEADER_TOO_LONG, why, 0
    return data, head, None, "", 0


def _http_block(head: bytes) -> bool:
    found = _RECORD_TYPE.search(head)
    return found is not None and found.group(1).strip().lower() in (b"response", b"request", b"revisit")


def _header_end_in(block: bytes, limit: int) -> bool:
    return block.find(b"\r\n\r\n", 0, limit) != -1 or block.find(b"\n\n", 0, limit) != -1


def _scan_for(stream: IO[bytes], pattern: bytes, start: int) -> int:
    """Offset of the next ``pattern`` at or after ``start``, or -1.

    Reads forward in fixed chunks: linear in the bytes skipped, whatever the file holds.
    """
    position, carry = start, b""
    while True:
        stream.seek(position)
        chunk = stream.read(1 << 20)
        if not chunk:
            return -1
        data = carry + chunk
        found = data.find(pattern)
        if found != -1:
            return position - len(carry) + found
        carry = data[-(len(pattern) - 1) :]
        position += len(chunk)


def _next_warc_line(stream: IO[bytes], after: int) -> int:
    """Offset of the next ``WARC/1.`` at the start of a line, after offset ``after``, or -1."""
    found = _scan_for(stream, b"\n" + WARC_MAGIC, after)
    return found + 1 if found != -1 else -1


def _next_member(stream: IO[bytes], start: int) -> int:
    """Offset of the next gzip member at or after ``start`` that inflates to a WARC record, or -1."""
    while True:
        found = _scan_for(stream, GZIP_MAGIC, start)
        if found == -1:
            return -1
        probe = _Member(stream, found)
        try:
            head = probe.read(len(WARC_MAGIC))
        except (_Truncated, _BadMember):
            head = b""
        if head.startswith(WARC_MAGIC):
            return found
        start = found + 1


def split_records(stream: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> Iterator[RawRecord]:
    """Every record of a WARC file in order, each whole or as one named damage (see module doc).

    The stream must be seekable. A gzipped file (its first bytes the gzip magic) is read member
    by member; any other file as uncompressed records.
    """
    stream.seek(0)
    first = stream.read(len(GZIP_MAGIC))
    stream.seek(0, 2)
    size = stream.tell()
    if first == GZIP_MAGIC:
        yield from _split_gzip(stream, size, limits)
        return
    stream.seek(0)
    if not stream.read(len(WARC_MAGIC)).startswith(WARC_MAGIC):  # damaged at the start: which kind?
        gzip_at = _next_member(stream, 0)
        plain_at = _next_warc_line(stream, 0)
        if gzip_at != -1 and (plain_at == -1 or gzip_at < plain_at):
            yield from _split_gzip(stream, size, limits)
            return
    yield from _split_plain(stream, size, limits)


def _split_gzip(stream: IO[bytes], size: int, limits: Limits) -> Iterator[RawRecord]:
    position = 0
    while position < size:
        stream.seek(position)
        if stream.read(len(GZIP_MAGIC)) != GZIP_MAGIC:
            resume = _next_member(stream, position + 1)
            stream.seek(position)
            if resume == -1 and not stream.read(_CHUNK).strip(b"\x00\r\n\t "):
                return  # padding at the end of the file
            end = size if resume == -1 else resume
            yield RawRecord(
                position, damage=WarcDamage.NOT_A_RECORD, why="bytes that are not a gzip member", end=end
            )
            position = end
            continue
        member = _Member(stream, position)
        buffer = _Buffer(member)
        held: RawRecord | None = None  # a record is given out only once its member proves whole
        try:
            buffer.skip_blank()
            while buffer.data:
                data, head, damage, why, _ = _next_record(buffer, limits)
                if damage is None:
                    if held is not None:
                        yield held
                    held = RawRecord(position, data, head=head, end=position)
                    buffer.skip_blank()  # reads on to the member's end: its checksum is checked
                    continue
                if held is not None:
                    yield held
                    held = None
                resume = _next_member(stream, position + 1)
                end = size if resume == -1 else resume
                yield RawRecord(position, damage=damage, why=why, head=head, end=end)
                break
            else:
                end = member.end
                if held is not None:
                    yield replace(held, end=end)
        except _Truncated:
            why = "the file ends inside this gzip member"
            yield RawRecord(position, damage=WarcDamage.TRUNCATED, why=why, head=_head(held), end=size)
            return
        except _BadMember as exc:
            resume = _next_member(stream, position + 1)
            end = size if resume == -1 else resume
            why = f"damaged gzip member ({exc})"
            yield RawRecord(position, damage=WarcDamage.BAD_GZIP, why=why, head=_head(held), end=end)
        position = max(end, position + 1)  # always forward: no input can make this loop


def _head(record: RawRecord | None) -> bytes:
    return record.head if record is not None else b""


def _split_plain(stream: IO[bytes], size: int, limits: Limits) -> Iterator[RawRecord]:
    buffer = _Buffer(_File(stream, 0))
    while True:
        buffer.skip_blank()
        if not buffer.data:
            return
        offset = buffer.taken
        data, head, damage, why, skip = _next_record(buffer, limits)
        if damage is None:
            yield RawRecord(offset, data, head=head, end=buffer.taken)
            continue
        resume = offset + len(head) + skip if damage is WarcDamage.TOO_LARGE else size + 1
        if resume > size:  # not where the record says it ends: the next record line
            found = _next_warc_line(stream, offset)
            resume = size if found == -1 else found
        yield RawRecord(offset, damage=damage, why=why, head=head, end=resume)
        if resume >= size:
            return
        buffer = _Buffer(_File(stream, resume))
        buffer.taken = resume


def numbered_records(stream: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[int, RawRecord]]:
    """``split_records`` with each record's number (1-based, counting damaged records too)."""
    yield from enumerate(split_records(stream, limits), 1)


def parse_record(raw: RawRecord) -> Any:
    """The warcio record of a whole ``RawRecord`` (its digests checked once its stream is read)."""
    records = ArchiveIterator(BytesIO(raw.data + b"\r\n\r\n"), check_digests=True)
    return next(records)


def read_record_at(stream: IO[bytes], offset: int, limits: Limits = DEFAULT_LIMITS) -> RawRecord:
    """The one record at ``offset`` (gzip member or uncompressed), bounded as ``split_records``.

    ``end`` is where the record's bytes end in the file: its gzip member's end (read to its
    checksum), or the blank lines after an uncompressed record; ``offset`` itself when a gzip
    member holds more than this record.
    """
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(offset)
    if stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
        member = _Member(stream, offset)
        buffer = _Buffer(member)
        try:
            data, head, damage, why, _ = _next_record(buffer, limits)
            if damage is None:
                buffer.skip_blank()  # on to the member's end: its checksum is checked
        except _Truncated:
            return RawRecord(offset, damage=WarcDamage.TRUNCATED, why="the file ends inside this gzip member")
        except _BadMember as exc:
            return RawRecord(offset, damage=WarcDamage.BAD_GZIP, why=f"damaged gzip member ({exc})")
        end = member.end if member.done and not buffer.data else offset
        return RawRecord(offset, data, damage, why, head, end=end)
    buffer = _Buffer(_File(stream, offset))
    buffer.taken = offset
    data, head, damage, why, _ = _next_record(buffer, limits)
    if damage is None:
        buffer.skip_blank()
    return RawRecord(offset, data, damage, why, head, end=min(size, buffer.taken))


# --- the importer ---------------------------------------------------------------------------

Result = Listing | Reject | Page


def read_warc(path: Path, name: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Result]:
    """Listings from the listing pages of a WARC; other HTML pages as ``Page`` (by kind).

    Written for WARCs from many tools (WildTrace, webrecorder / pywb, browsertrix, wget
    --warc-file, Heritrix): request, revisit, metadata and non-HTML records are skipped;
    chunked and gzip / deflate / br bodies are decoded (``evidence.payload.decode_payload``);
    ``<...>`` around a target URI (old wget) is dropped; digests are checked where present
    (SHA-1, SHA-256, base32 or hex) and a record whose bytes do not match its own digest is
    rejected, naming it; records without digests are read as they are. Pages are sorted by
    ``wildtrace.parse.page.page_kind``, the crawler's classifier: only listing pages become
    listings. The record number (1-based, counting every record) is the Origin line. A damaged,
    oversized or truncated record is one Reject naming it; reading goes on after it.
    """
    with path.open("rb") as stream:
        for number, raw in numbered_records(stream, limits):
            if raw.damage is not None:
                if raw.damage is WarcDamage.TOO_LARGE and raw.rec_type not in ("response", "resource", ""):
                    continue  # a big request or metadata record holds no page
                yield _corrupt(name, number, raw.offset, raw.why, raw.target_uri)
                continue
            try:
                record = parse_record(raw)
                result, payload = _warc_response(record, name, number, raw.offset)
                _drain(record)
            except Exception as error:  # warcio raises many kinds on malformed headers
                yield _corrupt(name, number, raw.offset, _warc_error(error), raw.target_uri)
                continue
            altered = digest_problem(record, payload)
            if altered:
                url = _target_uri(record) or "no URI"
                reason = f"record {number} (offset {raw.offset}, {url}): {altered}"
                yield Reject(Origin(name, number), reason, url)
            elif result is not None:
                yield result


def _target_uri(record: Any) -> str:
    """The record's WARC-Target-URI, without the angle brackets some tools put around it."""
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1].strip()
    return uri


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
    """The listing or page in one WARC record (or a Reject, or None for records that hold no
    page), and the payload when it was read."""
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
    if payload.unusable:
        return Reject(origin, f"record {number} ({url}): {payload.problem}", url), payload
    try:
        listing = parse_listing_html(
            body, url, listing_id=url_id(url), charset_hint=charset_from_content_type(content_type)
        )
    except CharsetError as error:
        return Reject(origin, f"record {number} ({url}): {error}", url), payload
    capture = warc_capture(
        url,
        body,
        captured_at=record.rec_headers.get_header("WARC-Date"),
        content_type=content_type,
        http_status=status,
        warc_file=name,
        warc_offset=offset,
    )
    kind = page_kind(url, listing, body)
    if kind is not PageKind.LISTING:
        if not has_text(listing) and kind is PageKind.OTHER:
            reason = f"record {number} ({url}): empty page: no title or text found"
            return Reject(origin, reason, url), payload
        return Page(origin, url, kind.value, capture), payload
    truncated = record.rec_headers.get_header("WARC-Truncated")
    extra = {**listing.extra, "warc_truncated": truncated} if truncated else listing.extra
    return replace(listing, origin=origin, capture=capture, extra=extra), payload


def _drain(record: Any) -> None:
    """Read the rest of a record (so that warcio checks its digests)."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass


def _corrupt(name: str, number: int, offset: int, why: str, url: str = "") -> Reject:
    return Reject(
        Origin(name, number),
        f"truncated or corrupt WARC at record {number} (offset {offset}): {why}",
        url,
    )


def _warc_error(error: BaseException) -> str:
    """A short reason from a warcio error (its own message when it has a useful one)."""
    if type(error).__name__ not in ("ArchiveLoadFailed", "StatusAndHeadersParserException"):
        return f"cannot read the record ({type(error).__name__}: {str(error)[:120]})"
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[0] if lines else type(error).__name__)[:200]
