"""Initial schema: listings and their analyses, evidence, selectors, networks, runs, rejects.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in tables.py: a migration must not change when the code does.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)


def _listing_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["listings.id"],
        name=op.f(f"fk_{table}_{column}_listings"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("name", name=op.f("uq_platforms_name")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("seller", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_accounts_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("platform_id", "seller", name=op.f("uq_accounts_platform_id_seller")),
    )
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Text(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("seller_info", sa.Text(), nullable=True),
        sa.Column("price", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("posted_at", sa.Text(), nullable=True),
        sa.Column("images", JSON, nullable=False),
        sa.Column("extra", JSON, nullable=False),
        sa.Column("origin_file", sa.Text(), nullable=True),
        sa.Column("origin_line", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen", UTC_DATETIME, nullable=False),
        sa.Column("last_seen", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_listings_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_listings_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.UniqueConstraint("uid", name=op.f("uq_listings_uid")),
    )
    op.create_index(op.f("ix_listings_account_id"), "listings", ["account_id"])
    op.create_index(op.f("ix_listings_platform_id"), "listings", ["platform_id"])

    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("captured_at", sa.Text(), nullable=True),
        sa.Column("content_type", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("warc_file", sa.Text(), nullable=True),
        sa.Column("warc_offset", sa.BigInteger(), nullable=True),
        _listing_fk("listing_id", "captures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        sa.UniqueConstraint("listing_id", "sha256", name=op.f("uq_captures_listing_id_sha256")),
    )
    op.create_index(op.f("ix_captures_sha256"), "captures", ["sha256"])

    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("analyzer_version", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("commodities", JSON, nullable=False),
        sa.Column("taxa", JSON, nullable=False),
        sa.Column("legality_cues", JSON, nullable=False),
        sa.Column("analysed_at", UTC_DATETIME, nullable=False),
        _listing_fk("listing_id", "analyses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyses")),
        sa.UniqueConstraint("listing_id", name=op.f("uq_analyses_listing_id")),
    )
    op.create_index(op.f("ix_analyses_flagged"), "analyses", ["flagged"])

    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("commodity", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("taxon", sa.Text(), nullable=True),
        _listing_fk("listing_id", "matches"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
    )
    op.create_index(op.f("ix_matches_commodity"), "matches", ["commodity"])
    op.create_index(op.f("ix_matches_listing_id"), "matches", ["listing_id"])

    op.create_table(
        "selectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=True),
        _listing_fk("listing_id", "selectors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selectors")),
    )
    op.create_index(op.f("ix_selectors_listing_id"), "selectors", ["listing_id"])
    op.create_index("ix_selectors_type_value", "selectors", ["type", "value"])

    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_listing_id", sa.Integer(), nullable=False),
        sa.Column("target_listing_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _listing_fk("source_listing_id", "links"),
        _listing_fk("target_listing_id", "links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
    )
    op.create_index(op.f("ix_links_source_listing_id"), "links", ["source_listing_id"])
    op.create_index(op.f("ix_links_target_listing_id"), "links", ["target_listing_id"])

    op.create_table(
        "network_members",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.Text(), nullable=False),
        _listing_fk("listing_id", "network_members"),
        sa.PrimaryKeyConstraint("listing_id", name=op.f("pk_network_members")),
    )
    op.create_index(op.f("ix_network_members_cluster"), "network_members", ["cluster"])

    op.create_table(
        "held_back",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_back")),
    )

    op.create_table(
        "scan_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("inputs", JSON, nullable=False),
        sa.Column("read", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_runs")),
    )
    op.create_table(
        "rejects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scan_runs.id"],
            name=op.f("fk_rejects_run_id_scan_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejects")),
        sa.UniqueConstraint("file", "line", "raw_sha256", name=op.f("uq_rejects_file_line_raw_sha256")),
    )
    op.create_index(op.f("ix_rejects_run_id"), "rejects", ["run_id"])


def downgrade() -> None:
    for table in (
        "rejects",
        "scan_runs",
        "held_back",
        "network_members",
        "links",
        "selectors",
        "matches",
        "analyses",
        "captures",
        "listings",
        "accounts",
        "platforms",
    ):
        op.drop_table(table)
