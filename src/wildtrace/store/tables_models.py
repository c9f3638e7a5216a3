"""The detector models trained on this store's reviewer labels (issue 12).

Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
A model is kept whole (the ``.npz`` bytes ``LearnedModel.to_bytes`` writes), so an
activated model is exactly the one that was measured; at most one is active (a unique
index over the active rows), none means the packaged model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from wildtrace.store.tables import Base, JSONType, UTCDateTime


class ModelRow(Base):
    """One trained detector: its version (the row id), the SHA-256 of its bytes, the
    threshold chosen on out-of-fold predictions, who trained it and how it measured."""

    __tablename__ = "models"
    __table_args__ = (
        Index("ix_models_one_active", "active", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )  # fmt: skip

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    threshold: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(Text)
    #: cross-validated precision, recall, F1 on the labels; label counts; training sources
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(Boolean)
