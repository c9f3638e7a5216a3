"""Finding 15 (ops part): a NUL in one cell never loses the good rows or the rejects file,
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.ops.importer import ImportedRow, read_seizures
from wildtrace.ops.model import Seizure
from wildtrace.ops.store import save_rows
from wildtrace.store import open_store

runner = CliRunner()
HEADER = ["ref", "date", "country", "commodity", "quantity", "unit", "location", "concealment"]


def _sheet(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, 11):
            location = "Mom\x00basa" if number == 5 else "Mombasa"
            writer.writerow(
                [f"S-{number}", "2025-03-01", "Kenya", "ivory", str(number), "kg", location, "crates"]
            )
        writer.writerow(["S-11", "2025-02-30", "Kenya", "ivory", "3", "kg", "Mombasa", "x\x00y"])  # bad date
    return path


def test_nul_in_a_cell_keeps_every_good_row_and_the_rejects_file(tmp_path: Path, db_url: str) -> None:
    source = _sheet(tmp_path / "s.csv")
    rejects = tmp_path / "rejects.csv"
    done = runner.invoke(
        app, ["ops", "import", str(source), "--operation", "OP", "--db", db_url, "--rejects", str(rejects)]
    )
    assert done.exit_code == 1, done.output  # one row rejected (its date), the rest stored
    assert "10 seizure lines stored" in done.output
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["row"], r["concealment"]) for r in rows] == [("12", "xy")]
    report = json.loads(runner.invoke(app, ["ops", "report", "OP", "-f", "json", "--db", db_url]).stdout)
    assert report["seizure_lines"] == 10
    assert report["by_commodity"]["ivory"]["kg"] == 55


def test_a_row_the_database_refuses_is_rejected_alone(tmp_path: Path, pg_url: str) -> None:
    """A row built elsewhere (not through the reader) with a value PostgreSQL refuses (a
    count beyond its integers): the rest of the batch is stored and the row is named."""
    good = read_seizures(_sheet(tmp_path / "s.csv"), today=date(2026, 1, 1)).rows
    bad = ImportedRow(
        Seizure(date(2025, 3, 1), "KE", "ivory", reference="R-99", unnamed_suspects=2**40), "x.csv", 99
    )
    text = ImportedRow(
        Seizure(date(2025, 3, 1), "KE", "ivory", reference="R\x00", location="a\x00b"), "x.csv", 98
    )
    with open_store(pg_url) as store:
        result = save_rows(store, "OP", [*good[:3], bad, text, *good[3:]])
    assert result.new == 11  # the NUL row too: the store cleans text both engines cannot hold
    assert [(r.file, r.row) for r in result.rejects] == [("x.csv", 99)]
    assert "database refused the row" in result.rejects[0].reason
    assert result.rejects[0].raw["reference"] == "R-99"


def test_the_rejects_file_is_written_when_storing_fails(tmp_path: Path) -> None:
    source = _sheet(tmp_path / "s.csv")
    rejects = tmp_path / "rejects.csv"
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    done = runner.invoke(
        app,
        ["ops", "import", str(source), "--operation", "OP", "--db", unreachable, "--rejects", str(rejects)],
    )
    assert done.exit_code == 4, done.output  # a database error, not a usage error
    with rejects.open(encoding="utf-8", newline="") as handle:
        assert [r["row"] for r in csv.DictReader(handle)] == ["12"]
