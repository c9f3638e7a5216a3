"""Payloads of WARC records: fingerprints of what was read, and the capture kept with each listing.

One definition of "the payload" serves the importer, the WARC writer and ``evidence verify``,
so that the same record always gets the same SHA-256 whoever reads it: the HTTP entity body
after the transfer encoding (chunked) and the content encodings (gzip, deflate, br) are undone,
exactly the bytes the parser saw. Decoding is tolerant (a body that does not decode as its
headers claim is kept as stored) and capped (a body inflating past ``MAX_DECODED_BYTES`` is kept
as stored and flagged), so that a hostile record can neither crash a reader nor exhaust memory.
What went wrong is a typed ``PayloadProblem``, never to be recognised by its message text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import zlib
from dataclasses import dataclass
from enum import Enum
from typing import Any

from wildtrace.errors import WildTraceError
from wildtrace.model import Capture

#: Media types read as listing pages.
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Largest decoded payload WildTrace inflates (a bigger one is a decompression bomb or not a page).
MAX_DECODED_BYTES = 64 * 1024 * 1024
_CHUNK_SIZE_LINE = re.compile(rb"[0-9A-Fa-f]{1,16}")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of some bytes, as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-cased ("text/html; charset=x" -> "text/html")."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_html(content_type: str | None) -> bool:
    """Whether a Content-Type header announces an HTML page."""
    return media_type(content_type) in HTML_MEDIA_TYPES


# --- payloads -------------------------------------------------------------------------------


class PayloadProblem(Enum):
    """Why a payload is not (all) the decoded body: callers decide by kind, not by message."""

    #: More stored bytes than the reader takes: ``stored`` and ``body`` are cut.
    TOO_LARGE = "too large"
    #: The decoded body would pass the limit (a decompression bomb): kept as stored.
    INFLATES_BEYOND = "inflates beyond"
    #: An encoding that does not decode as announced (or cannot be undone here): kept as stored.
    UNDECODABLE = "undecodable"


class PayloadError(WildTraceError):
    """A content encoding could not be undone; ``kind`` says why, the message says how."""

    def __init__(self, kind: PayloadProblem, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Payload:
    """A record's payload as stored and as decoded, with what could not be undone."""

    stored: bytes
    body: bytes
    #: Why ``body`` is (partly) the stored bytes, or cut: "" when every encoding was undone.
    problem: str = ""
    #: The kind of ``problem`` (None when there is none).
    kind: PayloadProblem | None = None

    @property
    def unusable(self) -> bool:
        """Whether the body is not the page (cut, or a bomb left compressed): reject, don't parse."""
        return self.kind in (PayloadProblem.TOO_LARGE, PayloadProblem.INFLATES_BEYOND)

    @property
    def sha256(self) -> str:
        """The payload fingerprint kept in the store (over the decoded body)."""
        return sha256_hex(self.body)


def _tokens(header: str | None) -> list[str]:
    return [token.strip().lower() for token in (header or "").split(",") if token.strip()]


def dechunk(data: bytes) -> bytes | None:
    """The body of a chunked transfer encoding, or None if ``data`` is not chunked.

    A body cut off inside a chunk gives what was received.
    """
    out = bytearray()
    position = 0
    while True:
        end = data.find(b"\r\n", position)
        if end == -1:
            end = data.find(b"\n", position)
            if end == -1:
                return bytes(out) if out else None
            step = 1
        else:
            step = 2
        size_text = data[position:end].split(b";", 1)[0].strip()
        if not _CHUNK_SIZE_LINE.fullmatch(size_text):
            return bytes(out) if out else None
        size = int(size_text, 16)
        start = end + step
        if size == 0:
            return bytes(out)
        out += data[start : start + size]
        if start + size >= len(data):
            return bytes(out)
        position = start + size
        if data[position : position + 2] == b"\r\n":
            position += 2
        elif data[position : position + 1] == b"\n":
            position += 1


def _inflate(data: bytes, encoding: str, limit: int) -> bytes:
    """One content encoding undone; raises PayloadError when it does not decode or is too big."""
    if encoding in ("gzip", "x-gzip"):
        attempts = [16 + zlib.MAX_WBITS]
    elif encoding == "deflate":
        attempts = [zlib.MAX_WBITS, -zlib.MAX_WBITS]  # zlib-wrapped, or raw as some servers send
    elif encoding == "br":
        return _unbrotli(data, limit)
    else:
        raise PayloadError(PayloadProblem.UNDECODABLE, f"unknown content encoding {encoding!r}")
    error = ""
    for wbits in attempts:
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error as exc:
            error = str(exc)
            continue
        if len(out) > limit:
            raise PayloadError(
                PayloadProblem.INFLATES_BEYOND, f"{encoding} payload inflates beyond {limit:,} bytes"
            )
        if not out and data:
            error = "no data"
            continue
        return out
    raise PayloadError(PayloadProblem.UNDECODABLE, f"not valid {encoding}: {error}")


