"""The export commands end to end on the web tests' world: every format holds what the
exporting agency may see and nothing else, says its marking, and is audited."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.web.conftest import SECRET, SECRET_PHONE, SHARED_PHONE, build_world
from wildtrace.store import open_store


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'w.db'}"
    with open_store(url) as store:
        build_world(SimpleNamespace(state=SimpleNamespace(store=store)))
    return url


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wildtrace", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=180,
    )


@pytest.mark.parametrize("form", ["stix", "ftm", "xlsx", "csv"])
def test_each_format_holds_only_what_agency_a_may_see(world_db: str, tmp_path: Path, form: str) -> None:
    out = tmp_path / f"export.{form}"
    run = _cli("export", form, "--network", "n1", "--agency", "A", "--for", "Agency C", "--out", str(out),
               "--db", world_db)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"({form}, TLP:AMBER) for Agency C: 3 listings" in " ".join(run.stderr.split())
    if form == "csv":
        text = "".join(path.read_text(encoding="utf-8-sig") for path in sorted(out.iterdir()))
        rows = list(csv.DictReader((out / "selectors.csv").open(encoding="utf-8-sig")))
        assert [row["value"] for row in rows] == ["'" + SHARED_PHONE]  # kept text in a spreadsheet
    elif form == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(out, read_only=True)
        text = json.dumps([[cell for row in sheet.iter_rows(values_only=True) for cell in row]
                           for sheet in book.worksheets], default=str)  # fmt: skip
        assert "TLP:AMBER" in text
    else:
        text = out.read_text(encoding="utf-8")
    assert SECRET not in text and SECRET_PHONE not in text
    assert SHARED_PHONE in text
    audit = _cli("audit", "export", "--out", "-", "--action", f"export.{form}", "--db", world_db)
    entries = [json.loads(line) for line in audit.stdout.splitlines()]
    assert entries and entries[-1]["agency"] == "A" and entries[-1]["detail"]["for"] == "Agency C"


def test_ftm_export_loads_in_the_ftm_tools(world_db: str, tmp_path: Path) -> None:
    out = tmp_path / "n1.ftm.json"
    assert _cli("export", "ftm", "--network", "n1", "--agency", "A", "--for", "x", "--out", str(out),
                "--db", world_db).returncode == 0  # fmt: skip
    ftm = Path(sys.executable).with_name("ftm")
    checked = subprocess.run(
        [str(ftm), "validate", "-i", str(out)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stderr
    schemata = {json.loads(line)["schema"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert {"UserAccount", "HyperText", "UnknownLink"} <= schemata


def test_ftm_without_the_extra_says_how_to_install_it(world_db: str, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "followthemoney.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    run = subprocess.run(
        [sys.executable, "-m", "wildtrace", "export", "ftm", "--network", "n1", "--for", "x",
         "--out", str(tmp_path / "x.json"), "--db", world_db],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "pip install 'wildtrace[ftm]'" in run.stderr and not (tmp_path / "x.json").exists()


def test_guarded_and_unknown_selections_exit_2_and_write_nothing(world_db: str, tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    strict = _cli("export", "stix", "--collection", "a-strict", "--agency", "A", "--for", "x",
                  "--out", str(out), "--db", world_db)  # fmt: skip
    assert strict.returncode == 2 and "--allow-marking AMBER+STRICT" in strict.stderr and not out.exists()
    hidden = _cli("export", "stix", "--collection", f"b-strict-{SECRET}", "--agency", "A", "--for", "x",
                  "--out", str(out), "--db", world_db)  # fmt: skip
    assert hidden.returncode == 2 and "unknown collection" in hidden.stderr and not out.exists()
    nobody = _cli("export", "stix", "--network", "n1", "--agency", "ZZ", "--for", "x", "--out", str(out),
                  "--db", world_db)  # fmt: skip
    assert nobody.returncode == 2 and "unknown agency 'ZZ'" in nobody.stderr
