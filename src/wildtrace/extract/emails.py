"""Email addresses, including the obfuscated "name [at] domain [dot] com" forms."""

from __future__ import annotations

import re
from collections.abc import Iterator

from wildtrace.model import Selector

_AT = r"(?:@|\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*)"
_DOT = r"(?:\.|\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])([a-z0-9][a-z0-9._%+-]{{0,63}}){_AT}"
    rf"((?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?{_DOT})+[a-z]{{2,24}})(?![\w-])",
    re.I,
)
_DOT_SPLIT = re.compile(_DOT, re.I)


#: Cheap test first: an address needs "@" or a bracketed "at" ("[at]", "(at)", "<@>").
_PREFILTER = re.compile(r"[\[({<]\s*(?:at|@)\s*[\])}>]", re.I)


def find_emails(text: str, field: str) -> Iterator[Selector]:
    """Email addresses in ``text``, lower-cased, with the obfuscation undone."""
    if "@" not in text and not _PREFILTER.search(text):
        return
    for found in _EMAIL.finditer(text):
        local, domain = found.group(1), found.group(2)
        labels = [label for label in _DOT_SPLIT.split(domain) if label]
        if len(labels) < 2 or not labels[-1].isalpha():
            continue
        value = f"{local}@{'.'.join(labels)}".lower()
        raw = found.group(0)
        confidence = 1.0 if "@" in raw and "." in raw.partition("@")[2] else 0.9  # de-obfuscated
        yield Selector("email", value, raw, field, found.start(), found.end(), confidence=confidence)
