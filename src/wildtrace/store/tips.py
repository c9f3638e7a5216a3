"""Tips: a URL or a text a partner (an NGO, a researcher) sends to an agency, with a note.

A partner sees only the tips it submitted; the agency's users see the tips sent to their
agency. The rule is here, beside the query, as ``store/access.py`` keeps the listing rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, insert, or_, select, update

from wildtrace.errors import AccessError
from wildtrace.store.collections import agency_id
from wildtrace.store.tables_access import AgencyRow, TipRow, UserRow

if TYPE_CHECKING:
    from wildtrace.store import Store
    from wildtrace.store.access import Viewer

#: What a tip's triage may set.
TIP_STATES = ("new", "crawled", "dismissed")
#: The longest text or note kept (a tip is a lead, not an archive).
MAX_TIP_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class Tip:
    id: int
    agency: str
    submitted_by: str
    url: str | None
    text: str | None
    note: str
    status: str
    created_at: datetime


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    """Partners see what they sent; everybody else the tips sent to their agency."""
    if viewer.is_partner or viewer.user_id is None:
        return TipRow.submitted_by == (viewer.user_id or -1)
    return or_(TipRow.agency_id == viewer.agency_id, TipRow.submitted_by == viewer.user_id)


def submit_tip(
    store: Store, viewer: Viewer, agency: str, url: str | None, text: str | None, note: str = ""
) -> int:
    """Record a tip for ``agency``; a URL must be http(s); a URL or a text is required."""
    url = (url or "").strip() or None
    text = (text or "").strip() or None
    if url is None and text is None:
        raise AccessError("a tip needs a URL or a text")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise AccessError(f"tip URL {url[:200]!r}: give an http:// or https:// address")
    if viewer.user_id is None:
        raise AccessError("a tip is submitted by a signed-in user")
    with store.write_transaction("submit a tip") as conn:
        target = agency_id(conn, agency)
        if target is None:
            raise AccessError(f"unknown agency {agency!r}")
        result = conn.execute(
            insert(TipRow)
            .values(
                submitted_by=viewer.user_id, agency_id=target, url=url,
                text=text[:MAX_TIP_TEXT] if text else None, note=note.strip()[:MAX_TIP_TEXT],
                status="new", created_at=datetime.now(UTC),
            )
            .returning(TipRow.id)
        )  # fmt: skip
        return int(result.scalar_one())


def list_tips(store: Store, viewer: Viewer, status: str | None = None, limit: int = 200) -> list[Tip]:
    """The tips ``viewer`` may see, newest first."""
    query = (
        select(
            TipRow.id,
            AgencyRow.code,
            UserRow.username,
            TipRow.url,
            TipRow.text,
            TipRow.note,
            TipRow.status,
            TipRow.created_at,
        )
        .join(AgencyRow, AgencyRow.id == TipRow.agency_id)
        .join(UserRow, UserRow.id == TipRow.submitted_by)
        .where(_visible(viewer))
        .order_by(TipRow.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(TipRow.status == status)
    with store.read_connection("list tips") as conn:
        rows = conn.execute(query).all()
    return [Tip(*row) for row in rows]


def set_tip_status(store: Store, viewer: Viewer, tip_id: int, status: str) -> bool:
    """Triage a tip sent to the viewer's agency; False when there is no such tip for them."""
    if status not in TIP_STATES:
        raise AccessError(f"tip status {status!r}: use one of {', '.join(TIP_STATES)}")
    if viewer.is_partner:
        return False
    with store.write_transaction("triage a tip") as conn:
        done = conn.execute(
            update(TipRow)
            .where(TipRow.id == tip_id, TipRow.agency_id == viewer.agency_id)
            .values(status=status)
        )
    return bool(done.rowcount)
