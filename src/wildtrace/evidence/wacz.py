"""Evidence as a WACZ 1.1.1 package: the captures of a listing or seller in the form that
ReplayWeb.page opens and py-wacz's ``wacz validate`` accepts.

    archive/evidence.warc.gz   a warcinfo of the export, then the captures' records byte for byte
    archive/evidence.warc      ... those that came from uncompressed WARC files, if any
    indexes/index.cdxj         the CDXJ index of the archive files (cdxj_indexer), sorted
    pages/pages.jsonl          json-pages-1.0: one page per archived capture (url, ts, title)
    datapackage.json           every file above with its SHA-256 and size; the TLP marking and
                               the exporting agency under ``wildtrace``
    datapackage-digest.json    the SHA-256 of datapackage.json; ``signedData`` with --sign-key

The archive files are STORED in the zip (replay seeks into them); the rest is deflated. The
records are copied as the bundle copies them (``evidence/export.py``), so their digests and
record ids stay those of the crawl. Signing follows the anonymous form of Webrecorder's "WACZ
Signing and Verification": an ECDSA P-256 signature (SHA-256, DER, base64) of the ``hash``
string of datapackage-digest.json, with the public key (SubjectPublicKeyInfo DER, base64).
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wildtrace import __version__
from wildtrace.errors import WildTraceError
from wildtrace.evidence.custody import CustodyLog, default_actor
from wildtrace.evidence.export import (
    _copy_captures,
    _read_captures,
    _sha256_file,
    _write_zip,
    check_marking,
    find_listings,
    listing_markings,
)
from wildtrace.share.exportset import strictest
from wildtrace.store import Store
from wildtrace.store.access import Viewer

WACZ_VERSION = "1.1.1"
INDEX = "indexes/index.cdxj"
PAGES = "pages/pages.jsonl"


class SigningKeyError(WildTraceError):
    """The --sign-key file is not a readable, unencrypted ECDSA P-256 private key in PEM."""


@dataclass(slots=True)
class WaczResult:
    """What ``export_wacz`` wrote."""

    path: Path
    sha256: str
    subject: str
    listings: int
    captures: int
    archived: int
    marking: str
    agency: str | None
    signed: bool
    unverified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def export_wacz(
    store: Store,
    target: str,
    out: Path,
    *,
    force: bool = False,
    archives: Path | None = None,
    sign_key: Path | None = None,
    viewer: Viewer | None = None,
    allow_marking: Collection[str] = (),
    actor: str | None = None,
) -> WaczResult:
    """Write the WACZ package of ``target``'s captures to ``out``, then log an ``export``
    custody entry naming the format, the agency and the marking.

    ``viewer``: only what it may see goes in. ``allow_marking``: the guarded markings let out;
    AMBER+STRICT and RED material is refused (MarkingRefusedError, nothing written) unless
    allowed. ``sign_key``: a PEM file of an ECDSA P-256 private key to sign the digest with;
    read before anything is written, so a bad key costs nothing."""
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; give --force to replace it")
    key = _load_signing_key(sign_key) if sign_key is not None else None
    subject, listings = find_listings(store, target, viewer)
    markings = listing_markings(store, [listing.id for listing in listings])
    marking = strictest(markings.values())
    check_marking(subject, marking, allow_marking)
    actor = actor or default_actor()
    agency = viewer.agency_code if viewer is not None else None
    by_id = {listing.id: listing for listing in listings}
    captures = _read_captures(store, list(by_id))
    log = CustodyLog(store)
    head = log.head()
    title = f"Evidence: {subject}"

    with tempfile.TemporaryDirectory(prefix="wildtrace-wacz-") as folder:
        root = Path(folder)
        for part in ("archive", "indexes", "pages"):
            (root / part).mkdir()
        copied = _copy_captures(captures, by_id, root, subject, archives)
        pages = [page for page in copied.pages if page["warc"] is not None]  # replayable ones
        _write_index(root, copied.files)
        with (root / PAGES).open("w", encoding="utf-8") as handle:
            header = {"format": "json-pages-1.0", "id": "pages", "title": title}
            handle.write(json.dumps(header, ensure_ascii=False) + "\n")
            for page in pages:
                entry = {"id": page["id"], "url": page["url"], "ts": page["ts"], "title": page["title"]}
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

        names = [*copied.files, INDEX, PAGES]
        resources = []
        for name in names:
            digest, size = _sha256_file(root / name)
            resources.append({"name": Path(name).name.lower(), "path": name, "hash": f"sha256:{digest}",
                              "bytes": size})  # fmt: skip
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        software = f"WildTrace/{__version__}"
        package: dict[str, Any] = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": title,
            "created": created,
            "software": software,
            "resources": resources,
        }
        if len(pages) == 1:
            package["mainPageURL"] = pages[0]["url"]
            if pages[0]["ts"]:
                package["mainPageDate"] = pages[0]["ts"]
        by_key = {listing.id: f"{listing.platform or ''}:{listing.uid}" for listing in listings}
        package["wildtrace"] = {
            "tlp": marking,
            "exported_by": agency,
            "subject": subject,
            "custody_head": head,
            "listings": {by_key[listing_id]: tlp for listing_id, tlp in markings.items()},
        }
        data = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        (root / "datapackage.json").write_bytes(data)
        package_sha256, _ = _sha256_file(root / "datapackage.json")
        digest_file: dict[str, Any] = {"path": "datapackage.json", "hash": f"sha256:{package_sha256}"}
        if key is not None:
            digest_file["signedData"] = _sign(key, digest_file["hash"], created, software)
        (root / "datapackage-digest.json").write_text(json.dumps(digest_file, indent=2) + "\n", "utf-8")
        _write_zip(out, root, [*names, "datapackage.json", "datapackage-digest.json"], stored=("archive/",))

    result = WaczResult(out, "", subject, len(listings), len(captures), copied.archived, marking, agency,
                        key is not None, copied.unverified, copied.missing)  # fmt: skip
    result.sha256, size = _sha256_file(out)
    log.append(
        action="export",
        subject=subject,
        detail={"format": "wacz", "file": str(out.resolve()), "sha256": result.sha256, "bytes": size,
                "captures": len(captures), "archived": copied.archived, "custody_head": head,
                "agency": agency, "marking": marking, "signed": result.signed,
                "datapackage_sha256": package_sha256},
        actor=actor,
    )  # fmt: skip
    return result


def _write_index(root: Path, archive_files: list[str]) -> None:
    """``indexes/index.cdxj`` over the archive files, sorted, each line naming its file relative
    to ``archive/`` (as WACZ wants); written by cdxj_indexer, the indexer py-wacz uses."""
    from cdxj_indexer import CDXJIndexer

    inputs = [str(root / name) for name in archive_files]
    with (root / INDEX).open("w", encoding="utf-8") as handle:
        if inputs:  # an export whose WARC files are all missing has an empty index
            CDXJIndexer(handle, inputs, sort=True).process_all()


def _load_signing_key(path: Path) -> Any:
    """The ECDSA P-256 private key in ``path`` (PEM, unencrypted)."""
    from Crypto.PublicKey import ECC

    try:
        key = ECC.import_key(path.read_text(encoding="ascii"))
    except (OSError, ValueError, IndexError, TypeError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"--sign-key {path}: not a readable PEM ECDSA key ({exc})") from exc
    if key.curve != "NIST P-256" or not key.has_private():
        found = key.curve if key.has_private() else f"a public {key.curve} key"
        raise SigningKeyError(f"--sign-key {path}: need an ECDSA P-256 private key, not {found}")
    return key


def _sign(key: Any, digest: str, created: str, software: str) -> dict[str, str]:
    """WACZ ``signedData`` (anonymous form): ``signature`` is the base64 DER ECDSA signature of
    the ASCII ``hash`` string with SHA-256 (deterministic, RFC 6979), ``publicKey`` the base64
    DER SubjectPublicKeyInfo; ``created`` equals datapackage.json's, as verifiers check."""
    from Crypto.Hash import SHA256
    from Crypto.Signature import DSS

    signature = DSS.new(key, "deterministic-rfc6979", encoding="der").sign(SHA256.new(digest.encode("ascii")))
    public = key.public_key().export_key(format="DER")
    return {
        "hash": digest,
        "signature": base64.b64encode(signature).decode("ascii"),
        "publicKey": base64.b64encode(public).decode("ascii"),
        "created": created,
        "software": software,
    }
