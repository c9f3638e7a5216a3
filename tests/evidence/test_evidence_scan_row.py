"""``scan --out`` rows of captured pages point at the exact bytes and carry a parsed price."""

from __future__ import annotations

from wildtrace.model import Analysis, Capture, Detection, Listing, Selector
from wildtrace.output import scan_row

SHA = "ab" * 32


def row(price: str | None, selectors: tuple[Selector, ...] = ()) -> dict[str, object]:
    listing = Listing(
        id="url-1", url="https://market.test/1", title="Vòng ngà", seller="ngavoi_hn", price=price,
        capture=Capture(url="https://market.test/1", sha256=SHA, captured_at="2026-11-28T07:00:00Z"),
    )  # fmt: skip
    analysis = Analysis("url-1", Detection(0.9, True), selectors=selectors)
    return scan_row(listing, analysis)


def test_captured_page_fields() -> None:
    found = row("3.500.000đ", (Selector("money", "3500000 VND", "3.500.000đ", "price", 0, 10),))
    assert {k: found[k] for k in ("url", "title", "seller", "captured_at", "sha256")} == {
        "url": "https://market.test/1", "title": "Vòng ngà", "seller": "ngavoi_hn",
        "captured_at": "2026-11-28T07:00:00Z", "sha256": SHA,
    }  # fmt: skip
    assert found["price"] == {"amount": 3500000, "currency": "VND", "raw": "3.500.000đ"}


def test_price_without_a_money_selector_is_parsed_plainly() -> None:
    assert row("12.50 EUR")["price"] == {"amount": 12.5, "currency": "EUR", "raw": "12.50 EUR"}
    assert row("$80")["price"] == {"amount": 80, "currency": None, "raw": "$80"}
    assert row("ask me")["price"] == {"amount": None, "currency": None, "raw": "ask me"}
    assert row(None)["price"] is None
