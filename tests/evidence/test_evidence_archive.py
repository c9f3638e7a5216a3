"""WarcArchive: request/response records with SHA-256 digests, rotation, crash safety, the store."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from wildtrace.collect import read_file
from wildtrace.evidence.archive import (
    OPEN_SUFFIX,
    ArchivedCapture,
    WarcArchive,
    complete_members_end,
    recover_open_files,
    resolve_warc_path,
)
from wildtrace.evidence.custody import CustodyLog
from wildtrace.model import Listing, Reject
from wildtrace.store import open_store
from wildtrace.store.tables_evidence import CrawlRow, WarcFileRow, WarcRecordRow

PAGE = (
    "<html><head><title>Ngà voi thật | Chợ</title></head>"
    "<body><h1>Ngà voi thật</h1><p>Bán ngà voi 2 kg, Zalo 0912 345 678</p></body></html>"
).encode()
NOW = datetime(2026, 11, 28, 7, 0, 0, 123456, tzinfo=UTC)


def exchange(archive: WarcArchive, url: str, body: bytes = PAGE, **extra: object) -> ArchivedCapture:
    values: dict[str, object] = {
        "url": url,
        "method": "GET",
        "request_headers": [("User-Agent", "WildTrace-test")],
        "status": 200,
        "response_headers": [("Content-Type", "text/html; charset=utf-8")],
        "body": body,
        "fetched_at": NOW,
        "remote_ip": "127.0.0.1",
    }
    values.update(extra)
    return archive.write_exchange(**values)  # type: ignore[arg-type]


def records(path: Path) -> list[tuple[str, int, object, bytes]]:
    """(type, offset, record, decoded payload) of every record, with digests checked strictly."""
    found = []
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream, check_digests="raise")
        for record in iterator:
            body = record.content_stream().read()
            found.append((record.rec_type, iterator.offset, record, body))
    return found


def test_exchange_is_a_response_and_a_request_with_sha256_digests(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "crawl-1", "ana", "market.yaml", "9.9.9")
    capture = exchange(archive, "https://market.test/item/1?x=1")
    archive.close()
    assert capture.warc_file.exists() and capture.warc_file.name.endswith(".warc.gz")
    assert not list(tmp_path.glob(f"*{OPEN_SUFFIX}"))
    assert capture.sha256 == hashlib.sha256(PAGE).hexdigest()
    found = records(capture.warc_file)
    assert [kind for kind, *_ in found] == ["warcinfo", "response", "request"]
    info = found[0][3].decode()
    for text in ("WildTrace/9.9.9", "crawl-1", "ana", "market.yaml", "hostname: "):
        assert text in info
    _, offset, response, body = found[1]
    assert (offset, body) == (capture.offset, PAGE)
    headers = response.rec_headers  # type: ignore[attr-defined]
    assert headers.get_header("WARC-Payload-Digest") == capture.payload_digest
    assert capture.payload_digest.startswith("sha256:")
    assert headers.get_header("WARC-Block-Digest").startswith("sha256:")
    assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert headers.get_header("WARC-Date") == "2026-11-28T07:00:00.123456Z"
    request = found[2][2]
    assert request.rec_headers.get_header("WARC-Concurrent-To") == capture.record_id  # type: ignore[attr-defined]
    assert request.http_headers.protocol == "GET"  # type: ignore[attr-defined]
    assert request.http_headers.statusline.startswith("/item/1?x=1")  # type: ignore[attr-defined]
    # one gzip member per record: the response can be read alone from its offset
    with capture.warc_file.open("rb") as stream:
        stream.seek(capture.offset)
        alone = next(iter(ArchiveIterator(stream)))
        assert alone.content_stream().read() == PAGE
        assert stream.tell() >= capture.offset + capture.length


def test_decoded_body_keeps_the_original_encoding_headers_aside(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "c", "ana", None, "1") as archive:
        capture = exchange(
            archive,
            "https://market.test/gz",
            response_headers=[
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
                ("Content-Length", "17"),
            ],
        )
    _, _, response, body = records(capture.warc_file)[1]
    assert body == PAGE  # no reader tries to gunzip or de-chunk the decoded body
    http = response.http_headers  # type: ignore[attr-defined]
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert http.get_header("Content-Length") == str(len(PAGE))
    assert http.get_header("Content-Encoding") is None


def test_hostile_headers_cannot_forge_lines(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "c", "ana", None, "1") as archive:
        capture = exchange(
            archive,
            "https://market.test/evil",
            response_headers=[
                ("Content-Type", "text/html"),
                ("X-Evil", "a\r\nWARC-Type: revisit\r\n\r\nboo"),
                ("X-Naïve", "é"),
            ],
        )
    found = records(capture.warc_file)
    assert [kind for kind, *_ in found] == ["warcinfo", "response", "request"]
    assert found[1][3] == PAGE
    assert found[1][2].rec_headers.get_header("WARC-Type") == "response"  # type: ignore[attr-defined]


def test_files_rotate_by_size_and_each_opens_with_warcinfo(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "c", "ana", None, "1", max_file_size=1500) as archive:
        captures = [exchange(archive, f"https://market.test/item/{i}") for i in range(6)]
    files = sorted({c.warc_file for c in captures})
    assert len(files) >= 3 and sorted(archive.files) == files
    for path in files:
        kinds = [kind for kind, *_ in records(path)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
    for capture in captures:
        with capture.warc_file.open("rb") as stream:
            stream.seek(capture.offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == capture.url


def test_naive_fetch_time_is_refused(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "c", "ana", None, "1") as archive, pytest.raises(ValueError):
        exchange(archive, "https://market.test/", fetched_at=datetime(2026, 1, 1))


def test_importer_reads_our_warcs_with_the_same_sha256(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "c", "ana", None, "1") as archive:
        capture = exchange(archive, "https://market.test/item/9")
    [listing] = list(read_file(capture.warc_file))
    assert isinstance(listing, Listing) and listing.capture is not None
    assert listing.capture.sha256 == capture.sha256
    assert listing.capture.warc_offset == capture.offset
    assert listing.title and "Ngà voi" in listing.title


KILLED_CRAWL = textwrap.dedent(
    """
    import os, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from wildtrace.evidence.archive import WarcArchive
    archive = WarcArchive(Path(sys.argv[1]), "killed", "ana", None, "1")
    for i in range(int(sys.argv[2])):
        archive.write_exchange(url=f"https://market.test/item/{i}", method="GET", request_headers=[],
                               status=200, response_headers=[("Content-Type", "text/html")],
                               body=b"<title>page %d</title><p>ivory</p>" % i,
                               fetched_at=datetime.now(UTC), remote_ip=None)
    print("written", flush=True)
    sys.stdin.read()  # wait to be killed
    """
)


def test_a_killed_crawl_leaves_readable_files_and_a_resume_finishes_them(tmp_path: Path) -> None:
    out = tmp_path / "warcs"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_CRAWL, str(out), "5"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "written"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    [left] = list(out.glob(f"*.warc.gz{OPEN_SUFFIX}"))
    # the records were flushed one by one: all five pages are readable from the .open file
    assert [kind for kind, *_ in records(left)].count("response") == 5
    # simulate a kill in the middle of writing a record: a partial gzip member at the end
    whole = left.stat().st_size
    with left.open("ab") as stream:
        stream.write(b"\x1f\x8b\x08\x00partial")
    assert complete_members_end(left) == whole
    # the importer reads the unfinished file: every page, then the cut-off record named
    results = list(read_file(left))
    assert sum(isinstance(r, Listing) for r in results) == 5
    assert [r.origin.line for r in results if isinstance(r, Reject)] == [12]
    # a resumed crawl on the folder cuts the partial record and renames the file
    archive = WarcArchive(out, "killed", "ana", None, "1")
    [recovered] = archive.recovered
    assert recovered.cut == len(b"\x1f\x8b\x08\x00partial") and recovered.path.exists()
    assert recovered.path.stat().st_size == whole
    exchange(archive, "https://market.test/item/after")
    archive.close()
    assert len(list(out.glob("*.warc.gz"))) == 2 and not list(out.glob(f"*{OPEN_SUFFIX}"))
    assert [kind for kind, *_ in records(recovered.path)].count("response") == 5


def test_importer_tolerates_a_partial_last_record(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "c", "ana", None, "1") as archive:
        for i in range(3):
            exchange(archive, f"https://market.test/item/{i}", body=PAGE + str(i).encode())
    [path] = archive.files
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 40])  # inside the last (request) record
    results = list(read_file(cut))
    listings = [r for r in results if isinstance(r, Listing)]
    rejects = [r for r in results if isinstance(r, Reject)]
    assert len(listings) == 3
    assert len(rejects) == 1 and "truncated or corrupt WARC" in rejects[0].reason


def test_resolve_warc_path_finds_open_and_moved_files(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz.open").write_bytes(b"x")
    moved = tmp_path / "archive" / "sub"
    moved.mkdir(parents=True)
    (moved / "b.warc.gz").write_bytes(b"x")
    assert resolve_warc_path(str(tmp_path / "a.warc.gz")) == tmp_path / "a.warc.gz.open"
    assert resolve_warc_path("/gone/b.warc.gz", tmp_path / "archive") == moved / "b.warc.gz"
    assert resolve_warc_path("/gone/c.warc.gz", tmp_path) is None


def test_with_a_store_every_response_is_recorded_with_its_custody_entry(db_url: str, tmp_path: Path) -> None:
    with open_store(db_url) as store:
        archive = WarcArchive(tmp_path, "crawl-7", "ana", "p.yaml", "1", store=store, max_file_size=1500)
        captures = [exchange(archive, f"https://market.test/item/{i}") for i in range(4)]
        archive.close()
        with store.engine.connect() as conn:
            rows = conn.execute(select(WarcRecordRow).order_by(WarcRecordRow.id)).all()
            files = conn.execute(select(WarcFileRow)).all()
            crawl = conn.execute(select(CrawlRow)).one()
        assert [(r.url, r.offset, r.payload_sha256, r.warc_file) for r in rows] == [
            (c.url, c.offset, c.sha256, str(c.warc_file)) for c in captures
        ]
        assert rows[0].fetched_at == NOW and rows[0].payload_digest == captures[0].payload_digest
        assert {f.path for f in files} == {str(c.warc_file) for c in captures}
        for file in files:
            assert file.sha256 == hashlib.sha256(Path(file.path).read_bytes()).hexdigest()
        assert (crawl.crawl_id, crawl.status, crawl.profile) == ("crawl-7", "completed", "p.yaml")
        log = CustodyLog(store)
        entries = list(log.entries())
        assert [(e.action, e.subject, e.detail["sha256"]) for e in entries] == [
            ("capture", c.url, c.sha256) for c in captures
        ]
        assert entries[0].actor.startswith("ana@")
        assert log.verify().ok


def test_a_file_another_crawl_is_writing_is_not_recovered(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_CRAWL, str(tmp_path), "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "written"
        [live] = list(tmp_path.glob(f"*{OPEN_SUFFIX}"))
        assert recover_open_files(tmp_path) == []  # locked by the running crawl
        assert live.exists()
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    [recovered] = recover_open_files(tmp_path)  # the lock died with the process
    assert recovered.cut == 0 and not live.exists() and recovered.path.exists()


def test_a_failed_write_leaves_the_file_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = WarcArchive(tmp_path, "c", "ana", None, "1")
    exchange(archive, "https://market.test/ok/1")
    real = type(archive._writer)._write_warc_record  # type: ignore[union-attr]
    calls = []

    def failing(self: object, out: object, record: object) -> None:
        calls.append(1)
        if len(calls) == 2:  # the request record of the second exchange
            raise OSError(28, "No space left on device")
        real(self, out, record)

    monkeypatch.setattr(type(archive._writer), "_write_warc_record", failing)
    with pytest.raises(OSError):
        exchange(archive, "https://market.test/fails")
    monkeypatch.setattr(type(archive._writer), "_write_warc_record", real)
    exchange(archive, "https://market.test/ok/2")
    archive.close()
    [path] = archive.files
    urls = [
        r.rec_headers.get_header("WARC-Target-URI") for kind, _, r, _ in records(path) if kind == "response"
    ]
    assert urls == ["https://market.test/ok/1", "https://market.test/ok/2"]
