"""Photos: perceptual hashes of local and WARC-captured images, and linking through them."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from link_helpers import link_listings
from PIL import Image, ImageDraw
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace.collect.photos import listing_photos
from wildtrace.link import MAX_DISTANCE, hash_bytes, photo_groups
from wildtrace.link import link_listings as link_listings_by_key
from wildtrace.model import Analysis, Capture, Detection, Listing, Origin

DETECTION = Detection(score=0.9, flagged=True)


def _photo(seed: int, size: int = 256) -> Image.Image:
    """A synthetic photo: random shapes, different for every seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        box = sorted(rng.randrange(size) for _ in range(2)), sorted(rng.randrange(size) for _ in range(2))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((box[0][0], box[1][0], box[0][1], box[1][1]), fill=colour)
    return image


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def test_resized_recompressed_copy_is_near_and_another_photo_is_far() -> None:
    original = hash_bytes(_jpeg(_photo(1)))
    copy = hash_bytes(_jpeg(_photo(1).resize((180, 180)), quality=60))
    other = hash_bytes(_jpeg(_photo(2)))
    assert original is not None and copy is not None and other is not None
    assert (original ^ copy).bit_count() <= MAX_DISTANCE
    assert (original ^ other).bit_count() > 12


def test_not_an_image_has_no_hash() -> None:
    assert hash_bytes(b"<html>not an image</html>") is None
    assert hash_bytes(b"") is None


def test_photo_groups_join_near_hashes_only() -> None:
    base = 0x8F3A_1C2B_5D6E_7F80
    near = base ^ 0b1011  # 3 bits
    far = base ^ 0xFFFF_0000_0000_0000
    groups = photo_groups({"a": [("x", base)], "b": [("y", near)], "c": [("z", far)]})
    assert groups[base] == groups[near] == min(base, near)
    assert groups[far] == far


def _pair(listing: Listing) -> tuple[Listing, Analysis]:
    return listing, Analysis(listing.id, DETECTION)


def test_local_images_relative_to_the_input_file_link_two_sellers(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.jpg").write_bytes(_jpeg(_photo(7)))
    (tmp_path / "img" / "b.jpg").write_bytes(_jpeg(_photo(7).resize((200, 200)), quality=70))
    (tmp_path / "img" / "c.jpg").write_bytes(_jpeg(_photo(8)))
    origin = Origin(str(tmp_path / "listings.jsonl"), 1)
    listings = [
        Listing(id="a", platform="facebook", seller="Ngà Voi HN", images=("img/a.jpg",), origin=origin),
        Listing(id="b", platform="chotot", seller="ngavoi88", images=("img/b.jpg", "https://x.example/1.jpg"),
                origin=origin),
        Listing(id="c", platform="chotot", seller="other", images=("img/c.jpg", "img/missing.jpg"),
                origin=origin),
    ]  # fmt: skip
    hashes = listing_photos(listings)
    assert set(hashes.by_listing) == {"facebook:a", "chotot:b", "chotot:c"}
    assert hashes.skipped == 2  # a web image (never fetched) and a missing file
    network = link_listings([_pair(listing) for listing in listings], photos=hashes.by_listing)
    (link,) = network.links
    assert (link.source, link.target, link.kind) == ("a", "b", "photo")
    assert link.reason.startswith(
        "account 'Ngà Voi HN' on facebook and account 'ngavoi88' on chotot show the same photo "
        "(img/a.jpg and img/b.jpg: perceptual hashes at most 4 of 64 bits apart"
    )
    assert network.clusters["a"] == network.clusters["b"] != network.clusters["c"]


def test_images_captured_in_the_listings_warc_are_hashed(tmp_path: Path) -> None:
    warc = tmp_path / "capture.warc.gz"
    with warc.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, seed in (("https://img.example/a.jpg", 3), ("https://img.example/b.jpg", 3)):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(_jpeg(_photo(seed))),
                                               http_headers=headers)  # fmt: skip
            writer.write_record(record)
    capture = Capture(url="https://shop.example/1", sha256="0" * 64, warc_file=str(warc))
    listings = [
        Listing(id="w1", seller="s1", platform="p", images=("https://img.example/a.jpg",), capture=capture),
        Listing(id="w2", seller="s2", platform="q", images=("https://img.example/b.jpg",), capture=capture),
        Listing(
            id="w3", seller="s3", platform="q", images=("https://img.example/none.jpg",), capture=capture
        ),
    ]
    hashes = listing_photos(listings)
    assert set(hashes.by_listing) == {"p:w1", "q:w2"} and hashes.skipped == 1
    network = link_listings([_pair(listing) for listing in listings], photos=hashes.by_listing)
    assert [(link.source, link.target, link.kind) for link in network.links] == [("w1", "w2", "photo")]


