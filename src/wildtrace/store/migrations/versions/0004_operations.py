"""Operations, seizures, suspects and outcomes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in tables.py: a migration must not change when the code does.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "ops_operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("coordinator", sa.Text(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_operations")),
        sa.UniqueConstraint("name", name=op.f("uq_ops_operations_name")),
    )
    op.create_table(
        "ops_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _fk("ops_agencies", "operation_id", "ops_operations", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_agencies")),
        sa.UniqueConstraint(
            "operation_id", "country", "name", name=op.f("uq_ops_agencies_operation_id_country_name")
        ),
    )
    op.create_table(
        "ops_seizures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("seized_on", sa.Date(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("detection_point", sa.Text(), nullable=True),
        sa.Column("transport_mode", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=2), nullable=True),
        sa.Column("transit", JSON, nullable=False),
        sa.Column("destination", sa.String(length=2), nullable=True),
        sa.Column("concealment", sa.Text(), nullable=True),
        sa.Column("commodity", sa.Text(), nullable=False),
        sa.Column("species", sa.Text(), nullable=True),
        sa.Column("trade_term", sa.String(length=3), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("kg", sa.Float(), nullable=True),
        sa.Column("m3", sa.Float(), nullable=True),
        sa.Column("pieces", sa.Float(), nullable=True),
        sa.Column("live", sa.Float(), nullable=True),
        sa.Column("value_usd", sa.Float(), nullable=True),
        sa.Column("unnamed_suspects", sa.Integer(), nullable=False),
        sa.Column("extra", JSON, nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC_DATETIME, nullable=False),
        _fk("ops_seizures", "operation_id", "ops_operations", "CASCADE"),
        _fk("ops_seizures", "agency_id", "ops_agencies", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_seizures")),
        sa.UniqueConstraint(
            "operation_id", "fingerprint", name=op.f("uq_ops_seizures_operation_id_fingerprint")
        ),
    )
    op.create_index(op.f("ix_ops_seizures_operation_id"), "ops_seizures", ["operation_id"])
    op.create_index(op.f("ix_ops_seizures_country"), "ops_seizures", ["country"])
    op.create_index(op.f("ix_ops_seizures_commodity"), "ops_seizures", ["commodity"])
    op.create_table(
        "ops_suspects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        _fk("ops_suspects", "operation_id", "ops_operations", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_suspects")),
        sa.UniqueConstraint("operation_id", "name", name=op.f("uq_ops_suspects_operation_id_name")),
    )
    op.create_table(
        "ops_seizure_suspects",
        sa.Column("seizure_id", sa.Integer(), nullable=False),
        sa.Column("suspect_id", sa.Integer(), nullable=False),
        _fk("ops_seizure_suspects", "seizure_id", "ops_seizures", "CASCADE"),
        _fk("ops_seizure_suspects", "suspect_id", "ops_suspects", "CASCADE"),
        sa.PrimaryKeyConstraint("seizure_id", "suspect_id", name=op.f("pk_ops_seizure_suspects")),
    )
    op.create_index(op.f("ix_ops_seizure_suspects_suspect_id"), "ops_seizure_suspects", ["suspect_id"])
    op.create_table(
        "ops_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suspect_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        _fk("ops_outcomes", "suspect_id", "ops_suspects", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_outcomes")),
        sa.UniqueConstraint(
            "suspect_id", "kind", "occurred_on", name=op.f("uq_ops_outcomes_suspect_id_kind_occurred_on")
        ),
    )
    op.create_table(
        "ops_online_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seizure_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        _fk("ops_online_links", "seizure_id", "ops_seizures", "CASCADE"),
        _fk("ops_online_links", "listing_id", "listings", "SET NULL"),
        _fk("ops_online_links", "account_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_online_links")),
        sa.UniqueConstraint(
            "seizure_id", "kind", "ref", name=op.f("uq_ops_online_links_seizure_id_kind_ref")
        ),
    )
    op.create_index(op.f("ix_ops_online_links_seizure_id"), "ops_online_links", ["seizure_id"])


def downgrade() -> None:
    for table in (
        "ops_online_links",
        "ops_outcomes",
        "ops_seizure_suspects",
        "ops_suspects",
        "ops_seizures",
        "ops_agencies",
        "ops_operations",
    ):
        op.drop_table(table)
