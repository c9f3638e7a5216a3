"""One price per listing (issue 10 review, finding H): a listing without a price field takes its
first money selector as its price in ``pipeline.with_price_fallback``, which the scan row and the
store both see; before, the scan row showed a price and the stored listing's price was null."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.model import Listing, ListingKey
from wildtrace.pipeline import analyze, with_price_fallback
from wildtrace.store import open_store

ROW = {
    "id": "p1", "platform": "chotot", "seller": "ngavoi", "title": "Bán vòng ngà voi thật",
    "text": "Vòng đẹp, giá chỉ 3.500.000đ, ship toàn quốc. Zalo 0912 345 678",
}  # fmt: skip


def test_the_stored_listing_has_the_price_the_scan_row_shows(tmp_path: Path, db_url: str) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(ROW, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["scan", str(rows), "--db", db_url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["price"] == {"amount": 3500000, "currency": "VND", "raw": "3.500.000đ"}
    with open_store(db_url) as store:
        stored = store.stored_listing(ListingKey("chotot", "p1"))
    assert stored is not None
    assert stored.price == "3.500.000đ"
    assert stored.extra["fields_from"]["price"] == "text"


def test_a_listing_with_a_price_or_without_money_keeps_its_own() -> None:
    priced = Listing(id="a", title="ivory bangle", text="only 200 USD", price="150 USD")
    assert with_price_fallback(priced, analyze(priced)) is priced
    plain = Listing(id="b", title="ivory bangle", text="ask me")
    assert with_price_fallback(plain, analyze(plain)).price is None
