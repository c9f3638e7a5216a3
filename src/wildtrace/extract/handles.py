"""Messaging and social-media handles, kept with their platform as the selector type.

First version: explicit forms only (links, or the platform's name right before the
handle). A bare "@name" with no platform named is not a selector: it could be anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wildtrace.model import Selector

_SEP = r"\s*(?:id|ID|Id)?\s*[:：=]?\s*"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("telegram", re.compile(r"(?:t\.me|telegram\.me)/@?([A-Za-z][A-Za-z0-9_]{4,31})")),
    ("telegram", re.compile(rf"(?i:telegram|tele|tg){_SEP}@([A-Za-z][A-Za-z0-9_]{{4,31}})")),
    ("telegram", re.compile(rf"(?i:telegram){_SEP}([A-Za-z][A-Za-z0-9_]{{4,31}})")),
    ("wechat", re.compile(rf"(?:微信号?|威信|V信|v信|(?i:wechat|weixin|wx|vx)){_SEP}"
                          r"([A-Za-z][A-Za-z0-9_-]{5,19})")),
    ("line", re.compile(rf"(?:(?i:line)|ไลน์){_SEP}@?([A-Za-z0-9][A-Za-z0-9._-]{{3,19}})")),
    ("line", re.compile(r"line\.me/ti/p/~?@?([A-Za-z0-9._-]{4,20})")),
    ("instagram", re.compile(r"instagram\.com/([A-Za-z0-9_.]{3,30})")),
    ("instagram", re.compile(rf"(?i:instagram|insta|ig){_SEP}@([A-Za-z0-9_.]{{3,30}})")),
    ("facebook", re.compile(r"(?:facebook|fb)\.com/([A-Za-z0-9.]{5,50})")),
    ("tiktok", re.compile(r"tiktok\.com/@([A-Za-z0-9_.]{2,24})")),
)  # fmt: skip
_NOT_HANDLES = frozenset({"profile", "share", "groups", "pages", "watch", "login", "p", "explore"})


def find_handles(text: str, field: str) -> Iterator[Selector]:
    """Handles named with their platform; the value is the lower-cased handle."""
    seen: set[tuple[str, str]] = set()
    for platform, pattern in _PATTERNS:
        for found in pattern.finditer(text):
            handle = found.group(1).rstrip("._-")
            value = handle.lower()
            if value in _NOT_HANDLES or value.isdigit() or (platform, value) in seen:
                continue
            seen.add((platform, value))
            yield Selector(platform, value, found.group(0), field, found.start(), found.end())
