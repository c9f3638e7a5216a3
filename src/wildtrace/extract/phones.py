"""Phone numbers, validated and normalised to E.164 with Google's libphonenumber.

Only windows around digit runs are handed to the matcher: about 4x faster than
matching whole texts at the same recall (../shared/research/stack-and-perf.md, §2d).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from wildtrace.model import Selector

#: ``\+?\(?\d[\d\s().\-–/]{5,22}\d``, written to start with a character class so that the
#: regex engine skips the text between digits at C speed (the lookbehinds then tell
#: which of "+", "(" or a digit the first character was).
_CANDIDATE = re.compile(r"[+(\d](?:(?<=\+)\(?\d|(?<=\()\d|(?<=\d))[\d\s().\-–/]{5,22}\d")
_SPLIT = re.compile(r"\d[\s/]+\D{0,3}\d")
_TEL_LINK = re.compile(r"tel:(\+?[\d\-.()]{7,20})", re.I)
_WA_LINK = re.compile(r"(?:wa\.me/|api\.whatsapp\.com/send\?phone=)(\+?\d{7,15})", re.I)
#: What every WhatsApp link holds, starting with a character that has no case: the engine
#: finds it at C speed, while ``_WA_LINK`` (case-insensitive) is tried at every position.
_WA_GATE = re.compile(r"\.(?i:me/|com/send\?)")
_CHANNELS = {
    "whatsapp": re.compile(r"whats\s*app|\bwa\b|\bzap(?:zap)?\b|wa\.me", re.I),
    "zalo": re.compile(r"\bzalo\b", re.I),
    "viber": re.compile(r"\bviber\b", re.I),
    "line": re.compile(r"\bline\b|ไลน์", re.I),
    "telegram": re.compile(r"\btelegram\b|\btg\b", re.I),
    "signal": re.compile(r"\bsignal\b", re.I),
    "wechat": re.compile(r"微信|\bwechat\b", re.I),
}
_CHANNEL_WINDOW = 25
_SEPARATORS = re.compile(r"[\s().\-–/]")


def find_phones(text: str, field: str, region: str | None) -> Iterator[Selector]:
    """Valid phone numbers in ``text``; numbers without a country code use ``region``."""
    seen: set[int] = set()
    for link in _WA_LINK.finditer(text) if _WA_GATE.search(text) else ():
        digits = link.group(1)
        number = parse_phone("+" + digits.lstrip("+"), None)
        if number is not None:
            seen.update(range(link.start(1), link.end(1)))
            yield Selector("phone", number, link.group(0), field, link.start(), link.end(), "whatsapp", 0.95)
    if field == "url":
        # digits in a URL are ids ("/item/251430546"): only wa.me and tel: links are phones
        for link in _TEL_LINK.finditer(text):
            number = parse_phone(link.group(1), region)
            if number is not None:
                yield Selector("phone", number, link.group(0), field, link.start(), link.end(),
                               None, _confidence(link.group(1)))  # fmt: skip
        return
    for candidate in _CANDIDATE.finditer(text):
        if candidate.start() in seen:
            continue
        raw = candidate.group(0)
        if raw.startswith("(") and ")" not in raw:
            raw = raw[1:]  # "(0912 345 678": the bracket opens a remark, not an area code
        start = candidate.end() - len(raw)
        if _inside_identifier(text, start, candidate.end()):
            continue
        number = parse_phone(raw, region)
        if number is not None:
            yield Selector("phone", number, raw, field, start, start + len(raw), _channel(text, start),
                           _confidence(raw))  # fmt: skip
            continue
        # Several numbers, or a price or date and a number, written in one run of digits
        # ("3.500.000 0912345678", "0912345678 / 0987654321"): let libphonenumber split it
        # (only runs that a space or a slash splits: the matcher is slow to run on prices).
        if not _SPLIT.search(raw):
            continue
        for inner_start, inner_raw, number in _split(raw, region):
            at = start + inner_start
            yield Selector("phone", number, inner_raw, field, at, at + len(inner_raw),
                           _channel(text, at), _confidence(inner_raw))  # fmt: skip


@lru_cache(maxsize=16384)
def _split(raw: str, region: str | None) -> tuple[tuple[int, str, str], ...]:
    """(start, raw, E.164) of the valid numbers libphonenumber finds in one run of digits.

    Cached: the runs that get here are mostly dates and sizes, which repeat across listings,
    and the matcher is the slowest step of phone extraction."""
    found = []
    for inner in phonenumbers.PhoneNumberMatcher(raw, region, leniency=phonenumbers.Leniency.VALID):
        number = parse_phone(inner.raw_string, region)
        if number is not None:
            found.append((inner.start, inner.raw_string, number))
    return tuple(found)


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """True for digits glued to a run of letters and digits: a wallet, a hash, an order
    number ("0xfB6916095ca1..."). Digits glued to a word alone still count ("Zalo0912...")."""
    before = start
    while before > 0 and text[before - 1].isascii() and text[before - 1].isalnum():
        before -= 1
    after = end
    while after < len(text) and text[after].isascii() and text[after].isalnum():
        after += 1
    glued = text[before:start] + text[end:after]
    return any(char.isdigit() for char in glued) or text[before : before + 2].lower() == "0x"


def parse_phone(raw: str, region: str | None) -> str | None:
    """``raw`` as an E.164 number when it is a valid one (read in ``region`` when it has no
    +country code), else None: the one normalisation of phones, for listings and watchlists."""
    return _parse_compact(_SEPARATORS.sub("", raw), region)


@lru_cache(maxsize=65536)
def _parse_compact(compact: str, region: str | None) -> str | None:
    """Cached: sellers repeat their numbers across listings, and parsing is the costly part."""
    if not compact.startswith("+") and region is None:
        return None
    if len(re.sub(r"\D", "", compact)) < 7:
        return None
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _confidence(raw: str) -> float:
    """A country code written by the seller is surer than one inferred from the listing."""
    return 0.95 if raw.lstrip("(").startswith(("+", "00")) else 0.85


def _channel(text: str, start: int) -> str | None:
    """The messaging app named nearest before the number, if any."""
    before = text[max(0, start - _CHANNEL_WINDOW) : start]
    nearest: tuple[int, str] | None = None
    for name, pattern in _CHANNELS.items():
        for found in pattern.finditer(before):
            if nearest is None or found.end() > nearest[0]:
                nearest = (found.end(), name)
    return nearest[1] if nearest else None
