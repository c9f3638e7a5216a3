"""Link judgements and the analysed network (selectors and networks).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in tables.py: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("first", sa.Text(), nullable=False),
        sa.Column("second", sa.Text(), nullable=True),
        sa.Column("analyst", sa.Text(), nullable=False),
        sa.Column("made_at", UTC_DATETIME, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("undone_at", UTC_DATETIME, nullable=True),
        sa.Column("undone_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgements")),
    )
    op.create_index(op.f("ix_judgements_first"), "judgements", ["first"])
    op.create_table(
        "network_accounts",
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("seller", sa.Text(), nullable=False),
        sa.Column("listings", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.Text(), nullable=False),
        sa.Column("community", sa.Text(), nullable=False),
        sa.Column("degree", sa.Integer(), nullable=False),
        sa.Column("betweenness", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_network_accounts")),
    )
    op.create_index(op.f("ix_network_accounts_cluster"), "network_accounts", ["cluster"])


def downgrade() -> None:
    op.drop_index(op.f("ix_network_accounts_cluster"), table_name="network_accounts")
    op.drop_table("network_accounts")
    op.drop_index(op.f("ix_judgements_first"), table_name="judgements")
    op.drop_table("judgements")
