"""``wildtrace load`` stores Spark's Parquet scan rows as ``scan`` stores them: idempotent
(loading twice stores nothing twice) and resumable (a stopped load goes on where it was)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from wildtrace import cli
from wildtrace.loading import LoadTotals, load_scan_output, parquet_files, progress_path
from wildtrace.output import scan_row
from wildtrace.runners.spark import spark_scan
from wildtrace.scanning import ScanTotals, run_scan
from wildtrace.store import Store, open_store
from wildtrace.store.tables import ListingRow


@pytest.fixture(scope="module")
def spark_out(spark: Any, spark_inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spark-load") / "rows"
    spark_scan(spark, [str(spark_inputs / "listings.jsonl")], str(out), threshold=0.5)
    return out


def _stored(store: Store) -> dict[str, dict[str, Any]]:
    return {str(listing.key): scan_row(listing, analysis) for listing, analysis in store.load_analyses()}


def _listing_rows(store: Store) -> int:
    with store.read_connection("count") as conn:
        return int(conn.execute(select(func.count()).select_from(ListingRow)).scalar_one())


def test_load_stores_what_scan_stores_once(db_url: str, spark_out: Path, spark_inputs: Path,
                                           tmp_path: Path) -> None:  # fmt: skip
    with open_store(db_url) as store:
        first = load_scan_output(store, spark_out)
        again = load_scan_output(store, spark_out)
        loaded = _stored(store)
        assert first.read == first.saved.new == len(loaded) == _listing_rows(store) > 0
        assert again.files == 0 and again.skipped == first.files and again.saved.stored == 0
        progress_path(store, spark_out).unlink()  # progress lost: every file is read again
        third = load_scan_output(store, spark_out)
        assert third.read == first.read and third.saved.stored == 0 and third.saved.unchanged == first.read
        assert _listing_rows(store) == len(loaded)
    with open_store(f"sqlite:///{tmp_path / 'scan.db'}") as scanned:
        run_scan([spark_inputs / "listings.jsonl"], threshold=0.5, store=scanned, totals=ScanTotals())
        assert _stored(scanned) == loaded


def test_an_interrupted_load_goes_on_from_where_it_stopped(db_url: str, spark_out: Path) -> None:
    files = parquet_files(spark_out)
    assert len(files) > 2

    def stop_after_first(path: Path, totals: LoadTotals) -> None:
        raise KeyboardInterrupt

    with open_store(db_url) as store:
        totals = LoadTotals()
        with pytest.raises(KeyboardInterrupt):
            load_scan_output(store, spark_out, totals=totals, on_file=stop_after_first)
        stored_first = _listing_rows(store)
        assert totals.files == 1 and totals.read == totals.saved.new == stored_first > 0
        rest = load_scan_output(store, spark_out)
        assert rest.skipped == 1 and rest.files == len(files) - 1
        assert rest.saved.new + stored_first == _listing_rows(store) == len(_stored(store))


def test_load_command_says_what_it_stored_and_skips_the_second_time(spark_out: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    first = runner.invoke(cli.app, ["load", str(spark_out), "--db", db])
    assert first.exit_code == 0, first.output
    assert "stored" in first.output
    second = runner.invoke(cli.app, ["load", str(spark_out), "--db", db])
    assert second.exit_code == 0, second.output
    assert "loaded before, skipped" in second.output and " 0 stored" in second.output


def test_load_refuses_a_folder_without_scan_rows(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli.app, ["load", str(tmp_path / "empty"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "no Parquet files" in result.output
