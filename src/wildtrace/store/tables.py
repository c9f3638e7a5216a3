"""The tables: what WildTrace keeps between runs, in the investigators' words.

Typed SQLAlchemy 2 declarations. The schema is created and changed only by the
Alembic migrations in ``migrations/versions``; a test checks that the migrated
database and these declarations agree, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

#: JSON everywhere; JSONB on PostgreSQL so later work can index and query inside it.
JSONType: TypeEngine[Any] = JSON().with_variant(postgresql.JSONB(), "postgresql")

#: Constraint names fixed by convention so migrations can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PlatformRow(Base):
    """A marketplace, social network or forum where listings are found."""

    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "" stands for "platform not known" (an account still needs one to be unique within).
    name: Mapped[str] = mapped_column(Text, unique=True)


class AccountRow(Base):
    """A seller account: one seller name on one platform."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform_id", "seller"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    seller: Mapped[str] = mapped_column(Text)

    platform: Mapped[PlatformRow] = relationship()


class ListingRow(Base):
    """One offer or post, as last seen; (platform, ``uid``) is ``Listing.key``: ids are
    unique per platform only, and a listing naming no platform has the platform ``""``."""

    __tablename__ = "listings"
    __table_args__ = (UniqueConstraint("platform_id", "uid"), Index("ix_listings_uid", "uid"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(Text)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    seller_info: Mapped[str | None] = mapped_column(Text)
    price: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(JSONType)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: Where the record was read from (``Origin.file`` and ``Origin.line``).
    origin_file: Mapped[str | None] = mapped_column(Text)
    origin_line: Mapped[int | None] = mapped_column(Integer)
    #: SHA-256 of the listing's canonical JSON: tells a re-scan what changed.
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)

    platform: Mapped[PlatformRow] = relationship()
    account: Mapped[AccountRow | None] = relationship()
    analysis: Mapped[AnalysisRow | None] = relationship(back_populates="listing")
    captures: Mapped[list[CaptureRow]] = relationship(order_by="CaptureRow.id")
    matches: Mapped[list[MatchRow]] = relationship(order_by="MatchRow.position")
    selectors: Mapped[list[SelectorRow]] = relationship(order_by="SelectorRow.position")


class CaptureRow(Base):
    """Exactly what was served for a listing, and where the WARC record is kept."""

    __tablename__ = "captures"
    __table_args__ = (UniqueConstraint("listing_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    captured_at: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)


class AnalysisRow(Base):
    """What the core concluded about a listing (one per listing, replaced when re-analysed)."""

    __tablename__ = "analyses"
    #: Pages of listings in score order are read from it (migration 0009).
    __table_args__ = (Index("ix_analyses_score_listing", "score", "listing_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), unique=True)
    analyzer_version: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean, index=True)
    language: Mapped[str | None] = mapped_column(Text)
    commodities: Mapped[list[str]] = mapped_column(JSONType)
    #: ``[{"name": ..., "cites_appendix": ...}, ...]``
    taxa: Mapped[list[dict[str, str | None]]] = mapped_column(JSONType)
    legality_cues: Mapped[list[str]] = mapped_column(JSONType)
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    listing: Mapped[ListingRow] = relationship(back_populates="analysis")


class MatchRow(Base):
    """A lexicon term found in a listing field (see ``model.Match``)."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    #: Order within the listing's analysis, so a reload gives the same tuple.
    position: Mapped[int] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(Text)
    commodity: Mapped[str | None] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(Text)
    taxon: Mapped[str | None] = mapped_column(Text)


class SelectorRow(Base):
    """An identifier a seller left (see ``model.Selector``); looked up by (type, value)."""

    __tablename__ = "selectors"
    __table_args__ = (Index("ix_selectors_type_value", "type", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(Text)
    #: ``Selector.confidence`` (0-1); rows stored before it was kept read 1.0.
    confidence: Mapped[float] = mapped_column(Float, server_default="1")


class LinkRow(Base):
    """Two listings that belong together, and why (replaced wholesale by each linking)."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    target_listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class NetworkMemberRow(Base):
    """Which cluster (network) a listing belongs to after the last linking."""

    __tablename__ = "network_members"

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)
    cluster: Mapped[str] = mapped_column(Text, index=True)


class HeldBackRow(Base):
    """A shared value not used for linking because too many accounts share it."""

    __tablename__ = "held_back"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    accounts: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)


class ScanRunRow(Base):
    """One scan: what it read and how it ended (``running`` until it finishes)."""

    __tablename__ = "scan_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inputs: Mapped[list[str]] = mapped_column(JSONType)
    read: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))


class RejectRow(Base):
    """A record that could not be read; kept once however often the input is re-scanned."""

    __tablename__ = "rejects"
    __table_args__ = (UniqueConstraint("file", "line", "raw_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id", ondelete="SET NULL"), index=True)
    file: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    raw_sha256: Mapped[str] = mapped_column(String(64))
