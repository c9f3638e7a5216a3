"""Evidence bundles: everything about one listing or seller, in one zip a court can check.

    bundle/
      archive/evidence.warc.gz   the captures' WARC records, copied byte for byte (gzip members)
      archive/evidence.warc      ... and those that came from uncompressed WARC files, if any
      pages/pages.jsonl          WACZ-style page list: url, ts, title, sha256, where the record is
      custody/custody.jsonl      the chain-of-custody entries about these captures
      index.html                 a human-readable summary (no scripts; strict CSP; all escaped)
      datapackage.json           WACZ-style: every file above with its SHA-256 and size
      manifest-sha256.txt        every file (datapackage.json too) as "<sha256>  <path>"

Each archive file opens with a new warcinfo record describing the export; the copied records
keep their original bytes, so their WARC digests and WARC-Record-IDs are those of the crawl.

What goes in is what the exporting agency may see (``find_listings`` with a ``Viewer``), and the
export carries the strictest TLP marking of its listings; AMBER+STRICT and RED material leaves only
when the caller allows it (``check_marking``). ``evidence/wacz.py`` writes the same captures as a
WACZ package with these helpers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Row, select
from sqlalchemy.exc import SQLAlchemyError

from wildtrace import __version__
from wildtrace.errors import AccessError, RecordUnreadableError, StoreError, WildTraceError
from wildtrace.evidence.archive import Sha256WarcWriter, resolve_warc_path
from wildtrace.evidence.custody import CustodyLog, default_actor
from wildtrace.evidence.payload import record_payload
from wildtrace.evidence.warc_read import GZIP_MAGIC, parse_record, read_record_at
from wildtrace.share.exportset import strictest
from wildtrace.store import Store, access
from wildtrace.store.access import DEFAULT_MARKING, GUARDED_MARKINGS, Viewer, visible_listing_ids
from wildtrace.store.tables import AccountRow, CaptureRow, ListingRow, PlatformRow

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;font-size:.85em}"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}"
    ".mono{font-family:monospace;word-break:break-all}.bad{color:#b00}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
#: No scripts, no network, no frames, no forms: only the one inline style, by its hash.
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class ExportTargetError(WildTraceError):
    """No listing or seller matches what was asked for (the user must act)."""


class MarkingRefusedError(AccessError):
    """The export would carry AMBER+STRICT or RED material the caller did not allow; nothing
    was written."""


@dataclass(slots=True)
class BundleResult:
    """What ``export_bundle`` wrote."""

    path: Path
    sha256: str
    subject: str
    listings: int
    captures: int
    archived: int
    custody_entries: int
    unverified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    marking: str = DEFAULT_MARKING


@dataclass(slots=True)
class _Copied:
    """The captures' records copied into an export's ``archive/`` folder, and what went wrong."""

    pages: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    archived: int = 0
    unverified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Listing:
    id: int
    uid: str
    url: str | None
    title: str | None
    seller: str | None
    price: str | None
    platform: str | None


def find_listings(store: Store, target: str, viewer: Viewer | None = None) -> tuple[str, list[_Listing]]:
    """The listings an export target names: a listing as ``platform:id`` (or its plain id
    where only one platform uses it), a listing URL, a seller name, or ``platform:seller``;
    only those ``viewer`` may see when one is given (a hidden listing is as missing: nothing
    leaves that its agency cannot open). Raises ExportTargetError when nothing matches,
    AmbiguousListingError when a plain id is used on several platforms."""
    columns = (ListingRow.id, ListingRow.uid, ListingRow.url, ListingRow.title, AccountRow.seller,
               ListingRow.price, PlatformRow.name)  # fmt: skip
    base = (
        select(*columns)
        .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
        .outerjoin(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .order_by(ListingRow.id)
    )
    if viewer is not None:
        base = base.where(ListingRow.id.in_(visible_listing_ids(viewer)))
    subject = f"seller:{target}"
    key = store.resolve_listing(target)  # platform:id, or an id one platform uses (else ambiguous)
    try:
        with store.engine.connect() as conn:
            if key is not None:
                named = base.where(ListingRow.uid == key.id, PlatformRow.name == key.platform)
                subject, rows = f"listing:{key}", conn.execute(named).all()
            else:
                rows = conn.execute(base.where(ListingRow.url == target)).all()
                if rows:
                    subject = f"listing:{target}"
                else:
                    rows = conn.execute(base.where(AccountRow.seller == target)).all()
            if not rows and key is None and ":" in target:
                platform, seller = target.split(":", 1)
                rows = conn.execute(
                    base.where(AccountRow.seller == seller, PlatformRow.name == platform)
                ).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.url}: could not look up {target!r}: {exc}") from exc
    if not rows:
        raise ExportTargetError(
            f"no listing or seller {target!r} in {store.url} "
            "(give a listing id or platform:id, a listing URL, a seller name or platform:seller)"
        )
    return subject, [_Listing(*row) for row in rows]


def listing_markings(store: Store, ids: list[int]) -> dict[int, str]:
    """The TLP marking of each listing (``access.listing_markings``: the one rule)."""
    try:
        with store.engine.connect() as conn:
            return access.listing_markings(conn, ids)
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.url}: could not read the listings' markings: {exc}") from exc


def check_marking(subject: str, marking: str, allowed: Collection[str]) -> None:
    """Raise MarkingRefusedError when ``marking`` is AMBER+STRICT or RED and ``allowed`` does
    not name it (``access.refused_markings``)."""
    if access.refused_markings([marking], allowed):
        raise MarkingRefusedError(
            f"{subject} holds TLP:{marking} material; nothing was written "
            f"(give --allow-marking {marking} to export it anyway)"
        )


def _read_captures(store: Store, listing_ids: list[int]) -> list[Row[Any]]:
    """The captures of these listings, oldest first."""
    try:
        with store.engine.connect() as conn:
            return list(
                conn.execute(
                    select(CaptureRow)
                    .where(CaptureRow.listing_id.in_(listing_ids))
                    .order_by(CaptureRow.captured_at, CaptureRow.id)
                ).all()
            )
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.url}: could not read the captures: {exc}") from exc


def _copy_captures(
    captures: list[Row[Any]], by_id: dict[int, _Listing], root: Path, subject: str, archives: Path | None
) -> _Copied:
    """Copy each capture's WARC record byte for byte into ``root/archive/`` (gzipped records
    to ``evidence.warc.gz``, others to ``evidence.warc``, each file opening with a warcinfo of
    the export), and describe each capture as a page: where its record went, and whether it
    still hashes to the stored SHA-256. A missing file or an unreadable record is named, not
    fatal: the export says what it could not confirm."""
    streams: dict[bool, Any] = {}
    names = {True: "archive/evidence.warc.gz", False: "archive/evidence.warc"}
    copied = _Copied()
    try:
        for capture in captures:
            listing = by_id[capture.listing_id]
            page: dict[str, Any] = {
                "id": f"{listing.uid}@{capture.sha256[:12]}",
                "url": capture.url,
                "ts": capture.captured_at,
                "title": listing.title,
                "listing": listing.uid,
                "platform": listing.platform,
                "seller": listing.seller,
                "price": listing.price,
                "status": capture.http_status,
                "content_type": capture.content_type,
                "sha256": capture.sha256,
                "warc": None,
                "source": capture.warc_file,
            }
            path = resolve_warc_path(capture.warc_file, archives) if capture.warc_file else None
            if capture.warc_file and capture.warc_offset is not None and path is None:
                copied.missing.append(capture.warc_file)
            if path is not None and capture.warc_offset is not None:
                try:
                    data, gzipped, sha256 = _read_record_bytes(path, capture.warc_offset)
                except RecordUnreadableError as exc:  # named, and the export says so
                    copied.unverified.append(f"{capture.url} ({exc})")
                    copied.pages.append(page)
                    continue
                if gzipped not in streams:
                    streams[gzipped] = (root / names[gzipped]).open("wb")
                    streams[gzipped].write(_warcinfo(subject, gzipped, Path(names[gzipped]).name))
                    copied.files.append(names[gzipped])
                stream = streams[gzipped]
                page["warc"] = {"file": names[gzipped], "offset": stream.tell(), "length": len(data),
                                "source_file": Path(capture.warc_file).name,
                                "source_offset": capture.warc_offset}  # fmt: skip
                stream.write(data)
                page["verified"] = sha256 == capture.sha256
                if not page["verified"]:
                    copied.unverified.append(f"{capture.url} ({capture.warc_file} @ {capture.warc_offset})")
                copied.archived += 1
            copied.pages.append(page)
    finally:
        for stream in streams.values():
            stream.close()
    copied.files.sort()
    return copied


def _read_record_bytes(path: Path, offset: int) -> tuple[bytes, bool, str | None]:
    """The record's exact bytes (its gzip member, or the uncompressed record with its trailing
    blank lines), whether gzipped, and the SHA-256 of its decoded payload. Read with the bounded
    splitter; raises RecordUnreadableError for a damaged or oversized record."""
    with path.open("rb") as stream:
        raw = read_record_at(stream, offset)
        if raw.damage is not None or raw.end <= offset:
            why = raw.why or "not one whole record (a gzip member holding several?)"
            raise RecordUnreadableError(str(path), offset, why)
        stream.seek(offset)
        data = stream.read(raw.end - offset)
    record = parse_record(raw)
    sha256 = record_payload(record).sha256 if record.rec_type in ("response", "resource") else None
    return data, data.startswith(GZIP_MAGIC), sha256


def _warcinfo(subject: str, gzipped: bool, name: str) -> bytes:
    buffer = BytesIO()
    writer = Sha256WarcWriter(buffer, gzip=gzipped)
    info = {
        "software": f"WildTrace/{__version__}",
        "format": "WARC File Format 1.1",
        "description": f"Evidence export for {subject}: records copied byte for byte from the crawl",
        "wildtrace-export-subject": subject,
    }
    writer.write_record(writer.create_warcinfo_record(name, info))
    return buffer.getvalue()


def _umask() -> int | None:
    """The process umask, read without changing it (``os.umask`` can only read by setting, which
    races with other threads creating files), or None where the system does not show it."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def export_bundle(
    store: Store,
    target: str,
    out: Path,
    *,
    force: bool = False,
    archives: Path | None = None,
    actor: str | None = None,
    viewer: Viewer | None = None,
    allow_marking: Collection[str] = GUARDED_MARKINGS,
) -> BundleResult:
    """Write the bundle for ``target`` to ``out`` (a zip), then log an ``export`` entry.

    ``viewer``: export only what it may see (the command line passes the ``--agency``; the web
    app's case export asks per listing already). ``allow_marking``: the guarded markings let out
    (``check_marking``); the default lets everything out, as before markings were checked."""
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; give --force to replace it")
    subject, listings = find_listings(store, target, viewer)
    marking = strictest(listing_markings(store, [listing.id for listing in listings]).values())
    check_marking(subject, marking, allow_marking)
    actor = actor or default_actor()
    by_id = {listing.id: listing for listing in listings}
    captures = _read_captures(store, list(by_id))
    log = CustodyLog(store)
    head = log.head()

    with tempfile.TemporaryDirectory(prefix="wildtrace-export-") as folder:
        root = Path(folder)
        (root / "archive").mkdir()
        (root / "pages").mkdir()
        (root / "custody").mkdir()
        copied = _copy_captures(captures, by_id, root, subject, archives)
        pages = copied.pages
        result = BundleResult(out, "", subject, len(listings), len(captures), copied.archived, 0,
                              copied.unverified, copied.missing, marking)  # fmt: skip

        with (root / "pages" / "pages.jsonl").open("w", encoding="utf-8") as handle:
            header = {"format": "json-pages-1.0", "id": "pages", "title": f"Evidence: {subject}"}
            handle.write(json.dumps(header, ensure_ascii=False) + "\n")
            for page in pages:
                handle.write(json.dumps(page, ensure_ascii=False) + "\n")

        subjects = sorted(
            {page["url"] for page in pages}
            | {p["source"] for p in pages if p["source"]}
            | {os.path.realpath(p["source"]) for p in pages if p["source"]}
            | {subject}
        )
        entries = [entry.as_dict() for entry in log.entries(subjects)]
        result.custody_entries = len(entries)
        with (root / "custody" / "custody.jsonl").open("w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")

        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        environment = Environment(
            loader=PackageLoader("wildtrace.evidence", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        html = environment.get_template("bundle.html.j2").render(
            subject=subject, pages=pages, custody=entries, head=head, listings=len(listings),
            version=__version__, created=created, actor=actor, database=store.url, csp=CSP, style=_STYLE,
        )  # fmt: skip
        (root / "index.html").write_text(html, encoding="utf-8")

        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        resources = []
        for name in files:
            digest, size = _sha256_file(root / name)
            resources.append(
                {"name": Path(name).name, "path": name, "hash": f"sha256:{digest}", "bytes": size}
            )
        package = {
            "profile": "data-package",
            "wacz_version": "1.1.1",
            "title": f"Evidence: {subject}",
            "created": created,
            "software": f"WildTrace/{__version__}",
            "custody_head": head,
            "resources": resources,
            "wildtrace": {"tlp": marking, "exported_by": viewer.agency_code if viewer else None},
        }
        (root / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        manifest = []
        for name in [*files, "datapackage.json"]:
            digest, _ = _sha256_file(root / name)
            manifest.append(f"{digest}  {name}\n")
        (root / "manifest-sha256.txt").write_text("".join(manifest), encoding="utf-8")

        _write_zip(out, root, [*files, "datapackage.json", "manifest-sha256.txt"])

    result.sha256, size = _sha256_file(out)
    log.append(
        action="export",
        subject=subject,
        detail={"format": "bundle", "file": str(out.resolve()), "sha256": result.sha256, "bytes": size,
                "captures": len(captures), "archived": result.archived, "custody_head": head,
                "agency": viewer.agency_code if viewer else None, "marking": marking},
        actor=actor,
    )  # fmt: skip
    return result


def _write_zip(out: Path, root: Path, names: list[str], *, stored: tuple[str, ...] = ()) -> None:
    """Zip ``names`` (paths under ``root``, in this order) into ``out``; those starting with
    a prefix in ``stored`` are STORED (WACZ readers seek into WARCs), the rest deflated.

    Written to a new, unpredictable name created exclusively (O_EXCL, mode 0600) beside
    ``out``, so a symlink planted there cannot redirect the write; the rename then replaces
    ``out`` itself, and a failed export leaves nothing half-written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    partial = Path(partial_name)
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as package,
        ):
            mask = _umask()  # mkstemp makes 0600; the export is readable as any new file would be
            os.fchmod(raw.fileno(), 0o644 & ~(0o022 if mask is None else mask))
            for name in names:
                method = zipfile.ZIP_STORED if name.startswith(stored) else zipfile.ZIP_DEFLATED
                package.write(root / name, name, compress_type=method)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
