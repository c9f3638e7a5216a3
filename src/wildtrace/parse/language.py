"""The language of a listing's text, with py3langid (its model ships in the wheel: offline)."""

from __future__ import annotations

from functools import cache
from typing import Any

#: Too few letters to say anything about the language.
MIN_LETTERS = 3
#: Chinese varieties py3langid tells apart that the lexicons treat as one language.
_CHINESE = frozenset({"zh", "wuu", "wu", "yue", "cmn", "lzh", "gan", "hak", "nan"})
#: Labels that are not a language ("no linguistic content", "undetermined").
_NOT_A_LANGUAGE = frozenset({"zxx", "und"})


def detect_language(text: str) -> str | None:
    """The ISO 639 code of the text's language ("en", "vi", "zh"), or None if it cannot tell."""
    if not _has_letters(text, MIN_LETTERS):
        return None
    label, _ = _identifier().classify(text)
    code = str(label)
    if code in _NOT_A_LANGUAGE:
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

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
