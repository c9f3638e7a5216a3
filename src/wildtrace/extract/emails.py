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


def find_emails(text: str, field: str) -> Iterator[Selector]:
    """Email addresses in ``text``, lower-cased, with the obfuscation undone."""
    for found in _EMAIL.finditer(text):
        local, domain = found.group(1), found.group(2)
        labels = [label for label in _DOT_SPLIT.split(domain) if label]
        if len(labels) < 2 or not labels[-1].isalpha():
            continue
        value = f"{local}@{'.'.join(labels)}".lower()
        yield Selector("email", value, found.group(0), field, found.start(), found.end())
