"""Tables for crawls, WARC archives and the chain-of-custody log (issue 5).

Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
The custody log keeps its timestamps and details as text: an entry's hash is taken over
exactly the stored characters, so no database type conversion can change what is re-hashed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, UTCDateTime


class CrawlRow(Base):
    """One crawl (or one resumed run of it): who ran it, with which profile and tool."""

    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_id: Mapped[str] = mapped_column(Text, unique=True)
    operator: Mapped[str] = mapped_column(Text)
    profile: Mapped[str | None] = mapped_column(Text)
    tool_version: Mapped[str] = mapped_column(Text)
    hostname: Mapped[str] = mapped_column(Text)
    out_dir: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "running" until the archive is closed, then "completed".
    status: Mapped[str] = mapped_column(String(20))


class WarcFileRow(Base):
    """One WARC file written by WildTrace; ``sha256`` and ``size`` are set when it is closed."""

    __tablename__ = "warc_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Absolute path of the finished file (the ``.open`` name while it is being written).
    path: Mapped[str] = mapped_column(Text, unique=True)
    crawl_id: Mapped[str | None] = mapped_column(Text, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))


class WarcRecordRow(Base):
    """A response record written to a WARC file: where it is and the fingerprints it had."""

    __tablename__ = "warc_records"
    __table_args__ = (UniqueConstraint("warc_file", "offset"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(Text, unique=True)
    crawl_id: Mapped[str | None] = mapped_column(Text, index=True)
    warc_file: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int] = mapped_column(BigInteger)
    url: Mapped[str] = mapped_column(Text, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(Text)
    #: SHA-256 (hex) of the HTTP payload as a reader decodes it (what the parser saw).
    payload_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The record's own WARC-Payload-Digest and WARC-Block-Digest headers.
    payload_digest: Mapped[str] = mapped_column(Text)
    block_digest: Mapped[str] = mapped_column(Text)


class CustodyRow(Base):
    """One chain-of-custody entry; ``hash`` covers the entry and the previous entry's hash."""

    __tablename__ = "custody_log"
    __table_args__ = (Index("ix_custody_log_subject", "subject"),)

    #: 1, 2, 3 ... with no gaps: a deleted entry leaves a hole that verification reports.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: ISO 8601 UTC with microseconds, as hashed.
    at: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(Text)
    #: Canonical JSON (sorted keys, no spaces), as hashed.
    detail: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
