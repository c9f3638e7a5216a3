"""``ops import`` under faults: ``kill -9`` in the middle of a large sheet on SQLite and
PostgreSQL, then a rerun; hostile cells (NUL, huge, control characters) in a sheet.

After the kill, every seizure line the database holds is whole (its suspects, its links),
and the rerun stores exactly the rest: nothing stored twice, nothing stored lost."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from typer.testing import CliRunner

import wildtrace
from wildtrace.cli import app
from wildtrace.ops.importer import read_seizures
from wildtrace.store.tables_operations import OnlineLinkRow, SeizureRow, SeizureSuspectRow, SuspectRow

ROWS = 4_000  # two batches of 2,000


def _sheet(path: Path, rows: int = ROWS) -> Path:
    countries = ["Kenya", "Viet Nam", "Thailand", "Nigeria", "Malaysia", "Tanzania"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["reference", "date", "country", "commodity", "quantity", "unit", "suspects", "listings"]
        )
        for number in range(rows):
            writer.writerow(
                [
                    f"K-{number}",
                    f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}",
                    countries[number % len(countries)],
                    "ivory" if number % 2 else "pangolin scales",
                    str(1 + number % 50),
                    "kg" if number % 3 else "斤",
                    f"Demo Person {number % 5000} (KE); Demo Courier {number % 700}",
                    f"listing-{number}",
                ]
            )
    return path


def _counts(engine: Engine) -> tuple[int, int, int, int, int]:
    """(seizure lines, distinct fingerprints, suspects, seizure-suspect pairs, online links)."""
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(SeizureRow)).scalar_one(),
            conn.execute(select(func.count(func.distinct(SeizureRow.fingerprint)))).scalar_one(),
            conn.execute(select(func.count()).select_from(SuspectRow)).scalar_one(),
            conn.execute(select(func.count()).select_from(SeizureSuspectRow)).scalar_one(),
            conn.execute(select(func.count()).select_from(OnlineLinkRow)).scalar_one(),
        )


def _stored(engine: Engine) -> int:
    """Seizure lines stored so far (0 while the tables are not there or the file is locked)."""
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(SeizureRow)).scalar_one())
    except SQLAlchemyError:
        return 0


def _command(source: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "wildtrace", "ops", "import", str(source), "--operation", "OP", "--db", url]


def _env() -> dict[str, str]:
    src = str(Path(wildtrace.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def test_kill_9_in_the_middle_then_a_rerun_stores_each_line_once(tmp_path: Path, db_url: str) -> None:
    source = _sheet(tmp_path / "big.csv")
    process = subprocess.Popen(
        _command(source, db_url), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    engine = create_engine(db_url)
    try:
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and process.poll() is None and _stored(engine) == 0:
                time.sleep(0.02)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
        lines, prints, _, pairs, links = _counts(engine)
        assert 0 < lines < ROWS, lines
        assert lines % 2000 == 0  # whole batches only: each is one transaction
        assert prints == lines
        assert pairs == 2 * lines  # every stored line has both its suspects ...
        assert links == lines  # ... and its listing link

        rerun = CliRunner().invoke(app, _command(source, db_url)[3:])
        assert rerun.exit_code == 0, rerun.output
        assert f"{ROWS - lines:,} seizure lines stored, {lines:,} already stored, 0 rejected" in rerun.output
        assert _counts(engine) == (ROWS, ROWS, min(ROWS, 5000) + 700, 2 * ROWS, ROWS)
    finally:
        engine.dispose()


CELL = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), include_characters="\x00\r\n\t,;\"'="), max_size=40
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=6))
def test_hostile_cells_never_lose_the_good_rows(tmp_path: Path, cells: list[tuple[str, str, str]]) -> None:
    """Any text in the descriptive columns (NUL, quotes, newlines, formulas): the good
    rows around it are kept, each row is either stored or rejected with its number."""
    path = tmp_path / "h.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["date", "country", "commodity", "quantity", "unit", "transport", "agency", "concealment"]
        )
        writer.writerow(["2025-03-01", "KE", "ivory", "1", "kg", "air cargo", "KWS", "suitcase"])
        for transport, agency, concealment in cells:
            writer.writerow(["2025-03-02", "KE", "ivory", "2", "kg", transport, agency, concealment])
        writer.writerow(["2025-03-03", "KE", "ivory", "3", "kg", "sea vessel", "KRA", "crates"])
    result = read_seizures(path, today=date(2026, 1, 1))
    kept = [row.seizure for row in result.rows]
    assert kept[0].kg == 1.0 and kept[-1].kg == 3.0
    assert len(result.rows) + len(result.rejects) == len(cells) + 2
    for seizure in kept:
        assert seizure.transport_mode is None or seizure.transport_mode in {
            "air_cargo", "air_passenger", "sea_container", "sea_other", "road", "rail", "post_courier",
            "online_controlled_delivery", "other",
        }  # fmt: skip
        for value in (seizure.agency, seizure.concealment, *seizure.extra.values()):
            assert value is None or "\x00" not in value


def test_a_huge_cell_in_a_descriptive_column_keeps_the_row(tmp_path: Path) -> None:
    path = tmp_path / "big-cell.csv"
    path.write_text(
        "date,country,commodity,quantity,unit,transport\n"
        f"2025-03-01,KE,ivory,2,kg,{'hovercraft ' * 11_000}\n"
        "2025-03-02,KE,ivory,3,kg,truck\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = read_seizures(path, today=date(2026, 1, 1))
    assert time.monotonic() - started < 5
    assert [row.seizure.transport_mode for row in result.rows] == ["other", "road"]


def test_two_imports_at_once_both_finish_and_store_each_line_once(tmp_path: Path, db_url: str) -> None:
    """Two ``ops import`` processes of overlapping sheets into one database: both exit 0
    (a line the other stored a moment ago is "already stored", never an error)."""
    first = _sheet(tmp_path / "a.csv", 3000)
    second = tmp_path / "b.csv"
    lines = first.read_text(encoding="utf-8").splitlines()
    second.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")  # same lines
    processes = [
        subprocess.Popen(
            _command(path, db_url), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for path in (first, second)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    engine = create_engine(db_url)
    try:
        assert _counts(engine) == (3000, 3000, 3000 + 700, 6000, 3000)
    finally:
        engine.dispose()
