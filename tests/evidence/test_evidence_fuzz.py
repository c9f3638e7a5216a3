"""Hostile bytes never crash the payload decoder, the digest check or the WARC importer."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace.collect import read_file
from wildtrace.evidence.payload import decode_payload, digest_matches
from wildtrace.model import Listing, Page, Reject

ENCODINGS = st.sampled_from([None, "", "gzip", "deflate", "br", "gzip, br", "x-gzip", "identity", "zstd"])


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2048), te=st.sampled_from([None, "chunked", "gzip, chunked"]), ce=ENCODINGS)
def test_decode_payload_never_raises(data: bytes, te: str | None, ce: str | None) -> None:
    payload = decode_payload(data, te, ce, limit=1 << 16)
    assert len(payload.body) <= max(len(data), 1 << 16) + 1


@settings(max_examples=150, deadline=None)
@given(header=st.text(max_size=80), data=st.binary(max_size=64))
def test_digest_matches_never_raises(header: str, data: bytes) -> None:
    assert digest_matches(header, data) in (True, False, None)


def _warc() -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for number in range(2):
        body = gzip.compress(b"<html><title>Ivory %d</title><p>ivory bangle</p></html>" % number)
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"https://market.test/{number}", "response", payload=io.BytesIO(body), http_headers=http
            )
        )
    return buffer.getvalue()


WARC = _warc()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, len(WARC) - 1), st.integers(1, 255)), max_size=4),
       cut=st.integers(0, len(WARC)))  # fmt: skip
def test_a_damaged_warc_yields_listings_and_rejects_only(
    tmp_path: Path, flips: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(WARC[:cut] if cut else WARC)
    for position, mask in flips:
        if position < len(data):
            data[position] ^= mask
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(bytes(data))
    results = list(read_file(path))
    assert all(isinstance(result, Listing | Reject | Page) for result in results)
