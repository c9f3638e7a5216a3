"""The cheap paths of language identification: script and function words decide without
py3langid (it runs on every listing), and the model still decides what they cannot."""

from __future__ import annotations

import pytest

from wildtrace.parse import language
from wildtrace.parse.language import detect_language


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> object:
        raise AssertionError("py3langid should not be needed here")

    monkeypatch.setattr(language, "_identifier", refuse)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("出售象牙手镯，正品保证，微信联系", "zh"),  # Han without kana
        ("出售象牙手鐲，正品保證，微信聯繫", "zh"),
        ("ขายงาช้างแท้ ราคาถูก", "th"),
        ("本象牙の印鑑を販売します", "ja"),
        ("Bán vòng tay ngà voi thật, giao hàng toàn quốc", "vi"),
        ("Selling this antique carving with the stand, you will love it, from our shop", "en"),
        ("Vends une statuette pour collection avec certificat, très belle pièce", "fr"),
        ("Vendo una pulsera por favor con envío muy rápido", "es"),
        ("Vendo uma pulseira com envio, não aceito troca, muito bonita", "pt"),
        ("Jual gelang yang bagus dan murah, bisa COD untuk area ini", "id"),
        ("Nauza bangili hii kwa bei nzuri sana na ni mpya", "sw"),
    ],
)
def test_script_and_function_words_decide_without_the_model(no_model: None, text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_the_model_decides_when_the_cheap_checks_cannot() -> None:
    # German has no function-word list: the vote abstains and py3langid answers
    assert detect_language("Verkaufe eine sehr schöne Schnitzerei aus Holz, Versand möglich") == "de"


def test_a_mixed_text_is_not_decided_by_a_narrow_vote() -> None:
    assert language._vote("the la y and et") is None
