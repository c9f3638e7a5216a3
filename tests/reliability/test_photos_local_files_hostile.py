"""A page is hostile input: the image references it names must never make WildTrace read and
hash local files (issue 10 review, finding D). The parser keeps only http(s) image URLs, and
``collect.photos`` reads local files only for the analyst's own records (JSONL, CSV, XLSX)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.collect.photos import listing_photos
from wildtrace.model import Capture, Listing, Origin
from wildtrace.parse.html import parse_listing_html


def _photo_file(path: Path) -> Path:
    image = Image.new("RGB", (128, 128), (20, 90, 160))
    ImageDraw.Draw(image).ellipse((10, 20, 90, 110), fill=(250, 200, 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def _page(images: list[str], seller: str = "one", url: str | None = None) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "Product", "name": "Carved bangle",
        "description": "Old bangle", "image": images, "offers": {"price": "450", "priceCurrency": "USD"},
        "seller": {"@type": "Organization", "name": seller},
    }  # fmt: skip
    if url:
        data["url"] = url
    return (
        f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head>'
        "<body><h1>Carved bangle</h1><p>Old bangle.</p></body></html>"
    )


@pytest.mark.parametrize(
    "reference",
    ["file:///root/x.jpg", "/etc/passwd", "../secret.jpg", "data:image/png;base64,AAAA",
     "javascript:alert(1)", "FILE:///etc/passwd", " file:///etc/shadow"],
)  # fmt: skip
def test_a_page_keeps_no_local_or_non_web_image_reference(reference: str) -> None:
    assert parse_listing_html(_page([reference])).images == ()
    assert parse_listing_html(_page([reference], url="https://shop.test/item/1")).images in (
        (),
        ("https://shop.test/etc/passwd",),
        ("https://shop.test/secret.jpg",),
    )


def test_web_images_are_kept_and_made_absolute() -> None:
    page = _page(["https://cdn.test/a.jpg", "/img/b.jpg"], url="https://shop.test/item/1")
    assert parse_listing_html(page).images == ("https://cdn.test/a.jpg", "https://shop.test/img/b.jpg")


def test_photos_read_local_files_only_for_the_analysts_records(tmp_path: Path) -> None:
    photo = str(_photo_file(tmp_path / "a.jpg"))
    capture = Capture(url="https://shop.test/1", sha256="0" * 64)
    rows = str(tmp_path / "r.jsonl")
    listings = [
        Listing(id="j", seller="s", images=(photo,), origin=Origin(str(tmp_path / "rows.jsonl"), 1)),
        Listing(id="c", seller="s", images=(photo,), origin=Origin(str(tmp_path / "rows.csv"), 2)),
        Listing(id="h", seller="s", images=(photo,), origin=Origin(str(tmp_path / "page.html"))),
        Listing(id="w", seller="s", images=(photo,), origin=Origin(str(tmp_path / "c.warc.gz"), 3)),
        Listing(id="f", seller="s", images=(f"file://{photo}",), origin=Origin(str(tmp_path / "p.htm"))),
        Listing(id="n", seller="s", images=(photo,)),
        Listing(id="k", seller="s", images=(photo,), origin=Origin(rows), capture=capture),
    ]  # fmt: skip
    hashes = listing_photos(listings)
    assert sorted(key.rpartition(":")[2] for key in hashes.by_listing) == ["c", "j"]
    assert hashes.skipped == 5


def test_link_on_html_files_reads_no_local_photo(tmp_path: Path) -> None:
    """Two HTML pages naming the same local file as their image, sold by two sellers: linking
    them by that "photo" would read the analyst's disk on a page's say-so."""
    photo = _photo_file(tmp_path / "a.jpg")
    (tmp_path / "one.html").write_text(_page([f"file://{photo}"], seller="one"), encoding="utf-8")
    (tmp_path / "two.html").write_text(_page([str(photo)], seller="two"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {"WILDTRACE_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(
        app, ["link", str(tmp_path / "one.html"), str(tmp_path / "two.html"), "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "same photo" not in out.read_text("utf-8")
