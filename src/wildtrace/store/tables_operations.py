"""Tables for operations, seizures, suspects and outcomes (issue 6).

Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
One row per seizure line (a seizure of ivory and pangolin scales in one container is two
lines sharing a reference). ``fingerprint`` is the SHA-256 of a line's canonical values:
importing the same line again, from the same file or another, stores nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, JSONType, UTCDateTime


class OperationRow(Base):
    """A coordinated operation: what the report is about."""

    __tablename__ = "ops_operations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    coordinator: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The collection whose marking decides who sees the operation (``store/access.py``);
    #: set by the first ``ops import`` (migration 0008 puts older ones in ``default``).
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("collections.id"), index=True)


class AgencyRow(Base):
    """A participating agency (police, customs, wildlife, forestry ...) of one country."""

    __tablename__ = "ops_agencies"
    __table_args__ = (UniqueConstraint("operation_id", "country", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("ops_operations.id", ondelete="CASCADE"))
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(Text)


class SeizureRow(Base):
    """One seizure line: what was seized, where, how it travelled, in canonical units."""

    __tablename__ = "ops_seizures"
    __table_args__ = (UniqueConstraint("operation_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("ops_operations.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(Text)
    seized_on: Mapped[date] = mapped_column(Date)
    country: Mapped[str] = mapped_column(String(2), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("ops_agencies.id", ondelete="SET NULL"))
    location: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    detection_point: Mapped[str | None] = mapped_column(Text)
    transport_mode: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(String(2))
    #: ISO codes of the transit countries, in route order.
    transit: Mapped[list[str]] = mapped_column(JSONType)
    destination: Mapped[str | None] = mapped_column(String(2))
    concealment: Mapped[str | None] = mapped_column(Text)
    commodity: Mapped[str] = mapped_column(Text, index=True)
    species: Mapped[str | None] = mapped_column(Text)
    trade_term: Mapped[str | None] = mapped_column(String(3))
    #: As written in the input, for the record.
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(Text)
    #: Canonical quantities: at most one of them is set.
    kg: Mapped[float | None] = mapped_column(Float)
    m3: Mapped[float | None] = mapped_column(Float)
    pieces: Mapped[float | None] = mapped_column(Float)
    live: Mapped[float | None] = mapped_column(Float)
    #: The value the reporting agency gave; None means "to be estimated".
    value_usd: Mapped[float | None] = mapped_column(Float)
    #: Suspects counted but not named (a "suspects" cell holding a number).
    unnamed_suspects: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType)
    source_file: Mapped[str] = mapped_column(Text)
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SuspectRow(Base):
    """A person or company identified in an operation."""

    __tablename__ = "ops_suspects"
    __table_args__ = (UniqueConstraint("operation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("ops_operations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    nationality: Mapped[str | None] = mapped_column(String(2))
    role: Mapped[str | None] = mapped_column(Text)


class SeizureSuspectRow(Base):
    """Which suspects a seizure led to (or was found with)."""

    __tablename__ = "ops_seizure_suspects"

    seizure_id: Mapped[int] = mapped_column(
        ForeignKey("ops_seizures.id", ondelete="CASCADE"), primary_key=True
    )
    suspect_id: Mapped[int] = mapped_column(
        ForeignKey("ops_suspects.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OutcomeRow(Base):
    """What happened to a suspect: arrest, charge, prosecution, conviction, sentence."""

    __tablename__ = "ops_outcomes"
    __table_args__ = (UniqueConstraint("suspect_id", "kind", "occurred_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suspect_id: Mapped[int] = mapped_column(ForeignKey("ops_suspects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    detail: Mapped[str | None] = mapped_column(Text)


class OnlineLinkRow(Base):
    """A seizure's link to an online listing or seller account that led to it.

    ``ref`` is what the input said (a listing id or URL, or ``platform:seller``); the
    foreign keys are filled when the store holds that listing or account.
    """

    __tablename__ = "ops_online_links"
    __table_args__ = (UniqueConstraint("seizure_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seizure_id: Mapped[int] = mapped_column(ForeignKey("ops_seizures.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[str] = mapped_column(Text)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
