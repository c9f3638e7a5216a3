"""Phone numbers, validated and normalised to E.164 with Google's libphonenumber.

Only windows around digit runs are handed to the matcher: about 4x faster than
matching whole texts at the same recall (../shared/research/stack-and-perf.md, §2d).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from wildtrace.model import Selector

_CANDIDATE = re.compile(r"\+?\(?\d[\d\s().\-–/]{5,22}\d")
_WA_LINK = re.compile(r"(?:wa\.me/|api\.whatsapp\.com/send\?phone=)(\+?\d{7,15})", re.I)
_CHANNELS = {
    "whatsapp": re.compile(r"whats\s*app|\bwa\b|\bzap\b|wa\.me", re.I),
    "zalo": re.compile(r"\bzalo\b", re.I),
    "viber": re.compile(r"\bviber\b", re.I),
    "line": re.compile(r"\bline\b|ไลน์", re.I),
}
_CHANNEL_WINDOW = 25


def find_phones(text: str, field: str, region: str | None) -> Iterator[Selector]:
    """Valid phone numbers in ``text``; numbers without a country code use ``region``."""
    seen: set[int] = set()
    for link in _WA_LINK.finditer(text):
        digits = link.group(1)
        number = _parse("+" + digits.lstrip("+"), None)
        if number is not None:
            seen.update(range(link.start(1), link.end(1)))
            yield Selector(
                "phone", number, link.group(0), field, link.start(), link.end(), "whatsapp"
            )
    for candidate in _CANDIDATE.finditer(text):
        if candidate.start() in seen:
            continue
        raw = candidate.group(0).strip(" .-–/()")
        start = text.index(raw, candidate.start())
        number = _parse(raw, region)
        if number is None:
            continue
        yield Selector("phone", number, raw, field, start, start + len(raw), _channel(text, start))


def _parse(raw: str, region: str | None) -> str | None:
    compact = re.sub(r"[\s().\-–/]", "", raw)
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


def _channel(text: str, start: int) -> str | None:
    """The messaging app named just before the number, if any."""
    before = text[max(0, start - _CHANNEL_WINDOW) : start]
    for name, pattern in _CHANNELS.items():
        if pattern.search(before):
            return name
    return None
