"""``wildtrace ops``: exit codes, rejects files, options, and the shipped demo files."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from wildtrace.cli import app

runner = CliRunner()


def _demo(name: str) -> Path:
    return Path(str(resources.files("wildtrace.demo") / "data" / "ops" / name))


def test_demo_csv_and_excel_copies_hold_the_same_lines(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    csv_copy = shutil.copy(_demo("operation-kestrel-demo.csv"), tmp_path)
    first = runner.invoke(app, ["ops", "import", str(csv_copy), "--operation", "KESTREL", "--db", db])
    assert first.exit_code == 0, first.output
    assert (
        "400 rows read (dates auto), 400 seizure lines stored, 0 already stored, 0 rejected" in first.output
    )
    xlsx = runner.invoke(
        app,
        [
            "ops",
            "import",
            str(_demo("operation-kestrel-demo.xlsx")),
            "--operation",
            "KESTREL",
            "--db",
            db,
            "--sheet",
            "Saisies",
        ],
    )
    assert xlsx.exit_code == 0, xlsx.output
    assert "0 seizure lines stored, 400 already stored, 0 rejected" in xlsx.output
    report = json.loads(runner.invoke(app, ["ops", "report", "KESTREL", "-f", "json", "--db", db]).stdout)
    assert report["seizure_lines"] == 400
    assert len(report["countries"]) >= 30
    listed = runner.invoke(app, ["ops", "list", "--db", db])
    assert listed.stdout.split() == ["KESTREL"]


def test_map_rejects_option_and_usage_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    source = tmp_path / "s.csv"
    source.write_text(
        "when,pays,what,qty,u\n2025-03-01,Kenya,ivory,2,kg\n2025-03-02,Kenya,ivory,2,sacks\n",
        encoding="utf-8",
    )
    missing = runner.invoke(app, ["ops", "import", str(source), "--operation", "OP", "--db", db])
    assert missing.exit_code == 2
    assert "no column for date, commodity" in missing.output
    rejects = tmp_path / "out" / "bad.csv"
    mapped = runner.invoke(
        app,
        [
            "ops",
            "import",
            str(source),
            "--operation",
            "OP",
            "--db",
            db,
            "--map",
            "when=date",
            "--map",
            "what=commodity",
            "--map",
            "qty=quantity",
            "--map",
            "u=unit",
            "--rejects",
            str(rejects),
        ],
    )
    assert mapped.exit_code == 1
    assert f"{source}: row 3: unknown unit 'sacks'" in mapped.output
    assert "unknown unit 'sacks'" in rejects.read_text(encoding="utf-8")
    assert not (tmp_path / "s.csv.rejects.csv").exists()

    assert (
        runner.invoke(app, ["ops", "import", str(source), "--operation", "OP", "--map", "nonsense"]).exit_code
        == 2
    )
    assert (
        runner.invoke(app, ["ops", "import", str(tmp_path / "nope.csv"), "--operation", "OP"]).exit_code == 2
    )
    bad_order = runner.invoke(app, ["ops", "import", str(source), "--operation", "OP", "--date-order", "ymd"])
    assert bad_order.exit_code == 2


def test_date_order_option_decides_ambiguous_dates(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    source = tmp_path / "s.csv"
    source.write_text("date,country,commodity\n03/04/2025,KE,ivory\n", encoding="utf-8")
    auto = runner.invoke(app, ["ops", "import", str(source), "--operation", "OP", "--db", db])
    assert auto.exit_code == 1
    assert "ambiguous date '03/04/2025'" in auto.output
    dmy = runner.invoke(
        app, ["ops", "import", str(source), "--operation", "OP", "--db", db, "--date-order", "dmy"]
    )
    assert dmy.exit_code == 0
    report = json.loads(runner.invoke(app, ["ops", "report", "OP", "-f", "json", "--db", db]).stdout)
    assert report["period"]["first"] == "2025-04-03"


def test_report_unknown_operation_and_formats(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    source = tmp_path / "s.csv"
    source.write_text("date,country,commodity,quantity,unit\n2025-03-01,KE,ivory,2,kg\n", encoding="utf-8")
    imported = runner.invoke(
        app,
        ["ops", "import", str(source), "--operation", "OP", "--db", db, "--coordinator", "Demo Secretariat"],
    )
    assert imported.exit_code == 0
    text = runner.invoke(app, ["ops", "report", "OP", "--db", db]).stdout
    assert text.startswith("Operation OP, coordinated by Demo Secretariat\n")
    unknown = runner.invoke(app, ["ops", "report", "NOPE", "--db", db])
    assert unknown.exit_code == 2
    assert "no operation 'NOPE'" in unknown.output and "'OP'" in unknown.output
    assert runner.invoke(app, ["ops", "report", "OP", "--format", "pdf", "--db", db]).exit_code == 2
    out = tmp_path / "r" / "report.html"
    html = runner.invoke(app, ["ops", "report", "OP", "--format", "html", "--out", str(out), "--db", db])
    assert html.exit_code == 0, html.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert (
        "Content-Security-Policy" in page
        and "'unsafe-inline'" not in page.split("script-src")[1].split(";")[0]
    )


def test_html_escapes_hostile_text_without_a_browser(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    hostile = "</script><script>alert(1)</script>"
    source = tmp_path / "s.csv"
    source.write_text(
        "date,country,commodity,concealment\n"
        + "".join(f'2025-03-0{day},{country},ivory,"{hostile}"\n' for day, country in ((1, "KE"), (2, "TZ"))),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["ops", "import", str(source), "--operation", "OP", "--db", db]).exit_code == 0
    page = runner.invoke(app, ["ops", "report", "OP", "-f", "html", "--db", db]).stdout
    assert hostile not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the concealment table
    data = page.split('<script type="application/json" id="ops-data">')[1].split("</script>")[0]
    assert "\\u003c/script\\u003e" in data and "<" not in data
    assert page.count("<script") == 3  # the JSON block, ECharts and the page script
