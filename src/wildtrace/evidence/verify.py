"""Re-checking the evidence: every archived record against the store, and the custody chain.

What is checked, and why each check exists:

- each WARC record the store knows (``warc_records`` from crawls, ``captures`` from crawls and
  imports): it is still at its offset, for the same URL, its decoded payload still has the
  SHA-256 the store recorded, its ``WARC-Payload-Digest`` is still the one recorded, and its
  bytes still match its own WARC digests;
- each WARC file WildTrace finished writing (``warc_files``): the whole file still has the
  SHA-256 and size recorded at closing, and every record in it (warcinfo and requests too)
  matches its own digests;
- the chain-of-custody log, entry by entry (``CustodyLog.verify``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from wildtrace.errors import StoreError
from wildtrace.evidence.archive import OPEN_SUFFIX, complete_members_end, file_sha256, resolve_warc_path
from wildtrace.evidence.custody import ChainReport, CustodyLog
from wildtrace.evidence.payload import Payload, digest_problem, record_payload
from wildtrace.store import Store
from wildtrace.store.tables import CaptureRow
from wildtrace.store.tables_evidence import WarcFileRow, WarcRecordRow

#: Largest payload re-hashed (read into memory); the importer stops at 64 MB, crawls at less.
VERIFY_LIMIT = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One thing that is not as recorded: where, what, expected and found."""

    file: str
    offset: int | None
    url: str | None
    what: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file if self.offset is None else f"{self.file} @ {self.offset}"
        about = f" ({self.url})" if self.url else ""
        return f"{where}{about}: {self.what}: expected {self.expected}, found {self.found}"


@dataclass(slots=True)
class _Expected:
    """What the store says about the record at one offset (from one or two tables)."""

    url: str
    sha256s: set[str] = field(default_factory=set)
    payload_digest: str | None = None


@dataclass(slots=True)
class VerifyReport:
    """The outcome of ``verify_evidence``."""

    files: int = 0
    records: int = 0
    bytes: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    chain: ChainReport | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches and (self.chain is None or self.chain.ok)


def _known(store: Store) -> tuple[dict[str, dict[int, _Expected]], dict[str, tuple[int | None, str | None]]]:
    """Records by file and offset, and finished files with (size, SHA-256), from the store."""
    records: dict[str, dict[int, _Expected]] = defaultdict(dict)
    files: dict[str, tuple[int | None, str | None]] = {}
    try:
        with store.engine.connect() as conn:
            query = select(
                WarcRecordRow.warc_file, WarcRecordRow.offset, WarcRecordRow.url,
                WarcRecordRow.payload_sha256, WarcRecordRow.payload_digest,
            )  # fmt: skip
            for warc_file, offset, url, sha256, digest in conn.execute(query):
                expected = records[warc_file].setdefault(offset, _Expected(url))
                expected.sha256s.add(sha256)
                expected.payload_digest = digest
            captures = select(CaptureRow.warc_file, CaptureRow.warc_offset, CaptureRow.url, CaptureRow.sha256)
            captures = captures.where(CaptureRow.warc_file.is_not(None), CaptureRow.warc_offset.is_not(None))
            for capture_file, capture_offset, capture_url, capture_sha in conn.execute(captures):
                if capture_file is None or capture_offset is None:
                    continue
                expected = records[capture_file].setdefault(capture_offset, _Expected(capture_url))
                expected.sha256s.add(capture_sha)
            finished = select(WarcFileRow.path, WarcFileRow.size, WarcFileRow.sha256)
            for path, size, file_digest in conn.execute(finished):
                files[path] = (size, file_digest)
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.url}: could not read the evidence records: {exc}") from exc
    return records, files


