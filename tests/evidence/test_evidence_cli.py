"""``wildtrace evidence verify`` / ``export`` and the custody of scans, end to end on both engines."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace import cli
from wildtrace.evidence.archive import WarcArchive
from wildtrace.evidence.custody import CustodyLog, entry_hash
from wildtrace.store import open_store

runner = CliRunner()
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def page(title: str, seller: str, price: str, text: str = "Ngà voi thật, ship toàn quốc") -> bytes:
    offer = {"@type": "Offer", "price": price, "priceCurrency": "VND",
             "seller": {"@type": "Person", "name": seller}}  # fmt: skip
    product = {"@context": "https://schema.org", "@type": "Product", "name": title, "description": text,
               "offers": offer}  # fmt: skip
    json_ld = json.dumps(product).replace("</", "<\\/")  # a title cannot close the script element
    return (
        f'<html><head><title>{title}</title><script type="application/ld+json">{json_ld}</script>'
        f"</head><body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()


def crawl(folder: Path, db_url: str) -> list[Any]:
    """A small crawl written with WarcArchive (as `wildtrace crawl` does), stored with a store."""
    pages = [
        ("https://market.test/item/1", page("Vòng ngà voi", "ngavoi_hn", "3500000")),
        ("https://market.test/item/2", page(HOSTILE, "ngavoi_hn", "900000")),
        ("https://market.test/item/3", page("Sừng tê giác", "other_seller", "12000000")),
    ]
    with open_store(db_url) as store:
        archive = WarcArchive(folder, "crawl-cli", "ana", None, "1", store=store)
        captures = [
            archive.write_exchange(url=url, method="GET", request_headers=[], status=200,
                                   response_headers=[("Content-Type", "text/html; charset=utf-8")],
                                   body=body, fetched_at=datetime.now(UTC), remote_ip="127.0.0.1")
            for url, body in pages
        ]  # fmt: skip
        archive.close()
    return captures


def scan(db_url: str, *inputs: Path, out: Path | None = None) -> Any:
    args = ["scan", *map(str, inputs), "--db", db_url, "--workers", "1"]
    if out is not None:
        args += ["--out", str(out)]
    return runner.invoke(cli.app, args)


@pytest.fixture
def crawled(tmp_path: Path, db_url: str) -> tuple[str, Path, list[Any]]:
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url)
    result = scan(db_url, folder, out=tmp_path / "rows.jsonl")
    assert result.exit_code == 0, result.output
    return db_url, folder, captures


def test_scan_rows_and_custody_point_at_the_exact_bytes(
    crawled: tuple[str, Path, list[Any]], tmp_path: Path
) -> None:
    _, _, captures = crawled
    rows = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text("utf-8").splitlines()]
    by_url = {row["url"]: row for row in rows}
    first = by_url["https://market.test/item/1"]
    assert first["sha256"] == captures[0].sha256
    assert first["title"] == "Vòng ngà voi" and first["seller"] == "ngavoi_hn"
    assert first["price"]["amount"] == 3500000 and first["price"]["currency"] == "VND"
    assert first["captured_at"].startswith(datetime.now(UTC).strftime("%Y-"))
    # the scan logged an "import" custody entry for the file it read, with the file's SHA-256
    db_url, folder, _ = crawled
    with open_store(db_url) as store:
        imports = [e for e in CustodyLog(store).entries() if e.action == "import"]
    [warc] = sorted(folder.glob("*.warc.gz"))
    assert [(e.subject, e.detail["sha256"]) for e in imports] == [
        (str(warc.resolve()), hashlib.sha256(warc.read_bytes()).hexdigest())
    ]
    assert imports[0].detail["format"] == "warc" and imports[0].detail["scan_run"] >= 1
    # and `evidence log` prints the entries about one capture
    result = runner.invoke(cli.app, ["evidence", "log", "--db", db_url, "--subject", captures[0].url])
    assert result.exit_code == 0
    [entry] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (entry["action"], entry["detail"]["sha256"]) == ("capture", captures[0].sha256)


def test_verify_is_clean_then_logged(crawled: tuple[str, Path, list[Any]]) -> None:
    db_url, _, _ = crawled
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "OK: 3 records in 1 WARC files" in result.output
    with open_store(db_url) as store:
        last = list(CustodyLog(store).entries())[-1]
        assert (last.action, last.detail["mismatches"]) == ("verify", 0)


def test_verify_reports_an_altered_archive(crawled: tuple[str, Path, list[Any]]) -> None:
    db_url, folder, captures = crawled
    [warc] = folder.glob("*.warc.gz")
    data = bytearray(warc.read_bytes())
    data[captures[1].offset + 40] ^= 0xFF  # inside the second response's gzip member
    warc.write_bytes(bytes(data))
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "file SHA-256" in result.output
    assert f"@ {captures[1].offset}" in result.output and "MISMATCHES FOUND" in result.output


def test_verify_reports_a_changed_payload_in_an_imported_warc(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "other-tool.warc"
    body = page("Pangolin scales 1 kg", "s1", "100")
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            "https://other.test/p/1", "response", payload=io.BytesIO(body), http_headers=http
        )
        writer.write_record(record)
    assert scan(db_url, path).exit_code == 0
    assert runner.invoke(cli.app, ["evidence", "verify", "--db", db_url]).exit_code == 0
    path.write_bytes(path.read_bytes().replace(b"1 kg", b"9 kg"))
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1
    assert "payload SHA-256" in result.output and "https://other.test/p/1" in result.output
    assert str(path) in result.output
    expected = hashlib.sha256(body).hexdigest()
    assert f"expected {expected}" in result.output


def test_verify_finds_moved_archives_and_reports_missing_ones(
    crawled: tuple[str, Path, list[Any]], tmp_path: Path
) -> None:
    db_url, folder, _ = crawled
    moved = tmp_path / "moved"
    folder.rename(moved)
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1 and "WARC file missing" in result.output
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url, "--archives", str(moved)])
    assert result.exit_code == 0, result.output


def test_verify_reports_a_tampered_custody_log(crawled: tuple[str, Path, list[Any]]) -> None:
    db_url, _, _ = crawled
    with open_store(db_url) as store, store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE custody_log DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER custody_log_no_update")
        conn.exec_driver_sql("UPDATE custody_log SET actor = 'mallory' WHERE seq = 2")
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1
    assert "CUSTODY custody entry 2: edited" in result.output


def read_bundle(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_export_a_seller_bundle(crawled: tuple[str, Path, list[Any]], tmp_path: Path) -> None:
    db_url, folder, captures = crawled
    out = tmp_path / "bundle.zip"
    result = runner.invoke(cli.app, ["evidence", "export", "ngavoi_hn", "--out", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    files = read_bundle(out)
    assert set(files) == {"archive/evidence.warc.gz", "pages/pages.jsonl", "custody/custody.jsonl",
                          "index.html", "datapackage.json", "manifest-sha256.txt"}  # fmt: skip
    # the manifest and the data package name every file with its SHA-256
    lines = files["manifest-sha256.txt"].decode().splitlines()
    manifest = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert set(manifest) == set(files) - {"manifest-sha256.txt"}
    for name, digest in manifest.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    package = json.loads(files["datapackage.json"])
    assert {r["path"]: r["hash"] for r in package["resources"]} == {
        name: f"sha256:{manifest[name]}" for name in manifest if name != "datapackage.json"
    }
    # the two captures of the seller, byte for byte, after a warcinfo of the export
    pages = [json.loads(line) for line in files["pages/pages.jsonl"].decode().splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert sorted(p["url"] for p in pages[1:]) == ["https://market.test/item/1", "https://market.test/item/2"]
    [source] = folder.glob("*.warc.gz")
    original = source.read_bytes()
    warc = files["archive/evidence.warc.gz"]
    for entry in pages[1:]:
        capture = next(c for c in captures if c.url == entry["url"])
        where = entry["warc"]
        copied = warc[where["offset"] : where["offset"] + where["length"]]
        assert copied == original[capture.offset : capture.offset + where["length"]]
        assert entry["sha256"] == capture.sha256 and entry["verified"] is True
    kinds = [record.rec_type for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise")]
    assert kinds == ["warcinfo", "response", "response"]
    # custody entries about these captures, each re-hashable on its own
    entries = [json.loads(line) for line in files["custody/custody.jsonl"].decode().splitlines()]
    assert {e["action"] for e in entries} >= {"capture", "import"}
    for e in entries:
        assert e["hash"] == entry_hash(e["seq"], e["at"], e["action"], e["subject"], e["detail"], e["actor"],
                                       e["prev_hash"])  # fmt: skip
    # the summary escapes hostile page content and allows no script
    html = files["index.html"].decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<script" not in html and "<img" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in unescape(html)
    # the export itself is logged, with the bundle's hash
    with open_store(db_url) as store:
        last = list(CustodyLog(store).entries())[-1]
    assert (last.action, last.subject) == ("export", "seller:ngavoi_hn")
    assert last.detail["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_export_one_listing_and_refusals(crawled: tuple[str, Path, list[Any]], tmp_path: Path) -> None:
    db_url, _, _ = crawled
    out = tmp_path / "one.zip"
    args = ["evidence", "export", "https://market.test/item/3", "--out", str(out), "--db", db_url]
    assert runner.invoke(cli.app, args).exit_code == 0
    pages = read_bundle(out)["pages/pages.jsonl"].decode().splitlines()
    assert len(pages) == 2 and json.loads(pages[1])["seller"] == "other_seller"
    again = runner.invoke(cli.app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(cli.app, [*args, "--force"]).exit_code == 0
    unknown = runner.invoke(cli.app, ["evidence", "export", "nobody", "--out", str(tmp_path / "n.zip"),
                                      "--db", db_url])  # fmt: skip
    assert unknown.exit_code == 2 and "no listing or seller 'nobody'" in unknown.output
    assert not (tmp_path / "n.zip").exists()


def test_export_copies_records_of_uncompressed_imported_warcs(db_url: str, tmp_path: Path) -> None:
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
        writer.write_record(
            writer.create_warc_record(
                "https://wood.test/1",
                "request",
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "wood.test")], is_http_request=True
                ),
            )
        )
    assert scan(db_url, path).exit_code == 0
    out = tmp_path / "sub" / "wood.zip"
    result = runner.invoke(cli.app, ["evidence", "export", "timber_co", "--out", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    files = read_bundle(out)
    warc = files["archive/evidence.warc"]
    records = list(ArchiveIterator(io.BytesIO(warc), check_digests="raise"))
    assert [r.rec_type for r in records] == ["warcinfo", "response"]
    [entry] = [json.loads(line) for line in files["pages/pages.jsonl"].decode().splitlines()[1:]]
    where = entry["warc"]
    original = path.read_bytes()
    copied = warc[where["offset"] : where["offset"] + where["length"]]
    assert copied == original[where["source_offset"] : where["source_offset"] + where["length"]]
    assert entry["verified"] is True and entry["sha256"] == hashlib.sha256(body).hexdigest()
