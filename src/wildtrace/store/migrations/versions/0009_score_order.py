"""An index that serves the web app's lists in score order (issue 11, load benchmark).

The listing lists and the search show the highest scores first. With this index a page of
them is read in order from the index, checking each listing's visibility, instead of sorting
every visible listing: on 100,000 listings a page went from about 130 ms to a few.

Revision ID: 0009_score_order
Revises: 0008_access
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_score_order"
down_revision: str | Sequence[str] | None = "0008_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_analyses_score_listing", "analyses", ["score", "listing_id"])


def downgrade() -> None:
    op.drop_index("ix_analyses_score_listing", table_name="analyses")
