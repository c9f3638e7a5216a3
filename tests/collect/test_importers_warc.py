"""WARC files written with warcio: responses become listings with their capture evidence."""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace.collect import read_file
from wildtrace.model import Listing, Reject

PAGE = (
    b"<html><head><title>Tiger claw | Market</title>"
    b'<meta property="og:image" content="/img/claw.jpg"></head>'
    b"<body><h1>Real tiger claw</h1><p>3 cm, with certificate. Zalo 0912 345 678</p></body></html>"
)
LATIN_PAGE = "<p>Ivoire véritable, 40 cm</p>".encode("cp1252")


def response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str,
    status: str = "200 OK",
    extra_headers: list[tuple[str, str]] | None = None,
) -> None:
    headers = [("Content-Type", content_type), *(extra_headers or [])]
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "market.test")], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    )


def write_warc(path: Path, *, gzip_records: bool) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        response(writer, "https://www.market.test/item/1", PAGE, "text/html; charset=utf-8")
        response(writer, "https://www.market.test/img/claw.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")
        response(writer, "https://www.market.test/gone", b"<p>gone</p>", "text/html", "404 Not Found")
        response(writer, "https://market.test/item/2", LATIN_PAGE, "text/html; charset=windows-1252")
        writer.write_record(
            writer.create_revisit_record(
                "https://www.market.test/item/1",
                "sha1:AAAA",
                "https://www.market.test/item/1",
                "2024-01-01T00:00:00Z",
            )
        )
    return path


@pytest.mark.parametrize("gzip_records", [False, True], ids=["plain", "gzip"])
def test_html_responses_become_listings_with_captures(tmp_path: Path, gzip_records: bool) -> None:
    name = "crawl.warc.gz" if gzip_records else "crawl.warc"
    path = write_warc(tmp_path / name, gzip_records=gzip_records)
    results = list(read_file(path))
    assert all(isinstance(r, Listing) for r in results)  # other records skipped silently
    first, second = results
    assert isinstance(first, Listing) and isinstance(second, Listing)
    assert first.url == "https://www.market.test/item/1"
    assert first.id == "url-" + hashlib.sha256(first.url.encode()).hexdigest()[:16]
    assert first.platform == "market.test"
    assert first.title == "Real tiger claw"
    assert "0912 345 678" in (first.text or "")
    assert first.images == ("https://www.market.test/img/claw.jpg",)
    assert first.origin is not None and (first.origin.file, first.origin.line) == (str(path), 3)
    capture = first.capture
    assert capture is not None
    assert capture.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert (capture.http_status, capture.content_type) == (200, "text/html; charset=utf-8")
    assert capture.warc_file == str(path) and capture.captured_at
    assert capture.warc_offset is not None
    with path.open("rb") as stream:  # the offset points at the record itself
        stream.seek(capture.warc_offset)
        head = stream.read(4096)
    if gzip_records:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
    assert head.startswith(b"WARC/1.")
    assert b"WARC-Type: response" in head and b"/item/1" in head
    assert second.text == "Ivoire véritable, 40 cm"  # charset from the HTTP header
    assert second.origin is not None and second.origin.line == 9


def test_chunked_and_gzip_encoded_body_is_decoded(tmp_path: Path) -> None:
    compressed = gzip.compress(PAGE)
    chunked = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(compressed[i : i + 50]), compressed[i : i + 50])
            for i in range(0, len(compressed), 50)
        )
        + b"0\r\n\r\n"
    )
    path = tmp_path / "wget.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        response(
            writer,
            "https://market.test/item/c",
            chunked,
            "text/html",
            extra_headers=[("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
        )
    [listing] = list(read_file(path))
    assert isinstance(listing, Listing)
    assert listing.title == "Real tiger claw"
    assert listing.capture is not None
    assert listing.capture.sha256 == hashlib.sha256(PAGE).hexdigest()


@pytest.mark.parametrize("gzip_records", [False, True], ids=["plain", "gzip"])
def test_truncated_warc_keeps_earlier_records_and_rejects_the_cut_one(
    tmp_path: Path, gzip_records: bool
) -> None:
    full = write_warc(tmp_path / ("full.warc.gz" if gzip_records else "full.warc"), gzip_records=gzip_records)
    [first, second] = list(read_file(full))
    assert isinstance(second, Listing) and second.capture is not None
    cut_at = second.capture.warc_offset
    assert cut_at is not None
    cut = tmp_path / ("cut.warc.gz" if gzip_records else "cut.warc")
    cut.write_bytes(full.read_bytes()[: cut_at + 60])  # 60 bytes into record 9
    results = list(read_file(cut))
    kept = results[0]
    assert isinstance(kept, Listing) and isinstance(first, Listing)
    assert kept.id == first.id and kept.capture is not None and first.capture is not None
    assert kept.capture.sha256 == first.capture.sha256
    [reject] = results[1:]
    assert isinstance(reject, Reject)
    assert (reject.origin.file, reject.origin.line) == (str(cut), 9)
    assert reject.reason.startswith(f"truncated or corrupt WARC at record 9 (offset {cut_at}):")


def test_every_cut_inside_a_record_is_reported(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "full.warc.gz", gzip_records=True)
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        boundaries = {records.get_record_offset() for _ in records}
    full = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    for size in range(1, len(full), 7):
        if size in boundaries:
            continue  # a file cut between two records is a valid, shorter WARC
        cut.write_bytes(full[:size])
        results = list(read_file(cut))  # never raises
        assert isinstance(results[-1], Reject), size


def test_file_that_is_not_a_warc_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "page.warc"
    path.write_bytes(b"<html><body>not a warc</body></html>\n")
    [reject] = list(read_file(path))
    assert isinstance(reject, Reject)
    assert reject.origin.line == 1
    assert reject.reason.startswith("truncated or corrupt WARC at record 1 (offset 0):")
