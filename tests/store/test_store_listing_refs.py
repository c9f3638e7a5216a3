"""Commands that take a listing accept ``platform:id`` and a plain id where only one
platform uses it; an ambiguous id is refused with the candidates (issue 10, finding 6)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wildtrace import cli

runner = CliRunner()


def test_evidence_export_names_listings_by_platform_and_id(tmp_path: Path) -> None:
    records = [
        {"id": "123", "platform": "shop-a", "seller": "a", "title": "Ivory bangle, old"},
        {"id": "123", "platform": "shop-b", "seller": "b", "title": "Rhino horn cup"},
        {"id": "9", "platform": "shop-b", "seller": "b", "title": "Pangolin scales 1 kg"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = str(tmp_path / "w.db")
    assert runner.invoke(cli.app, ["scan", str(source), "--db", db]).exit_code == 0

    args = ["--out", str(tmp_path / "x.zip"), "--db", db]
    ambiguous = runner.invoke(cli.app, ["evidence", "export", "123", *args])
    assert ambiguous.exit_code != 0
    assert "shop-a:123" in ambiguous.stderr and "shop-b:123" in ambiguous.stderr
    assert not (tmp_path / "x.zip").exists()

    for target in ("shop-b:123", "9"):
        out = tmp_path / f"{target.replace(':', '_')}.zip"
        result = runner.invoke(cli.app, ["evidence", "export", target, "--out", str(out), "--db", db])
        assert result.exit_code == 0, result.output
        assert out.exists()
