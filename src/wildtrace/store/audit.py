"""The audit log: who read or wrote which case data, when and from where.

Hash-chained and append-only exactly like the custody log (``evidence/custody.py``, whose
canonical JSON, time stamps and chain report it shares): each entry's hash covers the entry
and the previous hash, appenders are serialised, and triggers (migration 0008) refuse UPDATE
and DELETE. ``verify`` re-walks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.errors import StoreError
from wildtrace.evidence.custody import GENESIS, ChainProblem, ChainReport, canonical_json, utc_stamp
from wildtrace.store.engine import WRITE_OPTION
from wildtrace.store.tables_access import AuditRow

if TYPE_CHECKING:
    from wildtrace.store import Store
    from wildtrace.store.access import Viewer

_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"wildtrace audit log").digest()[:8], "big") >> 1
_PAGE = 1000


def audit_hash(fields: dict[str, Any]) -> str:
    """The hash of one entry's fields (including ``prev_hash``), over their canonical JSON."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def _fields(row: Any) -> dict[str, Any]:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = row.detail
    return {
        "seq": row.seq, "at": row.at, "user": row.username, "agency": row.agency, "action": row.action,
        "object": row.object, "address": row.address, "detail": detail, "prev_hash": row.prev_hash,
    }  # fmt: skip


class AuditLog:
    """Append to, read and check a store's audit log."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def append(
        self,
        viewer: Viewer | None,
        action: str,
        object: str,
        address: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        """One entry, in its own transaction."""
        try:
            with self._store.engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    self.append_in(conn, viewer, action, object, address, detail)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self._store.url}: could not append to the audit log: {exc}") from exc

    @staticmethod
    def append_in(
        conn: Connection,
        viewer: Viewer | None,
        action: str,
        object: str,
        address: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        """One entry inside the caller's write transaction: stored with what it records, or not."""
        detail_text = canonical_json(dict(detail or {}))
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        head = conn.execute(
            select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
        ).first()
        seq, prev = (1, GENESIS) if head is None else (head.seq + 1, head.hash)
        fields = {
            "seq": seq, "at": utc_stamp(), "user": viewer.username if viewer else "cli",
            "agency": viewer.agency_code if viewer else "local", "action": action, "object": object,
            "address": address, "detail": json.loads(detail_text), "prev_hash": prev,
        }  # fmt: skip
        conn.execute(
            insert(AuditRow),
            {
                "seq": seq, "at": fields["at"], "username": fields["user"], "agency": fields["agency"],
                "action": action, "object": object, "address": address, "detail": detail_text,
                "prev_hash": prev, "hash": audit_hash(fields),
            },
        )  # fmt: skip

    def entries(
        self,
        limit: int = 100,
        username: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """The newest ``limit`` entries (newest first), filtered by user, action and time."""
        query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
        if username is not None:
            query = query.where(AuditRow.username == username)
        if action is not None:
            query = query.where(AuditRow.action == action)
        if since is not None:
            query = query.where(AuditRow.at >= utc_stamp(since))
        with self._store.read_connection("read the audit log") as conn:
            rows = conn.execute(query).all()
        return [{**_fields(row), "hash": row.hash} for row in rows]

    def all_entries(self) -> Iterator[dict[str, Any]]:
        """Every entry, oldest first (for export)."""
        for row in self._rows():
            yield {**_fields(row), "hash": row.hash}

    def verify(self) -> ChainReport:
        """Re-hash every entry and re-walk the links; every problem is reported."""
        problems: list[ChainProblem] = []
        expected_seq, prev, count = 1, GENESIS, 0
        for row in self._rows():
            count += 1
            if row.seq != expected_seq:
                problems.append(
                    ChainProblem(row.seq, "missing", f"entry {expected_seq} next", f"entry {row.seq}")
                )
            if row.prev_hash != prev:
                problems.append(ChainProblem(row.seq, "broken link", f"prev_hash {prev}", row.prev_hash))
            recomputed = audit_hash(_fields(row))
            if recomputed != row.hash:
                problems.append(ChainProblem(row.seq, "edited", f"hash {recomputed}", row.hash))
            expected_seq, prev = row.seq + 1, row.hash
        return ChainReport(count, prev, tuple(problems))

    def _rows(self) -> Iterator[Any]:
        after = 0
        while True:
            query = select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(_PAGE)
            try:
                with self._store.engine.connect() as conn:
                    rows = conn.execute(query).all()
            except SQLAlchemyError as exc:
                raise StoreError(f"{self._store.url}: could not read the audit log: {exc}") from exc
            if not rows:
                return
            yield from rows
            after = rows[-1].seq
