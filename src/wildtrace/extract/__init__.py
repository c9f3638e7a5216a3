"""Extraction: the selectors a seller leaves (phones, emails, handles, wallets)."""

from __future__ import annotations

from wildtrace.extract.emails import find_emails
from wildtrace.extract.handles import find_handles
from wildtrace.extract.phones import find_phones
from wildtrace.extract.regions import guess_region
from wildtrace.extract.wallets import find_wallets
from wildtrace.model import TEXT_FIELDS, Listing, Selector

__all__ = ["extract"]

#: Fields where selectors are looked for; a price or a location holds none.
_EXTRACT_FIELDS = tuple(name for name in TEXT_FIELDS if name not in ("price", "location"))


def extract(listing: Listing, language: str | None = None) -> tuple[Selector, ...]:
    """Every selector in the listing, once per (type, value), first occurrence kept."""
    region = guess_region(listing, language)
    found: dict[tuple[str, str], Selector] = {}
    for field in _EXTRACT_FIELDS:
        text = listing.field_text(field)
        if not text:
            continue
        for selector in (
            *find_phones(text, field, region),
            *find_emails(text, field),
            *find_handles(text, field),
            *find_wallets(text, field),
        ):
            found.setdefault((selector.type, selector.value), selector)
    return tuple(found.values())
