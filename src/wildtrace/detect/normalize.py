"""Fold text so that one lexicon term finds all the ways traders write it.

Two views of the same text are produced, both aligned character for character with
the original (so a match's span points at the exact characters a reviewer sees):

- ``folded``: case-folded and width-folded (NFKC), e.g. "ＩＶＯＲＹ" -> "ivory";
- ``stripped``: ``folded`` without diacritics, e.g. "sừng tê giác" -> "sung te giac",
  because Vietnamese traders often type without accents.

Characters whose folding would change the length (e.g. "ß" -> "ss") are kept as they
are, so the views never shift offsets. Text typed in decomposed form (NFD) is composed
first, with an offset map back to the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


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


def normalize(text: str) -> NormalizedText:
    """Fold ``text`` into its two matching views (see the module docstring)."""
    if text.isascii():
        lowered = text.lower()
        return NormalizedText(lowered, lowered)
    offsets: tuple[int, ...] | None = None
    if not unicodedata.is_normalized("NFC", text):  # decomposed Latin, kana voicing marks ...
        text, offsets = _compose(text)
    folded = text.translate(_FOLD)
    return NormalizedText(folded, folded.translate(_STRIP), offsets)


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
