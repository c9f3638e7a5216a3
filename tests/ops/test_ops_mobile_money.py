"""Finding 3: a phone is a payment lead only when its listing names a mobile-money service as
whole words, from the maintained table, and (for names that are ordinary words) in a
country where that service runs."""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wildtrace.model import Listing
from wildtrace.ops.importer import read_seizures
from wildtrace.ops.mobile_money import mobile_money_services, money_services, phone_region
from wildtrace.ops.report import build_report
from wildtrace.ops.store import save_rows
from wildtrace.pipeline import analyze
from wildtrace.store import open_store

KE = "+254712345678"
SN = "+221771234567"
VN = "+84912345678"
GH = "+233241234567"

NAMED = [
    ("Pay by M-Pesa only", KE, ["M-Pesa"]),
    ("lipa kwa MPESA", KE, ["M-Pesa"]),
    ("m pesa", KE, ["M-Pesa"]),
    ("Airtel Money or EcoCash", KE, ["Airtel Money", "EcoCash"]),
    ("send with Wave", SN, ["Wave"]),
    ("chuyển khoản MoMo", VN, ["MoMo (VN)"]),
    ("MoMo ok", GH, ["MTN MoMo"]),
    ("GCash/Maya", "+639171234567", ["GCash", "Maya"]),
    ("bayar pakai OVO, DANA, GoPay", "+6281234567890", ["OVO", "DANA", "GoPay"]),
    ("โอนผ่านพร้อมเพย์", "+66812345678", ["PromptPay"]),
    ("支付宝、微信支付都可以", "+8613812345678", ["Alipay", "WeChat Pay"]),
    ("bKash e taka pathan", "+8801712345678", ["bKash"]),
]
NOT_NAMED = [
    ("Bandana, microwave, novo modelo", KE),  # m-pesa / momo / ovo / wave / dana as substrings
    ("Dana is my name", KE),  # DANA runs in Indonesia, not Kenya
    ("catch the wave", VN),  # Wave runs in West Africa and Uganda
    ("momo dumplings", "+14155550100"),
    ("Novosibirsk ovoid", "+6281234567890"),  # "ovo" inside words
    ("ShopeePayment", VN),  # a longer word is not the service
    ("mpesas", KE),
]


@pytest.mark.parametrize(("text", "phone", "services"), NAMED)
def test_services_are_named_as_whole_words(text: str, phone: str, services: list[str]) -> None:
    assert mobile_money_services(text, phone) == services


@pytest.mark.parametrize(("text", "phone"), NOT_NAMED)
def test_substrings_and_ordinary_words_elsewhere_name_nothing(text: str, phone: str) -> None:
    assert mobile_money_services(text, phone) == []


def test_the_table_is_well_formed() -> None:
    services = money_services()
    names = {service.name for service in services}
    for required in ("M-Pesa", "MTN MoMo", "Airtel Money", "Orange Money", "Tigo Pesa", "EcoCash", "Wave",
                     "GCash", "Maya", "GoPay", "OVO", "DANA", "ShopeePay", "MoMo (VN)", "ZaloPay",
                     "Viettel Money", "TrueMoney", "PromptPay", "bKash", "Nagad", "Easypaisa", "JazzCash",
                     "Paytm", "PhonePe", "Alipay", "WeChat Pay"):  # fmt: skip
        assert required in names
    for service in services:
        assert service.aliases, service.name
        assert all(len(code) == 2 and code.isupper() for code in service.countries), service.name
        # a name that is an ordinary word must say where it runs, or it would match everywhere
        assert not service.ordinary_word or service.countries, service.name
    assert phone_region(KE) == "KE"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_every_service_found_is_in_the_text_as_a_word(text: str) -> None:
    for name in mobile_money_services(text, KE):
        service = next(s for s in money_services() if s.name == name)
        assert any(alias.casefold().replace("-", "").replace(" ", "")[:2] in text.casefold().replace("-", "")
                   .replace(" ", "") for alias in service.aliases)  # fmt: skip


def test_report_lists_only_phones_beside_a_service(tmp_path: Path, db_url: str) -> None:
    texts = {
        "L1": f"Raw ivory 3 kg, bandana wrapped, microwave safe, novo. Call {KE}",
        "L2": f"Pangolin scales 5 kg. M-Pesa {KE.replace('712', '722')}",
        "L3": f"Horn powder, pay with Wave {SN}",
        "L4": f"Horn powder, catch the wave {VN}",
    }
    listings = [
        Listing(
            id=key,
            platform="shop-demo",
            seller=f"s{key}",
            url=f"https://s.example/{key}",
            title="x",
            text=text,
        )
        for key, text in texts.items()
    ]
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "date", "country", "commodity", "quantity", "unit", "listings"])
        for number, key in enumerate(texts, start=1):
            writer.writerow(
                [f"S{number}", "2025-03-01", "KE", "ivory", "1", "kg", f"https://s.example/{key}"]
            )
    with open_store(db_url) as store:
        store.save_batch([(listing, analyze(listing)) for listing in listings])
        save_rows(store, "OP", read_seizures(path, today=date(2026, 1, 1)).rows)
        report = build_report(store, "OP")
    assert report is not None
    phones = sorted(
        (lead["value"], lead["seizures"]) for lead in report["financial_leads"] if lead["type"] == "phone"
    )
    assert phones == [(SN, ["S3"]), ("+254722345678", ["S2"])]
    services = {lead["value"]: lead["services"] for lead in report["financial_leads"]}
    assert services == {SN: ["Wave"], "+254722345678": ["M-Pesa"]}  # which service, for the request


def test_a_long_text_costs_linear_time() -> None:
    """1 MB of words that hold service names as substrings: one automaton pass, not one
    regex alternation per character (which took 3 s)."""
    text = "bandana microwave novo mpesas " * 35_000
    mobile_money_services("warm up", KE)
    started = time.process_time()
    assert mobile_money_services(text + " M-Pesa", KE) == ["M-Pesa"]
    assert time.process_time() - started < 1.0


def test_a_service_named_only_in_the_title_makes_the_lead(tmp_path: Path, db_url: str) -> None:
    listing = Listing(
        id="T1",
        platform="shop-demo",
        seller="sT1",
        url="https://s.example/T1",
        title="Ivory bangle, M-Pesa only",
        text=f"Raw ivory 3 kg. Call {KE}",
    )
    path = tmp_path / "s.csv"
    path.write_text(
        "reference,date,country,commodity,quantity,unit,listings\n"
        "S1,2025-03-01,KE,ivory,1,kg,https://s.example/T1\n",
        encoding="utf-8",
    )
    with open_store(db_url) as store:
        store.save_batch([(listing, analyze(listing))])
        save_rows(store, "OP", read_seizures(path, today=date(2026, 1, 1)).rows)
        report = build_report(store, "OP")
    assert report is not None
    leads = [
        (lead["value"], lead["services"]) for lead in report["financial_leads"] if lead["type"] == "phone"
    ]
    assert leads == [(KE, ["M-Pesa"])]
