"""The language of a listing's text, with py3langid (its model ships in the wheel: offline).

Listings are short, and a statistical guess on a few words is often wrong ("table" ->
French), which then misleads phone-region inference. So: scripts that name their
language decide first (Thai, kana, Hangul, Vietnamese letters), the model only chooses
among the languages WildTrace works with, and a low-confidence guess is None.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

#: Too few letters to say anything about the language.
MIN_LETTERS = 3
#: Chinese varieties py3langid tells apart that the lexicons treat as one language.
_CHINESE = frozenset({"zh", "wuu", "wu", "yue", "cmn", "lzh", "gan", "hak", "nan"})
#: Labels that are not a language ("no linguistic content", "undetermined").
_NOT_A_LANGUAGE = frozenset({"zxx", "und"})
#: The languages the model may answer: the lexicon's, and other common trade languages.
LANGUAGES = ("en", "zh", "vi", "th", "id", "ms", "fr", "es", "pt", "sw", "ja", "ar", "de", "it",
             "nl", "ru", "ko", "tl", "hi", "tr", "pl", "km", "lo", "my")  # fmt: skip
#: Below this probability the model's guess is not reported.
MIN_CONFIDENCE = 0.5
#: Scripts that name their language, with the share of the text's letters they must make
#: up: one "・" in Chinese shop copy is not Japanese, one "Nguyễn" in English is not Vietnamese.
_SCRIPTS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("th", re.compile(r"[\u0e01-\u0e5b]"), 0.3),
    ("lo", re.compile(r"[\u0e81-\u0edf]"), 0.3),
    ("km", re.compile(r"[\u1780-\u17ff]"), 0.3),
    ("my", re.compile(r"[\u1000-\u109f]"), 0.3),
    ("ko", re.compile(r"[\uac00-\ud7af]"), 0.3),
    ("ja", re.compile(r"[\u3041-\u3096\u30a1-\u30fa]"), 0.1),  # kana, not "・" or "ー"
    ("vi", re.compile(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]", re.IGNORECASE), 0.04),
)


def detect_language(text: str) -> str | None:
    """The ISO 639 code of the text's language ("en", "vi", "zh"), or None if it cannot tell."""
    if not _has_letters(text, MIN_LETTERS):
        return None
    letters = sum(1 for char in text if char.isalpha()) or 1
    for language, script, share in _SCRIPTS:
        if len(script.findall(text)) >= share * letters:
            return language
    label, probability = _identifier().classify(text)
    code = str(label)
    if code in _NOT_A_LANGUAGE or probability < MIN_CONFIDENCE:
        return None
    if code in _CHINESE or code.startswith("zh"):
        return "zh"
    return code


def _has_letters(text: str, needed: int) -> bool:
    letters = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if letters >= needed:
                return True
    return False


@cache
def _identifier() -> Any:
    """The language identifier, loaded on first use (about 0.2 s) and kept for the process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier
