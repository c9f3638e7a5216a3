"""Who may see what (issue 11): agencies, users, sessions, API tokens, collections with their
TLP markings, the audit log, cases and partners' tips.

Everything that enters the store enters through a collection; a listing is visible to a user
when at least one collection holding it is visible (``store/access.py`` builds that filter).
Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, UTCDateTime


class AgencyRow(Base):
    """A police force, customs service, wildlife agency or NGO on the platform."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Short code users type (``local``, ``KE-KWS``); unique.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    #: ISO 3166-1 alpha-2, when known.
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserRow(Base):
    """An account that signs in to the web app or calls the API, in one agency, with one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: admin, coordinator, analyst, reviewer, viewer or partner (``store/access.py`` ROLES).
    role: Mapped[str] = mapped_column(String(20))
    #: argon2id hash; None for an account that signs in only with a token or OIDC.
    password_hash: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiTokenRow(Base):
    """An API token: only its SHA-256 is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSessionRow(Base):
    """A signed-in browser session, kept server-side: the cookie holds a random token whose
    SHA-256 is ``token_hash``; logging out or expiry ends it here, not only in the browser."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(Text)


class LoginAttemptRow(Base):
    """One sign-in attempt, for throttling per account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class CollectionRow(Base):
    """A named set of listings owned by one agency, under one TLP 2.0 marking."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.
    tlp: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CollectionListingRow(Base):
    """A listing held in a collection (a listing may be in several)."""

    __tablename__ = "collection_listings"
    __table_args__ = (Index("ix_collection_listings_listing_id", "listing_id"),)

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)


class CollectionShareRow(Base):
    """An AMBER collection shared with another agency."""

    __tablename__ = "collection_shares"

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)


class CollectionReaderRow(Base):
    """A user named on a RED collection: only they may see it."""

    __tablename__ = "collection_readers"

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class AuditRow(Base):
    """One audit entry (who read or wrote what, when, from where), hash-chained like the custody
    log and append-only (triggers from migration 0008 refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_username", "username"), Index("ix_audit_log_action", "action"))

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: ISO 8601 UTC with microseconds, as hashed.
    at: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(Text)
    agency: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40))
    #: What was read or written (``listing:ebay:123``, ``case:7``, ``user:ana``).
    object: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    #: Canonical JSON (sorted keys, no spaces), as hashed.
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class CaseRow(Base):
    """An investigation: listings, accounts and seizures gathered under one marking."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    tlp: Mapped[str] = mapped_column(String(12))
    #: open, active, closed.
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseItemRow(Base):
    """A listing, an account or a seizure added to a case (exactly one of the three)."""

    __tablename__ = "case_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    seizure_id: Mapped[int | None] = mapped_column(ForeignKey("ops_seizures.id", ondelete="CASCADE"))
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseNoteRow(Base):
    """A note on a case, by whom and when."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TipRow(Base):
    """A URL or text a partner submitted to an agency, with a note; the agency triages it."""

    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    #: new, crawled, dismissed.
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
