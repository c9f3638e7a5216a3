"""Extraction: the selectors a seller leaves, validated and normalised.

Identifiers (phones, emails, messaging handles, crypto wallets, IBANs) are what linking
uses; money, quantities and places describe the offer. Each family has its own module;
each validates what it finds, and runs a cheap test first so that texts without a
candidate cost next to nothing.
"""

from __future__ import annotations

from functools import lru_cache

from wildtrace.extract.emails import find_emails
from wildtrace.extract.handles import find_handles
from wildtrace.extract.iban import find_ibans
from wildtrace.extract.identifiers import (
    HANDLE_TYPES,
    IDENTIFIER_TYPES,
    KINDS,
    WALLET_TYPES,
    Identifier,
    IdentifierError,
    identify,
)
from wildtrace.extract.money import find_money, to_usd
from wildtrace.extract.phones import find_phones
from wildtrace.extract.places import find_places, location_places
from wildtrace.extract.quantities import find_quantities
from wildtrace.extract.regions import guess_region
from wildtrace.extract.wallets import find_wallets
from wildtrace.model import REMEMBERED_TEXT_CHARS, TEXT_FIELDS, Listing, Selector

__all__ = [
    "EXTRACTOR_VERSION", "HANDLE_TYPES", "IDENTIFIER_TYPES", "KINDS", "WALLET_TYPES", "Identifier",
    "IdentifierError", "extract", "identify", "to_usd",
]  # fmt: skip

#: Part of every analysis's version (pipeline.analyzer_version): raise it when extraction
#: finds different selectors, so stored listings are re-extracted on the next scan.
EXTRACTOR_VERSION = "3"  # 3: units and countries from wildtrace.reference

#: Fields where identifiers are looked for; a price or a location holds none.
_EXTRACT_FIELDS = tuple(name for name in TEXT_FIELDS if name not in ("price", "location"))
#: Fields that describe the offer: amounts, quantities and places are read there.
_OFFER_FIELDS = frozenset({"title", "text", "seller_info"})


#: Field texts whose selectors are remembered: a seller's info line and stock text recur
#: from listing to listing with the same numbers and handles.
FIELD_MEMO_SIZE = 8192


@lru_cache(maxsize=FIELD_MEMO_SIZE)
def _field_selectors(text: str, field: str, region: str | None) -> tuple[Selector, ...]:
    """Every selector of one field's text, in the order ``extract`` keeps them."""
    found = [
        *find_phones(text, field, region),
        *find_emails(text, field),
        *find_handles(text, field),
        *find_wallets(text, field),
        *find_ibans(text, field),
    ]
    if field in _OFFER_FIELDS:
        found += [
            *find_money(text, field, region),
            *find_quantities(text, field, region),
            *find_places(text, field),
        ]
    return tuple(found)


def extract(listing: Listing, language: str | None = None) -> tuple[Selector, ...]:
    """Every selector in the listing, once per (type, value), first occurrence kept."""
    region = guess_region(listing, language)
    found: dict[tuple[str, str], Selector] = {}
    for field in _EXTRACT_FIELDS:
        text = listing.field_text(field)
        if not text:
            continue
        remembered = _field_selectors if len(text) <= REMEMBERED_TEXT_CHARS else _field_selectors.__wrapped__
        for selector in remembered(text, field, region):
            found.setdefault((selector.type, selector.value), selector)
    if listing.price:
        for selector in find_money(listing.price, "price", region, price_field=True):
            found.setdefault((selector.type, selector.value), selector)
    if listing.location:
        for selector in location_places(listing.location):
            found.setdefault((selector.type, selector.value), selector)
    return tuple(found.values())
