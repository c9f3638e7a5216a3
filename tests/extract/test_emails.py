"""Email addresses, plain and obfuscated."""

from __future__ import annotations

import pytest

from wildtrace.extract.emails import find_emails
from wildtrace.model import Selector


def _emails(text: str) -> list[tuple[str, str, int, int]]:
    return [(s.value, s.raw, s.start, s.end) for s in find_emails(text, "text")]


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("email: john.doe@example.com", "john.doe@example.com", "john.doe@example.com"),
        ("Mail Ivory.Trader+1@Example.CO.UK now", "ivory.trader+1@example.co.uk",
         "Ivory.Trader+1@Example.CO.UK"),
        ("name [at] example [dot] com", "name@example.com", "name [at] example [dot] com"),
        ("name(at)example(dot)com", "name@example.com", "name(at)example(dot)com"),
        ("name {at} mail {dot} co {dot} uk", "name@mail.co.uk", "name {at} mail {dot} co {dot} uk"),
        ("name <at> example <dot> org", "name@example.org", "name <at> example <dot> org"),
        ("name [@] example [.] com", "name@example.com", "name [@] example [.] com"),
        ("name@example dot com", "name@example.com", "name@example dot com"),
        ("liên hệ: banhang99@gmail.com, giao kín", "banhang99@gmail.com", "banhang99@gmail.com"),
        ("邮箱：ivory88@qq.com", "ivory88@qq.com", "ivory88@qq.com"),
    ],
)  # fmt: skip
def test_addresses_plain_and_obfuscated(text: str, value: str, raw: str) -> None:
    start = text.index(raw)
    assert _emails(text) == [(value, raw, start, start + len(raw))]


@pytest.mark.parametrize(
    "text",
    [
        "available at shop.example.com",
        "see us at example.com",
        "meet at 5 pm",
        "price @ 2.5 each",
        "user@localhost",
        "user@example.c0m",
        "@example.com",
        "name [at] example",
        "10 pieces @ $5.99",
    ],
)
def test_not_email_addresses(text: str) -> None:
    assert _emails(text) == []


def test_two_addresses_and_the_field_is_kept() -> None:
    text = "a.b@example.com; c [at] example [dot] org"
    assert list(find_emails(text, "seller_info")) == [
        Selector("email", "a.b@example.com", "a.b@example.com", "seller_info", 0, 15),
        Selector("email", "c@example.org", "c [at] example [dot] org", "seller_info", 17, 41),
    ]
