"""``link new.warc old.warc`` and ``network new.warc old.warc`` (input files, not the store):
several captures of one page are one listing, shown with the fields of its latest capture by
``captured_at`` as the store does (issue 10, finding 7), not the one read last; captures
without a time keep reading order. Real WARC files and the real commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace import cli

URL = "https://market.test/item/7"


def _warc(path: Path, when: str | None, seller: str) -> Path:
    """One capture of the listing page at ``URL``, sold by ``seller``, taken at ``when``."""
    page = f"<html><head><title>Ivory bangle</title></head><body><h1>Ivory bangle</h1>" \
           f"<p>Real ivory bangle, 40 g</p><div class=\"seller\">{seller}</div></body></html>"  # fmt: skip
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            URL, "response", payload=io.BytesIO(page.encode()), http_headers=http,
            warc_headers_dict={"WARC-Date": when} if when else {},
        )  # fmt: skip
        if not when:
            record.rec_headers.remove_header("WARC-Date")
        writer.write_record(record)
    return path


def _accounts(tmp_path: Path, command: str, files: list[Path]) -> list[str]:
    """The accounts the command shows for the listing(s) read from ``files``."""
    out = tmp_path / ("links.jsonl" if command == "link" else "graph.json")
    result = CliRunner().invoke(cli.app, [command, *map(str, files), "--out", str(out)])
    assert result.exit_code == 0, result.output
    if command == "link":
        return [row["account"] for row in map(json.loads, out.read_text().splitlines())]
    graph = json.loads(out.read_text())
    return sorted(node["id"] for node in graph["nodes"])


@pytest.mark.parametrize("command", ["link", "network"])
def test_the_newer_capture_read_first_gives_the_fields(tmp_path: Path, command: str) -> None:
    new = _warc(tmp_path / "new.warc.gz", "2026-03-01T10:00:00Z", "bob_tusks")
    old = _warc(tmp_path / "old.warc.gz", "2026-01-01T10:00:00Z", "alice_ivory")
    accounts = _accounts(tmp_path, command, [new, old])
    assert len(accounts) == 1 and "bob_tusks" in accounts[0], accounts


@pytest.mark.parametrize("command", ["link", "network"])
def test_captures_without_a_time_keep_reading_order(tmp_path: Path, command: str) -> None:
    first = _warc(tmp_path / "first.warc.gz", None, "alice_ivory")
    second = _warc(tmp_path / "second.warc.gz", None, "bob_tusks")
    accounts = _accounts(tmp_path, command, [first, second])
    assert len(accounts) == 1 and "bob_tusks" in accounts[0], accounts
