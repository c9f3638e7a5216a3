"""The command line end to end: the scan/link output contracts, bad input, the store."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace import cli, pipeline, scanning
from wildtrace.commands import common
from wildtrace.runners import local as local_runner
from wildtrace.store import open_store

runner = CliRunner()

SCAN_FIELDS = {"id", "score", "flagged", "commodities", "taxa", "matches", "legality_cues",
               "selectors", "language"}  # fmt: skip

GOOD = [
    {"id": "vn-1", "platform": "chotot-demo", "seller": "ngavoi_hn", "title": "Bán vòng ngà voi thật",
     "text": "Zalo 0912.345.678, ship kín", "price": "3.500.000đ", "location": "Hà Nội"},
    {"id": "en-1", "platform": "facebook", "seller": "Ivory Art", "title": "Antique ivory carving",
     "text": "WhatsApp +84 912 345 678, DM for price", "price": "$450"},
    {"id": "en-2", "platform": "shopee", "seller": "dress_shop", "title": "Ivory lace wedding dress",
     "text": "Size M, never worn", "price": "$80"},
    {"id": "zh-1", "platform": "taobao-demo", "seller": "老王", "title": "穿山甲片 现货",
     "text": "微信: laowang888 价格私聊"},
]  # fmt: skip


def write_jsonl(path: Path, records: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    path.write_text("\n".join([*lines, *extra_lines]) + "\n", encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scan_writes_the_contract_in_input_order(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["scan", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert [row["id"] for row in rows] == ["vn-1", "en-1", "en-2", "zh-1"]
    for row in rows:
        assert row.keys() >= SCAN_FIELDS
        assert 0.0 <= row["score"] <= 1.0
    vn, en, dress, zh = rows
    assert vn["flagged"] and vn["commodities"] == ["ivory"]
    assert {"name": "Elephantidae", "cites_appendix": "I/II"} in vn["taxa"]
    assert vn["selectors"][0] | {"channel": "zalo"} == {
        "type": "phone", "value": "+84912345678", "raw": "0912.345.678", "field": "text",
        "start": 5, "end": 17, "channel": "zalo", "confidence": 0.85,
    }  # fmt: skip
    match = next(m for m in vn["matches"] if m["term"] == "ngà voi")
    assert GOOD[0]["title"][match["start"] : match["end"]] == "ngà voi"
    assert match["field"] == "title" and match["language"] == "vi"
    assert "claims antique / pre-1947" in en["legality_cues"]
    assert not dress["flagged"] and "colour not material" in dress["legality_cues"]
    assert zh["flagged"] and zh["commodities"] == ["pangolin"]
    assert {"type": "wechat", "value": "laowang888"}.items() <= zh["selectors"][0].items()


def test_scan_to_stdout_keeps_stdout_pure_json(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    result = runner.invoke(cli.app, ["scan", str(source), "--out", "-", "--no-store"])
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "vn-1", "en-1", "en-2", "zh-1",
    ]  # fmt: skip
    assert "4 listings read" in result.stderr


def test_no_store_creates_no_database(tmp_path: Path, wildtrace_home: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    result = runner.invoke(cli.app, ["scan", str(source), "--no-store", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert not (wildtrace_home / "wildtrace.db").exists()


def _warc(path: Path, url: str, html: str) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.0")  # fmt: skip
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                           http_headers=headers)  # fmt: skip
        writer.write_record(record)


def test_scan_reads_every_format_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    (folder / "pages").mkdir(parents=True)
    write_jsonl(folder / "a.jsonl", GOOD[:1])
    (folder / "b.csv").write_text(
        "id,platform,seller,title,description\n"
        "csv-1,kaskus-demo,toko_gading,Jual gading gajah asli,Harga nego WA 0812-3456-7890\n",
        encoding="utf-8",
    )
    (folder / "pages" / "c.html").write_text(
        "<html><head><meta charset='utf-8'><title>Rhino horn cup</title></head>"
        "<body><h1>Rhino horn cup for sale</h1><p>Carved rhino horn libation cup.</p></body></html>",
        encoding="utf-8",
    )
    _warc(
        folder / "d.warc.gz",
        "https://market.example/item/9",
        "<html><body><h1>Sừng tê giác nguyên chất</h1><p>Bán sừng tê</p></body></html>",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["scan", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = {row["title"]: row for row in read_rows(out)}
    assert len(rows) == 4
    assert rows["Jual gading gajah asli"]["id"] == "csv-1"
    assert rows["Jual gading gajah asli"]["selectors"][0]["value"] == "+6281234567890"
    assert rows["Rhino horn cup for sale"]["commodities"] == ["rhino_horn"]
    warc_row = rows["Sừng tê giác nguyên chất"]
    assert warc_row["commodities"] == ["rhino_horn"]
    assert warc_row["url"] == "https://market.example/item/9"
    assert len(warc_row["sha256"]) == 64 and warc_row["captured_at"]


def test_bad_input_is_reported_saved_and_counted(tmp_path: Path, wildtrace_home: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", GOOD[:2], extra_lines=('{"id": "broken", ', "{}", '["a list"]'))
    (folder / "b.csv").write_text(
        "id,title,text\nc1,Ngà voi,bán gấp\nc2,too,many,fields,here\nc3,Tiger bone wine,sale\n",
        encoding="utf-8",
    )
    (folder / "c.jsonl").write_bytes(b"\x00\x01\x02binary\x00garbage")
    (folder / "d.html").write_bytes(b"<html><body><h1>Caf\xe9 ivoire</h1>\xff\xfe</body></html>")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["scan", str(folder), "--out", str(out)])
    assert result.exit_code == 1, result.output
    good_ids = [row["id"] for row in read_rows(out)]
    assert good_ids == ["vn-1", "en-1", "c1", "c3"]
    rejects = read_rows(out.with_name("out.jsonl.rejects.jsonl"))
    where = {(Path(r["file"]).name, r["line"]) for r in rejects}
    assert {("a.jsonl", 3), ("a.jsonl", 4), ("a.jsonl", 5), ("b.csv", 3), ("c.jsonl", None),
            ("d.html", None)} <= where  # fmt: skip
    assert all(r["reason"] for r in rejects)
    assert "rejected" in result.stderr and "a.jsonl:3" in result.stderr
    with open_store(None) as store:
        summary = store.summary()
    assert summary.listings == 4
    assert summary.rejects == len(rejects)


def test_scanning_twice_stores_nothing_twice(tmp_path: Path, db_url: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    first = runner.invoke(cli.app, ["scan", str(source), "--db", db_url])
    second = runner.invoke(cli.app, ["scan", str(source), "--db", db_url])
    assert first.exit_code == second.exit_code == 0
    assert "Stored 4 new" in first.stderr
    assert "Stored 0 new, 0 updated, 4 unchanged" in second.stderr
    with open_store(db_url) as store:
        assert store.summary().listings == 4


def test_interrupted_scan_is_consistent_and_a_rerun_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [dict(GOOD[index % 4], id=f"r{index}") for index in range(10)]
    source = write_jsonl(tmp_path / "in.jsonl", records[:1], ("{broken",))
    with source.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records[1:])
    db = f"sqlite:///{tmp_path / 'run.db'}"
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(scanning, "BATCH_SIZE", 3)
    real = local_runner.analyze_batch
    calls = {"n": 0}

    def crash_on_third_batch(listings: Any, threshold: float) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(listings, threshold)

    monkeypatch.setattr(local_runner, "analyze_batch", crash_on_third_batch)
    result = runner.invoke(cli.app, ["scan", str(source), "--db", db, "--workers", "1", "--out", str(out)])
    assert result.exit_code == 130
    # the rejected line is kept, in the rejects file and in the store, despite the interrupt
    assert [row["line"] for row in read_rows(out.with_name("out.jsonl.rejects.jsonl"))] == [2]
    with open_store(db) as store:
        summary = store.summary()
        assert summary.rejects == 1
        assert summary.listings == 6  # two whole batches, nothing partial
        assert summary.last_run is not None and summary.last_run.status == "interrupted"
        # the third batch (and the listing that closed it) was read but not stored
        assert (summary.last_run.read, summary.last_run.stored) == (10, 6)
    monkeypatch.setattr(local_runner, "analyze_batch", real)
    rerun = runner.invoke(cli.app, ["scan", str(source), "--db", db])
    assert rerun.exit_code == 1  # the broken line is still there
    assert "Stored 4 new, 0 updated, 6 unchanged" in rerun.stderr
    with open_store(db) as store:
        assert (store.summary().listings, store.summary().rejects) == (10, 1)


def test_link_writes_clusters_and_readable_reasons(tmp_path: Path) -> None:
    records = [*GOOD, {"platform": "line-openchat", "seller": "laowang888", "title": "ขายงาช้าง",
                       "text": "ไลน์ laowang888"}]  # fmt: skip
    source = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "links.jsonl"
    result = runner.invoke(cli.app, ["link", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert [row["id"] for row in rows][:4] == ["vn-1", "en-1", "en-2", "zh-1"]
    by_id = {row["id"]: row for row in rows}
    assert by_id["vn-1"]["cluster"] == by_id["en-1"]["cluster"] != by_id["en-2"]["cluster"]
    reason = by_id["vn-1"]["links"][0]["reason"]
    assert by_id["vn-1"]["links"][0]["to"] == "en-1"
    assert "+84912345678" in reason and "ngavoi_hn" in reason and "Ivory Art" in reason
    line_row = rows[4]
    assert line_row["id"].startswith("sha-")
    assert line_row["cluster"] == by_id["zh-1"]["cluster"]
    assert by_id["en-2"]["links"] == []


def test_link_from_the_store_saves_the_network(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    assert runner.invoke(cli.app, ["scan", str(source)]).exit_code == 0
    result = runner.invoke(cli.app, ["link", "--out", str(tmp_path / "l.jsonl")])
    assert result.exit_code == 0, result.output
    with open_store(None) as store:
        assert store.summary().networks == 1


def test_report_escapes_hostile_listing_data(tmp_path: Path) -> None:
    hostile = "<script>alert('x')</script>"
    records = [dict(GOOD[0], seller=hostile), GOOD[1]]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    assert runner.invoke(cli.app, ["scan", str(source)]).exit_code == 0
    html = tmp_path / "report.html"
    result = runner.invoke(cli.app, ["report", "--html", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert hostile not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert '<b id="listings">2</b>' in page
    assert "Listings stored" in result.stderr


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["scan", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr


def test_bad_threshold_setting_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    monkeypatch.setenv("WILDTRACE_THRESHOLD", "high")
    result = runner.invoke(cli.app, ["scan", str(source), "--no-store"])
    assert result.exit_code == 2
    assert "WILDTRACE_THRESHOLD" in result.stderr


def test_threshold_flag_changes_flagging(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    out = tmp_path / "o.jsonl"
    # 1.0: the learned score tops out at 0.9999, and a sure offer may reach 0.99
    result = runner.invoke(cli.app, ["scan", str(source), "--no-store", "--threshold", "1.0",
                                     "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0
    assert not any(row["flagged"] for row in read_rows(out))


def test_gzip_jsonl_is_not_silently_misread(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(gzip.compress(b'{"id": "x", "title": "ivory"}\n'))
    result = runner.invoke(cli.app, ["scan", str(path), "--no-store"])
    assert result.exit_code == 1
    assert "in.jsonl" in result.stderr


def test_demo_scans_stores_links_and_reports_the_bundled_corpus(wildtrace_home: Path) -> None:
    result = runner.invoke(cli.app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    rows = read_rows(wildtrace_home / "demo-scan.jsonl")
    assert len(rows) == 393  # 364 JSONL + 20 CSV + 5 HTML pages + 4 WARC captures
    assert len({row["platform"] for row in rows}) >= 8
    assert len({row["language"] for row in rows}) >= 8
    assert "393 listings read from 8 files" in result.stderr
    assert "held back phone +842839990123" in result.stderr  # the demo's courier trap
    page = (wildtrace_home / "report.html").read_text(encoding="utf-8")
    assert '<b id="listings">393</b>' in page
    assert not (wildtrace_home / "wildtrace.db").exists()  # the user's store is left alone
    with open_store(str(wildtrace_home / "demo.db")) as store:
        summary = store.summary()
    assert summary.listings == 393 and summary.rejects == 0
    assert 0 < summary.flagged < 393
    assert summary.networks == 12  # the corpus hides 12 networks (labels.csv)
    # A second run stores nothing twice.
    again = runner.invoke(cli.app, ["demo", "--no-serve"])
    assert again.exit_code == 0
    assert "Stored 0 new, 0 updated, 393 unchanged" in again.stderr


def test_scan_with_several_processes_writes_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [dict(GOOD[index % 4], id=f"r{index}") for index in range(25)]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    monkeypatch.setattr(scanning, "BATCH_SIZE", 4)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = runner.invoke(cli.app, ["scan", str(source), "--no-store", "--workers", workers,
                                         "--out", str(out)])  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[1].splitlines()] == [f"r{i}" for i in range(25)]


def test_ctrl_c_on_a_real_process_leaves_a_consistent_store(tmp_path: Path) -> None:
    """SIGINT to the process group, as a terminal's Ctrl-C sends it, with two workers."""
    # distinct texts: repeats would be answered from the analysis cache, and the scan would
    # end before the signal could reach it
    records = [
        dict(GOOD[index % 4], id=f"r{index}", text=f"{GOOD[index % 4]['text']} lot {index}")
        for index in range(6000)
    ]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    db = tmp_path / "run.db"
    command = [sys.executable, "-m", "wildtrace", "scan", str(source), "--db", str(db), "--workers", "2"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists() and _stored(db) > 0:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert "Interrupted" in err.decode()
    stored = _stored(db)
    assert 0 < stored < 6000 and stored % scanning.BATCH_SIZE == 0  # whole batches only
    # The killed process read the analyzer from the files on disk; so must this one.
    pipeline.detection_data_digest.cache_clear()
    rerun = runner.invoke(cli.app, ["scan", str(source), "--db", str(db), "--workers", "1"])
    assert rerun.exit_code == 0
    assert f"Stored {6000 - stored:,} new, 0 updated, {stored:,} unchanged" in rerun.stderr


def _stored(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        try:
            return int(connection.execute("select count(*) from listings").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0


def test_duplicate_ids_are_rejected_with_the_whole_record(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [GOOD[0], dict(GOOD[1], id="vn-1", platform="chotot-demo")])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["scan", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert [row["id"] for row in read_rows(out)] == ["vn-1"]
    [reject] = read_rows(tmp_path / "out.jsonl.rejects.jsonl")
    assert reject["line"] == 2 and reject["reason"].startswith("duplicate id 'vn-1' (first at ")
    assert json.loads(reject["raw"])["seller"] == "Ivory Art"  # nothing of the record is lost


def test_the_same_id_on_another_platform_is_another_listing(tmp_path: Path) -> None:
    """Listings are keyed by (platform, id) (issue 10, finding 6); no platform is its own."""
    first = write_jsonl(tmp_path / "a.jsonl", [dict(GOOD[0], id="1", platform="shop-a")])
    second = write_jsonl(tmp_path / "b.jsonl", [dict(GOOD[3], id="1", platform="shop-b"),
                                                dict(GOOD[2], id="1", platform=None),
                                                dict(GOOD[2], id="2", platform="shop-b")])  # fmt: skip
    assert runner.invoke(cli.app, ["scan", str(first)]).exit_code == 0
    result = runner.invoke(cli.app, ["scan", str(second), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    rows = [(row["platform"], row["id"]) for row in read_rows(tmp_path / "o.jsonl")]
    assert rows == [("shop-b", "1"), (None, "1"), ("shop-b", "2")]
    with open_store(None) as store:
        titles = {str(listing.key): listing.title for listing, _ in store.load_analyses()}
    assert titles == {"shop-a:1": GOOD[0]["title"], "shop-b:1": GOOD[3]["title"], "1": GOOD[2]["title"],
                      "shop-b:2": GOOD[2]["title"]}  # fmt: skip


def test_out_over_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    before = source.read_bytes()
    for command in ("scan", "link"):
        result = runner.invoke(
            cli.app,
            [command, str(source), "--out", str(source), "--no-store"]
            if command == "scan"
            else [command, str(source), "--out", str(source)],
        )
        assert result.exit_code == 2
        assert "would overwrite the input" in result.stderr
        assert source.read_bytes() == before


def test_data_that_looks_like_markup_is_shown_as_is(tmp_path: Path) -> None:
    records = [
        dict(GOOD[0], seller="[/]"),
        dict(GOOD[1], id="[bold]x[/bold]"),
        dict(GOOD[1], id="[bold]x[/bold]"),
    ]
    folder = tmp_path / "[red]inputs"
    folder.mkdir()
    source = write_jsonl(folder / "in.jsonl", records)
    result = runner.invoke(cli.app, ["scan", str(source)])
    assert result.exit_code == 1, result.output
    assert "duplicate id '[bold]x[/bold]'" in result.stderr
    assert "[red]inputs" in result.stderr
    report = runner.invoke(cli.app, ["report"])
    assert report.exit_code == 0, report.output
    assert "[/]" in report.stderr


def test_rescanning_with_another_threshold_updates_what_is_flagged(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    assert runner.invoke(cli.app, ["scan", str(source), "--threshold", "1.0"]).exit_code == 0
    with open_store(None) as store:
        assert store.summary().flagged == 0
    again = runner.invoke(cli.app, ["scan", str(source)])
    assert "Stored 0 new, 4 updated" in again.stderr
    with open_store(None) as store:
        assert store.summary().flagged == 3


def test_two_captures_of_one_page_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "two.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for text in ("Ngà voi nguyên khối, giá 3 triệu", "Ngà voi nguyên khối, đã bán"):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")  # fmt: skip
            html = f"<html><body><h1>Ngà voi</h1><p>{text}</p></body></html>".encode()
            writer.write_record(writer.create_warc_record(
                "https://market.example/item/7", "response", payload=io.BytesIO(html),
                http_headers=headers))  # fmt: skip
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["scan", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert len(rows) == 2 and rows[0]["id"] == rows[1]["id"] and rows[0]["sha256"] != rows[1]["sha256"]
    assert "Stored 1 new, 1 updated" in result.stderr
    with open_store(None) as store:
        [(listing, _)] = list(store.load_analyses())
        assert listing.text is not None and listing.text.endswith("đã bán")  # the latest capture
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("select count(*) from captures").scalar() == 2
    # the same captures again, and a copy of the file: nothing changes, true duplicates are rejected
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(path.read_bytes())
    again = runner.invoke(cli.app, ["scan", str(path), str(copy)])
    assert again.exit_code == 1
    assert "Stored 0 new, 0 updated, 2 unchanged" in again.stderr
    assert again.stderr.count("duplicate id") == 2


def test_a_clean_rerun_removes_the_old_rejects_file(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD, extra_lines=("{broken",))
    out = tmp_path / "out.jsonl"
    assert runner.invoke(cli.app, ["scan", str(source), "--out", str(out)]).exit_code == 1
    assert out.with_name("out.jsonl.rejects.jsonl").exists()
    write_jsonl(source, GOOD)
    assert runner.invoke(cli.app, ["scan", str(source), "--out", str(out)]).exit_code == 0
    assert not out.with_name("out.jsonl.rejects.jsonl").exists()


def test_a_folder_with_nothing_to_read_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("ivory", encoding="utf-8")
    result = runner.invoke(cli.app, ["scan", str(tmp_path)])
    assert result.exit_code == 2
    assert "no JSONL, CSV, HTML or WARC files found" in result.stderr


def test_progress_shows_on_a_terminal_and_not_in_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    for terminal in (True, False):
        screen = io.StringIO()
        console = Console(file=screen, force_terminal=terminal, markup=False, highlight=False)
        monkeypatch.setattr(common, "console", console)
        result = runner.invoke(cli.app, ["scan", str(source), "--no-store", "--out", str(tmp_path / "o")])
        assert result.exit_code == 0
        assert ("Scanning" in screen.getvalue()) is terminal
        assert "listings read from 1 files" in screen.getvalue()


def test_an_internal_error_is_reported_plainly_with_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)

    def broken(listings: Any, threshold: float) -> Any:
        raise RuntimeError("detector exploded")

    monkeypatch.setattr(local_runner, "analyze_batch", broken)
    monkeypatch.setattr(sys, "argv", ["wildtrace", "scan", str(source), "--no-store", "--workers", "1"])
    monkeypatch.setattr(common, "console", Console(stderr=True, markup=False, highlight=False))
    with pytest.raises(SystemExit) as stop:
        cli.run()
    assert stop.value.code == 3
    assert "internal error: RuntimeError: detector exploded" in capsys.readouterr().err


def test_out_through_a_hard_link_to_an_input_is_refused(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    os.link(source, tmp_path / "hard.jsonl")
    hard = tmp_path / "hard.jsonl"
    result = runner.invoke(cli.app, ["scan", str(hard), "--out", str(source), "--no-store"])
    assert result.exit_code == 2
    assert source.read_text(encoding="utf-8").count("\n") == 4


def test_link_on_the_store_saves_the_network_analysis_too(tmp_path: Path, network_accounts: Any) -> None:
    """Finding 8: `link` left network_accounts stale; every path that saves a network saves both."""
    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert (
        runner.invoke(
            cli.app, ["scan", str(write_jsonl(tmp_path / "a.jsonl", GOOD[:2])), "--db", db]
        ).exit_code
        == 0
    )
    assert runner.invoke(cli.app, ["network", "--db", db]).exit_code == 0
    with open_store(db) as store:
        before = {row["account"] for row in network_accounts(store)}
    assert (
        runner.invoke(
            cli.app, ["scan", str(write_jsonl(tmp_path / "b.jsonl", GOOD[2:])), "--db", db]
        ).exit_code
        == 0
    )
    result = runner.invoke(cli.app, ["link", "--db", db])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        after = {row["account"]: row for row in network_accounts(store)}
    assert len(after) == 4 > len(before) == 2
    assert after.keys() > before
    # the two accounts that share a phone number are one group in the saved analysis
    groups = {row["seller"]: row["cluster"] for row in after.values()}
    assert groups["ngavoi_hn"] == groups["Ivory Art"] != groups["dress_shop"]


def test_a_database_error_mid_run_is_not_a_usage_error(
    tmp_path: Path, db_url: str, refuse_inserts: Callable[..., None]
) -> None:
    """Finding 19: the database refusing a write exits 4 with its own message, and the run is
    closed as interrupted (a real refusal: a trigger in the database, on both engines)."""
    source = write_jsonl(tmp_path / "in.jsonl", GOOD)
    assert runner.invoke(cli.app, ["scan", str(write_jsonl(tmp_path / "first.jsonl", GOOD[:1])),
                                   "--db", db_url]).exit_code == 0  # fmt: skip
    refuse_inserts(db_url, "listings")
    result = runner.invoke(cli.app, ["scan", str(source), "--db", db_url])
    assert result.exit_code == 4, result.output
    assert "database error:" in result.stderr and "disk quota exceeded" in result.stderr
    assert "[SQL:" not in result.stderr and "usage" not in result.stderr
    with open_store(db_url) as store:
        last = store.summary().last_run
        assert last is not None and last.status == "interrupted"
        assert store.summary().listings == 1
