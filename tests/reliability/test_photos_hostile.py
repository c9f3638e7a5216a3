"""Photos captured in a hostile WARC: a damaged gzip member or a header bomb before the photo
costs that record only, in bounded memory, and the photo after it is still found and hashed
(``collect.photos`` reads WARC files through ``evidence.warc_read``, the one bounded reader).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_warc import header_bomb
from PIL import Image, ImageDraw
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace.collect.photos import listing_photos
from wildtrace.link import hash_bytes
from wildtrace.model import Capture, Listing

SRC = str(Path(__file__).resolve().parents[2] / "src")
BEFORE = "https://img.test/before.jpg"
DAMAGED = "https://img.test/damaged.jpg"
AFTER = "https://img.test/after.jpg"


def _jpeg(seed: int) -> bytes:
    """A small photo, different for every seed."""
    image = Image.new("RGB", (128, 128), (seed * 40 % 256, 90, 160))
    draw = ImageDraw.Draw(image)
    for step in range(6):
        at = (seed * 17 + step * 23) % 100
        draw.ellipse((at, step * 15, at + 28, step * 15 + 40), fill=(255 - at, step * 40, seed * 60 % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _image_record(url: str, body: bytes) -> bytes:
    """One gzip member holding an image response record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
    )
    return buffer.getvalue()


def _damaged(member: bytes) -> bytes:
    """The gzip member with one byte flipped in the middle of its deflate stream."""
    flipped = bytearray(member)
    flipped[len(member) // 2] ^= 0x55
    return bytes(flipped)


def _listing(warc: Path, *images: str) -> Listing:
    capture = Capture(url="https://market.test/item/1", sha256="0" * 64, warc_file=str(warc))
    return Listing(id="1", platform="market", seller="s1", images=images, capture=capture)


def test_a_damaged_member_before_the_photo_loses_only_that_record(tmp_path: Path) -> None:
    before, damaged, after = _jpeg(1), _jpeg(2), _jpeg(3)
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(
        _image_record(BEFORE, before)
        + _damaged(_image_record(DAMAGED, damaged))
        + _image_record(AFTER, after)
    )
    hashes = listing_photos([_listing(warc, BEFORE, DAMAGED, AFTER)])
    assert hashes.by_listing == {"market:1": [(BEFORE, hash_bytes(before)), (AFTER, hash_bytes(after))]}
    assert hashes.skipped == 1  # the damaged photo only


def test_garbage_in_an_uncompressed_warc_before_the_photo_is_skipped(tmp_path: Path) -> None:
    photo = _jpeg(4)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(AFTER, "response", payload=io.BytesIO(photo), http_headers=headers)
    )
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(b"\x00\xffnot a record\r\n" * 200 + buffer.getvalue())
    hashes = listing_photos([_listing(warc, AFTER)])
    assert hashes.by_listing == {"market:1": [(AFTER, hash_bytes(photo))]}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory read from /proc (Linux)")
def test_a_header_bomb_and_a_damaged_member_before_the_photo_in_bounded_memory(tmp_path: Path) -> None:
    photo = _jpeg(5)
    bomb = header_bomb(1 << 30)
    assert len(bomb) < 2_000_000
    warc = tmp_path / "bomb.warc.gz"
    warc.write_bytes(_image_record(BEFORE, _jpeg(6)) + bomb + _damaged(_image_record(DAMAGED, _jpeg(7)))
                     + _image_record(AFTER, photo))  # fmt: skip
    code = (
        "import resource, sys, time\n"
        # a safety net: a reader that inflates the bomb fails here instead of taking gigabytes
        "resource.setrlimit(resource.RLIMIT_DATA, (2 << 30, 2 << 30))\n"
        "from wildtrace.collect.photos import listing_photos\n"
        "from wildtrace.model import Capture, Listing\n"
        "capture = Capture(url='https://market.test/item/1', sha256='0' * 64, warc_file=sys.argv[1])\n"
        "listing = Listing(id='1', platform='market', seller='s1', images=(sys.argv[2],), capture=capture)\n"
        "start = time.perf_counter()\n"
        "hashes = listing_photos([listing])\n"
        "took = time.perf_counter() - start\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        "found = hashes.by_listing.get('market:1', [])\n"
        "print(int(hwm) // 1024, took, found[0][1] if found else None)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(warc), AFTER],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": SRC},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    peak, took, found = done.stdout.split()
    assert found == str(hash_bytes(photo)), done.stdout
    assert int(peak) < 150, f"peak memory {peak} MB"
    assert float(took) < 20, f"{float(took):.1f} s"


def test_an_image_altered_after_capture_is_not_hashed(tmp_path: Path) -> None:
    """Evidence first: an image whose bytes no longer match its own WARC digests is skipped,
    never linked on; the intact image beside it is hashed."""
    altered, intact = _jpeg(8), _jpeg(9)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for url, body in ((DAMAGED, altered), (AFTER, intact)):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        )
    data = bytearray(buffer.getvalue())
    at = bytes(data).index(altered) + len(altered) // 2
    data[at] ^= 0x01  # same length, one bit changed inside the first image
    warc = tmp_path / "altered.warc"
    warc.write_bytes(bytes(data))
    hashes = listing_photos([_listing(warc, DAMAGED, AFTER)])
    assert hashes.by_listing == {"market:1": [(AFTER, hash_bytes(intact))]}
    assert hashes.skipped == 1
