"""Reviewers' labels of listings (issue 12): table ``labels``, history kept.

Revision ID: 0006_labels
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_labels"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the type in tables.py: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("agency", sa.Text(), nullable=True),
        sa.Column("labelled_at", UTC_DATETIME, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_labels_listing_id_listings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
    )
    op.create_index(op.f("ix_labels_listing_id"), "labels", ["listing_id"])
    op.create_index(op.f("ix_labels_reviewer"), "labels", ["reviewer"])


def downgrade() -> None:
    op.drop_index(op.f("ix_labels_reviewer"), table_name="labels")
    op.drop_index(op.f("ix_labels_listing_id"), table_name="labels")
    op.drop_table("labels")
