"""``wildtrace evidence export --format wacz``: a WACZ 1.1.1 package that py-wacz's own validator
accepts, whose index finds every page, holding only what the exporting agency may see, marked,
signed on request, and logged in the custody chain; on both engines."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC, RSA
from Crypto.Signature import DSS
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.evidence.test_evidence_cli import crawl, page, scan
from wildtrace import cli
from wildtrace.evidence.archive import WarcArchive
from wildtrace.evidence.custody import CustodyLog
from wildtrace.store import open_store

runner = CliRunner()
WACZ_CLI = Path(sys.executable).parent / "wacz"
SELLER_PAGES = ["https://market.test/item/1", "https://market.test/item/2"]


@pytest.fixture
def crawled(tmp_path: Path, db_url: str) -> tuple[str, Path, list[Any]]:
    """Three captures (two of seller ngavoi_hn, one of other_seller) scanned into the local
    agency's default collection (AMBER)."""
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url)
    assert scan(db_url, folder).exit_code == 0
    return db_url, folder, captures


def export(db_url: str, target: str, out: Path, *extra: str) -> Any:
    return runner.invoke(
        cli.app, ["evidence", "export", target, "--format", "wacz", "--out", str(out), "--db", db_url, *extra]
    )


def validate(path: Path) -> str:
    """py-wacz's ``wacz validate``: its output, after asserting that it accepted the file."""
    done = subprocess.run([str(WACZ_CLI), "validate", "-f", str(path)], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout, done.stdout
    return done.stdout


def read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def pages_of(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in files["pages/pages.jsonl"].decode().splitlines()]


def cli_ok(*args: str) -> None:
    result = runner.invoke(cli.app, list(args))
    assert result.exit_code == 0, result.output


def test_wacz_validates_indexes_every_page_and_is_logged(
    crawled: tuple[str, Path, list[Any]], tmp_path: Path
) -> None:
    db_url, folder, captures = crawled
    out = tmp_path / "ngavoi.wacz"
    result = export(db_url, "ngavoi_hn", out)
    assert result.exit_code == 0, result.output
    assert "TLP:AMBER" in result.output and "as agency local" in result.output
    validate(out)

    files = read(out)
    assert set(files) == {"archive/evidence.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl",
                          "datapackage.json", "datapackage-digest.json"}  # fmt: skip
    with zipfile.ZipFile(out) as package:  # WACZ: the WARCs STORED, so replay can seek into them
        assert package.getinfo("archive/evidence.warc.gz").compress_type == zipfile.ZIP_STORED

    # the data package names every other file with its right SHA-256 and size
    package_json = json.loads(files["datapackage.json"])
    assert (package_json["profile"], package_json["wacz_version"]) == ("data-package", "1.1.1")
    assert package_json["software"].startswith("WildTrace/") and package_json["created"].endswith("Z")
    resources = {r["path"]: r for r in package_json["resources"]}
    assert set(resources) == set(files) - {"datapackage.json", "datapackage-digest.json"}
    for name, resource in resources.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256(files[name]).hexdigest()
        assert resource["bytes"] == len(files[name])
    digest = json.loads(files["datapackage-digest.json"])
    assert digest == {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()}  # fmt: skip
    assert package_json["wildtrace"]["tlp"] == "AMBER"
    assert package_json["wildtrace"]["exported_by"] == "local"
    assert "mainPageURL" not in package_json  # two pages: no main page

    # the pages: a json-pages-1.0 header, then url, ts, title of each capture
    header, *pages = pages_of(files)
    assert (header["format"], header["id"]) == ("json-pages-1.0", "pages")
    assert sorted(p["url"] for p in pages) == SELLER_PAGES
    assert {p["title"] for p in pages} >= {"Vòng ngà voi"} and all(p["ts"] for p in pages)

    # the index finds every page, at the offset of its record, copied byte for byte
    warc = files["archive/evidence.warc.gz"]
    lines = [line.split(" ", 2) for line in files["indexes/index.cdxj"].decode().splitlines()]
    assert [urlkey for urlkey, _, _ in lines] == sorted(urlkey for urlkey, _, _ in lines)
    index = {json.loads(fields)["url"]: json.loads(fields) for _, _, fields in lines}
    assert set(index) == {p["url"] for p in pages}
    [source] = folder.glob("*.warc.gz")
    original = source.read_bytes()
    for entry in pages:
        where = index[entry["url"]]
        assert where["filename"] == "evidence.warc.gz" and where["status"] == "200"
        offset, length = int(where["offset"]), int(where["length"])
        record = next(iter(ArchiveIterator(io.BytesIO(warc[offset : offset + length]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        capture = next(c for c in captures if c.url == entry["url"])
        assert warc[offset : offset + length] == original[capture.offset : capture.offset + length]
    kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(warc), check_digests="raise")]
    assert kinds == ["warcinfo", "response", "response"]

    # the export is in the custody log: format, agency, marking, the package's hash
    with open_store(db_url) as store:
        last = list(CustodyLog(store).entries())[-1]
    assert (last.action, last.subject) == ("export", "seller:ngavoi_hn")
    assert last.detail["format"] == "wacz" and last.detail["agency"] == "local"
    assert last.detail["marking"] == "AMBER" and last.detail["signed"] is False
    assert last.detail["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert last.detail["datapackage_sha256"] == digest["hash"].removeprefix("sha256:")


def test_one_listing_names_its_main_page(crawled: tuple[str, Path, list[Any]], tmp_path: Path) -> None:
    db_url, _, _ = crawled
    out = tmp_path / "one.wacz"
    assert export(db_url, "https://market.test/item/3", out).exit_code == 0
    validate(out)
    files = read(out)
    package_json = json.loads(files["datapackage.json"])
    [only] = pages_of(files)[1:]
    assert package_json["mainPageURL"] == only["url"] == "https://market.test/item/3"
    assert package_json["mainPageDate"] == only["ts"]
    again = export(db_url, "https://market.test/item/3", out)
    assert again.exit_code == 2 and "--force" in again.output
    assert export(db_url, "https://market.test/item/3", out, "--force").exit_code == 0
    bad = export(db_url, "ngavoi_hn", tmp_path / "x.wacz", "--format", "warc")
    assert bad.exit_code == 2 and "--format warc" in bad.output


def crawl_one(folder: Path, db_url: str, url: str, body: bytes) -> None:
    """One more capture, written as `wildtrace crawl` writes them."""
    with open_store(db_url) as store:
        archive = WarcArchive(folder, "crawl-wacz", "ana", None, "1", store=store)
        archive.write_exchange(url=url, method="GET", request_headers=[], status=200,
                               response_headers=[("Content-Type", "text/html; charset=utf-8")],
                               body=body, fetched_at=datetime.now(UTC), remote_ip="127.0.0.1")  # fmt: skip
        archive.close()


def test_only_what_the_agency_may_see_goes_out(crawled: tuple[str, Path, list[Any]], tmp_path: Path) -> None:
    db_url, _, _ = crawled
    cli_ok("agency", "add", "KE-KWS", "--name", "Kenya Wildlife Service", "--db", db_url)
    # a fourth listing of the same seller, in a GREEN collection every agency sees; the other
    # three stay in the local agency's AMBER collection, not shared with KE-KWS
    more = tmp_path / "more"
    crawl_one(more, db_url, "https://market.test/item/4", page("Vòng ngà voi 2", "ngavoi_hn", "800000"))
    result = runner.invoke(cli.app, ["scan", str(more), "--db", db_url, "--workers", "1",
                                     "--collection", "open-web", "--tlp", "GREEN"])  # fmt: skip
    assert result.exit_code == 0, result.output

    out = tmp_path / "kws.wacz"
    result = export(db_url, "ngavoi_hn", out, "--agency", "KE-KWS")
    assert result.exit_code == 0, result.output
    validate(out)
    files = read(out)
    assert [p["url"] for p in pages_of(files)[1:]] == ["https://market.test/item/4"]
    assert b"market.test/item/1" not in files["archive/evidence.warc.gz"]
    marks = json.loads(files["datapackage.json"])["wildtrace"]
    assert (marks["tlp"], marks["exported_by"]) == ("GREEN", "KE-KWS")
    assert list(marks["listings"].values()) == ["GREEN"]
    # the local agency sees all three of the seller's listings
    local = tmp_path / "local.wacz"
    assert export(db_url, "ngavoi_hn", local).exit_code == 0
    assert len(pages_of(read(local))) == 1 + 3

    # a listing the agency may not see is reported like a missing one, and nothing is written
    hidden = tmp_path / "hidden.wacz"
    result = export(db_url, "https://market.test/item/3", hidden, "--agency", "KE-KWS")
    assert result.exit_code == 2 and "no listing or seller" in result.output
    assert not hidden.exists()
    # the bundle obeys the same filter
    bundle = tmp_path / "kws.zip"
    result = runner.invoke(cli.app, ["evidence", "export", "ngavoi_hn", "--out", str(bundle), "--db", db_url,
                                     "--agency", "KE-KWS"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(bundle) as zipped:
        bundle_pages = zipped.read("pages/pages.jsonl").decode().splitlines()[1:]
    assert [json.loads(line)["url"] for line in bundle_pages] == ["https://market.test/item/4"]
    unknown = export(db_url, "ngavoi_hn", tmp_path / "u.wacz", "--agency", "XX-NOPE")
    assert unknown.exit_code == 2 and "unknown agency 'XX-NOPE'" in unknown.output


def test_amber_strict_and_red_need_allow_marking(
    crawled: tuple[str, Path, list[Any]], tmp_path: Path
) -> None:
    db_url, folder, _ = crawled

    def exports() -> int:
        with open_store(db_url) as store:
            return sum(entry.action == "export" for entry in CustodyLog(store).entries())

    cli_ok("collection", "set-tlp", "default", "AMBER+STRICT", "--db", db_url)
    out = tmp_path / "strict.wacz"
    refused = export(db_url, "https://market.test/item/3", out)
    assert refused.exit_code == 2, refused.output
    assert "TLP:AMBER+STRICT" in refused.output and "--allow-marking AMBER+STRICT" in refused.output
    assert not out.exists() and exports() == 0
    assert export(db_url, "https://market.test/item/3", out, "--allow-marking", "amber+strict").exit_code == 0
    assert json.loads(read(out)["datapackage.json"])["wildtrace"]["tlp"] == "AMBER+STRICT"

    # the seller's listings also go into a RED collection: the local agency still sees them
    # through the default collection, but they are RED material now
    result = runner.invoke(cli.app, ["scan", str(folder), "--db", db_url, "--workers", "1",
                                     "--collection", "informant", "--tlp", "RED"])  # fmt: skip
    assert result.exit_code == 0, result.output
    red = tmp_path / "red.wacz"
    for allow in ([], ["--allow-marking", "AMBER+STRICT"]):
        refused = export(db_url, "ngavoi_hn", red, *allow)
        assert refused.exit_code == 2 and "TLP:RED" in refused.output and not red.exists()
    bundle = tmp_path / "red.zip"
    refused = runner.invoke(
        cli.app, ["evidence", "export", "ngavoi_hn", "--out", str(bundle), "--db", db_url]
    )
    assert refused.exit_code == 2 and "TLP:RED" in refused.output and not bundle.exists()
    assert exports() == 1
    result = export(db_url, "ngavoi_hn", red, "--allow-marking", "TLP:RED")
    assert result.exit_code == 0, result.output
    validate(red)
    assert json.loads(read(red)["datapackage.json"])["wildtrace"]["tlp"] == "RED"
    with open_store(db_url) as store:
        last = list(CustodyLog(store).entries())[-1]
    assert (last.detail["format"], last.detail["marking"]) == ("wacz", "RED")
    bad = export(db_url, "ngavoi_hn", tmp_path / "b.wacz", "--allow-marking", "PURPLE")
    assert bad.exit_code == 2 and "unknown TLP marking" in bad.output


def test_signed_wacz_verifies_with_its_public_key(
    crawled: tuple[str, Path, list[Any]], tmp_path: Path
) -> None:
    db_url, _, _ = crawled
    key = ECC.generate(curve="P-256")
    pem = tmp_path / "signing.pem"
    pem.write_text(key.export_key(format="PEM"), encoding="ascii")
    out = tmp_path / "signed.wacz"
    result = export(db_url, "ngavoi_hn", out, "--sign-key", str(pem))
    assert result.exit_code == 0, result.output
    assert "signed" in result.output and "unsigned" not in result.output
    # py-wacz checks the digest and that the signature's time is the package's; it verifies
    # signatures themselves only through authsign or a remote server (neither offline here)
    assert "Has signature" in validate(out)

    files = read(out)
    digest = json.loads(files["datapackage-digest.json"])
    signed = digest["signedData"]
    assert set(signed) == {"hash", "signature", "publicKey", "created", "software"}
    assert (
        signed["hash"] == digest["hash"] == "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()
    )
    assert signed["created"] == json.loads(files["datapackage.json"])["created"]
    public = ECC.import_key(base64.b64decode(signed["publicKey"]))
    assert public == key.public_key()
    verifier = DSS.new(public, "fips-186-3", encoding="der")
    verifier.verify(SHA256.new(signed["hash"].encode("ascii")), base64.b64decode(signed["signature"]))
    with pytest.raises(ValueError):  # a changed data package no longer matches the signature
        verifier.verify(SHA256.new(b"sha256:" + b"0" * 64), base64.b64decode(signed["signature"]))
    with open_store(db_url) as store:
        assert list(CustodyLog(store).entries())[-1].detail["signed"] is True

    # a key that is not an ECDSA P-256 private key is refused before anything is written
    for name, text in (("rsa.pem", RSA.generate(2048).export_key().decode()),
                       ("public.pem", key.public_key().export_key(format="PEM")),
                       ("junk.pem", "not a key")):  # fmt: skip
        (tmp_path / name).write_text(text, encoding="ascii")
        refused = export(db_url, "ngavoi_hn", tmp_path / "no.wacz", "--sign-key", str(tmp_path / name))
        assert refused.exit_code == 2 and "--sign-key" in refused.output, refused.output
        assert not (tmp_path / "no.wacz").exists()
    bundle = runner.invoke(cli.app, ["evidence", "export", "ngavoi_hn", "--out", str(tmp_path / "b.zip"),
                                     "--db", db_url, "--sign-key", str(pem)])  # fmt: skip
    assert bundle.exit_code == 2 and "--format wacz" in bundle.output


def test_records_of_uncompressed_warcs_go_to_their_own_archive_file(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "wget.warc"
    body = page("Rosewood logs", "timber_co", "5000")
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://wood.test/1", "response", payload=io.BytesIO(body), http_headers=http
            )
        )
    assert scan(db_url, path).exit_code == 0
    out = tmp_path / "wood.wacz"
    result = export(db_url, "timber_co", out)
    assert result.exit_code == 0, result.output
    validate(out)
    files = read(out)
    assert "archive/evidence.warc" in files and "archive/evidence.warc.gz" not in files
    with zipfile.ZipFile(out) as package:
        assert package.getinfo("archive/evidence.warc").compress_type == zipfile.ZIP_STORED
    [line] = files["indexes/index.cdxj"].decode().splitlines()
    where = json.loads(line.split(" ", 2)[2])
    assert (where["url"], where["filename"]) == ("https://wood.test/1", "evidence.warc")
    warc = files["archive/evidence.warc"]
    record = next(iter(ArchiveIterator(io.BytesIO(warc[int(where["offset"]) :]))))
    assert hashlib.sha256(record.content_stream().read()).hexdigest() == hashlib.sha256(body).hexdigest()