def verify_evidence(
    store: Store,
    archives: Path | None = None,
    on_file: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Check every archived record and file the store knows, and the custody chain.

    ``on_file(done, total)`` is called before each file and once at the end (for progress).
    """
    records, files = _known(store)
    report = VerifyReport()
    names = sorted(set(records) | set(files))
    for done, recorded in enumerate(names):
        if on_file is not None:
            on_file(done, len(names))
        report.files += 1
        path = resolve_warc_path(recorded, archives)
        if path is None:
            report.mismatches.append(
                Mismatch(recorded, None, None, "WARC file missing", "the file", "nothing")
            )
            continue
        expected_file = files.get(recorded)
        report.bytes += path.stat().st_size
        if expected_file is not None and expected_file[1] is not None and path.name == Path(recorded).name:
            size, digest = file_sha256(path)
            if digest != expected_file[1]:
                report.mismatches.append(
                    Mismatch(str(path), None, None, "file SHA-256", str(expected_file[1]), digest)
                )
            if expected_file[0] is not None and size != expected_file[0]:
                report.mismatches.append(
                    Mismatch(str(path), None, None, "file size", f"{expected_file[0]:,}", f"{size:,}")
                )
        known = records.get(recorded, {})
        report.records += len(known)
        if expected_file is not None:
            _walk_file(path, known, report)
        else:
            for offset, expected in sorted(known.items()):
                _check_at(path, offset, expected, report)
    if on_file is not None:
        on_file(len(names), len(names))
    report.chain = CustodyLog(store).verify()
    return report


def _read_record(stream: Any, iterator: ArchiveIterator) -> tuple[Any, Payload | None]:
    record = next(iterator)
    payload = record_payload(record, VERIFY_LIMIT) if record.rec_type in ("response", "resource") else None
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    return record, payload


def _check_at(path: Path, offset: int, expected: _Expected, report: VerifyReport) -> None:
    """Read the one record at ``offset`` and compare it with what the store expects."""
    with path.open("rb") as stream:
        stream.seek(offset)
        try:
            record, payload = _read_record(stream, ArchiveIterator(stream, check_digests=True))
        except StopIteration:
            record = None
        except Exception as error:  # warcio raises many kinds on corrupt input
            report.mismatches.append(
                Mismatch(str(path), offset, expected.url, "record unreadable", "a WARC record", _short(error))
            )
            return
    if record is None:
        report.mismatches.append(
            Mismatch(str(path), offset, expected.url, "record", "a WARC record", "end of file")
        )
        return
    _compare(path, offset, record, payload, expected, report)


def _walk_file(path: Path, known: dict[int, _Expected], report: VerifyReport) -> None:
    """Read every record of a file WildTrace wrote; check all digests and the known records."""
    seen: set[int] = set()
    with path.open("rb") as handle:
        stream: Any = handle
        if path.name.endswith(OPEN_SUFFIX):  # still being written, or left by a killed crawl:
            stream = LimitReader(handle, complete_members_end(path))  # its whole records only
        iterator = ArchiveIterator(stream, check_digests=True)
        while True:
            offset = iterator.offset
            try:
                record, payload = _read_record(stream, iterator)
            except StopIteration:
                break
            except Exception as error:  # a damaged record: the rest of the file cannot be trusted
                report.mismatches.append(
                    Mismatch(str(path), offset, None, "record unreadable", "a WARC record", _short(error))
                )
                break
            offset = iterator.offset
            seen.add(offset)
            expected = known.get(offset)
            if expected is not None:
                _compare(path, offset, record, payload, expected, report)
            else:
                problem = digest_problem(record, payload)
                if problem:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    report.mismatches.append(
                        Mismatch(
                            str(path), offset, url, f"{record.rec_type} record", "its own digests", problem
                        )
                    )
    for offset, expected in sorted(known.items()):
        if offset not in seen:
            report.mismatches.append(
                Mismatch(str(path), offset, expected.url, "record", "a record starting here", "none")
            )


def _compare(
    path: Path, offset: int, record: Any, payload: Payload | None, expected: _Expected, report: VerifyReport
) -> None:
    def mismatch(what: str, want: str, got: str) -> None:
        report.mismatches.append(Mismatch(str(path), offset, expected.url, what, want, got))

    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if url != expected.url:
        mismatch("WARC-Target-URI", expected.url, url or "none")
    if payload is None:
        mismatch("record type", "response or resource", str(record.rec_type))
        return
    if payload.problem.startswith("payload larger than"):
        mismatch("payload", f"at most {VERIFY_LIMIT:,} bytes to re-hash", payload.problem)
        return
    for recorded in sorted(expected.sha256s - {payload.sha256}):  # each table's value must hold
        mismatch("payload SHA-256", recorded, payload.sha256)
    header = record.rec_headers.get_header("WARC-Payload-Digest")
    if expected.payload_digest is not None and header != expected.payload_digest:
        mismatch("WARC-Payload-Digest header", expected.payload_digest, header or "none")
    problem = digest_problem(record, payload)
    if problem:
        mismatch("WARC digests", "the record's bytes to match them", problem)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160] if text else ''}"
