"""Re-checking the evidence: every archived record against the store, and the custody chain.

What is checked, and why each check exists:

- each WARC record the store knows (``warc_records`` from crawls, ``captures`` from crawls and
  imports): it is still at its offset, for the same URL, its decoded payload still has the
  SHA-256 the store recorded, its ``WARC-Payload-Digest`` is still the one recorded, and its
  bytes still match its own WARC digests;
- each WARC file WildTrace finished writing (``warc_files``): the whole file still has the
  SHA-256 and size recorded at closing, and every record in it (warcinfo and requests too)
  matches its own digests;
- each record against the chain-of-custody log, the tamper-evident copy: a crawled record's
  decoded SHA-256 (and, where logged, its WARC digests) must be the one in its ``capture``
  entry, and an imported file must still have the SHA-256 of its first ``import`` entry (a
  re-scan of a forged file logs the forged hash in a new entry, so the latest one proves
  nothing); a path whose import entries disagree is named with both hashes and times; a
  record the log does not cover is reported. Rewriting the store's hash columns (after forging
  a record with correct WARC digests) therefore cannot make a forgery pass;
- the stored ``WARC-Block-Digest`` of each crawled record;
- the chain-of-custody log, entry by entry (``CustodyLog.verify``), and optionally that it still
  extends an anchor kept outside the database (``custody.check_anchor``).

Files are read with ``warc_read.split_records``: a damaged record is named alone and the
records after it are still checked.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.errors import StoreError
from wildtrace.evidence.archive import OPEN_SUFFIX, file_sha256, resolve_warc_path
from wildtrace.evidence.custody import ChainReport, CustodyEntry, CustodyLog
from wildtrace.evidence.payload import Payload, PayloadProblem, digest_problem, record_payload
from wildtrace.evidence.warc_read import (
    Limits,
    RawRecord,
    WarcDamage,
    numbered_records,
    parse_record,
    read_record_at,
)
from wildtrace.store import Store
from wildtrace.store.tables import CaptureRow
from wildtrace.store.tables_evidence import WarcFileRow, WarcRecordRow

#: Largest payload re-hashed (read into memory); the importer stops at 64 MB, crawls at less.
VERIFY_LIMIT = 512 * 1024 * 1024
_LIMITS = Limits(record=VERIFY_LIMIT + 2 * Limits().header)


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
    block_digest: str | None = None


@dataclass(slots=True)
class _Custody:
    """What the custody log says: crawled records by (file name, offset), imports by real path."""

    captures: dict[tuple[str, int], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    imports: dict[str, list[CustodyEntry]] = field(default_factory=dict)

    @classmethod
    def read(cls, log: CustodyLog) -> _Custody:
        custody = cls()
        for entry in log.entries():
            detail = entry.detail
            if entry.action == "capture" and isinstance(detail.get("offset"), int):
                custody.captures[(str(detail.get("warc_file", "")), detail["offset"])] = (entry.seq, detail)
            elif entry.action == "import" and "sha256" in detail:
                custody.imports.setdefault(entry.subject, []).append(entry)  # in log order
        return custody

    def import_mismatches(self, path: str, shown: str, digest: str) -> list[Mismatch]:
        """The file at ``path`` against its FIRST import entry (what went in the first time; a
        later entry may log a forgery re-scanned), and every later import entry whose SHA-256
        differs from the first (the file changed between imports)."""
        entries = self.imports.get(path)
        if not entries:
            return []
        first = entries[0]
        found: list[Mismatch] = []
        if first.detail["sha256"] != digest:
            found.append(
                Mismatch(shown, None, None, f"file SHA-256 against custody entry {first.seq} (import)",
                         str(first.detail["sha256"]), digest)
            )  # fmt: skip
        for later in entries[1:]:
            if later.detail["sha256"] != first.detail["sha256"]:
                found.append(
                    Mismatch(
                        shown, None, None,
                        f"file changed between imports: custody entry {first.seq} at {first.at} "
                        f"vs entry {later.seq} at {later.at}",
                        str(first.detail["sha256"]), str(later.detail["sha256"]),
                    )
                )  # fmt: skip
        return found


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
                WarcRecordRow.payload_sha256, WarcRecordRow.payload_digest, WarcRecordRow.block_digest,
            )  # fmt: skip
            for warc_file, offset, url, sha256, digest, block in conn.execute(query):
                expected = records[warc_file].setdefault(offset, _Expected(url))
                expected.sha256s.add(sha256)
                expected.payload_digest = digest
                expected.block_digest = block
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
    """Check every archived record and file the store knows, against the store and the custody
    log, and the custody chain itself.

    ``on_file(done, total)`` is called before each file and once at the end (for progress).
    """
    records, files = _known(store)
    log = CustodyLog(store)
    custody = _Custody.read(log)
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
        size, digest = file_sha256(path)
        if expected_file is not None and expected_file[1] is not None and path.name == Path(recorded).name:
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
        real = os.path.realpath(recorded)
        report.mismatches.extend(custody.import_mismatches(real, str(path), digest))
        check = _Checker(path, Path(recorded).name, custody, real in custody.imports, report)
        if expected_file is not None:
            check.walk(known)
        else:
            for offset, expected in sorted(known.items()):
                check.at(offset, expected)
    if on_file is not None:
        on_file(len(names), len(names))
    report.chain = log.verify()
    return report


def _payload(raw: RawRecord) -> tuple[Any, Payload | None]:
    """The warcio record of a whole raw record and its payload (response and resource only)."""
    record = parse_record(raw)
    payload = record_payload(record, VERIFY_LIMIT) if record.rec_type in ("response", "resource") else None
    stream = record.raw_stream
    while stream.read(1 << 16):  # to the end, so that warcio checks the block digest
        pass
    return record, payload


@dataclass(slots=True)
class _Checker:
    """Checks the records of one WARC file."""

    path: Path
    name: str
    custody: _Custody
    imported: bool
    report: VerifyReport

    def _damaged(self, raw: RawRecord, url: str | None) -> None:
        why = f"{raw.damage.value if raw.damage else 'unreadable'}: {raw.why}"
        self.report.mismatches.append(
            Mismatch(str(self.path), raw.offset, url, "record unreadable", "a WARC record", why)
        )

    def at(self, offset: int, expected: _Expected) -> None:
        """Read the one record at ``offset`` and compare it with what the store expects."""
        with self.path.open("rb") as stream:
            raw = read_record_at(stream, offset, _LIMITS)
        if raw.damage is not None:
            self._damaged(raw, expected.url)
            return
        try:
            record, payload = _payload(raw)
        except Exception as error:  # warcio raises many kinds on malformed headers
            self.report.mismatches.append(
                Mismatch(
                    str(self.path), offset, expected.url, "record unreadable", "a WARC record", _short(error)
                )
            )
            return
        self.compare(offset, record, payload, expected)

    def walk(self, known: dict[int, _Expected]) -> None:
        """Read every record of a file WildTrace wrote; check all digests and the known records.

        A damaged record is named alone; the records after it are still read.
        """
        seen: set[int] = set()
        still_open = self.path.name.endswith(OPEN_SUFFIX)
        with self.path.open("rb") as stream:
            for _, raw in numbered_records(stream, _LIMITS):
                if raw.damage is not None:
                    if (
                        still_open
                        and raw.damage is not WarcDamage.TOO_LARGE
                        and raw.end >= self.path.stat().st_size
                    ):
                        break  # still being written, or left by a killed crawl: its whole records only
                    self._damaged(raw, raw.target_uri or None)
                    continue
                try:
                    record, payload = _payload(raw)
                except Exception as error:  # warcio raises many kinds on malformed headers
                    self.report.mismatches.append(
                        Mismatch(
                            str(self.path),
                            raw.offset,
                            None,
                            "record unreadable",
                            "a WARC record",
                            _short(error),
                        )
                    )
                    continue
                seen.add(raw.offset)
                expected = known.get(raw.offset)
                if expected is not None:
                    self.compare(raw.offset, record, payload, expected)
                    continue
                problem = digest_problem(record, payload)
                if problem:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    self.report.mismatches.append(
                        Mismatch(
                            str(self.path),
                            raw.offset,
                            url,
                            f"{record.rec_type} record",
                            "its own digests",
                            problem,
                        )
                    )
        for offset, expected in sorted(known.items()):
            if offset not in seen:
                self.report.mismatches.append(
                    Mismatch(str(self.path), offset, expected.url, "record", "a record starting here", "none")
                )

    def compare(self, offset: int, record: Any, payload: Payload | None, expected: _Expected) -> None:
        _compare(self.path, offset, record, payload, expected, self.report)
        if payload is None or payload.unusable:
            return
        logged = self.custody.captures.get((self.name, offset))
        if logged is None:
            if not self.imported:
                self.report.mismatches.append(
                    Mismatch(str(self.path), offset, expected.url, "custody entry",
                             "a capture or import entry covering this record", "none")
                )  # fmt: skip
            return
        seq, detail = logged
        where = f"against custody entry {seq} (capture)"
        if detail.get("sha256") != payload.sha256:
            self.report.mismatches.append(
                Mismatch(str(self.path), offset, expected.url, f"payload SHA-256 {where}",
                         str(detail.get("sha256")), payload.sha256)
            )  # fmt: skip
        for key, header in (("block_digest", "WARC-Block-Digest"), ("payload_digest", "WARC-Payload-Digest")):
            if key in detail and detail[key] != (record.rec_headers.get_header(header) or ""):
                self.report.mismatches.append(
                    Mismatch(str(self.path), offset, expected.url, f"{header} {where}", str(detail[key]),
                             record.rec_headers.get_header(header) or "none")
                )  # fmt: skip


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
    if payload.kind is PayloadProblem.TOO_LARGE:
        mismatch("payload", f"at most {VERIFY_LIMIT:,} bytes to re-hash", payload.problem)
        return
    for recorded in sorted(expected.sha256s - {payload.sha256}):  # each table's value must hold
        mismatch("payload SHA-256", recorded, payload.sha256)
    header = record.rec_headers.get_header("WARC-Payload-Digest")
    if expected.payload_digest is not None and header != expected.payload_digest:
        mismatch("WARC-Payload-Digest header", expected.payload_digest, header or "none")
    block = record.rec_headers.get_header("WARC-Block-Digest")
    if expected.block_digest and block != expected.block_digest:
        mismatch("WARC-Block-Digest header", expected.block_digest, block or "none")
    problem = digest_problem(record, payload)
    if problem:
        mismatch("WARC digests", "the record's bytes to match them", problem)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160] if text else ''}"
