"""One archived capture's payload, read back from its WARC record for viewing.

The bytes are hostile (a seller's page): the web app serves them only from a route whose
Content-Security-Policy sandboxes them (no scripts, no requests, no same origin).
"""

from __future__ import annotations

from pathlib import Path

from wildtrace.evidence.archive import resolve_warc_path
from wildtrace.evidence.payload import Payload, record_payload
from wildtrace.evidence.warc_read import parse_record, read_record_at

#: The largest payload shown (a page, not a video).
VIEW_LIMIT = 16 * 1024 * 1024


def read_capture(warc_file: str, offset: int, archives: Path | None = None) -> Payload | None:
    """The decoded payload of the record at ``offset`` in ``warc_file``; None when the file is
    gone or the record is damaged or not a response (``evidence verify`` says why)."""
    path = resolve_warc_path(warc_file, archives)
    if path is None:
        return None
    with path.open("rb") as stream:
        raw = read_record_at(stream, offset)
    if raw.damage is not None:
        return None
    record = parse_record(raw)
    if record.rec_type not in ("response", "resource"):
        return None
    return record_payload(record, VIEW_LIMIT)
