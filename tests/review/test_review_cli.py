"""``wildtrace review`` end to end on SQLite and PostgreSQL: queue, label, import (bad rows
with their lines, the good ones kept, exit 1), export and stats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from review_helpers import store_listings
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.store import open_store
from wildtrace.store.labels import label_history

runner = CliRunner()


@pytest.fixture
def db(db_url: str) -> str:
    with open_store(db_url) as store:
        store_listings(store)
    return db_url


def review(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["review", *args])
    return result.exit_code, result.stdout, result.stderr


def test_queue_rows_name_listings_as_label_accepts_and_never_labelled_ones(db: str, tmp_path: Path) -> None:
    out = tmp_path / "next.jsonl"
    code, _, err = review("queue", "--limit", "3", "--out", str(out), "--db", db)
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 3 and "3 listings to review" in err and "of 5 not yet labelled" in err
    for row in rows:
        assert {"id", "title", "score", "why", "chosen", "commodities"} <= set(row)
        assert row["why"].startswith("score ")
    for row in rows:
        code, _, err = review("label", row["id"], "no", "--by", "ana", "--db", db)
        assert code == 0, err
    code, stdout, _ = review("queue", "--limit", "10", "--db", db)  # stdout without --out
    again = [json.loads(line) for line in stdout.splitlines()]
    assert len(again) == 2 and not {row["id"] for row in again} & {row["id"] for row in rows}
    code, stdout, err = review("queue", "--db", db, "--limit", "2", "--seed", "3")
    assert stdout == review("queue", "--db", db, "--limit", "2", "--seed", "3")[1]


def test_label_by_every_id_form_and_clear_errors(db: str) -> None:
    assert review("label", "bazaar.example:1", "YES", "--by", "ana", "--note", "tusk", "--db", db)[0] == 0
    assert review("label", "2", "0", "--by", "ana", "--db", db)[0] == 0  # a plain id on one platform
    assert review("label", "https://forum.example/item/4", "unsure", "--by", "ana", "--db", db)[0] == 0
    code, _, err = review("label", "1", "yes", "--db", db)  # on two platforms
    assert code == 2 and "bazaar.example:1, forum.example:1" in err
    code, _, err = review("label", "bazaar.example:9", "yes", "--db", db)
    assert code == 2 and "no listing 'bazaar.example:9'" in err
    code, _, err = review("label", "bazaar.example:1", "maybe", "--db", db)
    assert code == 2 and "not one of yes, no, unsure" in err
    with open_store(db) as store:
        history = label_history(store)
    assert [(x.listing, x.verdict, x.source) for x in history] == [
        ("bazaar.example:1", "yes", "cli"),
        ("bazaar.example:2", "no", "cli"),
        ("forum.example:4", "unsure", "cli"),
    ]
    assert history[0].note == "tusk" and history[0].by == "ana"


def test_the_default_reviewer_is_wildtrace_analyst(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WILDTRACE_ANALYST", "officer.kim")
    assert review("label", "bazaar.example:1", "yes", "--db", db)[0] == 0
    with open_store(db) as store:
        assert label_history(store)[0].by == "officer.kim"


def test_import_keeps_good_rows_and_reports_bad_ones_with_their_lines(db: str, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "id,verdict,note\n"
        "bazaar.example:1,1,tusk\n"  # line 2
        "bazaar.example:2,TRUE,\n"
        "bazaar.example:3,0,toy\n"
        "forum.example:4,maybe,\n"  # line 5: bad verdict
        "nowhere:1,1,\n"  # line 6: no such listing
        "1,no,\n"  # line 7: on two platforms
        ",yes,\n"  # line 8: no id
        "forum.example:1,unsure,\n",
        encoding="utf-8",
    )
    code, _, err = review("import", str(labels), "--by", "ben", "--agency", "KWS", "--db", db)
    assert code == 1
    assert "labels.csv:5: verdict 'maybe' is not one of" in err
    assert "labels.csv:6: no listing 'nowhere:1'" in err
    assert "labels.csv:7: listing '1' is on several platforms" in err
    assert "labels.csv:8: no listing id" in err
    assert "8 rows read, 4 labels stored (2 yes, 1 no, 1 unsure) by ben, 4 rejected" in err
    with open_store(db) as store:
        history = label_history(store)
    assert {(x.listing, x.verdict) for x in history} == {
        ("bazaar.example:1", "yes"), ("bazaar.example:2", "yes"), ("bazaar.example:3", "no"),
        ("forum.example:1", "unsure"),
    }  # fmt: skip
    assert {(x.by, x.agency, x.source) for x in history} == {("ben", "KWS", "import")}
    assert next(x.note for x in history if x.listing == "bazaar.example:3") == "toy"
    rejects = list(csv.DictReader((tmp_path / "labels.csv.rejects.csv").open(encoding="utf-8")))
    assert [(r["row"], r["id"]) for r in rejects] == [
        ("5", "forum.example:4"),
        ("6", "nowhere:1"),
        ("7", "1"),
        ("8", ""),
    ]


def test_import_of_a_file_without_the_columns_is_a_usage_error(db: str, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("listing,label\nbazaar.example:1,1\n", encoding="utf-8")
    code, _, err = review("import", str(labels), "--db", db)
    assert code == 2 and "labels.csv:1: a labels file needs the columns id and verdict" in err
    assert review("import", str(tmp_path / "none.csv"), "--db", db)[0] == 2


def test_export_keeps_the_history_and_says_which_label_counts(db: str, tmp_path: Path) -> None:
    review("label", "bazaar.example:1", "no", "--by", "ana", "--db", db)
    review("label", "bazaar.example:1", "yes", "--by", "ana", "--note", "=HYPERLINK(1)", "--db", db)
    code, stdout, _ = review("export", "--db", db)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [(r["id"], r["verdict"], r["counts"]) for r in rows] == [
        ("bazaar.example:1", "no", "false"), ("bazaar.example:1", "yes", "true")
    ]  # fmt: skip
    assert rows[1]["note"] == "'=HYPERLINK(1)"  # a spreadsheet would run it
    out = tmp_path / "labels.jsonl"
    assert review("export", "--out", str(out), "--db", db)[0] == 0
    found = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["verdict"], r["counts"], r["by"]) for r in found] == [
        ("no", False, "ana"),
        ("yes", True, "ana"),
    ]
    assert found[1]["note"] == "=HYPERLINK(1)"


def test_stats_per_verdict_reviewer_and_agreement(db: str) -> None:
    assert review("stats", "--db", db)[1].strip() == "no labels yet"
    for listing, ana, ben in [("bazaar.example:1", "yes", "yes"), ("bazaar.example:2", "yes", "no"),
                              ("bazaar.example:3", "no", "no")]:  # fmt: skip
        review("label", listing, ana, "--by", "ana", "--db", db)
        review("label", listing, ben, "--by", "ben", "--db", db)
    review("label", "forum.example:4", "unsure", "--by", "ana", "--db", db)
    code, stdout, _ = review("stats", "--db", db)
    assert code == 0
    assert "7 labels given, 7 that count (a reviewer's latest of a listing), on 4 listings" in stdout
    assert "verdicts that count: yes 3, no 3, unsure 1" in stdout
    assert "ready for training: 2 listings (yes 1, no 1); 2 without a consensus" in stdout
    assert "ana: labelled 4 (yes 2, no 1, unsure 1)" in stdout
    # 3 shared: agree on 2; ana yes 2/3, ben yes 1/3: expected 2/9 + 2/9 = 4/9; kappa (2/3-4/9)/(5/9) = 0.4
    assert "ana and ben: 3, 67%, kappa 0.40" in stdout


def test_a_corrected_rejects_file_imports_as_it_stands(db: str, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "id,verdict,note\nbazaar.example:1,yes,\nbazaar.example:2,perhaps,=1+1\n", encoding="utf-8"
    )
    assert review("import", str(labels), "--by", "ana", "--db", db)[0] == 1
    rejects = tmp_path / "labels.csv.rejects.csv"
    assert "'=1+1" in rejects.read_text("utf-8")  # guarded against spreadsheets
    rejects.write_text(rejects.read_text("utf-8").replace("perhaps", "no"), encoding="utf-8")
    code, _, err = review("import", str(rejects), "--by", "ana", "--db", db)
    assert code == 0, err
    with open_store(db) as store:
        fixed = label_history(store, "bazaar.example:2")
    assert [(x.verdict, x.note) for x in fixed] == [("no", "=1+1")]


def test_import_reads_excel_and_a_label_column(db: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [("ID", "Label", "Note"), ("bazaar.example:1", 1, "tusk"), ("bazaar.example:3", 0, None)]:
        sheet.append(row)
    path = tmp_path / "labels.xlsx"
    book.save(path)
    code, _, err = review("import", str(path), "--by", "ana", "--db", db)
    assert code == 0, err
    with open_store(db) as store:
        assert {(x.listing, x.verdict, x.note) for x in label_history(store)} == {
            ("bazaar.example:1", "yes", "tusk"),
            ("bazaar.example:3", "no", ""),
        }


def test_queue_of_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    code, stdout, err = review("queue", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 0 and stdout == "" and "nothing to review" in err
