"""Photos in: read the bytes of a listing's images from disk or from its WARC, and hash
them with the core (``link.images.hash_bytes``), so that ``link_listings`` can link sellers
who post the same photo without ever touching a file itself.

What is read: each entry of ``Listing.images`` that can be read WITHOUT the network:
 - a local file path (absolute, or relative to the folder of the file the listing came from),
   only for listings read from the analyst's own records (JSONL, CSV, XLSX): a page (an HTML
   file, a WARC capture) is hostile input and must not make WildTrace read and hash local files;
 - an http(s) URL captured in the same WARC file as the listing (a ``response`` record whose
   WARC-Target-URI is that URL), e.g. when the crawler archived the images with the page.
Anything else (an image only on the web) is skipped and counted: linking never fetches.

WARC files are read through ``evidence.warc_read`` (the one WARC reader): bounded in memory,
and a damaged or hostile record costs that record only; the images after it are still found.
An image whose bytes do not match its own WARC digest is skipped like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from wildtrace.collect.importers import input_format
from wildtrace.evidence.payload import digest_problem, record_payload
from wildtrace.evidence.warc_read import parse_record, read_record_at, split_records
from wildtrace.link import MAX_IMAGE_BYTES, hash_bytes
from wildtrace.model import Listing


@dataclass
class PhotoHashes:
    """The hashes found per listing, keyed by ``str(listing.key)`` (``platform:id``: two
    platforms may use the same id), and what could not be hashed (for the summary)."""

    by_listing: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    skipped: int = 0


class _WarcImages:
    """Image bodies in WARC files, looked up by URL (each file indexed once, lazily)."""

    def __init__(self) -> None:
        self._index: dict[str, dict[str, int]] = {}

    def read(self, warc_file: str, url: str) -> bytes | None:
        index = self._index.get(warc_file)
        if index is None:
            index = self._index[warc_file] = self._build(warc_file)
        offset = index.get(url)
        if offset is None:
            return None
        try:
            with open(warc_file, "rb") as stream:
                raw = read_record_at(stream, offset)
        except OSError:
            return None
        if raw.damage is not None or raw.target_uri != url:  # (a gzip member of several records)
            return None
        try:
            record = parse_record(raw)
            payload = record_payload(record, MAX_IMAGE_BYTES)
        except Exception:  # warcio raises many kinds on malformed records
            return None
        if payload.unusable or digest_problem(record, payload):
            return None
        return payload.body

    @staticmethod
    def _build(warc_file: str) -> dict[str, int]:
        """URL -> offset of every image response, read past damaged records (first one wins)."""
        index: dict[str, int] = {}
        try:
            with open(warc_file, "rb") as stream:
                for raw in split_records(stream):
                    uri = raw.target_uri
                    if raw.damage is not None or raw.rec_type != "response" or not uri or uri in index:
                        continue
                    try:
                        headers = parse_record(raw).http_headers
                    except Exception:  # warcio raises many kinds on malformed records
                        continue
                    kind = headers.get_header("Content-Type", "") if headers is not None else ""
                    if kind.startswith("image/"):
                        index[uri] = raw.offset
        except OSError:
            return index
        return index


def listing_photos(listings: Iterable[Listing]) -> PhotoHashes:
    """pHashes of every image of ``listings`` that can be read locally (see module doc)."""
    result = PhotoHashes()
    warcs = _WarcImages()
    cache: dict[str, int | None] = {}
    for listing in listings:
        for reference in listing.images:
            # where a local path would be read from is part of the key: the same reference
            # from a page (never read) or another record file's folder is another image
            key = f"{_warc_of(listing)}|{_local_folder(listing) or ''}|{reference}"
            if key not in cache:
                data = _read(listing, reference, warcs)
                cache[key] = hash_bytes(data) if data is not None else None
            value = cache[key]
            if value is None:
                result.skipped += 1
            else:
                result.by_listing.setdefault(str(listing.key), []).append((reference, value))
    return result


def _warc_of(listing: Listing) -> str:
    capture = listing.capture
    return capture.warc_file or "" if capture is not None else ""


#: Input formats whose records may name local image files (the analyst wrote them).
_LOCAL_IMAGE_FORMATS = frozenset({"jsonl", "csv", "xlsx"})


def _local_folder(listing: Listing) -> Path | None:
    """The folder the listing's relative image paths are read from, or None when it may name
    no local file: it came from a page (HTML file, WARC capture), not a record file."""
    if listing.capture is not None or listing.origin is None:
        return None
    origin = Path(listing.origin.file)
    return origin.parent if input_format(origin) in _LOCAL_IMAGE_FORMATS else None


def _read(listing: Listing, reference: str, warcs: _WarcImages) -> bytes | None:
    scheme = urlparse(reference).scheme.lower()
    if scheme in ("http", "https"):
        warc = _warc_of(listing)
        return warcs.read(warc, reference) if warc else None
    folder = _local_folder(listing)
    if folder is None:
        return None
    if scheme == "file":
        path = Path(unquote(urlparse(reference).path))
    elif scheme and len(scheme) > 1:  # data:, ftp:, ... (a one-letter scheme is a drive)
        return None
    else:
        path = Path(reference)
        if not path.is_absolute():
            path = folder / path
    try:
        if not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None
