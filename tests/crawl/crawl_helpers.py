"""Reading back what a crawl left: WARC records, stored captures, events."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator


def warc_files(out_dir: Path) -> list[Path]:
    return sorted((out_dir / "warc").glob("*.warc.gz*"))


def warc_records(out_dir: Path) -> list[dict[str, Any]]:
    """Every record of every WARC file (raises if any file is corrupt)."""
    records = []
    for path in warc_files(out_dir):
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                payload = record.content_stream().read()
                records.append(
                    {
                        "file": path,
                        "offset": iterator.offset,
                        "type": record.rec_type,
                        "url": record.rec_headers.get_header("WARC-Target-URI"),
                        "status": record.http_headers.get_statuscode() if record.http_headers else None,
                        "headers": record.http_headers,
                        "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                        "payload": payload,
                    }
                )
    return records


def responses(out_dir: Path) -> list[dict[str, Any]]:
    return [r for r in warc_records(out_dir) if r["type"] == "response"]


def events(out_dir: Path) -> list[dict[str, Any]]:
    path = out_dir / "crawl-events.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def summary(out_dir: Path) -> dict[str, Any]:
    return dict(json.loads((out_dir / "crawl-summary.json").read_text(encoding="utf-8")))


def query(db_url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def check_captures_match_warc(out_dir: Path, db_url: str) -> int:
    """Every capture in the store points at a WARC response whose payload has its SHA-256."""
    by_place = {}
    for record in responses(out_dir):
        name = record["file"].name.removesuffix(".open")
        by_place[(name, record["offset"])] = record
    rows = query(db_url, "select url, sha256, warc_file, warc_offset from captures")
    for url, sha256, warc_file, offset in rows:
        record = by_place[(Path(warc_file).name, offset)]
        assert record["url"] == url
        assert hashlib.sha256(record["payload"]).hexdigest() == sha256
    return len(rows)