def _unbrotli(data: bytes, limit: int) -> bytes:
    try:
        import brotli
    except ImportError as exc:
        raise PayloadError(
            PayloadProblem.UNDECODABLE, "br payload: the brotli module is not installed"
        ) from exc
    decompressor: Any = brotli.Decompressor()
    try:
        out = decompressor.process(data, output_buffer_limit=limit + 1)
        while (
            len(out) <= limit and not decompressor.is_finished() and not decompressor.can_accept_more_data()
        ):
            out += decompressor.process(b"", output_buffer_limit=limit + 1 - len(out))
    except brotli.error as exc:
        raise PayloadError(PayloadProblem.UNDECODABLE, f"not valid br: {exc}") from exc
    if len(out) > limit:
        raise PayloadError(PayloadProblem.INFLATES_BEYOND, f"br payload inflates beyond {limit:,} bytes")
    return bytes(out)


def decode_payload(
    stored: bytes,
    transfer_encoding: str | None,
    content_encoding: str | None,
    limit: int = MAX_DECODED_BYTES,
) -> Payload:
    """Undo the transfer and content encodings a record's HTTP headers announce (see module doc)."""
    body = stored
    if "chunked" in _tokens(transfer_encoding):
        dechunked = dechunk(stored)
        if dechunked is not None:  # some tools store the body de-chunked but keep the header
            body = dechunked
    for encoding in reversed(_tokens(content_encoding)):
        if encoding == "identity":
            continue
        try:
            body = _inflate(body, encoding, limit)
        except PayloadError as exc:
            return Payload(stored, body, str(exc), exc.kind)
    return Payload(stored, body)


def record_payload(record: Any, limit: int = MAX_DECODED_BYTES) -> Payload:
    """Read the rest of a warcio record's payload and decode it (see ``decode_payload``).

    At most ``limit`` stored bytes are read: a bigger payload (a hostile record can declare
    any length) is returned cut, with a ``problem`` that says so.
    """
    stored = record.raw_stream.read(limit + 1)
    if len(stored) > limit:
        cut = stored[:limit]
        return Payload(cut, cut, f"payload larger than {limit:,} bytes", PayloadProblem.TOO_LARGE)
    headers = record.http_headers
    if headers is None:
        return Payload(stored, stored)
    return decode_payload(
        stored, headers.get_header("Transfer-Encoding"), headers.get_header("Content-Encoding"), limit
    )


def digest_matches(header: str, data: bytes) -> bool | None:
    """Whether a WARC digest header (``sha1:BASE32``, ``sha256:hex`` ...) fits ``data``;
    None when the algorithm or the encoding is unknown (it cannot be checked)."""
    algorithm, _, value = header.strip().partition(":")
    if not value:
        return None
    try:
        digest = hashlib.new(algorithm.strip().lower().replace("-", ""), data).digest()
    except ValueError:
        return None
    value = value.strip()
    candidates: list[bytes] = []
    for decode in (
        lambda v: base64.b32decode(v.upper() + "=" * (-len(v) % 8)),
        bytes.fromhex,
        lambda v: base64.b64decode(v + "=" * (-len(v) % 4), validate=True),
        lambda v: base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)),
    ):
        try:
            candidates.append(decode(value))
        except (ValueError, binascii.Error):
            continue
    candidates = [c for c in candidates if len(c) == len(digest)]
    if not candidates:
        return None
    return digest in candidates


def digest_problem(record: Any, payload: Payload | None) -> str:
    """Why a record does not match its own WARC digests, or "" (also when it has none).

    The payload digest is accepted over the stored body or the de-chunked one: tools differ
    on which the WARC standard means.
    """
    # Recognised by their text, not by type, because warcio offers no typed form: its
    # DigestChecker (made inside ArcWarcRecordLoader.parse_record_stream, no hook to replace it)
    # only appends message strings ("block digest failed: ...", "payload digest failed ...");
    # check_digests="raise" would only wrap the same text in a bare ArchiveLoadFailed.
    checker = getattr(record, "digest_checker", None)
    problems = [str(p) for p in (checker.problems if checker is not None else [])]
    if any(p.startswith("block digest failed") for p in problems):
        return "WARC-Block-Digest does not match the record (altered or corrupt)"
    if not any(p.startswith("payload digest failed") for p in problems):
        return ""
    header = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    if payload is not None:
        dechunked = dechunk(payload.stored)
        for candidate in (payload.stored, dechunked, payload.body):
            if candidate is not None and digest_matches(header, candidate):
                return ""
    elif (
        record.http_headers is not None
        and "chunked" in (record.http_headers.get_header("Transfer-Encoding") or "").lower()
    ):
        return ""  # not read here: cannot tell which reading of the standard the tool used
    return "WARC-Payload-Digest does not match the payload (altered or corrupt)"


def warc_capture(
    url: str,
    body: bytes,
    *,
    captured_at: str | None,
    content_type: str | None,
    http_status: int | None,
    warc_file: str,
    warc_offset: int,
) -> Capture:
    """The capture behind a listing read from a WARC response record.

    ``sha256`` is taken over the HTTP payload as the parser saw it: the body after transfer
    (chunked) and content (gzip, br) encodings are undone. Anyone can recompute it from the WARC
    with any reader that decodes the body. ``warc_file`` is kept as an absolute path, so that
    ``evidence verify`` finds the file whatever folder it runs in.
    """
    return Capture(
        url=url,
        sha256=sha256_hex(body),
        captured_at=captured_at,
        content_type=content_type,
        http_status=http_status,
        warc_file=os.path.abspath(warc_file),
        warc_offset=warc_offset,
    )
