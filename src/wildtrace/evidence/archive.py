"""WARC archives: every request and response a crawl makes, kept as it was served.

    archive = WarcArchive(out_dir, crawl_id="c1", operator="ana", profile="market.yaml",
                          tool_version=__version__, store=store)   # store is optional
    capture = archive.write_exchange(url=..., method="GET", request_headers=[...], status=200,
                                     response_headers=[...], body=b"...", fetched_at=now,
                                     remote_ip="203.0.113.5")
    archive.close()

Layout and guarantees (see docs/evidence.md):

- WARC 1.1, one gzip member per record, so any record can be read alone from its offset.
  Each file opens with a ``warcinfo`` record (tool version, crawl id, operator, profile,
  hostname); each exchange is a ``response`` record followed by its ``request`` record
  (``WARC-Concurrent-To``). Both carry ``WARC-Block-Digest`` and ``WARC-Payload-Digest`` in
  SHA-256 (``sha256:`` + base32, as warcio writes digests).
- ``body`` is the payload as the crawler received it: always after transfer decoding
  (de-chunked), and after content decoding unless ``content_decoded=False`` (then it still
  carries its gzip / br ... encoding, archived as served). Headers that no longer describe the
  stored bytes (``Transfer-Encoding``; ``Content-Encoding`` of a decoded body; a wrong
  ``Content-Length``) are kept under
  ``X-Archive-Orig-<name>`` (the convention of pywb and other archiving tools), so any WARC
  reader returns exactly ``body`` and its SHA-256 is ``ArchivedCapture.sha256``.
- A file is written as ``NAME.warc.gz.open`` and renamed to ``NAME.warc.gz`` when closed or
  rotated (by size). Every record is flushed to the operating system as soon as it is written,
  so a crawl killed midway leaves an ``.open`` file whose records are all whole except perhaps
  the last; the next ``WarcArchive`` on the same folder (a resumed crawl) cuts off that partial
  record and renames the file (``recover_open_files``). Readers (the importer, ``evidence
  verify``) also accept an ``.open`` file and report a cut-off last record as such.
- With ``store``: the crawl, each file (with its SHA-256 once closed) and each response record
  (offset, length, SHA-256 of the payload, the two WARC digests) are recorded, and each response
  gets a ``capture`` entry in the chain-of-custody log in the same transaction. Callers then need
  not append their own ``capture`` entries.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from wildtrace.errors import StoreError
from wildtrace.evidence.custody import CustodyLog, default_actor
from wildtrace.evidence.payload import decode_payload
from wildtrace.store import Store
from wildtrace.store.engine import WRITE_OPTION
from wildtrace.store.tables_evidence import CrawlRow, WarcFileRow, WarcRecordRow

#: Rotate to a new file once the current one reaches this size (the usual 1 GB of crawlers).
DEFAULT_MAX_FILE_SIZE = 1_000_000_000
#: Suffix of a file still being written.
OPEN_SUFFIX = ".open"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_HEADER_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\x00": " "})


@dataclass(frozen=True, slots=True)
class ArchivedCapture:
    """Where one response was archived and the fingerprint of its payload."""

    url: str
    #: SHA-256 (hex) of the payload as any reader decodes it: ``body`` itself, or with
    #: ``content_decoded=False`` the body once its Content-Encoding is undone (see
    #: ``wildtrace.evidence.payload.decode_payload``); the importer computes the same value.
    sha256: str
    #: The finished file's path (it is ``<this>.open`` until the archive closes or rotates).
    warc_file: Path
    #: Byte offset of the response record's gzip member, and its length in bytes.
    offset: int
    length: int
    fetched_at: datetime
    status: int
    record_id: str = ""
    payload_digest: str = ""
    block_digest: str = ""
    content_type: str | None = None


#: zlib level of each record's gzip member. warcio uses 9; on listing pages level 3 compresses
#: about 5x faster than 9 for files about 15 % larger (measured with benchmarks/evidence_speed.py
#: pages: level 1 41 MB/s ratio 4.2, 3 25 MB/s ratio 5.0, 6 10 MB/s ratio 5.7, 9 4.5 MB/s ratio 5.8).
GZIP_LEVEL = 3


class _GzipMember:
    """One gzip member around one record (warcio's GzippingWrapper, with a chosen level)."""

    def __init__(self, out: IO[bytes], level: int) -> None:
        self._out = out
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self._out.write(self._compressor.compress(data))

    def flush(self) -> None:
        self._out.write(self._compressor.flush())
        self._out.flush()


class Sha256WarcWriter(WARCWriter):  # type: ignore[misc]
    """warcio's writer with SHA-256 digests instead of SHA-1, one gzip member per record."""

    def __init__(self, out: IO[bytes], level: int = GZIP_LEVEL, *, gzip: bool = True) -> None:
        super().__init__(out, gzip=False, warc_version="1.1")
        self._level = level
        self._gzip = gzip

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")

    def write_record(self, record: Any, params: Any = None) -> None:
        # warcio's _write_warc_record ends with out.flush(): the member is closed there and
        # the bytes handed to the operating system, record by record.
        self._write_warc_record(_GzipMember(self.out, self._level) if self._gzip else self.out, record)


def safe_name(value: str, limit: int = 64) -> str:
    """A string made safe for a file name (crawl ids come from users)."""
    return (_UNSAFE_NAME.sub("_", value).strip("._") or "crawl")[:limit]


def warc_date(moment: datetime) -> str:
    """A WARC-Date with microseconds (WARC 1.1) for an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware (UTC)")
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True))


def _clean_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with line breaks removed: a hostile value must not forge WARC or HTTP lines."""
    return [(_header_name(k), str(v).translate(_HEADER_BREAKS)) for k, v in headers]


def _header_name(name: str) -> str:
    """A header name as ASCII (warcio percent-encodes non-ASCII values, not names)."""
    clean = str(name).translate(_HEADER_BREAKS).strip()
    return clean.encode("ascii", "backslashreplace").decode("ascii").replace(":", "_") or "X-Empty"


def _response_headers(headers: list[tuple[str, str]], body: bytes, decoded: bool) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    for name, value in _clean_headers(headers):
        lower = name.lower()
        stale_length = lower == "content-length" and value.strip() != str(len(body))
        undone = lower == "transfer-encoding" or (decoded and lower == "content-encoding")
        if undone or stale_length:
            kept.append((f"X-Archive-Orig-{name}", value))
        else:
            kept.append((name, value))
    if not any(name.lower() == "content-length" for name, _ in kept):
        kept.append(("Content-Length", str(len(body))))
    return kept


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class WarcArchive:
    """Writes exchanges to rotating, gzipped WARC files under ``out_dir`` (see module doc)."""

    def __init__(
        self,
        out_dir: Path,
        crawl_id: str,
        operator: str,
        profile: str | None,
        tool_version: str,
        *,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        store: Store | None = None,
        actor: str | None = None,
        prefix: str = "WILDTRACE",
    ) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.crawl_id = crawl_id
        self.operator = operator
        self.profile = profile
        self.tool_version = tool_version
        self.max_file_size = max_file_size
        self.hostname = socket.gethostname()
        self._store = store
        if actor is None and operator:
            actor = operator if "@" in operator else f"{operator}@{self.hostname}"
        self._actor = actor or default_actor()
        self._prefix = safe_name(prefix, 32)
        self._lock = threading.Lock()
        self._handle: IO[bytes] | None = None
        self._writer: Sha256WarcWriter | None = None
        self._path: Path | None = None  # the finished name of the current file
        self._warcinfo_id = ""
        self._serial = 0
        self._closed = False
        #: Files finished by this archive, in order.
        self.files: list[Path] = []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        #: Files left ``.open`` by an earlier, killed run, finished now.
        self.recovered = recover_open_files(self.out_dir, store)
        if store is not None:
            self._record_crawl_start(store)

    # -- writing ---------------------------------------------------------------------------

    def write_exchange(
        self,
        *,
        url: str,
        method: str = "GET",
        request_headers: list[tuple[str, str]],
        status: int,
        response_headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        remote_ip: str | None = None,
        request_body: bytes = b"",
        content_decoded: bool = True,
    ) -> ArchivedCapture:
        """Archive one request and its response; returns where the response record is.

        ``content_decoded=False`` says ``body`` still carries its Content-Encoding (gzip ...).
        """
        if self._closed:
            raise RuntimeError("the WARC archive is closed")
        date = warc_date(fetched_at)
        url = url.translate(_HEADER_BREAKS)
        with self._lock:
            if self._handle is None or self._handle.tell() >= self.max_file_size:
                self._rotate()
            assert self._handle is not None and self._writer is not None and self._path is not None
            writer = self._writer
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Unknown"
            resp_http = StatusAndHeaders(
                f"{status} {reason}",
                _response_headers(response_headers, body, content_decoded),
                protocol="HTTP/1.1",
            )
            warc_headers = {"WARC-Date": date, "WARC-Warcinfo-ID": self._warcinfo_id}
            if remote_ip:
                warc_headers["WARC-IP-Address"] = remote_ip.translate(_HEADER_BREAKS)
            response = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=resp_http,
                warc_headers_dict=warc_headers,
            )
            req_headers = _clean_headers(request_headers)
            if not any(name.lower() == "host" for name, _ in req_headers):
                req_headers.insert(0, ("Host", urlsplit(url).netloc))
            req_http = StatusAndHeaders(
                f"{method.upper().translate(_HEADER_BREAKS)} {_request_target(url)}",
                req_headers,
                protocol="HTTP/1.1",
                is_http_request=True,
            )
            request = writer.create_warc_record(
                url,
                "request",
                payload=BytesIO(request_body),
                length=len(request_body),
                http_headers=req_http,
                warc_headers_dict={"WARC-Date": date, "WARC-Warcinfo-ID": self._warcinfo_id},
            )
            record_id = response.rec_headers.get_header("WARC-Record-ID")
            request.rec_headers.add_header("WARC-Concurrent-To", record_id)
            offset = self._handle.tell()
            try:
                writer.write_record(response)
                length = self._handle.tell() - offset
                writer.write_record(request)
            except BaseException:
                # disk full, an interrupt: cut the half-written pair so the file stays valid
                self._handle.seek(offset)
                self._handle.truncate()
                self._handle.flush()
                raise
            content_type = next(
                (value for name, value in response_headers if name.lower() == "content-type"), None
            )
            if content_decoded:
                payload_sha256 = hashlib.sha256(body).hexdigest()
            else:  # the fingerprint is over the decoded payload, as every reader computes it
                encoding = ", ".join(v for n, v in response_headers if n.lower() == "content-encoding")
                payload_sha256 = decode_payload(body, None, encoding).sha256
            capture = ArchivedCapture(
                url=url,
                sha256=payload_sha256,
                warc_file=self._path,
                offset=offset,
                length=length,
                fetched_at=fetched_at,
                status=status,
                record_id=record_id,
                payload_digest=response.rec_headers.get_header("WARC-Payload-Digest") or "",
                block_digest=response.rec_headers.get_header("WARC-Block-Digest") or "",
                content_type=content_type,
            )
            if self._store is not None:
                self._record_capture(self._store, capture)
            return capture

    def _rotate(self) -> None:
        self._finish_file()
        self._serial += 1
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"{self._prefix}-{safe_name(self.crawl_id)}-{stamp}-{self._serial:05d}.warc.gz"
        final = self.out_dir / name
        handle = open(final.with_name(name + OPEN_SUFFIX), "xb")  # noqa: SIM115  (closed in _finish_file)
        _lock_file(handle)  # another crawl on this folder must not "recover" a file in use
        writer = Sha256WarcWriter(handle)
        info: dict[str, Any] = {
            "software": f"WildTrace/{self.tool_version}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": self.hostname,
            "operator": self.operator,
            "isPartOf": self.crawl_id,
            "wildtrace-crawl-id": self.crawl_id,
            "wildtrace-profile": self.profile or "",
            "wildtrace-tool-version": self.tool_version,
        }
        record = writer.create_warcinfo_record(name, info)
        writer.write_record(record)
        self._warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        self._handle, self._writer, self._path = handle, writer, final
        if self._store is not None:
            self._store_write(
                "record a WARC file",
                lambda conn: conn.execute(
                    insert(WarcFileRow),
                    {"path": str(final), "crawl_id": self.crawl_id, "opened_at": datetime.now(UTC)},
                ),
            )

    def _finish_file(self) -> None:
        """Flush, fsync, close and rename the current file; record its size and SHA-256."""
        if self._handle is None or self._path is None:
            return
        handle, final = self._handle, self._path
        self._handle = self._writer = self._path = None
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        open_path = final.with_name(final.name + OPEN_SUFFIX)
        os.replace(open_path, final)
        self.files.append(final)
        if self._store is not None:
            _record_file_closed(self._store, final)

    def close(self) -> None:
        """Finish the current file and mark the crawl completed; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._finish_file()
            if self._store is not None:
                self._store_write(
                    "finish the crawl",
                    lambda conn: conn.execute(
                        update(CrawlRow)
                        .where(CrawlRow.crawl_id == self.crawl_id)
                        .values(finished_at=datetime.now(UTC), status="completed")
                    ),
                )

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- the store -------------------------------------------------------------------------

    def _store_write(self, what: str, action: Any) -> None:
        assert self._store is not None
        _store_write(self._store, what, action)

    def _record_crawl_start(self, store: Store) -> None:
        def write(conn: Any) -> None:
            found = conn.execute(select(CrawlRow.id).where(CrawlRow.crawl_id == self.crawl_id)).first()
            if found is not None:  # a resumed crawl keeps its first start
                conn.execute(
                    update(CrawlRow).where(CrawlRow.id == found.id).values(status="running", finished_at=None)
                )
                return
            conn.execute(
                insert(CrawlRow),
                {
                    "crawl_id": self.crawl_id,
                    "operator": self.operator,
                    "profile": self.profile,
                    "tool_version": self.tool_version,
                    "hostname": self.hostname,
                    "out_dir": str(self.out_dir),
                    "started_at": datetime.now(UTC),
                    "status": "running",
                },
            )

        _store_write(store, "record the crawl", write)

    def _record_capture(self, store: Store, capture: ArchivedCapture) -> None:
        def write(conn: Any) -> None:
            conn.execute(
                insert(WarcRecordRow),
                {
                    "record_id": capture.record_id,
                    "crawl_id": self.crawl_id,
                    "warc_file": str(capture.warc_file),
                    "offset": capture.offset,
                    "length": capture.length,
                    "url": capture.url,
                    "fetched_at": capture.fetched_at,
                    "status": capture.status,
                    "content_type": capture.content_type,
                    "payload_sha256": capture.sha256,
                    "payload_digest": capture.payload_digest,
                    "block_digest": capture.block_digest,
                },
            )
            detail = {
                "sha256": capture.sha256,
                "warc_file": capture.warc_file.name,
                "offset": capture.offset,
                "length": capture.length,
                "record_id": capture.record_id,
                "block_digest": capture.block_digest,
                "payload_digest": capture.payload_digest,
                "status": capture.status,
                "fetched_at": warc_date(capture.fetched_at),
                "crawl_id": self.crawl_id,
            }
            CustodyLog.append_in(conn, "capture", capture.url, detail, self._actor)

        _store_write(store, "record a capture", write)


def _store_write(store: Store, what: str, action: Any) -> None:
    try:
        with store.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                action(conn)
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.url}: could not {what}: {exc}") from exc


def file_sha256(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _record_file_closed(store: Store, final: Path) -> None:
    size, digest = file_sha256(final)

    def write(conn: Any) -> None:
        values = {"closed_at": datetime.now(UTC), "size": size, "sha256": digest}
        done = conn.execute(update(WarcFileRow).where(WarcFileRow.path == str(final)).values(**values))
        if done.rowcount == 0:
            row = {"path": str(final), "opened_at": values["closed_at"], **values}
            conn.execute(insert(WarcFileRow), row)

    _store_write(store, "record a finished WARC file", write)


# -- files left open by a killed crawl ---------------------------------------------------------


def complete_members_end(path: Path) -> int:
    """The offset just after the last whole gzip member at the start of ``path``.

    Each record is one member, so this is where the last whole record ends.
    """
    end = position = 0
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            data = chunk
            while data:
                try:
                    member.decompress(data, 1 << 16)
                    while member.unconsumed_tail and not member.eof:
                        member.decompress(member.unconsumed_tail, 1 << 16)
                except zlib.error:
                    return end
                if member.eof:
                    used = len(data) - len(member.unused_data)
                    position += used
                    end = position
                    data = member.unused_data
                    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    position += len(data)
                    data = b""
    return end


@dataclass(frozen=True, slots=True)
class RecoveredFile:
    """A file a killed crawl left ``.open``: its new name and how many bytes were cut off."""

    path: Path
    kept: int
    cut: int


def _lock_file(stream: IO[bytes]) -> bool:
    """Take an exclusive advisory lock on an open file; False if another process holds one.

    The lock goes with the process: a killed crawl leaves its file unlocked, ready to recover.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking, as before
        return True
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def recover_open_files(folder: Path, store: Store | None = None) -> list[RecoveredFile]:
    """Finish every ``*.warc.gz.open`` in ``folder``: cut a partial last record, rename.

    A file whose finished name already exists is left alone (nothing is overwritten).
    """
    recovered: list[RecoveredFile] = []
    for open_path in sorted(Path(folder).glob(f"*.warc.gz{OPEN_SUFFIX}")):
        final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
        if final.exists():
            continue
        with open_path.open("r+b") as stream:
            if not _lock_file(stream):
                continue  # still being written by a running crawl (of several on this folder)
            size = open_path.stat().st_size
            end = complete_members_end(open_path)
            if end < size:
                stream.truncate(end)
                os.fsync(stream.fileno())
            os.replace(open_path, final)
        recovered.append(RecoveredFile(final, end, size - end))
        if store is not None:
            _record_file_closed(store, final)
    return recovered


def resolve_warc_path(recorded: str, archives: Path | None = None) -> Path | None:
    """Where a WARC file recorded in the store is now: as recorded, still ``.open``, or (with
    ``archives``) under that folder by name. None when it cannot be found."""
    path = Path(recorded)
    candidates = [path, path.with_name(path.name + OPEN_SUFFIX)]
    if archives is not None:
        candidates += [archives / path.name, archives / (path.name + OPEN_SUFFIX)]
        candidates += list(archives.rglob(path.name))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None
