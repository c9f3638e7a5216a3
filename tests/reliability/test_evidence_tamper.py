"""Tampering with WARC files, the store's hash columns and the custody log is caught and named
(finding 16), a damaged record is named alone (finding 18), the chain head can be anchored
outside the database, and an export cannot be redirected through a planted symlink (finding 23).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import struct
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace import cli
from wildtrace.evidence.archive import WarcArchive
from wildtrace.evidence.export import export_bundle
from wildtrace.store import open_store

runner = CliRunner()


def body(number: int) -> bytes:
    return (
        b"<html><title>Vong nga voi %d</title><body><h1>Vong nga voi %d</h1>"
        b"<p>Nga voi that 100%%, gia 3.500.000 VND</p></body></html>" % (number, number)
    )


def crawl(folder: Path, db_url: str, count: int) -> list[Any]:
    """A crawl of ``count`` listing pages written as `wildtrace crawl` writes them, then scanned."""
    with open_store(db_url) as store:
        archive = WarcArchive(folder, "crawl-tamper", "ana", None, "1", store=store)
        captures = [
            archive.write_exchange(
                url=f"https://market.test/item/{n}", request_headers=[], status=200,
                response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body(n),
                fetched_at=datetime.now(UTC), remote_ip="127.0.0.1",
            )
            for n in range(1, count + 1)
        ]  # fmt: skip
        archive.close()
    result = runner.invoke(cli.app, ["scan", str(folder), "--db", db_url, "--workers", "1"])
    assert result.exit_code == 0, result.output
    return captures


def sha256_b32(data: bytes, algorithm: str = "sha256") -> str:
    """A WARC digest header value (``algorithm:`` + base32), as warcio writes them."""
    return f"{algorithm}:" + base64.b32encode(hashlib.new(algorithm, data).digest()).decode()


def gzip_member_of_length(data: bytes, length: int) -> bytes:
    """A gzip member holding ``data`` padded (in its FCOMMENT header field) to exactly ``length``."""
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    variants = [
        (level, wbits, mem_level, strategy)
        for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED)
        for wbits in (15, 14, 13, 12, 11)
        for level in (9, 8, 7, 6, 5)
        for mem_level in (9, 8, 7, 6)
    ]
    for level, wbits, mem_level, strategy in variants:  # a forger tries until one fits
        deflated = zlib.compressobj(level, zlib.DEFLATED, -wbits, mem_level, strategy)
        raw = deflated.compress(data) + deflated.flush()
        room = length - (10 + len(raw) + len(trailer))
        if room == 0:
            return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + raw + trailer
        if room > 0:
            header = b"\x1f\x8b\x08\x10\x00\x00\x00\x00\x00\xff" + b"c" * (room - 1) + b"\x00"
            return header + raw + trailer
    raise AssertionError("the forged record compresses larger than the original")


def forge(path: Path, offset: int, length: int, old: bytes, new: bytes) -> tuple[str, str, str]:
    """``_forge`` with ``new``, or (when that compresses too large) another forged price."""
    for plain_id in (False, True):
        for price in (new, b"9.800.000", b"8.900.000", b"7.700.000"):
            try:
                return _forge(path, offset, length, old, price, plain_id)
            except AssertionError:
                continue
    raise AssertionError("no forged record fits the original gzip member's length")


def _forge(
    path: Path, offset: int, length: int, old: bytes, new: bytes, plain_id: bool = False
) -> tuple[str, str, str]:
    """Replace ``old`` by ``new`` (same length) in the record at ``offset``, with correct WARC
    digests and a gzip member of the same length: (new payload SHA-256, block and payload digests)."""
    data = path.read_bytes()
    record = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[offset : offset + length])
    head, _, block = record.partition(b"\r\n\r\n")
    block = block[: -len(b"\r\n\r\n")]
    http_head, _, payload = block.partition(b"\r\n\r\n")
    assert old in payload and len(old) == len(new)
    payload = payload.replace(old, new)
    block = http_head + b"\r\n\r\n" + payload
    lines = []
    for line in head.split(b"\r\n"):
        algorithm = line.partition(b": ")[2].partition(b":")[0].decode() or "sha256"
        if line.startswith(b"WARC-Block-Digest:"):
            line = b"WARC-Block-Digest: " + sha256_b32(block, algorithm).encode()
        elif line.startswith(b"WARC-Payload-Digest:"):
            line = b"WARC-Payload-Digest: " + sha256_b32(payload, algorithm).encode()
        elif plain_id and line.startswith(b"WARC-Record-ID:"):  # compresses better, same length
            line = b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>"
        lines.append(line)
    forged = b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"
    path.write_bytes(data[:offset] + gzip_member_of_length(forged, length) + data[offset + length :])
    return hashlib.sha256(payload).hexdigest(), sha256_b32(block), sha256_b32(payload)


def test_a_forged_record_with_correct_digests_and_rewritten_hash_columns_is_caught(
    tmp_path: Path, db_url: str
) -> None:
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url, 3)
    target = captures[1]
    [warc] = folder.glob("*.warc.gz")
    sha, block, payload = forge(warc, target.offset, target.length, b"3.500.000", b"9.900.000")
    file_sha = hashlib.sha256(warc.read_bytes()).hexdigest()
    with open_store(db_url) as store, store.engine.begin() as conn:  # the forger edits the database
        params = {"sha": sha, "block": block, "payload": payload, "off": target.offset, "old": target.sha256}
        conn.execute(
            text("UPDATE warc_records SET payload_sha256=:sha, block_digest=:block, payload_digest=:payload "
                 "WHERE \"offset\"=:off"), params,
        )  # fmt: skip
        conn.execute(text("UPDATE captures SET sha256=:sha WHERE sha256=:old"), params)
        conn.execute(
            text("UPDATE warc_files SET sha256=:f, size=:s"), {"f": file_sha, "s": warc.stat().st_size}
        )
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "MISMATCHES FOUND" in result.output
    flat = " ".join(result.output.split())
    assert f"@ {target.offset} (https://market.test/item/2): payload SHA-256 against custody entry" in flat
    assert target.sha256 in flat  # the custody log's copy of the original hash
    assert "item/1" not in flat and "item/3" not in flat  # only the forged record is named


def foreign_warc(path: Path, count: int) -> list[int]:
    """A WARC written by another tool (warcio), one listing page per record."""
    offsets = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for n in range(1, count + 1):
            offsets.append(stream.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://shop.test/item/{n}", "response", payload=io.BytesIO(body(n)), http_headers=http
            )
            writer.write_record(record)
    return offsets


def test_a_forged_record_in_an_imported_warc_is_caught_by_the_import_entry(
    tmp_path: Path, db_url: str
) -> None:
    path = tmp_path / "foreign.warc.gz"
    offsets = foreign_warc(path, 3)
    assert runner.invoke(cli.app, ["scan", str(path), "--db", db_url, "--workers", "1"]).exit_code == 0
    length = offsets[2] - offsets[1]
    sha, _, _ = forge(path, offsets[1], length, b"3.500.000", b"9.900.000")
    with open_store(db_url) as store, store.engine.begin() as conn:
        conn.execute(
            text("UPDATE captures SET sha256=:sha WHERE warc_offset=:off"), {"sha": sha, "off": offsets[1]}
        )
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "against custody entry 1 (import)" in " ".join(result.output.split())


def test_verify_names_only_the_damaged_record_of_45(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url, 45)
    [warc] = folder.glob("*.warc.gz")
    data = bytearray(warc.read_bytes())
    damaged = captures[13]
    data[damaged.offset + damaged.length // 2] ^= 0x55
    warc.write_bytes(bytes(data))
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    named = [line for line in result.output.splitlines() if line.startswith("MISMATCH")]
    offsets = {c.offset for c in captures}
    named_offsets = {o for o in offsets if f"@ {o} " in flat}
    assert named_offsets == {damaged.offset}, named  # not every record after it
    assert "record unreadable" in flat


def test_custody_tampering_is_named_and_anchors_catch_a_cut(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "warcs"
    crawl(folder, db_url, 2)
    anchor = tmp_path / "case" / "anchor.json"
    result = runner.invoke(cli.app, ["evidence", "anchor", "--out", str(anchor), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert anchor.is_file()
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url, "--anchor", str(anchor)])
    assert result.exit_code == 0, result.output
    assert (
        "still extends the anchor" in result.output and "Custody log head before this check" in result.output
    )
    with open_store(db_url) as store, store.engine.begin() as conn:
        count = conn.execute(text("SELECT max(seq) FROM custody_log")).scalar()
        # cutting the newest entries leaves a valid, shorter chain: only the anchor can tell
        _drop_custody_triggers(conn)
        conn.execute(text("DELETE FROM custody_log WHERE seq >= :s"), {"s": count - 1})
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url, "--anchor", str(anchor)])
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert f"custody entry {count + 1}: cut below the anchor" in flat or "cut below the anchor" in flat
    with open_store(db_url) as store, store.engine.begin() as conn:  # an edited entry is named
        conn.execute(text("UPDATE custody_log SET subject='https://elsewhere.test/' WHERE seq=2"))
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1
    assert "custody entry 2: edited" in " ".join(result.output.split())


def _drop_custody_triggers(conn: Any) -> None:
    """What a tamperer with database rights does first: lift the append-only triggers."""
    if conn.dialect.name == "sqlite":
        names = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='custody_log'")
        )
        for (name,) in list(names):
            conn.execute(text(f'DROP TRIGGER "{name}"'))
    else:
        names = conn.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgrelid='custody_log'::regclass AND NOT tgisinternal")
        )
        for (name,) in list(names):
            conn.execute(text(f'DROP TRIGGER "{name}" ON custody_log'))


def test_export_does_not_follow_a_symlink_planted_at_its_temporary_name(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url, 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "out" / "bundle.zip"
    out.parent.mkdir()
    planted = out.with_name(f".{out.name}.{os.getpid()}.partial")  # the name the old code used
    planted.symlink_to(victim)
    with open_store(db_url) as store:
        result = export_bundle(store, captures[0].url, out)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not out.is_symlink() and zipfile.is_zipfile(out)
    assert result.archived == 1
    assert [p.name for p in out.parent.iterdir() if p.name.endswith(".partial") and not p.is_symlink()] == []


def test_export_of_a_damaged_record_names_it_and_still_writes_the_bundle(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url, 2)
    [warc] = folder.glob("*.warc.gz")
    data = bytearray(warc.read_bytes())
    data[captures[0].offset + captures[0].length // 2] ^= 0x55
    warc.write_bytes(bytes(data))
    out = tmp_path / "bundle.zip"
    result = runner.invoke(
        cli.app, ["evidence", "export", captures[0].url, "--out", str(out), "--db", db_url]
    )
    assert result.exit_code == 1, result.output  # the user must act, nothing crashed
    assert "MISMATCH" in result.output and "damaged gzip member" in " ".join(result.output.split())
    assert zipfile.is_zipfile(out)


def test_a_forged_imported_warc_scanned_again_is_still_caught_by_its_first_import_entry(
    tmp_path: Path, db_url: str
) -> None:
    path = tmp_path / "foreign.warc.gz"
    offsets = foreign_warc(path, 3)
    assert runner.invoke(cli.app, ["scan", str(path), "--db", db_url, "--workers", "1"]).exit_code == 0
    original = hashlib.sha256(path.read_bytes()).hexdigest()
    forge(path, offsets[1], offsets[2] - offsets[1], b"3.500.000", b"9.900.000")
    forged = hashlib.sha256(path.read_bytes()).hexdigest()
    # the forger scans the forged file again: a new, legitimate import entry logs the forged hash
    assert runner.invoke(cli.app, ["scan", str(path), "--db", db_url, "--workers", "1"]).exit_code == 0
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert "file SHA-256 against custody entry 1 (import)" in flat
    assert "file changed between imports: custody entry 1 at" in flat
    assert original in flat and forged in flat


def test_an_imported_file_scanned_twice_unchanged_verifies(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "foreign.warc.gz"
    foreign_warc(path, 2)
    for _ in range(2):
        assert runner.invoke(cli.app, ["scan", str(path), "--db", db_url, "--workers", "1"]).exit_code == 0
    result = runner.invoke(cli.app, ["evidence", "verify", "--db", db_url])
    assert result.exit_code == 0, result.output


def test_export_sets_the_bundle_mode_without_touching_the_process_umask(
    tmp_path: Path, db_url: str, monkeypatch: Any
) -> None:
    """Reading the umask by setting it is process-wide: a thread creating a file meanwhile (a web
    app exporting) would get the wrong mode. The bundle still follows the umask."""
    folder = tmp_path / "warcs"
    captures = crawl(folder, db_url, 1)
    out = tmp_path / "bundle.zip"
    previous = os.umask(0o027)
    calls: list[int] = []
    real_umask = os.umask

    def spy(mask: int) -> int:
        calls.append(mask)
        return real_umask(mask)

    try:
        monkeypatch.setattr(os, "umask", spy)
        with open_store(db_url) as store:
            export_bundle(store, captures[0].url, out)
    finally:
        monkeypatch.undo()
        os.umask(previous)
    assert calls == []  # the process umask was never changed, not even for a moment
    assert out.stat().st_mode & 0o777 == 0o640  # 0o644 under umask 027
    assert zipfile.is_zipfile(out)


def test_a_damaged_record_raises_the_typed_error_from_errors_py_with_its_place(tmp_path: Path) -> None:
    from wildtrace import errors
    from wildtrace.evidence import export

    path = tmp_path / "foreign.warc.gz"
    offsets = foreign_warc(path, 2)
    data = bytearray(path.read_bytes())
    data[(offsets[0] + offsets[1]) // 2] ^= 0x55
    path.write_bytes(bytes(data))
    try:
        export._read_record_bytes(path, offsets[0])
    except errors.RecordUnreadableError as error:  # one class, defined once, in errors.py
        assert (error.path, error.offset) == (str(path), offsets[0])
        assert "damaged gzip member" in error.reason and str(error).startswith(f"{path} @ {offsets[0]}: ")
    else:
        raise AssertionError("a damaged record was read")
    assert export.RecordUnreadableError is errors.RecordUnreadableError
