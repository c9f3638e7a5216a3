"""``scan --encoding --map`` and NUL characters through the command line, on both engines
(issue 10, findings 13 and 15)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.store import open_store

runner = CliRunner()


def test_scan_reads_a_latin1_sheet_with_other_column_names(tmp_path: Path) -> None:
    path = tmp_path / "annonces.csv"
    path.write_bytes(
        "Réf;Intitulé;Prix;Vendeur\n"
        "fr-1;Ivoire sculpté, défense entière;4 500 €;Boutique Élan\n"
        "fr-2;Écailles de pangolin 500 g;800 €;Élan\n".encode("cp1252")
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        ["scan", str(path), "--no-store", "--out", str(out), "--encoding", "cp1252",
         "--map", "Réf=id", "--map", "intitulé=title", "--map", "PRIX=price", "--map", "Vendeur=seller"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["title"], r["seller"], r["price"]["amount"]) for r in rows] == [
        ("fr-1", "Ivoire sculpté, défense entière", "Boutique Élan", 4500),
        ("fr-2", "Écailles de pangolin 500 g", "Élan", 800),
    ]
    assert any(r["flagged"] for r in rows)


def test_scan_unknown_map_field_or_encoding_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("titre\nIvoire\n", encoding="utf-8")
    bad_map = runner.invoke(app, ["scan", str(path), "--no-store", "--map", "titre=titel"])
    assert bad_map.exit_code == 2
    assert "FIELD one of id, platform, url, seller, seller_info, title, text, price" in bad_map.output
    bad_encoding = runner.invoke(app, ["scan", str(path), "--no-store", "--encoding", "nope-8"])
    assert bad_encoding.exit_code == 2 and "unknown encoding" in bad_encoding.output


def test_nul_in_one_record_loses_nothing_on_either_engine(tmp_path: Path, db_url: str) -> None:
    """Finding 15: a NUL (JSON escape, raw byte, Excel cell, JSON-LD) aborted a PostgreSQL import."""
    folder = tmp_path / "in"
    folder.mkdir()
    records = [{"id": f"j{n}", "title": f"Ngà voi {n}"} for n in range(3)]
    records[1]["text"] = "Zalo\u00000912 345 678"
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    (folder / "b.csv").write_bytes(b"id,title\nc1,Pangolin\x00 scales\nc2,Turtle shell\n")
    workbook = Workbook()  # XML cannot hold a NUL: an Excel cell arrives clean, and stays read
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "title"])
    sheet.append(["x1", "Rhino horn"])
    workbook.save(folder / "c.xlsx")
    (folder / "d.html").write_text(
        '<html><head><script type="application/ld+json">{"@type": "Product", "name": "Ivory\\u0000 cup",'
        ' "offers": {"@type": "Offer", "price": "90", "priceCurrency": "USD"}}</script></head>'
        "<body><p>Antique</p></body></html>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scan", str(folder), "--db", db_url, "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    assert "3 listings kept with NUL characters removed" in " ".join(result.output.split())
    with open_store(db_url) as store:
        stored = {listing.id: listing for listing, _ in store.load_analyses()}
    assert len(stored) == 7
    assert stored["j1"].text == "Zalo0912 345 678"
    assert stored["c1"].title == "Pangolin scales" and stored["x1"].title == "Rhino horn"
    assert any(listing.title == "Ivory cup" for listing in stored.values())


def test_ops_import_with_a_nul_cell_stores_every_row(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(
        b"date,country,commodity,quantity,unit,reference\n"
        b"2025-03-01,Kenya,ivory,3,kg,A\x00-1\n2025-03-02,Kenya,ivory,4,kg,A-2\n"
    )
    result = runner.invoke(app, ["ops", "import", str(path), "--operation", "OP", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "2 seizure lines stored" in result.output
    assert "NUL characters removed from 1 rows (rows 2)" in " ".join(result.output.split())