def test_a_stock_photo_on_many_accounts_is_held_back() -> None:
    photos = {f"p:l{i}": [(f"{i}.jpg", 0x1234_5678_9ABC_DEF0)] for i in range(8)}
    pairs = [_pair(Listing(id=f"l{i}", platform="p", seller=f"s{i}")) for i in range(8)]
    network = link_listings(pairs, photos=photos)
    assert network.links == ()
    assert [(h.kind, h.accounts) for h in network.held_back] == [("photo", 8)]


def test_two_platforms_listing_the_same_id_keep_their_own_photos(tmp_path: Path) -> None:
    """Listing "123" on two platforms is two listings (``Listing.key``): each keeps its own
    photos, so only the one whose photo matches a third seller's is linked to it (keyed by
    plain id, both "123"s shared one photo list and both were linked, or neither)."""
    (tmp_path / "fb.jpg").write_bytes(_jpeg(_photo(21)))
    (tmp_path / "ct.jpg").write_bytes(_jpeg(_photo(22)))
    (tmp_path / "copy.jpg").write_bytes(_jpeg(_photo(22).resize((200, 200)), quality=70))
    origin = Origin(str(tmp_path / "listings.jsonl"), 1)
    listings = [
        Listing(id="123", platform="facebook", seller="fb-seller", images=("fb.jpg",), origin=origin),
        Listing(id="123", platform="chotot", seller="ct-seller", images=("ct.jpg",), origin=origin),
        Listing(id="9", platform="zalo", seller="third", images=("copy.jpg",), origin=origin),
    ]
    hashes = listing_photos(listings)
    assert set(hashes.by_listing) == {"facebook:123", "chotot:123", "zalo:9"}
    assert hashes.by_listing["facebook:123"] != hashes.by_listing["chotot:123"]
    network = link_listings_by_key([_pair(listing) for listing in listings], photos=hashes.by_listing)
    assert [(link.source, link.target, link.kind) for link in network.links] == [
        ("chotot:123", "zalo:9", "photo")
    ]
    assert network.clusters["chotot:123"] == network.clusters["zalo:9"] != network.clusters["facebook:123"]


def test_an_image_too_large_to_decode_safely_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from wildtrace.link import images

    monkeypatch.setattr(images, "_MAX_PIXELS", 100 * 100)
    assert hash_bytes(_jpeg(_photo(1, size=99))) is not None
    assert hash_bytes(_jpeg(_photo(1, size=101))) is None


def _two_sellers_one_photo(tmp_path: Path) -> Path:
    (tmp_path / "a.jpg").write_bytes(_jpeg(_photo(5)))
    (tmp_path / "b.jpg").write_bytes(_jpeg(_photo(5).resize((180, 180)), quality=60))
    listings = tmp_path / "listings.jsonl"
    rows = [
        {"id": "p1", "platform": "facebook", "seller": "one", "title": "bangle", "images": ["a.jpg"]},
        {"id": "p2", "platform": "chotot", "seller": "two", "title": "bangle", "images": ["b.jpg"]},
    ]
    listings.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return listings


def test_linking_reads_no_file_the_caller_passes_the_photo_hashes(tmp_path: Path) -> None:
    """The core takes photos as data: with the images on disk but no hashes passed in,
    nothing is linked by photo (before, link_listings opened the files itself)."""
    origin = Origin(str(_two_sellers_one_photo(tmp_path)), 1)
    listings = [
        Listing(id="p1", platform="facebook", seller="one", images=("a.jpg",), origin=origin),
        Listing(id="p2", platform="chotot", seller="two", images=("b.jpg",), origin=origin),
    ]
    pairs = [_pair(listing) for listing in listings]
    assert link_listings(pairs).links == ()
    linked = link_listings(pairs, photos=listing_photos(listings).by_listing)
    assert [(link.source, link.target, link.kind) for link in linked.links] == [("p1", "p2", "photo")]


@pytest.mark.parametrize("command", ["link", "network"])
def test_the_link_and_network_commands_read_the_photos(tmp_path: Path, command: str) -> None:
    from typer.testing import CliRunner

    from wildtrace.cli import app

    listings = _two_sellers_one_photo(tmp_path)
    out = tmp_path / ("out.jsonl" if command == "link" else "graph.json")
    env = {"WILDTRACE_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(app, [command, str(listings), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    written = out.read_text("utf-8")
    assert "same photo" in written
