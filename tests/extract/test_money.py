"""find_money() and to_usd(): amounts, currencies, and their value in US dollars."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.errors import WildTraceError
from wildtrace.extract import money
from wildtrace.extract.money import find_money, rates, to_usd


@pytest.mark.parametrize(
    ("text", "region", "value", "raw"),
    [
        ("Giá 3.500.000đ, ship COD", None, "3500000 VND", "3.500.000đ"),  # vi
        ("Gỗ trắc giá 140tr", None, "140000000 VND", "140tr"),  # vi: triệu
        ("giá 1,5 triệu", None, "1500000 VND", "1,5 triệu"),
        ("Preço R$ 15.000 à vista", "BR", "15000 BRL", "R$ 15.000"),  # pt
        ("ราคา 12,000 บาท", None, "12000 THB", "12,000 บาท"),  # th
        ("Harga Rp 2.500.000 nego", None, "2500000 IDR", "Rp 2.500.000"),  # id
        ("harga 3,5 juta", None, "3500000 IDR", "3,5 juta"),
        ("每斤3万元", None, "30000 CNY", "3万元"),  # zh
        ("售价 NT$ 480", "TW", "480 TWD", "NT$ 480"),
        ("Prix 1.250,50 €", "FR", "1250.5 EUR", "1.250,50 €"),  # fr
        ("$1,250.50 each", None, "1250.5 USD", "$1,250.50"),  # en
        ("$ 3,000 pesos", "MX", "3000 MXN", "$ 3,000"),  # es: "$" by the country
        ("bei KSh 45,000", None, "45000 KES", "KSh 45,000"),  # sw
        ("¥3000", "JP", "3000 JPY", "¥3000"),
    ],
)
def test_amounts_with_currency(text: str, region: str | None, value: str, raw: str) -> None:
    found = list(find_money(text, "text", region))
    assert [(s.value, s.raw) for s in found] == [(value, raw)]
    assert text[found[0].start : found[0].end] == raw


@pytest.mark.parametrize(
    "text",
    ["dài 2m2, 45cm", "0912345678", "500k", "giá 2tr5 thôi", "100 dongs", "5G 4g 2024", ""],
)
def test_no_currency_no_money(text: str) -> None:
    assert list(find_money(text, "text", "VN")) == []


def test_price_field_assumes_the_country_currency_with_low_confidence() -> None:
    [found] = find_money("480", "price", "TW", price_field=True)
    assert (found.value, found.confidence) == ("480 TWD", 0.6)
    assert list(find_money("480", "price", None, price_field=True)) == []
    assert list(find_money("0912345678", "price", "VN", price_field=True)) == []


def test_usd_uses_the_dated_table() -> None:
    usd, date = to_usd("3500000 VND") or (0.0, "")
    assert 100 < usd < 200 and date == rates()["VND"].date
    assert to_usd("10 XYZ") is None
    assert to_usd("10 USD") == (10.0, "2024-12-31")


def test_user_rates_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "rates.csv"
    table.write_text("currency,usd_per_unit,date,source\nVND,0.00004,2025-06-30,my bank\n", "utf-8")
    monkeypatch.setenv("WILDTRACE_RATES", str(table))
    assert to_usd("1000000 VND") == (40.0, "2025-06-30")
    assert rates(str(table))["THB"].date == "2024-12-31"  # the rest still ships


def test_bad_user_rates_name_the_line(tmp_path: Path) -> None:
    table = tmp_path / "rates.csv"
    table.write_text("currency,usd_per_unit,date,source\nVND,lots,2025-06-30,x\n", "utf-8")
    with pytest.raises(WildTraceError, match=r"rates.csv:2"):
        money.rates(str(table))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["VND", "EUR", "USD", "THB"]))
def test_values_round_trip(amount: int, currency: str) -> None:
    [found] = find_money(f"{amount} {currency}", "text", None)
    assert found.value == f"{amount} {currency}"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from([None, "VN", "MX", "JP"]), st.booleans())
def test_never_raises(text: str, region: str | None, price: bool) -> None:
    for selector in find_money(text, "t", region, price_field=price):
        assert text[selector.start : selector.end] == selector.raw
        assert to_usd(selector.value) is not None or selector.value.split()[1] not in rates()
