"""verify_evidence on archives still being written, and reports that name every mismatch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from wildtrace.evidence.archive import OPEN_SUFFIX, WarcArchive
from wildtrace.evidence.verify import verify_evidence
from wildtrace.store import open_store


def write(archive: WarcArchive, url: str) -> None:
    archive.write_exchange(url=url, method="GET", request_headers=[], status=200,
                           response_headers=[("Content-Type", "text/html")], body=b"<p>" + url.encode(),
                           fetched_at=datetime.now(UTC), remote_ip=None)  # fmt: skip


def test_a_file_being_written_verifies_up_to_its_last_whole_record(tmp_path: Path) -> None:
    with open_store(f"{tmp_path}/s.db") as store:
        archive = WarcArchive(tmp_path / "w", "c", "ana", None, "1", store=store)
        write(archive, "https://market.test/1")
        write(archive, "https://market.test/2")
        [live] = (tmp_path / "w").glob(f"*{OPEN_SUFFIX}")
        with live.open("ab") as stream:
            stream.write(b"\x1f\x8b\x08\x00 half a record")  # as if caught mid-write
        report = verify_evidence(store)
        assert report.ok, [str(m) for m in report.mismatches]
        assert (report.files, report.records) == (1, 2)
        archive.close()  # (the next crawl's recovery would cut the half record)


def test_a_record_the_store_knows_but_the_file_lost_is_reported(tmp_path: Path) -> None:
    with open_store(f"{tmp_path}/s.db") as store:
        archive = WarcArchive(tmp_path / "w", "c", "ana", None, "1", store=store)
        write(archive, "https://market.test/1")
        write(archive, "https://market.test/2")
        [live] = (tmp_path / "w").glob(f"*{OPEN_SUFFIX}")
        data = live.read_bytes()
        archive._handle.close()  # type: ignore[union-attr]  # a power cut: the tail never reached the disk
        live.write_bytes(data[: len(data) // 2])
        report = verify_evidence(store)
        assert not report.ok
        lost = [m for m in report.mismatches if m.url == "https://market.test/2"]
        assert lost and lost[0].offset is not None and lost[0].what == "record"
