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
    """The ISO 639 code of the text's language ("en", "vi", "zh"), or None if it cannot tell.

    Cheapest evidence first (it runs on every listing): the script (one pass), then a
    vote of frequent function words for Latin-script text, and only when neither
    decides, py3langid on the first ``MODEL_SAMPLE`` characters."""
    # one pass classifies every character (see _CharClasses); counting is then cheap
    classes = text.translate(_CLASSES)
    if classes.count(_ALPHA) < MIN_LETTERS:
        return None
    letters = classes.count(_LETTER_CODE) or 1
    latin = _NOT_LATIN_CODE not in classes
    scripts = _SCRIPTS[-1:] if latin else _SCRIPTS  # only "vi" can apply to Latin text
    codes = _SCRIPT_CODES[-1:] if latin else _SCRIPT_CODES
    for (language, _script, share), code in zip(scripts, codes, strict=True):
        if classes.count(code) >= share * letters:
            return language
    if not latin and classes.count(_HAN_CODE) >= 0.3 * letters:
        return "zh"  # Han without kana (kana was checked above)
    voted = _vote(text)
    if voted is not None:
        return voted
    label, probability = _identifier().classify(text[:MODEL_SAMPLE])
    code = str(label)
    if code in _NOT_A_LANGUAGE or probability < MIN_CONFIDENCE:
        return None
    if code in _CHINESE or code.startswith("zh"):
        return "zh"
    return code


#: Characters py3langid reads when the cheap checks do not decide (its cost grows with length).
MODEL_SAMPLE = 200
_LETTER = re.compile(r"[^\W\d_]")
_HAN_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[a-zà-ÿ]+")
#: Function words that are frequent in one language and rare in the others listed. "de",
#: "la", "a", "e" are shared by the Romance languages and left out on purpose.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "for",
            "with",
            "this",
            "that",
            "you",
            "your",
            "are",
            "have",
            "from",
            "our",
            "will",
            "was",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "des",
            "et",
            "pour",
            "avec",
            "est",
            "une",
            "dans",
            "sur",
            "vends",
            "très",
            "pas",
            "du",
            "au",
        ]
    ),
    "es": frozenset(
        ["el", "los", "las", "y", "para", "con", "una", "por", "vendo", "muy", "del", "se", "envío"]
    ),
    "pt": frozenset(
        ["o", "os", "um", "uma", "para", "com", "não", "do", "da", "em", "vendo", "muito", "envio", "você"]
    ),
    "id": frozenset(
        ["dan", "yang", "untuk", "dengan", "ini", "bisa", "jual", "harga", "ada", "tidak", "juga", "sudah"]
    ),
    "sw": frozenset(["na", "ya", "wa", "kwa", "za", "ni", "hii", "kwenye", "bei", "sana"]),
}
#: Votes the winner needs, and by how much it must lead the runner-up.
_MIN_VOTES = 3


_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), _language)
#: Any character of a script other than Latin (Greek and beyond; Vietnamese letters in
#: Latin Extended Additional, U+1E00-U+1EFF, are Latin).
_NOT_LATIN = re.compile(r"[\u0370-\u1dff\u1f00-\U0010ffff]")


#: One code character per class a character may belong to (the classes overlap: a Thai
#: letter is a letter, not Latin, and Thai).
_ALPHA, _LETTER_CODE, _NOT_LATIN_CODE, _HAN_CODE = "a", "l", "n", "h"
_SCRIPT_CODES = tuple("0123456"[: len(_SCRIPTS)])


class _CharClasses(dict[int, str]):
    """A str.translate table: code point -> the codes of its classes, decided by the very
    tests the detector counts with (``str.isalpha``, ``_LETTER``, ``_NOT_LATIN``, each
    script pattern, ``_HAN_CHAR``), computed once per distinct character. Translating
    once and counting codes replaces a findall (and its list of one-letter strings) per
    script on every listing."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        codes = _ALPHA if char.isalpha() else ""
        codes += _LETTER_CODE if _LETTER.match(char) else ""
        codes += _NOT_LATIN_CODE if _NOT_LATIN.match(char) else ""
        for (_language, script, _share), code in zip(_SCRIPTS, _SCRIPT_CODES, strict=True):
            codes += code if script.match(char) else ""
        codes += _HAN_CODE if _HAN_CHAR.match(char) else ""
        self[codepoint] = codes
        return codes


_CLASSES = _CharClasses()


def _vote(text: str) -> str | None:
    """The language whose function words clearly dominate the text, or None."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for token in _TOKEN.findall(text.lower()):
        for language in _WORD_LANGUAGES.get(token, ()):
            counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    (best, votes), (_, runner_up) = ranked[0], ranked[1]
    if votes >= _MIN_VOTES and votes >= 3 * runner_up:
        return best
    return None


@cache
def _identifier() -> Any:
    """The language identifier, loaded on first use (about 0.2 s) and kept for the process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier
