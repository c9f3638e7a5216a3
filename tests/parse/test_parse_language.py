"""Language detection with py3langid: common listing languages, Chinese varieties, short text."""

from __future__ import annotations

import pytest

from wildtrace.parse import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Genuine elephant ivory bangle for sale, shipping worldwide", "en"),
        ("Bán vòng tay ngà voi thật, giao hàng toàn quốc", "vi"),
        ("Vends bracelet en ivoire véritable, livraison possible", "fr"),
        ("Vendo pulsera de marfil auténtico con envío a todo el país", "es"),
        ("象牙手镯出售，正品保证，微信联系", "zh"),  # py3langid says yue/wuu for such lines
        ("象牙手鐲出售，正品保證，微信聯繫", "zh"),
    ],
)
def test_detects_listing_languages(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "ab", "12345 !!", "  \n", "$$ 450"])
def test_too_little_text_gives_none(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("table", None),  # a word or two: the model's guess is too weak to report
        ("chair", None),
        ("ขายงาช้างแท้", "th"),  # the script decides
        ("象牙の印鑑", "ja"),  # kana, which Chinese does not use
        ("Bán vòng ngà voi thật", "vi"),  # letters only Vietnamese uses
        ("Antique ivory netsuke carved by hand, genuine, DM for price", "en"),
    ],
)
def test_short_texts_and_scripts(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("天然象牙手镯・正品 联系 13912345678", "zh"),  # "・" is common in Chinese shop copy
        ("Contact Nguyễn for ivory carvings, DM for price today", "en"),  # one Vietnamese name
    ],
)
def test_one_foreign_character_does_not_decide(text: str, expected: str) -> None:
    assert detect_language(text) == expected
