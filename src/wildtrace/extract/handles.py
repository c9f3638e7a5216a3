"""Messaging and social-media handles, kept with their platform as the selector type.

First version: explicit forms only (links, or the platform's name right before the
handle). A bare "@name" with no platform named is not a selector: it could be anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import ahocorasick_rs

from wildtrace.model import Selector

_SEP = r"\s*(?:id|ID|Id)?\s*[:：=]?\s*"
#: After a platform name written in Latin letters ("line", "telegram", "wechat"), which are
#: also ordinary words ("blood line pure", "Telegram channel", "WeChat available"), the
#: handle must be introduced explicitly: "ID", ":", "=" or "@".
_STRICT_SEP = r"(?:\s*(?:[iI][dD](?:\s*[:：=]|\s)|[:：=])\s*@?|\s*@)"
_START = r"(?<![A-Za-z0-9_])"  # a platform name or domain starts a word
_END = r"(?![A-Za-z0-9_])"  # a handle is not cut out of a longer run of letters
#: WeChat is also written with homophones (薇信, 加薇, 加V) to slip past keyword filters.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("telegram", re.compile(rf"{_START}(?:t\.me|telegram\.me)/@?([A-Za-z][A-Za-z0-9_]{{4,31}}){_END}")),
    # an @handle a few words after the app's name: "Telegram (nhắn tin) @hornshop"
    ("telegram", re.compile(rf"{_START}(?i:telegram|tele|tg){_END}[^@\n]{{1,24}}?(?<![\w.])"
                            rf"@([A-Za-z][A-Za-z0-9_]{{4,31}}){_END}")),
    ("telegram", re.compile(rf"{_START}(?i:telegram|tele|tg){_SEP}@([A-Za-z][A-Za-z0-9_]{{4,31}}){_END}")),
    ("telegram", re.compile(rf"{_START}(?i:telegram|tele){_STRICT_SEP}([A-Za-z][A-Za-z0-9_]{{4,31}}){_END}")),
    ("wechat", re.compile(rf"(?:微信号?|威信|[Vv]信|薇信|加[薇威Vv]|{_START}(?i:wx|vx)){_SEP}"
                          rf"([A-Za-z][A-Za-z0-9_-]{{5,19}}){_END}")),
    ("wechat", re.compile(rf"{_START}(?i:wechat|weixin){_STRICT_SEP}([A-Za-z][A-Za-z0-9_-]{{5,19}}){_END}")),
    ("line", re.compile(rf"ไลน์{_SEP}@?([A-Za-z0-9][A-Za-z0-9._-]{{3,19}}){_END}")),
    # "line" is in many words ("online"): written to start with a character class (then the
    # look behind it), the engine skips the text between "l"s at C speed
    ("line", re.compile(rf"[lL](?<![A-Za-z0-9_][lL])(?i:ine){_STRICT_SEP}"
                        rf"([A-Za-z0-9][A-Za-z0-9._-]{{3,19}}){_END}")),
    ("line", re.compile(rf"{_START}line\.me/ti/p/~?@?([A-Za-z0-9._-]{{4,20}}){_END}")),
    ("instagram", re.compile(rf"{_START}instagram\.com/([A-Za-z0-9_.]{{3,30}}){_END}")),
    ("instagram", re.compile(rf"{_START}(?i:instagram|insta|ig){_SEP}@([A-Za-z0-9_.]{{3,30}}){_END}")),
    ("facebook", re.compile(rf"{_START}(?:facebook|fb)\.com/([A-Za-z0-9.]{{5,50}}){_END}")),
    ("tiktok", re.compile(rf"{_START}tiktok\.com/@([A-Za-z0-9_.]{{2,24}}){_END}")),
    ("tiktok", re.compile(rf"{_START}(?i:tiktok|tik tok|抖音){_SEP}@([A-Za-z0-9_.]{{2,24}}){_END}")),
    ("facebook", re.compile(rf"{_START}(?i:facebook|fb){_SEP}@([A-Za-z0-9.]{{5,50}}){_END}")),
)  # fmt: skip

_NOT_HANDLES = frozenset(
    {"profile", "profile.php", "share", "groups", "pages", "watch", "login", "p", "explore",
     "joinchat"}
)  # fmt: skip


#: Per pattern, words of which one must be in the lower-cased text for it to be tried:
#: a substring test costs far less than a regex scan, and most texts name no platform.
_TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("t.me", "telegram.me"), ("telegram", "tele", "tg"), ("telegram", "tele", "tg"),
    ("telegram", "tele"), ("信", "加", "wx", "vx"), ("wechat", "weixin"), ("ไลน์",), ("line",),
    ("line.me",), ("instagram.com",), ("instagram", "insta", "ig"), ("facebook.com", "fb.com"),
    ("tiktok.com",), ("tiktok", "tik tok", "抖音"), ("facebook", "fb"),
)  # fmt: skip


@cache
def _trigger_automaton() -> ahocorasick_rs.AhoCorasick:
    """One pass over the text finds every trigger word (instead of a test per pattern)."""
    words = sorted({trigger for triggers in _TRIGGERS for trigger in triggers})
    return ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)


def find_handles(text: str, field: str) -> Iterator[Selector]:
    """Handles named with their platform; the value is the lower-cased handle."""
    present = set(_trigger_automaton().find_matches_as_strings(text.lower(), overlapping=True))
    if not present:
        return
    seen: set[tuple[str, str]] = set()
    for (platform, pattern), triggers in zip(_PATTERNS, _TRIGGERS, strict=True):
        if present.isdisjoint(triggers):
            continue
        for found in pattern.finditer(text):
            handle = found.group(1).rstrip("._-")
            value = handle.lower()
            if value in _NOT_HANDLES or value.isdigit() or (platform, value) in seen:
                continue
            seen.add((platform, value))
            raw = found.group(0)
            confidence = 0.95 if "/" in raw else 0.9 if len(raw) - len(handle) < 16 else 0.75
            yield Selector(platform, value, raw, field, found.start(), found.end(), confidence=confidence)
