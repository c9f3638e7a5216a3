"""Listings keyed by (platform, id); selectors keep their confidence.

Ids are unique per platform only (issue 10, finding 6): the unique constraint on
``listings.uid`` becomes one on ``(platform_id, uid)``, and a listing that names no
platform points at the platform ``""`` (its own namespace) instead of NULL, so both
directions of a clash behave the same. ``selectors.confidence`` (finding 9) is added;
rows stored before it read 1.0, the value they were shown with.

On SQLite the listings table is rebuilt (batch mode); ``engine.migrate`` turns foreign
keys off around migrations there, so the rebuild cascades nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_platforms = sa.table("platforms", sa.column("id", sa.Integer()), sa.column("name", sa.Text()))
_listings = sa.table("listings", sa.column("platform_id", sa.Integer()))


def upgrade() -> None:
    bind = op.get_bind()
    unnamed = _listings.c.platform_id.is_(None)
    if bind.execute(sa.select(sa.literal(1)).select_from(_listings).where(unnamed).limit(1)).first():
        if bind.execute(sa.select(_platforms.c.id).where(_platforms.c.name == "")).first() is None:
            bind.execute(_platforms.insert().values(name=""))
        unknown = sa.select(_platforms.c.id).where(_platforms.c.name == "").scalar_subquery()
        bind.execute(_listings.update().where(unnamed).values(platform_id=unknown))
    with op.batch_alter_table("listings") as batch:
        batch.alter_column("platform_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("uq_listings_uid", type_="unique")
        batch.create_unique_constraint("uq_listings_platform_id_uid", ["platform_id", "uid"])
        batch.create_index("ix_listings_uid", ["uid"])
    with op.batch_alter_table("selectors") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Back to one namespace of ids; fails if two platforms now share an id."""
    with op.batch_alter_table("selectors") as batch:
        batch.drop_column("confidence")
    with op.batch_alter_table("listings") as batch:
        batch.drop_index("ix_listings_uid")
        batch.drop_constraint("uq_listings_platform_id_uid", type_="unique")
        batch.create_unique_constraint("uq_listings_uid", ["uid"])
        batch.alter_column("platform_id", existing_type=sa.Integer(), nullable=True)
