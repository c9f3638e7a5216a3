"""Photos: perceptual hashes of image bytes, to link sellers who post the same photo.

The core never reads a file: the adapter ``collect.photos`` reads each listing's images
(local files, or bodies captured in the listing's WARC) and passes the bytes to
``hash_bytes``; ``link_listings`` takes the resulting hashes as data.

Each readable image gets a 64-bit pHash (imagehash.phash over Pillow's decode). Two photos
are "the same photo" when their hashes differ in at most ``MAX_DISTANCE`` bits: re-saved,
resized or re-compressed copies stay within a few bits, different photos are ~32 apart.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence

#: Hashes at most this many bits apart show the same photo.
MAX_DISTANCE = 4
#: Bands for the near-duplicate search: with 5 bands, two hashes at most 4 bits apart
#: agree exactly on at least one band (pigeonhole), so only those pairs are compared.
_BANDS = ((0, 13), (13, 26), (26, 39), (39, 52), (52, 64))
#: Images larger than this are not decoded (a hostile file must not exhaust memory).
MAX_IMAGE_BYTES = 20 * 1024 * 1024
_MAX_PIXELS = 40_000_000


def hash_bytes(data: bytes) -> int | None:
    """The 64-bit pHash of an encoded image, or None when it is not a readable image."""
    if len(data) > MAX_IMAGE_BYTES:
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
