"""Multi-pattern matching of the lexicon over normalised text (Aho-Corasick, in Rust).

Python ``re`` alternation over thousands of terms runs at about 0.1 MB/s here;
ahocorasick-rs runs at about 50 MB/s (../shared/research/stack-and-perf.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs

from wildtrace.detect.lexicon import Lexicon, Term, default_lexicon
from wildtrace.detect.normalize import deobfuscate, fold_term, normalize

#: Hits kept per term and text: a pathological text ("ivory " x 10^6) must not make the
#: explanation (and its pairwise overlap checks) grow without bound. The cap is per term,
#: so padding a listing with one decoy phrase cannot push a real term out of view.
MAX_HITS_PER_TERM = 5

#: A diacritic-free variant is only searched for terms long enough not to collide
#: with unrelated words once the accents are gone ("bán" -> "ban" would).
_MIN_STRIPPED_LENGTH = 6


@dataclass(frozen=True, slots=True)
class TermHit:
    """A lexicon term found in a text, with its span in that text."""

    term: Term
    start: int
    end: int


@cache
def _spaced_script(char: str) -> bool:
    """True for letters of scripts that separate words with spaces (Latin, Vietnamese ...)."""
    if not char.isalnum():
        return False
    code = ord(char)
    unspaced = (
        0x0E00 <= code <= 0x0FFF  # Thai, Lao, Tibetan
        or 0x1000 <= code <= 0x109F  # Myanmar
        or 0x1780 <= code <= 0x17FF  # Khmer
        or 0x2E80 <= code <= 0xA4CF  # CJK, kana, Yi
        or 0xF900 <= code <= 0xFAFF
        or code >= 0x20000
    )
    return not unspaced


class TermMatcher:
    """Finds every lexicon term in a text, on the folded, diacritic-free and evasion views."""

    def __init__(self, lexicon: Lexicon) -> None:
        folded: dict[str, list[Term]] = defaultdict(list)
        stripped: dict[str, list[Term]] = defaultdict(list)
        for term in lexicon.terms:
            fold, strip = fold_term(term.term)
            folded[fold].append(term)
            if strip != fold and len(strip) >= _MIN_STRIPPED_LENGTH:
                stripped[strip].append(term)
        self._folded_keys = list(folded)
        self._folded_terms = [folded[key] for key in self._folded_keys]
        self._stripped_keys = list(stripped)
        self._stripped_terms = [stripped[key] for key in self._stripped_keys]
        kind = ahocorasick_rs.MatchKind.Standard
        self._folded = ahocorasick_rs.AhoCorasick(self._folded_keys, matchkind=kind)
        self._stripped = ahocorasick_rs.AhoCorasick(self._stripped_keys, matchkind=kind)
        # Most texts have no diacritics, so both views are the same string: one pass of
        # one automaton over both key sets then finds what the two passes would. A key
        # in both sets keeps its folded rows (the folded pass came first).
        combined = dict(zip(self._folded_keys, self._folded_terms, strict=True))
        for key, rows in zip(self._stripped_keys, self._stripped_terms, strict=True):
            combined.setdefault(key, rows)
        self._combined_keys = list(combined)
        self._combined = ahocorasick_rs.AhoCorasick(self._combined_keys, matchkind=kind)
        self._combined_info = [_key_info(key, combined[key]) for key in self._combined_keys]
        self._folded_info = [_key_info(key, folded[key]) for key in self._folded_keys]
        self._stripped_info = [_key_info(key, stripped[key]) for key in self._stripped_keys]
        self.one_pass = True  # False: always two passes (tests check both give the same)
        self._joined_keys, self._joined_terms, self._joined = _joined_automaton(folded)

    def find(self, text: str, language: str | None = None, evasions: bool = True) -> list[TermHit]:
        """Terms found in ``text``, earliest first; one hit per span (folded view first);
        at most MAX_HITS_PER_TERM of each term. With ``evasions``, also terms spelled out
        to dodge filters ("i v o r y", "1v0ry"), found on the deobfuscated view."""
        if not text:
            return []
        view = normalize(text)
        hits: dict[tuple[int, int], TermHit] = {}
        passes: tuple[tuple[str, ahocorasick_rs.AhoCorasick, list[_KeyInfo]], ...]
        if self.one_pass and view.stripped == view.folded:  # no diacritics: one pass, both key sets
            passes = ((view.folded, self._combined, self._combined_info),)
        else:
            passes = (
                (view.folded, self._folded, self._folded_info),
                (view.stripped, self._stripped, self._stripped_info),
            )
        offsets = view.offsets
        spaced = _SPACED_CHARS
        for haystack, automaton, info in passes:
            length = len(haystack)
            for index, start, end in automaton.find_matches_as_indexes(haystack, overlapping=True):
                check_start, check_end, candidates = info[index]
                if (
                    (check_start and start and spaced[haystack[start - 1]])
                    or (check_end and end < length and spaced[haystack[end]])
                ) and not _in_hashtag(haystack, start):
                    continue  # inside a word, and not in a hashtag
                span = (start, end) if offsets is None else (offsets[start], offsets[end])
                if span in hits:
                    continue
                if len(candidates) == 1:
                    term = candidates[0]
                else:
                    term = _pick(candidates, language, text[span[0] : span[1]])
                hits[span] = TermHit(term, *span)
        evasion = deobfuscate(view.folded) if evasions else None
        if evasion is not None:  # "i v o r y", "1v0ry": match the undone view, map back
            haystack = evasion.text
            for index, start, end in self._folded.find_matches_as_indexes(haystack, overlapping=True):
                key = self._folded_keys[index]
                if len(key) < 4 or not _on_word_boundaries(haystack, start, end, key):
                    continue
                span = view.original_span(*evasion.span(start, end))
                hits.setdefault(span, TermHit(_pick(self._folded_terms[index], language), *span))
        if "#" in view.folded:  # "#rhinohorn", "#mammothivorycarving"
            for start, end, rows in self._hashtag_hits(view.folded):
                span = view.original_span(start, end)
                hits.setdefault(span, TermHit(_pick(rows, language), *span))
        if not hits:
            return []
        kept: list[TermHit] = []
        per_term: dict[str, int] = defaultdict(int)
        for span in sorted(hits, key=_span_order):
            hit = hits[span]
            per_term[hit.term.term] += 1
            if per_term[hit.term.term] <= MAX_HITS_PER_TERM:
                kept.append(hit)
        return kept

    def _hashtag_hits(self, folded: str) -> list[tuple[int, int, list[Term]]]:
        """Terms of several words written as one inside a hashtag ("#rhinohorn" finds
        "rhino horn"), with their span in ``folded``. The words of a hashtag run together,
        so only a hashtag's own characters are searched, and a term may start or end
        anywhere inside it."""
        found = []
        for tag in _HASHTAG.finditer(folded):
            body = tag.group(1)
            for index, start, end in self._joined.find_matches_as_indexes(body, overlapping=True):
                found.append((tag.start(1) + start, tag.start(1) + end, self._joined_terms[index]))
        return found


#: A hashtag: "#" and the word characters after it.
_HASHTAG = re.compile(r"#(\w{4,})")


def _joined_automaton(
    folded: dict[str, list[Term]],
) -> tuple[list[str], list[list[Term]], ahocorasick_rs.AhoCorasick]:
    """An automaton over the lexicon's multi-word keys with their spaces and hyphens
    removed ("rhino horn" -> "rhinohorn"), for hashtags."""
    joined: dict[str, list[Term]] = {}
    for key, terms in folded.items():
        bare = key.replace(" ", "").replace("-", "")
        if bare != key and len(bare) >= 6:
            joined.setdefault(bare, []).extend(terms)
    keys = list(joined) or ["\x00"]
    automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)
    return keys, [joined.get(key, []) for key in keys], automaton


def _span_order(span: tuple[int, int]) -> tuple[int, int]:
    return span[0], -span[1]


class _SpacedChars(dict[str, bool]):
    """char -> ``_spaced_script(char)``, filled on demand (a dict lookup is cheaper than
    a call to the cached function in the matcher's inner loop)."""

    def __missing__(self, char: str) -> bool:
        value = self[char] = _spaced_script(char)
        return value


_SPACED_CHARS = _SpacedChars()


_KeyInfo = tuple[bool, bool, list[Term]]


def _key_info(key: str, terms: list[Term]) -> _KeyInfo:
    """What the matcher needs of one automaton key, computed once: whether its first and
    last characters must sit on a word boundary, and its lexicon rows."""
    return _spaced_script(key[0]), _spaced_script(key[-1]), terms


def _on_word_boundaries(text: str, start: int, end: int, key: str) -> bool:
    """A spaced-script term must not start or end inside a word ("bán" in "bánh"), except
    inside a hashtag, where words run together ("#ivorycarving", "#rhinohornforsale")."""
    inside = (_spaced_script(key[0]) and start > 0 and _spaced_script(text[start - 1])) or (
        _spaced_script(key[-1]) and end < len(text) and _spaced_script(text[end])
    )
    return not inside or _in_hashtag(text, start)


def _in_hashtag(text: str, start: int) -> bool:
    """True when ``start`` lies in a hashtag word (scanning back at most 40 characters)."""
    mark = text.rfind("#", max(0, start - 40), start)
    return mark >= 0 and (mark + 1 == start or text[mark + 1 : start].isalnum())


def _pick(candidates: list[Term], language: str | None, surface: str = "") -> Term:
    """Of the rows sharing one folded spelling, prefer the one written as in the text
    ("象牙製品" over "象牙制品" in traditional script), then the listing's language."""
    if len(candidates) == 1:
        return candidates[0]
    if surface:
        written = surface.casefold()
        exact = [term for term in candidates if term.term.casefold() == written]
        if exact:
            candidates = exact
    if language:
        for term in candidates:
            if term.language == language:
                return term
        for term in candidates:
            if term.language.split("-")[0] == language.split("-")[0]:
                return term
    return candidates[0]


@cache
def default_matcher() -> TermMatcher:
    return TermMatcher(default_lexicon())
