"""The reviewers' labels table (issue 12): every verdict a reviewer gave a listing.

Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, UTCDateTime


class LabelRow(Base):
    """One reviewer's verdict (``yes``/``no``/``unsure``) on one listing. Never updated nor
    deleted by WildTrace: a new verdict is a new row, and a reviewer's latest row of a
    listing is the one that counts, so who said what and when stays on record."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(10))
    reviewer: Mapped[str] = mapped_column(Text, index=True)
    agency: Mapped[str | None] = mapped_column(Text)
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    #: ``cli`` (review label), ``web`` (the web queue) or ``import`` (review import).
    source: Mapped[str] = mapped_column(String(10))
