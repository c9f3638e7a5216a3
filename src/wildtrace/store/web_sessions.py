"""Signed-in browser sessions, kept server-side, and the sign-in throttle.

The cookie holds a random session id; the store keeps only its SHA-256 (``token_digest``),
with the session's CSRF token, when it began and when it was last used. A session ends when
its user logs out, is disabled, stays idle longer than ``IDLE_TIMEOUT`` or lives longer than
``ABSOLUTE_TIMEOUT``: then it is ended here, in the store, not only in the browser.

Sign-in attempts are recorded so that guessing is throttled per account and per address
(``retry_after``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, insert, select, update

from wildtrace.store.access import Viewer
from wildtrace.store.people import token_digest
from wildtrace.store.tables_access import AgencyRow, LoginAttemptRow, UserRow, WebSessionRow

if TYPE_CHECKING:
    from wildtrace.store import Store

# -- the limits, in one place ----------------------------------------------------------------
#: A session unused this long has ended.
IDLE_TIMEOUT = timedelta(minutes=30)
#: A session this old has ended, however busy.
ABSOLUTE_TIMEOUT = timedelta(hours=12)
#: How far back failed sign-ins count.
THROTTLE_WINDOW = timedelta(minutes=15)
#: Failed sign-ins per account within the window before the account is refused for a while.
MAX_ACCOUNT_FAILURES = 5
#: Failed sign-ins from one address within the window (any accounts) before it is refused.
MAX_ADDRESS_FAILURES = 20
#: ``last_seen_at`` is written at most this often (a write per request would be wasted).
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class WebSession:
    """A live session: who, its CSRF token and its row id."""

    id: int
    viewer: Viewer
    csrf_token: str


def _now() -> datetime:
    return datetime.now(UTC)


def create_session(store: Store, user_id: int, address: str = "") -> tuple[str, str]:
    """Begin a session for ``user_id``: (the session id for the cookie, its CSRF token). Only
    the id's SHA-256 is stored."""
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    with store.write_transaction("begin a web session") as conn:
        conn.execute(
            insert(WebSessionRow).values(
                token_hash=token_digest(session_id), user_id=user_id, csrf_token=csrf,
                created_at=now, last_seen_at=now, ended_at=None, address=address or None,
            )
        )  # fmt: skip
    return session_id, csrf


def lookup_session(store: Store, session_id: str, *, touch: bool = True) -> WebSession | None:
    """The live session ``session_id`` names, or None: unknown, ended, expired (idle or
    absolute; then it is ended in the store) or its user disabled. Marks it used now
    (``touch_session``) unless ``touch`` is False."""
    if not session_id:
        return None
    query = (
        select(
            WebSessionRow.id, WebSessionRow.csrf_token, WebSessionRow.created_at,
            WebSessionRow.last_seen_at, WebSessionRow.ended_at, UserRow.id.label("user_id"),
            UserRow.username, UserRow.agency_id, UserRow.role, UserRow.disabled, AgencyRow.code,
        )
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .join(AgencyRow, AgencyRow.id == UserRow.agency_id)
        .where(WebSessionRow.token_hash == token_digest(session_id))
    )  # fmt: skip
    with store.read_connection("look up a web session") as conn:
        row = conn.execute(query).first()
    if row is None or row.ended_at is not None:
        return None
    now = _now()
    if row.disabled or now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
        _end(store, row.id, now)
        return None
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        touch_session(store, row.id, now)
    viewer = Viewer(int(row.user_id), row.username, int(row.agency_id), row.code, row.role)
    return WebSession(int(row.id), viewer, row.csrf_token)


def touch_session(store: Store, row_id: int, now: datetime | None = None) -> None:
    """Mark session ``row_id`` used now (it stays alive another ``IDLE_TIMEOUT``)."""
    with store.write_transaction("mark a web session used") as conn:
        conn.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id == row_id, WebSessionRow.ended_at.is_(None))
            .values(last_seen_at=now or _now())
        )


def end_session(store: Store, session_id: str) -> bool:
    """End the session ``session_id`` names (logging out); False when none was live."""
    with store.write_transaction("end a web session") as conn:
        done = conn.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_digest(session_id), WebSessionRow.ended_at.is_(None))
            .values(ended_at=_now())
        )
    return bool(done.rowcount)


def _end(store: Store, row_id: int, now: datetime) -> None:
    with store.write_transaction("end an expired web session") as conn:
        conn.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id == row_id, WebSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )


def record_attempt(store: Store, username: str, address: str, succeeded: bool) -> None:
    """Remember a sign-in attempt (for ``retry_after``)."""
    with store.write_transaction("record a sign-in attempt") as conn:
        conn.execute(
            insert(LoginAttemptRow).values(username=username, address=address, at=_now(), succeeded=succeeded)
        )


def retry_after(store: Store, username: str, address: str) -> int | None:
    """Seconds to wait before another sign-in attempt for ``username`` from ``address`` is
    heard, or None when it may be tried now: ``MAX_ACCOUNT_FAILURES`` failures of the account
    since its last success, or ``MAX_ADDRESS_FAILURES`` from the address, within
    ``THROTTLE_WINDOW``, refuse it until the oldest of them leaves the window."""
    now = _now()
    since = now - THROTTLE_WINDOW
    row = LoginAttemptRow
    with store.read_connection("check sign-in attempts") as conn:
        last_success = conn.execute(
            select(func.max(row.at)).where(row.username == username, row.succeeded.is_(True), row.at >= since)
        ).scalar_one()
        account_since = max(since, last_success) if last_success is not None else since
        waits: list[datetime] = []
        for condition, limit in (
            (and_(row.username == username, row.at > account_since), MAX_ACCOUNT_FAILURES),
            (and_(row.address == address, row.at >= since), MAX_ADDRESS_FAILURES),
        ):
            failures = conn.execute(
                select(row.at)
                .where(condition, row.succeeded.is_(False))
                .order_by(row.at.desc())
                .limit(limit)
            ).scalars().all()  # fmt: skip
            if len(failures) >= limit:
                oldest = failures[-1]
                if oldest.tzinfo is None:
                    oldest = oldest.replace(tzinfo=UTC)
                waits.append(oldest + THROTTLE_WINDOW)
    if not waits:
        return None
    return max(1, int((max(waits) - now).total_seconds()) + 1)
