"""Evidence: crawls, archives and the chain-of-custody log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the type in tables.py: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=True)

_REFUSE = "the chain-of-custody log is append-only"


def upgrade() -> None:
    op.create_table(
        "crawls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Text(), nullable=False),
        sa.Column("operator", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=True),
        sa.Column("tool_version", sa.Text(), nullable=False),
        sa.Column("hostname", sa.Text(), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawls")),
        sa.UniqueConstraint("crawl_id", name=op.f("uq_crawls_crawl_id")),
    )
    op.create_table(
        "warc_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("crawl_id", sa.Text(), nullable=True),
        sa.Column("opened_at", UTC_DATETIME, nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warc_files")),
        sa.UniqueConstraint("path", name=op.f("uq_warc_files_path")),
    )
    op.create_index(op.f("ix_warc_files_crawl_id"), "warc_files", ["crawl_id"])
    op.create_table(
        "warc_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("crawl_id", sa.Text(), nullable=True),
        sa.Column("warc_file", sa.Text(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.Text(), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("payload_digest", sa.Text(), nullable=False),
        sa.Column("block_digest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warc_records")),
        sa.UniqueConstraint("record_id", name=op.f("uq_warc_records_record_id")),
        sa.UniqueConstraint("warc_file", "offset", name=op.f("uq_warc_records_warc_file_offset")),
    )
    op.create_index(op.f("ix_warc_records_crawl_id"), "warc_records", ["crawl_id"])
    op.create_index(op.f("ix_warc_records_url"), "warc_records", ["url"])
    op.create_index(op.f("ix_warc_records_payload_sha256"), "warc_records", ["payload_sha256"])
    op.create_table(
        "custody_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_custody_log")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_custody_log_prev_hash")),
        sa.UniqueConstraint("hash", name=op.f("uq_custody_log_hash")),
    )
    op.create_index("ix_custody_log_subject", "custody_log", ["subject"])
    _append_only_guard()


def _append_only_guard() -> None:
    """Refuse UPDATE and DELETE on the custody log in the database itself.

    Whoever can drop the trigger can still tamper; the hash chain is what detects that.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION wildtrace_custody_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER custody_log_append_only BEFORE UPDATE OR DELETE ON custody_log "
            "FOR EACH ROW EXECUTE FUNCTION wildtrace_custody_append_only()"
        )
        op.execute(
            "CREATE TRIGGER custody_log_no_truncate BEFORE TRUNCATE ON custody_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION wildtrace_custody_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER custody_log_no_{event.lower()} BEFORE {event} ON custody_log "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )


def downgrade() -> None:
    op.drop_index("ix_custody_log_subject", table_name="custody_log")
    op.drop_table("custody_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS wildtrace_custody_append_only()")
    op.drop_index(op.f("ix_warc_records_payload_sha256"), table_name="warc_records")
    op.drop_index(op.f("ix_warc_records_url"), table_name="warc_records")
    op.drop_index(op.f("ix_warc_records_crawl_id"), table_name="warc_records")
    op.drop_table("warc_records")
    op.drop_index(op.f("ix_warc_files_crawl_id"), table_name="warc_files")
    op.drop_table("warc_files")
    op.drop_table("crawls")
