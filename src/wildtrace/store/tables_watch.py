"""Watchlists and the alerts they raise (issue 13).

A watchlist is a named set of identifiers an agency already knows (typed in, read from a CSV
file, or from a partner's STIX bundle) under a TLP marking; every scan, crawl and load
compares the selectors of the listings it stores with them, and records an alert for each hit.
Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, UTCDateTime


class WatchlistRow(Base):
    """A named set of known identifiers, owned by one agency, under one marking."""

    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: CLEAR, GREEN, AMBER, AMBER+STRICT or RED (``store/access.py``).
    tlp: Mapped[str] = mapped_column(String(12))
    #: Where the entries came from: ``typed``, ``csv:FILE`` or ``stix:FILE (identity)``.
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WatchEntryRow(Base):
    """One identifier on a watchlist, normalised like the extractors' selectors
    (``extract.identifiers``); looked up by value."""

    __tablename__ = "watch_entries"
    __table_args__ = (
        UniqueConstraint("watchlist_id", "type", "value", "platform"),
        Index("ix_watch_entries_value", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    #: A selector type (``phone``, ``btc``, ``telegram``...), ``handle`` (any app) or ``account``.
    type: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text)
    #: An account's platform ("" for any).
    platform: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: After this time the entry raises no alert (a partner's ``valid_until``).
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The STIX id (or CSV line) it was read from, so that a partner can trace it back.
    source_ref: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertRow(Base):
    """A stored listing that carries an identifier of a watchlist: raised once per listing and
    entry. The entry's type and value are copied, so an alert outlives a removed entry."""

    __tablename__ = "alerts"
    #: Newest first is how alerts are read (``raised_at DESC, id DESC``): the index serves
    #: that order, so a page does not join every visible alert before its limit.
    __table_args__ = (
        UniqueConstraint("listing_id", "entry_id"),
        Index("ix_alerts_raised_at_id", "raised_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("watch_entries.id", ondelete="SET NULL"))
    watchlist_id: Mapped[int | None] = mapped_column(
        ForeignKey("watchlists.id", ondelete="SET NULL"), index=True
    )
    #: The selector type found in the listing (``phone``, ``telegram``, ``account``...).
    selector_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
