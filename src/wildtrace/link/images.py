"""Photos: perceptual hashes of a listing's images, to link sellers who post the same photo.

What is hashed: each entry of ``Listing.images`` that can be read WITHOUT the network:
 - a local file path (absolute, or relative to the folder of the file the listing came from);
 - an http(s) URL captured in the same WARC file as the listing (a ``response`` record whose
   WARC-Target-URI is that URL), e.g. when the crawler archived the images with the page.
Anything else (an image only on the web) is skipped and counted: linking never fetches.

Each readable image gets a 64-bit pHash (imagehash.phash over Pillow's decode). Two photos
are "the same photo" when their hashes differ in at most ``MAX_DISTANCE`` bits: re-saved,
resized or re-compressed copies stay within a few bits, different photos are ~32 apart.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from wildtrace.model import Listing

#: Hashes at most this many bits apart show the same photo.
MAX_DISTANCE = 4
#: Bands for the near-duplicate search: with 5 bands, two hashes at most 4 bits apart
#: agree exactly on at least one band (pigeonhole), so only those pairs are compared.
_BANDS = ((0, 13), (13, 26), (26, 39), (39, 52), (52, 64))
#: Images larger than this are not decoded (a hostile file must not exhaust memory).
_MAX_BYTES = 20 * 1024 * 1024
_MAX_PIXELS = 40_000_000


@dataclass
class PhotoHashes:
    """The hashes found per listing, and what could not be hashed (for the summary)."""

    by_listing: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    skipped: int = 0


def hash_bytes(data: bytes) -> int | None:
    """The 64-bit pHash of an encoded image, or None when it is not a readable image."""
    if len(data) > _MAX_BYTES:
        return None
    import imagehash  # imported when an image is hashed: it pulls in NumPy and SciPy
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > _MAX_PIXELS:  # read from the header: nothing decoded yet
                return None
            return int(str(imagehash.phash(image)), 16)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


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
        with open(warc_file, "rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                body: bytes = record.content_stream().read(_MAX_BYTES + 1)
                return body
        return None

    @staticmethod
    def _build(warc_file: str) -> dict[str, int]:
        index: dict[str, int] = {}
        try:
            with open(warc_file, "rb") as stream:
                records = ArchiveIterator(stream)
                for record in records:
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    kind = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
                    if record.rec_type == "response" and uri and kind.startswith("image/"):
                        index.setdefault(uri, records.get_record_offset())
        except (OSError, ArchiveLoadFailed):
            return {}
        return index


def hash_listing_images(listings: Iterable[Listing]) -> PhotoHashes:
    """pHashes of every image of ``listings`` that can be read locally (see module doc)."""
    result = PhotoHashes()
    warcs = _WarcImages()
    cache: dict[str, int | None] = {}
    for listing in listings:
        for reference in listing.images:
            key = f"{_warc_of(listing)}|{reference}"
            if key not in cache:
                data = _read(listing, reference, warcs)
                cache[key] = hash_bytes(data) if data is not None else None
            value = cache[key]
            if value is None:
                result.skipped += 1
            else:
                result.by_listing.setdefault(listing.id, []).append((reference, value))
    return result


def _warc_of(listing: Listing) -> str:
    capture = listing.capture
    return capture.warc_file or "" if capture is not None else ""


def _read(listing: Listing, reference: str, warcs: _WarcImages) -> bytes | None:
    scheme = urlparse(reference).scheme.lower()
    if scheme in ("http", "https"):
        warc = _warc_of(listing)
        return warcs.read(warc, reference) if warc else None
    if scheme == "file":
        path = Path(unquote(urlparse(reference).path))
    elif scheme and len(scheme) > 1:  # data:, ftp:, ... (a one-letter scheme is a drive)
        return None
    else:
        path = Path(reference)
        if not path.is_absolute() and listing.origin is not None:
            path = Path(listing.origin.file).parent / path
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def photo_groups(hashes: Mapping[str, Sequence[tuple[str, int]]]) -> dict[int, int]:
    """Each distinct hash mapped to the representative of its group of near-identical
    hashes (the smallest hash of the group), so that a group can be linked like a value."""
    distinct = sorted({value for found in hashes.values() for _, value in found})
    parent = {value: value for value in distinct}

    def find(value: int) -> int:
        while parent[value] != value:
            parent[value] = parent[parent[value]]
            value = parent[value]
        return value

    for low, high in _BANDS:
        mask = (1 << (high - low)) - 1
        buckets: dict[int, list[int]] = defaultdict(list)
        for value in distinct:
            buckets[(value >> low) & mask].append(value)
        for bucket in buckets.values():
            for i, first in enumerate(bucket):
                for second in bucket[i + 1 :]:
                    if (first ^ second).bit_count() <= MAX_DISTANCE:
                        a, b = find(first), find(second)
                        if a != b:
                            parent[max(a, b)] = min(a, b)
    return {value: find(value) for value in distinct}
