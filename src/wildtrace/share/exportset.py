"""What leaves WildTrace in an export, as plain data: every format (STIX, FollowTheMoney, CSV,
XLSX) is written from one ``ExportSet``, so the formats cannot disagree about what was chosen
or how it is marked.

The store builds an ``ExportSet`` (``store/exchange.py``) with the visibility filter of the
exporting agency; nothing here reads the database. Every object carries its TLP 2.0 marking:
that of the collections its listings came from, the stricter one winning when several are
combined (``stricter``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from wildtrace.extract import HANDLE_TYPES, IDENTIFIER_TYPES, WALLET_TYPES
from wildtrace.store.access import stricter

__all__ = [
    "HANDLE_TYPES", "IDENTIFIER_TYPES", "WALLET_TYPES", "ExportSet", "ExportedAccount", "ExportedGroup",
    "ExportedLink", "ExportedListing", "ExportedSelector", "Exporter", "stricter", "strictest",
]  # fmt: skip


def strictest(markings: Iterable[str]) -> str:
    """``stricter`` over an iterable."""
    return stricter(*markings)


@dataclass(frozen=True, slots=True)
class ExportedListing:
    """One listing: ``key`` is ``platform:uid`` (``Listing.key``), ``ref`` its row id."""

    ref: int
    key: str
    platform: str
    uid: str
    url: str | None
    title: str | None
    account_ref: int | None
    seller: str | None
    score: float | None
    flagged: bool
    commodities: tuple[str, ...]
    #: Taxon names with their CITES appendix (None when not listed), as the detector gave them.
    taxa: tuple[tuple[str, str | None], ...]
    price: str | None
    location: str | None
    first_seen: datetime
    last_seen: datetime
    marking: str


@dataclass(frozen=True, slots=True)
class ExportedSelector:
    """One identifier (``type`` is a selector type of ``IDENTIFIER_TYPES``; ``value`` is
    normalised: E.164 phones, lower-cased emails and handles), with the listings it was
    found in. ``channel`` is how a phone is reached (``whatsapp``...), when said."""

    type: str
    value: str
    listing_refs: tuple[int, ...]
    channels: tuple[str, ...]
    marking: str


@dataclass(frozen=True, slots=True)
class ExportedAccount:
    """A seller account (one seller name on one platform) and its exported listings."""

    ref: int
    platform: str
    seller: str
    listing_refs: tuple[int, ...]
    marking: str


@dataclass(frozen=True, slots=True)
class ExportedLink:
    """Two listings that belong together, with the reason a prosecutor can read; ``kind`` is
    what they share (``phone``, ``same_account``, ``image``...) and ``value`` the shared value."""

    source_ref: int
    target_ref: int
    kind: str
    value: str
    reason: str
    marking: str


@dataclass(frozen=True, slots=True)
class ExportedGroup:
    """What the user asked to export, as one unit: a case, a network, a collection, or a
    listing given alone. ``kind`` is ``case``, ``network``, ``collection`` or ``listing``."""

    kind: str
    ref: str
    title: str
    description: str
    listing_refs: tuple[int, ...]
    account_refs: tuple[int, ...]
    marking: str


@dataclass(frozen=True, slots=True)
class Exporter:
    """The agency that exports (the ``identity`` of a STIX bundle, the author of the rest)."""

    code: str
    name: str
    country: str | None


@dataclass(frozen=True, slots=True)
class ExportSet:
    """Everything one export carries; ``marking`` is the strictest of its objects."""

    exporter: Exporter
    created_at: datetime
    groups: tuple[ExportedGroup, ...]
    listings: tuple[ExportedListing, ...]
    selectors: tuple[ExportedSelector, ...]
    accounts: tuple[ExportedAccount, ...]
    links: tuple[ExportedLink, ...]
    marking: str = field(default="CLEAR")

    def listings_by_ref(self) -> dict[int, ExportedListing]:
        """The exported listings by row id (built on each call: keep the result)."""
        return {listing.ref: listing for listing in self.listings}

    @property
    def counts(self) -> dict[str, int]:
        """How many objects of each kind: for summaries and the custody entry."""
        return {
            "groups": len(self.groups),
            "listings": len(self.listings),
            "selectors": len(self.selectors),
            "accounts": len(self.accounts),
            "links": len(self.links),
        }
