"""Detector models trained on the store's reviewer labels, at most one active (issue 12).

Revision ID: 0007_models
Revises: 0006_labels
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_models"
down_revision: str | Sequence[str] | None = "0006_labels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in tables.py: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=True)
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("metrics", JSON_TYPE, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_models")),
    )
    op.create_index(
        "ix_models_one_active", "models", ["active"], unique=True,
        sqlite_where=sa.text("active"), postgresql_where=sa.text("active"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_models_one_active", table_name="models")
    op.drop_table("models")
