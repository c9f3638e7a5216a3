"""``scan new.warc old.warc`` (issue 10, finding 7): the listing shows the newer page, the
older capture is still kept as evidence. Real WARC files, the real command, a real store."""

from __future__ import annotations

import io
from pathlib import Path

from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wildtrace import cli
from wildtrace.store import open_store

URL = "https://market.test/item/7"


def _warc(path: Path, when: str, title: str) -> Path:
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>Real ivory bangle, " \
           "Zalo 0912 345 678</p></body></html>"  # fmt: skip
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            URL, "response", payload=io.BytesIO(page.encode()), http_headers=http,
            warc_headers_dict={"WARC-Date": when},
        )  # fmt: skip
        writer.write_record(record)
    return path


def test_scanning_a_newer_capture_before_an_older_one_shows_the_newer(tmp_path: Path) -> None:
    new = _warc(tmp_path / "new.warc.gz", "2026-03-01T10:00:00Z", "Ivory bangle SOLD")
    old = _warc(tmp_path / "old.warc.gz", "2026-01-01T10:00:00Z", "Ivory bangle")
    db = tmp_path / "w.db"
    result = CliRunner().invoke(cli.app, ["scan", str(new), str(old), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with open_store(str(db)) as store:
        [(listing, _)] = list(store.load_analyses())
        captures = store.listing_captures(listing.key)
    assert listing.title is not None and "SOLD" in listing.title
    assert listing.capture is not None and listing.capture.captured_at == "2026-03-01T10:00:00Z"
    assert [c.captured_at for c in captures] == ["2026-01-01T10:00:00Z", "2026-03-01T10:00:00Z"]
