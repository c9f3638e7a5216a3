"""Multi-pattern matching of the lexicon over normalised text (Aho-Corasick, in Rust).

Python ``re`` alternation over thousands of terms runs at about 0.1 MB/s here;
ahocorasick-rs runs at about 50 MB/s (../shared/research/stack-and-perf.md).
"""

from __future__ import annotations

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

    def find(self, text: str, language: str | None = None, evasions: bool = True) -> list[TermHit]:
        """Terms found in ``text``, earliest first; one hit per span (folded view first);
        at most MAX_HITS_PER_TERM of each term. With ``evasions``, also terms spelled out
        to dodge filters ("i v o r y", "1v0ry"), found on the deobfuscated view."""
        if not text:
            return []
        view = normalize(text)
        hits: dict[tuple[int, int], TermHit] = {}
        for haystack, automaton, keys, terms in (
            (view.folded, self._folded, self._folded_keys, self._folded_terms),
            (view.stripped, self._stripped, self._stripped_keys, self._stripped_terms),
        ):
            for index, start, end in automaton.find_matches_as_indexes(haystack, overlapping=True):
                if not _on_word_boundaries(haystack, start, end, keys[index]):
                    continue
                span = view.original_span(start, end)
                term = _pick(terms[index], language, text[span[0] : span[1]])
                hits.setdefault(span, TermHit(term, *span))
        evasion = deobfuscate(view.folded) if evasions else None
        if evasion is not None:  # "i v o r y", "1v0ry": match the undone view, map back
            haystack = evasion.text
            for index, start, end in self._folded.find_matches_as_indexes(haystack, overlapping=True):
                key = self._folded_keys[index]
                if len(key) < 4 or not _on_word_boundaries(haystack, start, end, key):
                    continue
                span = view.original_span(*evasion.span(start, end))
                hits.setdefault(span, TermHit(_pick(self._folded_terms[index], language), *span))
        kept: list[TermHit] = []
        per_term: dict[str, int] = defaultdict(int)
        for hit in sorted(hits.values(), key=lambda hit: (hit.start, -hit.end)):
            per_term[hit.term.term] += 1
            if per_term[hit.term.term] <= MAX_HITS_PER_TERM:
                kept.append(hit)
        return kept


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
