"""Messaging and social-media handles, only when their platform is named."""

from __future__ import annotations

import pytest

from wildtrace.extract.handles import find_handles
from wildtrace.model import Selector


def _handles(text: str) -> list[tuple[str, str, str]]:
    return [(s.type, s.value, s.raw) for s in find_handles(text, "text")]


@pytest.mark.parametrize(
    ("text", "platform", "value", "raw"),
    [
        # Telegram
        ("https://t.me/ivory_dealer", "telegram", "ivory_dealer", "t.me/ivory_dealer"),
        ("t.me/@Horn_Shop", "telegram", "horn_shop", "t.me/@Horn_Shop"),
        ("telegram.me/hornshop", "telegram", "hornshop", "telegram.me/hornshop"),
        ("liên hệ telegram @rhino_seller", "telegram", "rhino_seller", "telegram @rhino_seller"),
        ("TG: @ivory_x1", "telegram", "ivory_x1", "TG: @ivory_x1"),
        ("Telegram: hornshop", "telegram", "hornshop", "Telegram: hornshop"),
        ("Telegram ID hornshop", "telegram", "hornshop", "Telegram ID hornshop"),
        ("Tele: rare_supply_asia", "telegram", "rare_supply_asia", "Tele: rare_supply_asia"),
        # WeChat
        ("微信: wxid_abc123", "wechat", "wxid_abc123", "微信: wxid_abc123"),
        ("微信号：ivory888", "wechat", "ivory888", "微信号：ivory888"),
        ("加V信 ivory888", "wechat", "ivory888", "V信 ivory888"),
        ("wx: abcdef12", "wechat", "abcdef12", "wx: abcdef12"),
        ("加薇: laozhou_88（备注TG）", "wechat", "laozhou_88", "加薇: laozhou_88"),
        ("薇信 laozhou_88", "wechat", "laozhou_88", "薇信 laozhou_88"),
        ("vx：seller_77", "wechat", "seller_77", "vx：seller_77"),
        ("WeChat: Ivory_888", "wechat", "ivory_888", "WeChat: Ivory_888"),
        # Line
        ("Line ID: ivoryth", "line", "ivoryth", "Line ID: ivoryth"),
        ("LINE id nokkaew99", "line", "nokkaew99", "LINE id nokkaew99"),
        ("line @abcd", "line", "abcd", "line @abcd"),
        ("ไลน์ @nokkaew", "line", "nokkaew", "ไลน์ @nokkaew"),
        ("ไลน์ nokkaew", "line", "nokkaew", "ไลน์ nokkaew"),
        ("https://line.me/ti/p/~ivoryshop", "line", "ivoryshop", "line.me/ti/p/~ivoryshop"),
        # Instagram, Facebook, TikTok
        ("https://www.instagram.com/ivory.shop/", "instagram", "ivory.shop", "instagram.com/ivory.shop"),
        ("IG: @rhino_x", "instagram", "rhino_x", "IG: @rhino_x"),
        ("insta @Horn.Gallery", "instagram", "horn.gallery", "insta @Horn.Gallery"),
        ("https://fb.com/ivory.dealer", "facebook", "ivory.dealer", "fb.com/ivory.dealer"),
        ("m.facebook.com/Ivory.Dealer", "facebook", "ivory.dealer", "facebook.com/Ivory.Dealer"),
        ("tiktok.com/@horn_gallery", "tiktok", "horn_gallery", "tiktok.com/@horn_gallery"),
    ],
)  # fmt: skip
def test_handles_with_their_platform(text: str, platform: str, value: str, raw: str) -> None:
    start = text.index(raw)
    assert list(find_handles(text, "seller_info")) == [
        Selector(platform, value, raw, "seller_info", start, start + len(raw))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "follow @somebody",  # a bare @name could be anyone, on any platform
        "DM me @ivory_king",
        "Shipping @home",
        "big @sale today",  # "ig" inside "big"
        "Buy online shopping",  # "line" inside "online"
        "deadline tomorrow",
        "blood line pure, proven breeder",  # "line" the word
        "Join our Telegram channel",
        "hotel: abcdefg",  # "tel" inside a word
        "Tele channel open daily",
        "WeChat available",
        "swx: abcdef",
        "Line identity",
        "hotline: 0912345678",  # digits only: a phone, not a handle
        "Line: 0812345678",
        "chat.me/abcdef",  # "t.me" inside another domain
        "https://t.me/joinchat/abcdef",
        "instagram.com/p/abc",
        "instagram.com/explore",
        "facebook.com/profile.php?id=100012345",
        "facebook.com/groups/xyz",
        "telegram @" + "a" * 40,  # longer than a Telegram username can be
        "telegram @abc",  # shorter than one can be
    ],
)
def test_not_handles(text: str) -> None:
    assert _handles(text) == []


def test_one_selector_per_platform_and_value() -> None:
    text = "t.me/hornshop - telegram @HornShop - Telegram: hornshop"
    assert _handles(text) == [("telegram", "hornshop", "t.me/hornshop")]


def test_same_handle_on_two_platforms_is_two_selectors() -> None:
    text = "IG: @hornshop, Line ID: hornshop"
    assert sorted(_handles(text)) == [
        ("instagram", "hornshop", "IG: @hornshop"),
        ("line", "hornshop", "Line ID: hornshop"),
    ]


def test_trailing_punctuation_is_not_part_of_the_handle() -> None:
    text = "instagram.com/ivory.shop."
    (selector,) = find_handles(text, "text")
    assert selector.value == "ivory.shop"
    assert text[selector.start : selector.end] == selector.raw
