"""Turning one input record (a JSON object, a CSV row) into a Listing, with a stable id.

Known fields are ``id, platform, url, seller, seller_info, title, text, price, location,
posted_at, images``; ``text`` may also arrive as ``description`` or ``body``. Field names are
matched without regard to case, spaces or dashes ("Seller Info" is ``seller_info``). Anything
else is kept, under its own name, in ``Listing.extra``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from wildtrace.errors import WildTraceError
from wildtrace.model import Listing, Origin

#: The scalar fields of a record, in the order they appear in a Listing.
SCALAR_FIELDS: tuple[str, ...] = (
    "platform",
    "url",
    "seller",
    "seller_info",
    "title",
    "text",
    "price",
    "location",
    "posted_at",
)
#: Other names accepted for a known field, in order of preference after the field's own name.
ALIASES: dict[str, str] = {"description": "text", "body": "text"}
#: A record needs at least one of these to be worth reading.
TEXT_BEARING: tuple[str, ...] = ("title", "text", "seller_info")

_KNOWN = frozenset((*SCALAR_FIELDS, "id", "images"))
_BLANKS: tuple[Any, ...] = (None, "", [], {})
#: Characters a database text field cannot hold: NUL (PostgreSQL refuses it) and lone
#: surrogates (from JSON escapes such as "\\ud800"; they cannot be encoded as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Listing.extra key: how many characters ``clean_text`` removed or replaced in the record.
CLEANED_KEY = "removed_characters"


class EmptyRecordError(WildTraceError, ValueError):
    """A record with no title, text or seller_info: nothing to read, so the reader rejects
    it with its line (``origin``). Still a ValueError for callers that caught it as one."""

    def __init__(self, origin: Origin | None = None) -> None:
        self.origin = origin
        super().__init__("empty record: no title, text (or description/body) or seller_info")


@lru_cache(maxsize=4096)
def field_key(name: str) -> str:
    """The known field a column or key name stands for ("Seller Info" -> "seller_info")."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def text_value(value: Any) -> str | None:
    """A field value as text: numbers become strings, blanks become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return clean_text(text) or None


def clean_text(text: str) -> str:
    """Text every store can hold, on SQLite and PostgreSQL alike: NUL removed, lone
    surrogates replaced by U+FFFD. The one place this is decided (the store may call it
    again for defence in depth)."""
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", text)


def unstorable_count(text: str) -> int:
    """How many characters of ``text`` ``clean_text`` removes or replaces."""
    return len(_UNSTORABLE.findall(text)) if _UNSTORABLE.search(text) else 0


def clean_value(value: Any) -> tuple[Any, int]:
    """A parsed JSON value (lists, tuples and dicts of text, keys too) with every string
    cleaned by ``clean_text``, and how many characters were removed or replaced."""
    if isinstance(value, str):
        count = unstorable_count(value)
        return (clean_text(value) if count else value), count
    if isinstance(value, list | tuple):
        items = [clean_value(item) for item in value]
        cleaned_items = [item for item, _ in items]
        return (cleaned_items if isinstance(value, list) else tuple(cleaned_items)), sum(c for _, c in items)
    if isinstance(value, dict):
        cleaned: dict[Any, Any] = {}
        total = 0
        for key, item in value.items():
            new_key, key_count = clean_value(key) if isinstance(key, str) else (key, 0)
            new_item, count = clean_value(item)
            cleaned[new_key] = new_item
            total += key_count + count
        return cleaned, total
    return value, 0


def image_values(value: Any) -> tuple[str, ...]:
    """Image URLs from a JSON list, a JSON-list string, or a string split on "|" or spaces."""
    if value is None:
        return ()
    items: list[Any]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                parsed = json.loads(stripped)
            except (ValueError, RecursionError):
                parsed = None
            if isinstance(parsed, list):
                return image_values(parsed)
        items = list(stripped.split("|") if "|" in stripped else stripped.split())
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [value]
    images: list[str] = []
    for item in items:
        if isinstance(item, Mapping):  # {"url": ...} as some exporters write images
            item = item.get("url") or item.get("contentUrl") or item.get("src")
        text = text_value(item) if isinstance(item, str | int | float) else None
        if text and text not in images:
            images.append(text)
    return tuple(images)


def content_id(fields: Mapping[str, Any]) -> str:
    """A stable id from a listing's known fields: the same content always gets the same id.

    ``fields`` maps known field names to their normalised values (str, or a tuple of image
    URLs); empty values are ignored, so a missing field and an empty one give the same id.
    """
    canonical = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in fields.items()
        if name in _KNOWN and name != "id" and value
    }
    payload = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha-" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def url_id(url: str) -> str:
    """A stable id for a captured page: the same URL always gets the same id."""
    return "url-" + hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def platform_from_url(url: str | None) -> str | None:
    """The platform a URL belongs to: its host name without "www." ("shop.example.com")."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def listing_from_record(
    record: Mapping[str, Any], origin: Origin | None = None, *, removed: int = 0, clean: bool = True
) -> Listing:
    """Build a Listing from one record; raise EmptyRecordError if it carries no text.

    When a field arrives under several names, the first non-empty one in order of preference
    is used ("text" before "description" before "body") and the others stay in ``extra``.
    Characters no store can hold (NUL, lone surrogates) are removed from every string and
    counted in ``extra["removed_characters"]`` (with ``removed``, those the reader already
    took out), so the record is kept and the user told. ``clean=False`` skips that walk for a
    reader that knows its record holds no such character.
    """
    if clean:
        cleaned, count = clean_value(dict(record))
        record, removed = cleaned, removed + count
    chosen: dict[str, tuple[str, Any]] = {}  # field -> (key it came from, value)
    for key in sorted(record, key=_preference):
        name = field_key(key)
        if name not in _KNOWN or name in chosen:
            continue
        raw = record[key]
        value = image_values(raw) if name == "images" else text_value(raw)
        if value:
            chosen[name] = (key, value)
    used = {key for key, _ in chosen.values()}
    extra = {
        key: value
        for key, value in record.items()
        if key not in used and (field_key(key) not in _KNOWN or value not in _BLANKS)
    }
    values: dict[str, Any] = {name: value for name, (_, value) in chosen.items()}
    if not any(values.get(name) for name in TEXT_BEARING):
        raise EmptyRecordError(origin)
    listing_id = values.pop("id", None) or content_id(values)
    if removed:
        extra[CLEANED_KEY] = removed
    return Listing(id=listing_id, extra=extra, origin=origin, **values)


@lru_cache(maxsize=4096)
def _preference(key: str) -> tuple[int, int]:
    """Sort key: a field's own name first, then its aliases in the order ALIASES lists them."""
    normal = key.strip().lower().replace(" ", "_").replace("-", "_")
    alias_rank = list(ALIASES).index(normal) + 1 if normal in ALIASES else 0
    return (alias_rank, 0 if key == normal else 1)
