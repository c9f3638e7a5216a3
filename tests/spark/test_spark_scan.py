"""``spark scan`` gives the rows ``scan`` gives, partitioned by platform and day, with the
same rejects; ``spark link-keys`` gives the selectors' accounts as ``link`` sees them."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from wildtrace.errors import WildTraceError
from wildtrace.link import LINKING_TYPES, account_of
from wildtrace.model import Analysis, Listing, Reject
from wildtrace.output import reject_row, scan_row
from wildtrace.runners.parquet import PARTITION_COLUMNS, SCHEMA, pair_from_row
from wildtrace.runners.spark import LINK_KEYS_SCHEMA, REJECTS_FOLDER, spark_link_keys, spark_scan
from wildtrace.scanning import ScanTotals, run_scan

THRESHOLD = 0.5


@pytest.fixture(scope="module")
def scanned(spark: Any, spark_inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("spark-out") / "rows"
    totals = spark_scan(spark, [str(spark_inputs)], str(out), threshold=THRESHOLD, partitions=3)
    return out, totals


def _spark_pairs(out: Path) -> list[tuple[Listing, Analysis]]:
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    return [pair_from_row(row) for row in table.to_pylist()]


def _scan(files: list[Path]) -> tuple[list[tuple[Listing, Analysis]], list[Reject]]:
    pairs: list[tuple[Listing, Analysis]] = []
    rejects: list[Reject] = []
    run_scan(files, threshold=THRESHOLD, on_batch=pairs.extend, on_reject=rejects.append, totals=ScanTotals())
    return pairs, rejects


def test_rows_are_the_rows_scan_writes(scanned: tuple[Path, Any], spark_inputs: Path) -> None:
    out, totals = scanned
    expected, _ = _scan([spark_inputs / "listings.jsonl", spark_inputs / "shops.csv"])
    got = {str(listing.key): scan_row(listing, analysis) for listing, analysis in _spark_pairs(out)}
    assert totals.files == 3 and totals.read == len(got) == len(expected) + 20
    for listing, analysis in expected:  # ids, scores, flagged, selectors, origin: all of it
        assert got[str(listing.key)] == scan_row(listing, analysis)
    assert sum(row["flagged"] for row in got.values()) == totals.flagged > 0


def test_parquet_records_are_read_as_json_records(scanned: tuple[Path, Any], spark_inputs: Path,
                                                  tmp_path: Path) -> None:  # fmt: skip
    out, _ = scanned
    records = pq.read_table(spark_inputs / "more.parquet").to_pylist()
    as_jsonl = tmp_path / "more.jsonl"
    lines = [json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) for r in records]
    as_jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected, _ = _scan([as_jsonl])
    got = {str(listing.key): (listing, analysis) for listing, analysis in _spark_pairs(out)}
    for listing, analysis in expected:
        spark_listing, spark_analysis = got[str(listing.key)]
        assert spark_analysis == analysis and spark_listing == listing
        assert spark_listing.origin is not None and spark_listing.origin.file.endswith("more.parquet")
        assert spark_listing.origin.line == listing.origin.line if listing.origin else False


def test_rejects_are_scans_rejects(scanned: tuple[Path, Any], spark_inputs: Path) -> None:
    out, totals = scanned
    _, expected = _scan([spark_inputs / "listings.jsonl", spark_inputs / "shops.csv"])
    got = [json.loads(line) for path in sorted((out / REJECTS_FOLDER).glob("part-*.json"))
           for line in path.read_text(encoding="utf-8").splitlines()]  # fmt: skip
    assert len(expected) == 3 == totals.rejected  # not JSON, not UTF-8, a duplicate id
    key = lambda row: (row["file"], row["line"])  # noqa: E731
    assert sorted(got, key=key) == sorted((reject_row(r) for r in expected), key=key)


def test_output_is_partitioned_by_platform_and_day(scanned: tuple[Path, Any]) -> None:
    out, _ = scanned
    files = sorted(out.rglob("part-*.parquet"))
    assert files
    for path in files:
        platform, day = path.parent.parent.name, path.parent.name
        assert platform.startswith("platform=") and day.startswith("day=")
        table = pq.read_table(path)
        assert "platform" not in table.schema.names  # in the folder names, as Spark writes them
        assert table.schema.names == [name for name in SCHEMA.names if name not in PARTITION_COLUMNS]
        for row in table.to_pylist():
            listing, _ = pair_from_row({**row, "platform": platform.split("=", 1)[1]})
            assert day == "day=__HIVE_DEFAULT_PARTITION__" or day == f"day={(listing.posted_at or '')[:10]}"
    assert len({path.parent.parent.name for path in files}) > 2


def test_link_keys_are_the_selectors_accounts(spark: Any, scanned: tuple[Path, Any], tmp_path: Path) -> None:
    out, _ = scanned
    count = spark_link_keys(spark, [str(out)], str(tmp_path / "keys"))
    table = pq.read_table(tmp_path / "keys")
    assert table.schema.names == LINK_KEYS_SCHEMA.names
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    listings: dict[tuple[str, str], int] = defaultdict(int)
    for listing, analysis in _spark_pairs(out):
        for selector in analysis.selectors:
            if selector.type in LINKING_TYPES:
                expected[(selector.type, selector.value)].add(account_of(listing) or f"listing:{listing.key}")
                listings[(selector.type, selector.value)] += 1
    got = {(row["type"], row["value"]): row for row in table.to_pylist()}
    assert count == len(got) == len(expected) > 0
    for key, accounts in expected.items():
        assert got[key]["accounts"] == sorted(accounts)
        assert got[key]["account_count"] == len(accounts) and got[key]["listings"] == listings[key]


def test_out_must_not_hold_an_input(spark: Any, spark_inputs: Path) -> None:
    with pytest.raises(WildTraceError, match="would overwrite the input"):
        spark_scan(spark, [str(spark_inputs / "shops.csv")], str(spark_inputs), threshold=THRESHOLD)
    assert (spark_inputs / "shops.csv").exists()


def test_a_model_given_as_bytes_is_broadcast_to_the_workers(spark: Any, spark_inputs: Path,
                                                            tmp_path: Path) -> None:  # fmt: skip
    from importlib import resources

    from wildtrace.detect import install_model

    data = (resources.files("wildtrace.detect") / "data" / "detector.npz").read_bytes()
    try:
        totals = spark_scan(spark, [str(spark_inputs / "shops.csv")], str(tmp_path / "rows"),
                            threshold=THRESHOLD, model_bytes=data)  # fmt: skip
    finally:
        install_model(None)
    expected, _ = _scan([spark_inputs / "shops.csv"])
    got = {str(pair[0].key): scan_row(*pair) for pair in _spark_pairs(tmp_path / "rows")}
    assert totals.read == len(expected) == len(got)
    assert all(got[str(listing.key)] == scan_row(listing, analysis) for listing, analysis in expected)
