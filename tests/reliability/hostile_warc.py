"""Hostile WARC bytes shared by the reliability tests (not a test module)."""

from __future__ import annotations

import zlib


def header_bomb(line_bytes: int) -> bytes:
    """One gzip member whose WARC header line inflates to ``line_bytes`` bytes (~1 MB on disk per GB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [compressor.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX-Bomb: ")]
    block = b"A" * (1 << 20)
    for _ in range(line_bytes >> 20):
        out.append(compressor.compress(block))
    out.append(compressor.compress(b"\r\nContent-Length: 0\r\n\r\n\r\n"))
    out.append(compressor.flush())
    return b"".join(out)
