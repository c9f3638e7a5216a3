"""Watchlists and alerts (issue 13): tables ``watchlists``, ``watch_entries``, ``alerts``.

Revision ID: 0010_watchlists
Revises: 0009_score_order
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_watchlists"
down_revision: str | Sequence[str] | None = "0009_score_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the type in tables.py: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=12), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_watchlists_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
        sa.UniqueConstraint("name", name=op.f("uq_watchlists_name")),
    )
    op.create_index(op.f("ix_watchlists_agency_id"), "watchlists", ["agency_id"])
    op.create_table(
        "watch_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watchlist_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("valid_until", UTC_DATETIME, nullable=True),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("added_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_watch_entries_watchlist_id_watchlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_entries")),
        sa.UniqueConstraint(
            "watchlist_id",
            "type",
            "value",
            "platform",
            name=op.f("uq_watch_entries_watchlist_id_type_value_platform"),
        ),
    )
    op.create_index("ix_watch_entries_value", "watch_entries", ["value"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("watchlist_id", sa.Integer(), nullable=True),
        sa.Column("selector_type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("raised_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_alerts_listing_id_listings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["watch_entries.id"],
            name=op.f("fk_alerts_entry_id_watch_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_alerts_watchlist_id_watchlists"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("listing_id", "entry_id", name=op.f("uq_alerts_listing_id_entry_id")),
    )
    op.create_index(op.f("ix_alerts_listing_id"), "alerts", ["listing_id"])
    op.create_index(op.f("ix_alerts_watchlist_id"), "alerts", ["watchlist_id"])
    op.create_index("ix_alerts_raised_at_id", "alerts", ["raised_at", "id"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("watch_entries")
    op.drop_index(op.f("ix_watchlists_agency_id"), table_name="watchlists")
    op.drop_table("watchlists")
