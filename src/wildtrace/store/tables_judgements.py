"""Tables for analysts' judgements on links and merges, and the analysed network (issue 4).

Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, UTCDateTime


class JudgementRow(Base):
    """An analyst's confirm or reject of two accounts (or of one value); never deleted:
    undoing it stamps ``undone_at``/``undone_by`` so the record of who decided what stays."""

    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verdict: Mapped[str] = mapped_column(String(10))
    first: Mapped[str] = mapped_column(Text, index=True)
    second: Mapped[str | None] = mapped_column(Text)
    analyst: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(Text)
    #: The analyst's agency (``local`` from the command line; migration 0008).
    agency: Mapped[str | None] = mapped_column(Text)


class NetworkAccountRow(Base):
    """One account of the last analysed network: its group, community and centrality
    (replaced wholesale by each ``wildtrace network`` run on the store)."""

    __tablename__ = "network_accounts"

    account: Mapped[str] = mapped_column(Text, primary_key=True)
    platform: Mapped[str] = mapped_column(Text)
    seller: Mapped[str] = mapped_column(Text)
    listings: Mapped[int] = mapped_column(Integer)
    cluster: Mapped[str] = mapped_column(Text, index=True)
    community: Mapped[str] = mapped_column(Text)
    degree: Mapped[int] = mapped_column(Integer)
    betweenness: Mapped[float] = mapped_column(Float)
