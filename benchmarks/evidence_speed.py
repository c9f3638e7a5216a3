"""Evidence speed: WARC writing (MB/s of payload) and ``evidence verify`` (MB/s of WARC files).

Writes ``--pages`` synthetic listing pages of about ``--kb`` KB each through ``WarcArchive``
(request + response records, SHA-256 digests, one gzip member per record, flushed per record),
first without a store (the archive alone), then with a SQLite store (each response also
recorded with its custody entry, one transaction per page, as a crawl does). Then verifies
that store (every record re-read and re-hashed, every file re-hashed, the custody chain
re-walked). Each figure is the median of ``--repeat`` runs. Usage:

    .venv/bin/python benchmarks/evidence_speed.py [--pages 400] [--kb 60] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from wildtrace.evidence.archive import WarcArchive
from wildtrace.evidence.verify import verify_evidence
from wildtrace.store import open_store

WORDS = ("ngà voi", "vòng tay", "hàng thật", "ship toàn quốc", "liên hệ", "giá tốt", "ivory", "bangle",
         "certificate", "antique", "pangolin", "scales", "穿山甲", "现货", "price", "contact")  # fmt: skip


def make_pages(count: int, kb: int, seed: int = 5) -> list[bytes]:
    """HTML pages of realistic text (compresses like real listings, about 3-5x)."""
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        parts = [f"<html><head><title>Listing {number}</title></head><body>"]
        size = 0
        while size < kb * 1024:
            words = " ".join(rng.choices(WORDS, k=12))
            line = f"<p class='d{rng.randint(0, 99)}'>{words} {rng.random()}</p>\n"
            parts.append(line)
            size += len(line.encode())
        parts.append("</body></html>")
        pages.append("".join(parts).encode())
    return pages


def write(folder: Path, pages: list[bytes], db: str | None) -> tuple[float, int]:
    """Seconds to archive every page, and bytes written."""
    store = open_store(db) if db else None
    started = time.perf_counter()
    archive = WarcArchive(folder, "bench", "bench", None, "bench", store=store)
    for number, body in enumerate(pages):
        archive.write_exchange(
            url=f"https://market.test/item/{number}", method="GET",
            request_headers=[("User-Agent", "WildTrace-bench")], status=200,
            response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
            fetched_at=datetime.now(UTC), remote_ip="127.0.0.1",
        )  # fmt: skip
    archive.close()
    elapsed = time.perf_counter() - started
    if store is not None:
        store.close()
    return elapsed, sum(path.stat().st_size for path in folder.glob("*.warc.gz"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--kb", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pages = make_pages(args.pages, args.kb)
    payload_mb = sum(map(len, pages)) / 1e6
    plain, stored, verified = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            seconds, _ = write(Path(folder) / "a", pages, None)
            plain.append(payload_mb / seconds)
            db = f"sqlite:///{folder}/bench.db"
            seconds, warc_bytes = write(Path(folder) / "b", pages, db)
            stored.append(payload_mb / seconds)
            with open_store(db) as store:
                started = time.perf_counter()
                report = verify_evidence(store)
                seconds = time.perf_counter() - started
            assert report.ok, report.mismatches[:3]
            verified.append(warc_bytes / 1e6 / seconds)
    print(f"{args.pages} pages, {payload_mb:.1f} MB of payload, {warc_bytes / 1e6:.1f} MB of WARC (gzip)")
    print(f"WARC write, archive only:          {statistics.median(plain):7.1f} MB/s of payload "
          f"({statistics.median(plain) / payload_mb * args.pages:,.0f} pages/s)")  # fmt: skip
    print(f"WARC write, with store + custody:  {statistics.median(stored):7.1f} MB/s of payload "
          f"({statistics.median(stored) / payload_mb * args.pages:,.0f} pages/s)")  # fmt: skip
    print(f"evidence verify (SQLite store):    {statistics.median(verified):7.1f} MB/s of WARC files")
    print(f"median of {args.repeat} runs")


if __name__ == "__main__":
    main()
