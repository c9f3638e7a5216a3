"""Evidence: fingerprints of what was read, and the capture metadata kept with each listing."""

from __future__ import annotations

import hashlib

from wildtrace.model import Capture

#: Media types read as listing pages.
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of some bytes, as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-cased ("text/html; charset=x" -> "text/html")."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_html(content_type: str | None) -> bool:
    """Whether a Content-Type header announces an HTML page."""
    return media_type(content_type) in HTML_MEDIA_TYPES


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
    with any reader that decodes the body.
    """
    return Capture(
        url=url,
        sha256=sha256_hex(body),
        captured_at=captured_at,
        content_type=content_type,
        http_status=http_status,
        warc_file=warc_file,
        warc_offset=warc_offset,
    )
