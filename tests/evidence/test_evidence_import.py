"""Importing WARC files shaped like other tools' output (generated here with warcio).

webrecorder / pywb: gzip per record, SHA-1 base32 digests, chunked + gzip bodies, revisits;
browsertrix: WARC/1.1, SHA-256 hex digests, br bodies, text and screenshot resource records;
wget --warc-file: uncompressed, URIs in angle brackets, metadata and log records, digests over
the de-chunked payload; and records with no digests at all.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from pathlib import Path

import brotli
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace.collect import read_file
from wildtrace.evidence.payload import dechunk, decode_payload, digest_matches
from wildtrace.model import Listing, Reject

PAGE = (
    "<html><head><title>Pangolin scales 1 kg</title></head><body><h1>Pangolin scales</h1>"
    "<p>Vảy tê tê, giao hàng toàn quốc. Liên hệ 0912 345 678</p></body></html>"
).encode()


def chunked(data: bytes, size: int = 50) -> bytes:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    parts = [b"%x;ext=1\r\n%s\r\n" % (len(piece), piece) for piece in pieces]
    return b"".join(parts) + b"0\r\n\r\n"


def response(
    writer: WARCWriter,
    url: str,
    stored: bytes,
    headers: list[tuple[str, str]],
    *,
    status: str = "200 OK",
    warc_headers: dict[str, str] | None = None,
) -> None:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "market.test")], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
    writer.write_record(
        writer.create_warc_record(
            url, "response", payload=io.BytesIO(stored), length=len(stored), http_headers=http,
            warc_headers_dict=dict(warc_headers or {}),
        )
    )  # fmt: skip


def listings_and_rejects(path: Path) -> tuple[list[Listing], list[Reject]]:
    results = list(read_file(path))
    return [r for r in results if isinstance(r, Listing)], [r for r in results if isinstance(r, Reject)]


def test_webrecorder_shaped_warc(tmp_path: Path) -> None:
    path = tmp_path / "webrecorder.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Webrecorder pywb 2.8"}))
        stored = chunked(gzip.compress(PAGE))
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                   ("Transfer-Encoding", "chunked")]  # fmt: skip
        response(writer, "https://market.test/item/1", stored, headers)
        response(writer, "https://market.test/app.js", b"var x = 1;", [("Content-Type", "text/javascript")])
        revisit = writer.create_revisit_record(
            "https://market.test/item/1", "sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            "https://market.test/item/1", "2026-01-01T00:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
        )  # fmt: skip
        writer.write_record(revisit)
    listings, rejects = listings_and_rejects(path)
    assert rejects == []
    [page] = listings
    assert page.capture is not None and page.capture.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert page.title and "Pangolin scales" in page.title


def test_browsertrix_shaped_warc(tmp_path: Path) -> None:
    path = tmp_path / "browsertrix.warc.gz"
    stored = brotli.compress(PAGE)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "br")]
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    http.compute_headers_buffer()
    hex_digests = {
        "WARC-Payload-Digest": "sha256:" + hashlib.sha256(stored).hexdigest(),
        "WARC-Block-Digest": "sha256:" + hashlib.sha256(http.headers_buff + stored).hexdigest(),
        "WARC-Page-ID": "p1",
    }
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Browsertrix-Crawler 1.0"}))
        response(writer, "https://market.test/item/2", stored, headers, warc_headers=hex_digests)
        for uri, kind, body in (
            ("urn:text:https://market.test/item/2", "text/plain", b"Pangolin scales"),
            ("urn:view:https://market.test/item/2", "image/png", b"\x89PNG\r\n\x1a\n..."),
        ):
            writer.write_record(
                writer.create_warc_record(uri, "resource", payload=io.BytesIO(body), length=len(body),
                                          warc_content_type=kind)
            )  # fmt: skip
        html = b"<html><title>Ivory bangle</title><p>Real ivory bangle for sale</p></html>"
        writer.write_record(
            writer.create_warc_record("https://market.test/item/3", "resource", payload=io.BytesIO(html),
                                      length=len(html), warc_content_type="text/html")
        )  # fmt: skip
    listings, rejects = listings_and_rejects(path)
    assert rejects == []
    assert [listing.url for listing in listings] == [
        "https://market.test/item/2",
        "https://market.test/item/3",
    ]
    assert listings[0].capture is not None
    assert listings[0].capture.sha256 == hashlib.sha256(PAGE).hexdigest()


def test_wget_shaped_warc(tmp_path: Path) -> None:
    path = tmp_path / "wget.warc"
    stored = chunked(PAGE)
    # wget computes the payload digest over the de-chunked body
    import base64

    payload_digest = "sha1:" + base64.b32encode(hashlib.sha1(PAGE).digest()).decode()
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Wget/1.21.3"}))
        response(writer, "<https://market.test/item/4>", stored,
                 [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
                 warc_headers={"WARC-Payload-Digest": payload_digest})  # fmt: skip
        log = b"wget log: 1 file downloaded"
        writer.write_record(
            writer.create_warc_record("metadata://gnu.org/software/wget/warc/wget.log", "resource",
                                      payload=io.BytesIO(log), length=len(log),
                                      warc_content_type="text/plain")
        )  # fmt: skip
        writer.write_record(
            writer.create_warc_record("metadata://gnu.org/software/wget/warc/MANIFEST.txt", "metadata",
                                      payload=io.BytesIO(b"x"), length=1, warc_content_type="text/plain")
        )  # fmt: skip
    listings, rejects = listings_and_rejects(path)
    assert rejects == []
    [page] = listings
    assert page.url == "https://market.test/item/4"
    assert page.capture is not None and page.capture.sha256 == hashlib.sha256(PAGE).hexdigest()


def test_records_without_digests_and_non_html_payloads(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        response(writer, "https://market.test/item/5", PAGE, [("Content-Type", "text/html")])
        response(writer, "https://market.test/doc.pdf", b"%PDF-1.4", [("Content-Type", "application/pdf")])
        response(writer, "https://market.test/api", b'{"a": 1}', [("Content-Type", "application/json")])
    raw = path.read_bytes()
    without = b"".join(line for line in raw.splitlines(keepends=True) if b"-Digest:" not in line)
    path.write_bytes(without)
    listings, rejects = listings_and_rejects(path)
    assert rejects == [] and [listing.url for listing in listings] == ["https://market.test/item/5"]


def test_an_altered_record_is_rejected_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "altered.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        response(writer, "https://market.test/item/6", PAGE, [("Content-Type", "text/html")])
        other = PAGE.replace(b"1 kg", b"2 kg")
        response(writer, "https://market.test/item/7", other, [("Content-Type", "text/html")])
    data = path.read_bytes()
    path.write_bytes(data.replace(b"1 kg", b"9 kg", 1))  # same length: only the digests can tell
    listings, rejects = listings_and_rejects(path)
    assert [listing.url for listing in listings] == ["https://market.test/item/7"]
    [reject] = rejects
    assert "item/6" in reject.reason and "does not match" in reject.reason and reject.origin.line == 2


def test_a_decompression_bomb_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bomb.warc.gz"
    bomb = zlib.compress(b"<p>" + b" " * (70 * 1024 * 1024), 9)
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "deflate")]
        response(writer, "https://market.test/bomb", bomb, headers)
        response(writer, "https://market.test/item/8", PAGE, [("Content-Type", "text/html")])
    listings, rejects = listings_and_rejects(path)
    assert [listing.url for listing in listings] == ["https://market.test/item/8"]
    assert len(rejects) == 1 and "inflates beyond" in rejects[0].reason


@pytest.mark.parametrize(
    ("stored", "te", "ce", "body"),
    [
        (chunked(PAGE), "chunked", None, PAGE),
        (PAGE, "chunked", None, PAGE),  # header kept, body stored de-chunked
        (gzip.compress(PAGE), None, "gzip", PAGE),
        (zlib.compress(PAGE)[2:-4], None, "deflate", PAGE),  # raw deflate
        (PAGE, None, "gzip", PAGE),  # header kept, body stored decoded
        (chunked(brotli.compress(gzip.compress(PAGE))), "chunked", "gzip, br", PAGE),
    ],
)
def test_decode_payload(stored: bytes, te: str | None, ce: str | None, body: bytes) -> None:
    assert decode_payload(stored, te, ce).body == body


def test_dechunk_edge_cases() -> None:
    assert dechunk(b"not chunked") is None
    assert dechunk(b"5\r\nhello\r\n0\r\n\r\n") == b"hello"
    assert dechunk(b"5\r\nhel") == b"hel"  # cut off: what was received


def test_digest_formats() -> None:
    import base64

    data = b"abc"
    sha1 = hashlib.sha1(data).digest()
    assert digest_matches("sha1:" + base64.b32encode(sha1).decode(), data) is True
    assert digest_matches("sha256:" + hashlib.sha256(data).hexdigest(), data) is True
    assert digest_matches("sha256:" + hashlib.sha256(b"x").hexdigest(), data) is False
    assert digest_matches("rot13:abc", data) is None and digest_matches("nonsense", data) is None


def test_payload_problems_are_typed_kinds() -> None:
    from wildtrace.evidence.payload import PayloadProblem

    bomb = zlib.compress(b" " * 100_000)
    assert decode_payload(bomb, None, "deflate", limit=1000).kind is PayloadProblem.INFLATES_BEYOND
    assert decode_payload(b"not gzip", None, "gzip").kind is PayloadProblem.UNDECODABLE
    assert not decode_payload(b"not gzip", None, "gzip").unusable  # kept as stored, still read
    assert decode_payload(PAGE, None, None).kind is None
