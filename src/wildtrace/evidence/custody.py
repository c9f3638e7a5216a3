"""The chain-of-custody log: who captured, imported, exported, accessed or verified what, when.

Each entry is hashed over a canonical JSON of itself *including the previous entry's hash*::

    hash = sha256(json.dumps({"seq": 7, "at": "2026-11-28T07:00:00.000001Z", "action": "capture",
                              "subject": "https://...", "detail": {...}, "actor": "ana@host",
                              "prev_hash": "<hash of entry 6>"},
                             sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                  .encode("utf-8")).hexdigest()

The first entry's ``prev_hash`` is 64 zeros. Editing an entry changes its hash; deleting one
leaves a gap in ``seq`` and a broken link; reordering breaks the links. Only removing entries at
the very end leaves a valid (shorter) chain: that is why ``verify`` and ``export`` print the head
hash, for the investigator to note in the case file.

Appenders are serialised (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory
lock), and ``seq`` and ``prev_hash`` are unique, so concurrent appenders never fork the chain.
The database also refuses UPDATE and DELETE on the table (triggers from migration 0003).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.errors import StoreError, WildTraceError
from wildtrace.store import Store
from wildtrace.store.engine import WRITE_OPTION
from wildtrace.store.tables_evidence import CustodyRow

Action = Literal["capture", "import", "export", "access", "verify"]
ACTIONS: frozenset[str] = frozenset(get_args(Action))

#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises appenders (any constant works; this
#: one is "WTcustody" folded into 63 bits so it is unlikely to collide with other users').
_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"wildtrace custody log").digest()[:8], "big") >> 1
_PAGE = 1000
#: Subjects per ``IN (...)`` list when entries are looked up by subject.
_SUBJECTS = 500


def canonical_json(value: Any) -> str:
    """The one JSON text of a value that every hash is taken over (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(seq: int, at: str, action: str, subject: str, detail: Any, actor: str, prev_hash: str) -> str:
    """The hash of one entry, chained to the previous one through ``prev_hash``."""
    body = {
        "seq": seq,
        "at": at,
        "action": action,
        "subject": subject,
        "detail": detail,
        "actor": actor,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def default_actor() -> str:
    """``user@host`` of whoever runs the command: the actor when none is given."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def utc_stamp(moment: datetime | None = None) -> str:
    """ISO 8601 UTC with microseconds and a ``Z``: the form ``at`` is stored and hashed in."""
    moment = datetime.now(UTC) if moment is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class CustodyEntry:
    """One entry of the log, as stored."""

    seq: int
    at: str
    action: str
    subject: str
    detail: dict[str, Any]
    actor: str
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data (what an export bundle holds)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "action": self.action,
            "subject": self.subject,
            "detail": self.detail,
            "actor": self.actor,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Something wrong in the log: which entry, what was expected and what was found."""

    seq: int
    kind: str  # "edited", "missing", "broken link", "unreadable"
    expected: str
    found: str

    def __str__(self) -> str:
        return f"custody entry {self.seq}: {self.kind}: expected {self.expected}, found {self.found}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of re-walking the log."""

    entries: int
    head: str
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class CustodyLog:
    """Append to and check the chain-of-custody log in a store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def append(
        self, action: str, subject: str, detail: dict[str, Any] | None = None, actor: str | None = None
    ) -> CustodyEntry:
        """Add one entry at the head of the chain (serialised against other appenders)."""
        if action not in ACTIONS:
            raise ValueError(f"custody action must be one of {sorted(ACTIONS)}, not {action!r}")
        detail = dict(detail or {})
        detail_text = canonical_json(detail)  # raises ValueError on NaN or non-JSON values
        actor = actor or default_actor()
        try:
            with self._store.engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    return self._append(conn, action, subject, detail, detail_text, actor)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self._store.url}: could not append to the custody log: {exc}") from exc

    def append_many(self, items: Sequence[tuple[str, str, dict[str, Any], str]]) -> list[CustodyEntry]:
        """Append several (action, subject, detail, actor) entries in one transaction."""
        for action, *_ in items:
            if action not in ACTIONS:
                raise ValueError(f"custody action must be one of {sorted(ACTIONS)}, not {action!r}")
        if not items:
            return []
        try:
            with self._store.engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    return [
                        self._append(conn, action, subject, detail, canonical_json(detail), actor)
                        for action, subject, detail, actor in items
                    ]
        except SQLAlchemyError as exc:
            raise StoreError(f"{self._store.url}: could not append to the custody log: {exc}") from exc

    @classmethod
    def append_in(
        cls, conn: Connection, action: str, subject: str, detail: dict[str, Any], actor: str
    ) -> CustodyEntry:
        """Append inside a write transaction the caller holds, so that the entry is stored
        together with what it records (or not at all)."""
        if action not in ACTIONS:
            raise ValueError(f"custody action must be one of {sorted(ACTIONS)}, not {action!r}")
        return cls._append(conn, action, subject, dict(detail), canonical_json(detail), actor)

    @staticmethod
    def _append(
        conn: Connection, action: str, subject: str, detail: dict[str, Any], detail_text: str, actor: str
    ) -> CustodyEntry:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        head = conn.execute(
            select(CustodyRow.seq, CustodyRow.hash).order_by(CustodyRow.seq.desc()).limit(1)
        ).first()
        seq, prev = (1, GENESIS) if head is None else (head.seq + 1, head.hash)
        at = utc_stamp()
        digest = entry_hash(seq, at, action, subject, json.loads(detail_text), actor, prev)
        conn.execute(
            insert(CustodyRow),
            {
                "seq": seq,
                "at": at,
                "action": action,
                "subject": subject,
                "detail": detail_text,
                "actor": actor,
                "prev_hash": prev,
                "hash": digest,
            },
        )
        return CustodyEntry(seq, at, action, subject, detail, actor, prev, digest)

    # -- reading -------------------------------------------------------------------------------

    def entries(self, subjects: Sequence[str] | None = None) -> Iterator[CustodyEntry]:
        """Every entry in chain order, or only those about the given subjects."""
        if subjects is not None and len(subjects) > _SUBJECTS:  # keep IN lists small
            unique = sorted(set(subjects))
            found: dict[int, CustodyEntry] = {}
            for start in range(0, len(unique), _SUBJECTS):
                found.update((e.seq, e) for e in self.entries(unique[start : start + _SUBJECTS]))
            yield from (found[seq] for seq in sorted(found))
            return
        after = 0
        while True:
            query = select(CustodyRow).where(CustodyRow.seq > after).order_by(CustodyRow.seq).limit(_PAGE)
            if subjects is not None:
                query = query.where(CustodyRow.subject.in_(list(subjects)))
            try:
                with self._store.engine.connect() as conn:
                    rows = list(conn.execute(query))
            except SQLAlchemyError as exc:
                raise StoreError(f"{self._store.url}: could not read the custody log: {exc}") from exc
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            after = rows[-1].seq

    def entries_from(self, seq: int, limit: int) -> list[CustodyEntry]:
        """Up to ``limit`` entries from number ``seq`` on, in chain order."""
        query = select(CustodyRow).where(CustodyRow.seq >= seq).order_by(CustodyRow.seq).limit(limit)
        try:
            with self._store.engine.connect() as conn:
                return [_entry(row) for row in conn.execute(query)]
        except SQLAlchemyError as exc:
            raise StoreError(f"{self._store.url}: could not read the custody log: {exc}") from exc

    def head(self) -> str:
        """The hash of the newest entry (GENESIS for an empty log)."""
        with self._store.engine.connect() as conn:
            found = conn.execute(select(CustodyRow.hash).order_by(CustodyRow.seq.desc()).limit(1)).scalar()
        return found or GENESIS

    def verify(self) -> ChainReport:
        """Re-hash every entry and re-walk the links; every problem is reported, none hidden."""
        problems: list[ChainProblem] = []
        expected_seq, prev, count = 1, GENESIS, 0
        for entry in self._raw_entries():
            count += 1
            seq, at, action, subject, detail_text, actor, prev_hash, stored_hash = entry
            if seq != expected_seq:
                problems.append(ChainProblem(seq, "missing", f"entry {expected_seq} next", f"entry {seq}"))
            if prev_hash != prev:
                problems.append(ChainProblem(seq, "broken link", f"prev_hash {prev}", prev_hash))
            try:
                detail = json.loads(detail_text)
            except ValueError:
                problems.append(ChainProblem(seq, "unreadable", "JSON detail", detail_text[:80]))
                detail = detail_text
            recomputed = entry_hash(seq, at, action, subject, detail, actor, prev_hash)
            if recomputed != stored_hash:
                problems.append(ChainProblem(seq, "edited", f"hash {recomputed}", stored_hash))
            expected_seq, prev = seq + 1, stored_hash
        return ChainReport(count, prev, tuple(problems))

    def _raw_entries(self) -> Iterator[tuple[int, str, str, str, str, str, str, str]]:
        after: int | None = None
        while True:
            query = select(
                CustodyRow.seq,
                CustodyRow.at,
                CustodyRow.action,
                CustodyRow.subject,
                CustodyRow.detail,
                CustodyRow.actor,
                CustodyRow.prev_hash,
                CustodyRow.hash,
            ).order_by(CustodyRow.seq)
            if after is not None:
                query = query.where(CustodyRow.seq > after)
            try:
                with self._store.engine.connect() as conn:
                    rows = [tuple(row) for row in conn.execute(query.limit(_PAGE))]
            except SQLAlchemyError as exc:
                raise StoreError(f"{self._store.url}: could not read the custody log: {exc}") from exc
            if not rows:
                return
            yield from rows  # type: ignore[misc]
            after = int(rows[-1][0])  # type: ignore[call-overload]


def _entry(row: Any) -> CustodyEntry:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"unreadable": row.detail}
    return CustodyEntry(row.seq, row.at, row.action, row.subject, detail, row.actor, row.prev_hash, row.hash)


# -- anchors: the head kept outside the database ------------------------------------------------


class AnchorError(WildTraceError):
    """An anchor file that cannot be read or written (the user must act)."""


def write_anchor(log: CustodyLog, out: Path, database: str = "") -> dict[str, Any]:
    """Write the chain's head (hash, entry count, time) to ``out``, a file the user keeps apart
    from the database (a case file, a notary, an e-mail): a later ``verify --anchor`` proves the
    log still holds that entry unchanged, so not even the newest entries can be cut off unseen.

    The file is written to an exclusive temporary name beside ``out`` and renamed into place.
    """
    report = log.verify()
    if not report.ok:
        raise AnchorError(f"the custody log has {len(report.problems)} problems; run `evidence verify` first")
    anchor = {
        "format": "wildtrace-custody-anchor-1",
        "custody_head": report.head,
        "entries": report.entries,
        "at": utc_stamp(),
        "database": database,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(anchor, indent=2, sort_keys=True) + "\n")
        os.replace(partial, out)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise AnchorError(f"{out}: cannot write the anchor: {exc.strerror or exc}") from exc
    return anchor


def check_anchor(log: CustodyLog, anchor_file: Path) -> list[ChainProblem]:
    """Problems if the log no longer extends the anchor: its entry ``entries`` must still exist
    with hash ``custody_head`` (the chain links every later entry to it)."""
    try:
        anchor = json.loads(anchor_file.read_text(encoding="utf-8"))
        seq, head = int(anchor["entries"]), str(anchor["custody_head"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = f"not a custody anchor written by `evidence anchor` ({exc})"
        raise AnchorError(f"{anchor_file}: {why}") from exc
    if seq == 0:
        return []
    found = next((entry for entry in log.entries_from(seq, 1)), None)
    if found is None or found.seq != seq:
        return [ChainProblem(seq, "cut below the anchor", f"entry {seq} with hash {head}", "no such entry")]
    if found.hash != head:
        return [ChainProblem(seq, "differs from the anchor", f"hash {head}", found.hash)]
    return []
