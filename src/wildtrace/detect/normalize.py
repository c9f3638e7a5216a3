"""Fold text so that one lexicon term finds all the ways traders write it.

Two views of the same text are produced, both aligned character for character with
the original (so a match's span points at the exact characters a reviewer sees):

- ``folded``: case-folded and width-folded (NFKC), e.g. "ＩＶＯＲＹ" -> "ivory";
- ``stripped``: ``folded`` without diacritics, e.g. "sừng tê giác" -> "sung te giac",
  because Vietnamese traders often type without accents.

Traditional Chinese is folded to simplified with OpenCC (character for character; when
a conversion would change the length the text is left as it is), so one simplified
lexicon row finds both scripts.

Characters whose folding would change the length (e.g. "ß" -> "ss") are kept as they
are, so the views never shift offsets. Text typed in decomposed form (NFD) is composed
first, with an offset map back to the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from wildtrace.model import REMEMBERED_TEXT_CHARS


class _FoldTable(dict[int, str]):
    """A str.translate table that computes (and caches) one character's fold on demand."""

    def __init__(self, strip_marks: bool) -> None:
        super().__init__()
        self.strip_marks = strip_marks

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        folded = unicodedata.normalize("NFKC", char).casefold()
        if len(folded) != 1:
            folded = char.lower() if len(char.lower()) == 1 else char
        if self.strip_marks:
            base = "".join(
                c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c)
            ).lower()  # "İ" folds to itself; without its dot it is "I", which must be "i"
            # Only Latin letters lose their marks: in kana or Cyrillic the mark makes
            # another letter ("ザ" is not "サ").
            folded = base if len(base) == 1 and base.isascii() else folded
            if folded == "đ":
                folded = "d"
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable(strip_marks=False)
_STRIP = _FoldTable(strip_marks=True)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The folded views of a text and, when they are not aligned with it, the offset map."""

    folded: str
    stripped: str
    offsets: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span in the folded views back to the original text."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end]


#: Texts whose views are remembered: matching folds every field of a batch first, and the
#: learned model's features fold the same fields again afterwards, so the memo must hold a
#: whole batch (a runner sends 1,000 listings at a time, with up to four fields each).
NORMALIZED_MEMO_SIZE = 4096


def normalize(text: str) -> NormalizedText:
    """Fold ``text`` into its two matching views (see the module docstring). Remembered for
    the last few thousand texts up to REMEMBERED_TEXT_CHARS long (a bound on memory)."""
    if len(text) > REMEMBERED_TEXT_CHARS:
        return _normalize(text)
    return _remembered(text)


def _normalize(text: str) -> NormalizedText:
    if text.isascii():
        lowered = text.lower()
        return NormalizedText(lowered, lowered)
    offsets: tuple[int, ...] | None = None
    if not unicodedata.is_normalized("NFC", text):  # decomposed Latin, kana voicing marks ...
        text, offsets = _compose(text)
    folded = text.translate(_FOLD)
    if _HAN.search(folded):
        simplified = _t2s().convert(folded)
        if len(simplified) == len(folded):
            folded = simplified
    stripped = folded if _NO_MARKS.fullmatch(folded) else folded.translate(_STRIP)
    return NormalizedText(folded, stripped, offsets)


_remembered = lru_cache(maxsize=NORMALIZED_MEMO_SIZE)(_normalize)

#: Text with no Latin letter outside ASCII has no diacritics to strip.
_NO_MARKS = re.compile(r"[^\u00c0-\u024f\u1e00-\u1eff]*")


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@cache
def _t2s() -> Any:
    """OpenCC traditional-to-simplified converter, built once (its tables ship in the wheel)."""
    import opencc

    return opencc.OpenCC("t2s")


#: Single letters or digits separated by spaces, dots, dashes ...: "i v o r y", "i.v.o.r.y".
_SPACED = re.compile(r"(?<![^\W_])[a-z0-9@$](?:[ .\-_*·/|]{1,2}[a-z0-9@$]){2,}(?![^\W_])")
#: A word that mixes letters with digits or symbols standing for letters: "1v0ry", "rh1n0"
#: (a letter then a digit, or a digit then three letters; "45cm" and "2m2" are left alone).
_LEET_WORD = re.compile(r"(?<![a-z0-9@$])(?=[a-z0-9@$]*[a-z][0-9@$]|[0-9@$][a-z]{3})[a-z0-9@$]+")
#: Cheap necessary conditions for the two patterns above, searched first: every text
#: that ``_SPACED`` matches has a single letter between separators followed by another
#: single letter, and every word ``_LEET_WORD`` undoes has a letter then a digit or a
#: digit then three letters. Most texts have neither, and these scan several times faster.
_SPACED_HINT = re.compile(r"[ .\-_*·/|][a-z0-9@$][ .\-_*·/|]{1,2}[a-z0-9@$](?![^\W_])")
#: (written to start at the digit: a pattern that starts with one character class lets
#: ``re`` skip ahead fast; "[a-z][0-9@$]|[0-9@$][a-z]{3}" scans six times slower)
_LEET_HINT = re.compile(r"[0-9@$](?:(?<=[a-z].)|[a-z]{3})")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_SEPARATORS = frozenset(" .-_*·/|")


@dataclass(frozen=True, slots=True)
class Deobfuscated:
    """A view of folded text with evasions undone, and where each character came from."""

    text: str
    origin: tuple[int, ...]  # index into the folded text, one per character, plus the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of this view back to the folded text."""
        return self.origin[start], self.origin[end - 1] + 1


def deobfuscate(folded: str) -> Deobfuscated | None:
    """Undo spacing, dotting and digit-for-letter evasions in folded (lower-case) text, or
    None when the text shows none (the common case, so matching pays nothing extra)."""
    spaced = _SPACED_HINT.search(folded) is not None and _SPACED.search(folded) is not None
    leet = _LEET_HINT.search(folded) is not None and _LEET_WORD.search(folded) is not None
    if not spaced and not leet:
        return None
    chars: list[str] = []
    origin: list[int] = []
    edits: dict[int, str | None] = {}
    for match in _SPACED.finditer(folded) if spaced else ():
        for index in range(match.start(), match.end()):
            if folded[index] in _SEPARATORS:
                edits[index] = None
    for match in _LEET_WORD.finditer(folded) if leet else ():
        word = match.group()
        if not any(char.isalpha() for char in word) or word.isdigit():
            continue
        for offset, char in enumerate(word):
            mapped = char.translate(_LEET)
            if mapped != char:
                edits[match.start() + offset] = mapped
    if not edits:
        return None
    done = 0  # copy the unedited stretches between edits whole
    for index in sorted(edits):
        chars.append(folded[done:index])
        origin.extend(range(done, index))
        replacement = edits[index]
        if replacement is not None:
            chars.append(replacement)
            origin.append(index)
        done = index + 1
    chars.append(folded[done:])
    origin.extend(range(done, len(folded)))
    origin.append(len(folded))
    return Deobfuscated("".join(chars), tuple(origin))


def _compose(text: str) -> tuple[str, tuple[int, ...]]:
    """NFC-compose ``text`` and return, for each composed character, its original index."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if chars and unicodedata.combining(char):
            merged = unicodedata.normalize("NFC", chars[-1] + char)
            if len(merged) == 1:
                chars[-1] = merged
                continue
        chars.append(char)
        origin.append(index)
    origin.append(len(text))
    return "".join(chars), tuple(origin)


def fold_term(term: str) -> tuple[str, str]:
    """The folded and diacritic-free forms of a lexicon term."""
    view = normalize(unicodedata.normalize("NFC", term.strip()))
    return view.folded, view.stripped
