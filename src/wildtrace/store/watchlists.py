"""Watchlists and alerts in the store: add and remove known identifiers, and raise an alert
when a stored listing carries one.

Matching happens where listings are written (``Store.save_batch`` calls
``alerts.raise_alerts`` in the same transaction), so scan, crawl, load and retrain all raise
alerts, and a listing stored is never missed. It costs one indexed look-up per batch: the
batch's selector values against ``watch_entries.value``. A new entry is also matched at once
against the listings already stored ("retro-hunt"), so ``watch add`` tells whether the value
is known.

Values are compared normalised (``extract.identifiers.identify`` for entries, the
extractors for listings), so ``+84 91 234 5678`` matches ``0912345678`` written in Vietnam.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, delete, func, insert, or_, select

from wildtrace.errors import AccessError
from wildtrace.extract import HANDLE_TYPES, Identifier
from wildtrace.store.access import (
    DEFAULT_MARKING,
    Viewer,
    listing_is_visible,
    parse_marking,
    watchlist_is_visible,
)
from wildtrace.store.alerts import CHUNK, insert_alerts
from wildtrace.store.audit import AuditLog
from wildtrace.store.browse import listing_ref
from wildtrace.store.repository import WATCH_TABLES
from wildtrace.store.tables import AccountRow, ListingRow, PlatformRow, SelectorRow
from wildtrace.store.tables_access import AgencyRow
from wildtrace.store.tables_watch import AlertRow, WatchEntryRow, WatchlistRow

if TYPE_CHECKING:
    from wildtrace.store import Store

_RELATIVE = re.compile(r"^(\d+)\s*([dhm])$")
#: The watchlist ``watch add`` writes to unless told otherwise.
DEFAULT_WATCHLIST = "local"


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """An identifier to put on a watchlist, with where it came from."""

    identifier: Identifier
    note: str = ""
    valid_until: datetime | None = None
    source_ref: str = ""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add_entries`` did: entries new to the list, already on it, and the alerts the
    new ones raised over the listings already stored."""

    watchlist: str
    added: int
    already: int
    alerts: int


@dataclass(frozen=True, slots=True)
class WatchlistInfo:
    name: str
    agency: str
    tlp: str
    source: str
    entries: int
    alerts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EntryInfo:
    id: int
    watchlist: str
    type: str
    value: str
    platform: str
    note: str
    valid_until: datetime | None
    source_ref: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class AlertInfo:
    """An alert as shown to a user: the listing, the identifier, the watchlist and when."""

    id: int
    listing_id: int
    listing_key: str
    title: str | None
    url: str | None
    selector_type: str
    value: str
    watchlist: str | None
    note: str
    raised_at: datetime


def parse_until(text: str) -> datetime:
    """``2027-01-31`` (valid through that day, UTC) or an ISO 8601 time with its zone."""
    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
            return day + timedelta(days=1)
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date (2027-01-31) nor an ISO 8601 time") from exc
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``7d``, ``24h``, ``30m`` (ago), or a date or ISO 8601 time."""
    found = _RELATIVE.match(text.strip().lower())
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        step = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}[unit]
        return (now or datetime.now(UTC)) - amount * step
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a time: give 7d, 24h, 2026-12-01 or an ISO 8601 time") from exc
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def ensure_watchlist(
    conn: Connection, name: str, viewer: Viewer, marking: str | None = None, source: str = "typed"
) -> int:
    """The id of watchlist ``name``, created on first use owned by ``viewer``'s agency under
    ``marking`` (AMBER by default). An existing list of another agency is refused."""
    row = conn.execute(
        select(WatchlistRow.id, WatchlistRow.agency_id, WatchlistRow.tlp).where(WatchlistRow.name == name)
    ).first()
    if row is not None:
        if row.agency_id != viewer.agency_id:
            raise AccessError(f"watchlist {name!r} belongs to another agency; choose another name")
        if marking is not None and parse_marking(marking) != row.tlp:
            raise AccessError(
                f"watchlist {name!r} is marked {row.tlp}, not {parse_marking(marking)}; "
                "use another list for material under another marking"
            )
        return int(row.id)
    tlp = parse_marking(marking) if marking is not None else DEFAULT_MARKING
    return int(
        conn.execute(
            insert(WatchlistRow)
            .values(name=name, agency_id=viewer.agency_id, tlp=tlp, source=source, created_at=_now())
            .returning(WatchlistRow.id)
        ).scalar_one()
    )


def add_entries(
    store: Store,
    entries: Iterable[WatchEntry],
    viewer: Viewer,
    watchlist: str = DEFAULT_WATCHLIST,
    marking: str | None = None,
    source: str = "typed",
) -> AddResult:
    """Put ``entries`` on ``watchlist`` (created if new), in one transaction, and raise the
    alerts they find among the listings already stored. An entry already on the list is left
    as it is (counted in ``already``)."""
    unique: dict[tuple[str, str, str], WatchEntry] = {}
    for entry in entries:
        key = (entry.identifier.type, entry.identifier.value, entry.identifier.platform)
        unique.setdefault(key, entry)
    with store.write_transaction(f"add entries to watchlist {watchlist}") as conn:
        list_id = ensure_watchlist(conn, watchlist, viewer, marking, source)
        known: set[tuple[str, str, str]] = set()
        items = list(unique)
        for start in range(0, len(items), CHUNK):
            chunk = [value for _, value, _ in items[start : start + CHUNK]]
            known.update(
                conn.execute(
                    select(WatchEntryRow.type, WatchEntryRow.value, WatchEntryRow.platform).where(
                        WatchEntryRow.watchlist_id == list_id, WatchEntryRow.value.in_(chunk)
                    )
                )
            )
        now = _now()
        rows = [
            {
                "watchlist_id": list_id, "type": key[0], "value": key[1], "platform": key[2],
                "note": entry.note, "valid_until": entry.valid_until, "source_ref": entry.source_ref,
                "added_at": now,
            }
            for key, entry in unique.items()
            if key not in known
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            conn.execute(insert(WatchEntryRow), rows[start : start + 5000])
        alerts = _retro_hunt(conn, list_id, now) if rows else 0
        AuditLog.append_in(
            conn, viewer, "watch.add", f"watchlist:{watchlist}",
            detail={
                "added": len(rows), "already": len(unique) - len(rows), "alerts": alerts, "source": source,
            },
        )  # fmt: skip
    store.refresh_statistics(len(rows) + alerts, WATCH_TABLES)  # a big import or retro-hunt
    return AddResult(watchlist, len(rows), len(unique) - len(rows), alerts)


def _retro_hunt(conn: Connection, list_id: int, since: datetime) -> int:
    """Alerts for the entries of ``list_id`` added at ``since`` over the stored listings.

    Written as equality joins on (type, value), so each fresh entry is one probe of the
    selectors' (type, value) index; a handle on any app is one probe per app."""
    live = or_(WatchEntryRow.valid_until.is_(None), WatchEntryRow.valid_until > since)
    fresh = and_(WatchEntryRow.watchlist_id == list_id, WatchEntryRow.added_at == since, live)
    columns = (SelectorRow.listing_id, WatchEntryRow.id, SelectorRow.type, SelectorRow.value)
    same_type = (
        select(*columns)
        .join(
            SelectorRow,
            and_(SelectorRow.type == WatchEntryRow.type, SelectorRow.value == WatchEntryRow.value),
        )
        .where(fresh)
    )
    found = [(lid, eid, stype, value) for lid, eid, stype, value in conn.execute(same_type)]
    for app in sorted(HANDLE_TYPES):
        any_app = (
            select(*columns)
            .join(SelectorRow, and_(SelectorRow.type == app, SelectorRow.value == WatchEntryRow.value))
            .where(fresh, WatchEntryRow.type == "handle")
        )
        found += [(lid, eid, stype, value) for lid, eid, stype, value in conn.execute(any_app)]
    wanted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for eid, value, platform in conn.execute(
        select(WatchEntryRow.id, WatchEntryRow.value, WatchEntryRow.platform).where(
            fresh, WatchEntryRow.type == "account"
        )
    ):
        wanted[value].append((eid, platform))
    if wanted:
        # seller names are compared case-folded in Python (SQLite's lower() is ASCII only),
        # over the accounts (far fewer than listings), then their listings are read
        hits: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for account_id, seller, platform in conn.execute(
            select(AccountRow.id, AccountRow.seller, PlatformRow.name).join(
                PlatformRow, PlatformRow.id == AccountRow.platform_id
            )
        ):
            for eid, entry_platform in wanted.get(seller.casefold(), ()):
                if entry_platform in ("", platform.casefold()):
                    hits[account_id].append((eid, seller.casefold()))
        accounts = sorted(hits)
        for start in range(0, len(accounts), CHUNK):
            for lid, owner in conn.execute(
                select(ListingRow.id, ListingRow.account_id).where(
                    ListingRow.account_id.in_(accounts[start : start + CHUNK])
                )
            ):
                found += [(lid, eid, "account", value) for eid, value in hits.get(owner or 0, ())]
    return insert_alerts(conn, found, since)


def remove_entries(store: Store, identifier: Identifier, viewer: Viewer, watchlist: str | None = None) -> int:
    """Take ``identifier`` off ``watchlist`` (off every list of ``viewer``'s agency when None);
    returns how many entries went. Alerts already raised stay, as history."""
    with store.write_transaction("remove a watchlist entry") as conn:
        lists = select(WatchlistRow.id).where(WatchlistRow.agency_id == viewer.agency_id)
        if watchlist is not None:
            lists = lists.where(WatchlistRow.name == watchlist)
        gone = conn.execute(
            delete(WatchEntryRow).where(
                WatchEntryRow.watchlist_id.in_(lists),
                WatchEntryRow.type == identifier.type,
                WatchEntryRow.value == identifier.value,
                WatchEntryRow.platform == identifier.platform,
            )
        ).rowcount
        AuditLog.append_in(
            conn, viewer, "watch.remove", f"watchlist:{watchlist or '*'}",
            detail={"type": identifier.type, "value": identifier.value, "removed": gone},
        )  # fmt: skip
    return int(gone or 0)


def list_watchlists(store: Store, viewer: Viewer) -> list[WatchlistInfo]:
    """The watchlists ``viewer`` may see, with their entry counts and the counts of the alerts
    they raised on listings ``viewer`` may see (a count over hidden listings would tell that a
    watched value is in them)."""
    entries = select(func.count()).where(WatchEntryRow.watchlist_id == WatchlistRow.id).scalar_subquery()
    alerts = (
        select(func.count())
        .where(AlertRow.watchlist_id == WatchlistRow.id, listing_is_visible(viewer, AlertRow.listing_id))
        .scalar_subquery()
    )
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                WatchlistRow.name, AgencyRow.code, WatchlistRow.tlp, WatchlistRow.source, entries, alerts,
                WatchlistRow.created_at,
            )
            .join(AgencyRow, AgencyRow.id == WatchlistRow.agency_id)
            .where(watchlist_is_visible(viewer))
            .order_by(WatchlistRow.name)
        ).all()  # fmt: skip
    return [WatchlistInfo(n, a, t, s, int(e), int(c), at) for n, a, t, s, e, c, at in rows]


def list_entries(
    store: Store, viewer: Viewer, watchlist: str | None = None, limit: int = 1000
) -> list[EntryInfo]:
    """Entries of the visible watchlists (of ``watchlist`` only when given), newest first."""
    query = (
        select(
            WatchEntryRow.id, WatchlistRow.name, WatchEntryRow.type, WatchEntryRow.value,
            WatchEntryRow.platform, WatchEntryRow.note, WatchEntryRow.valid_until,
            WatchEntryRow.source_ref, WatchEntryRow.added_at,
        )
        .join(WatchlistRow, WatchlistRow.id == WatchEntryRow.watchlist_id)
        .where(watchlist_is_visible(viewer))
        .order_by(WatchEntryRow.id.desc())
        .limit(limit)
    )  # fmt: skip
    if watchlist is not None:
        query = query.where(WatchlistRow.name == watchlist)
    with store.engine.connect() as conn:
        return [EntryInfo(*row) for row in conn.execute(query)]


def list_alerts(
    store: Store, viewer: Viewer, since: datetime | None = None, limit: int = 500, offset: int = 0
) -> list[AlertInfo]:
    """The alerts ``viewer`` may see (the listing and the watchlist both visible), newest first."""
    query = (
        select(
            AlertRow.id, AlertRow.listing_id, PlatformRow.name, ListingRow.uid, ListingRow.title,
            ListingRow.url, AlertRow.selector_type, AlertRow.value, WatchlistRow.name,
            WatchEntryRow.note, AlertRow.raised_at,
        )
        .join(ListingRow, ListingRow.id == AlertRow.listing_id)
        .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .join(WatchlistRow, WatchlistRow.id == AlertRow.watchlist_id)
        .outerjoin(WatchEntryRow, WatchEntryRow.id == AlertRow.entry_id)
        .where(watchlist_is_visible(viewer), listing_is_visible(viewer, AlertRow.listing_id))
        .order_by(AlertRow.raised_at.desc(), AlertRow.id.desc())
        .limit(limit)
        .offset(offset)
    )  # fmt: skip
    if since is not None:
        query = query.where(AlertRow.raised_at >= since)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        AlertInfo(
            aid, lid, listing_ref(platform, uid), title, url, stype, value, wl, note or "", at
        )
        for aid, lid, platform, uid, title, url, stype, value, wl, note, at in rows
    ]


def count_alerts(store: Store, viewer: Viewer, since: datetime | None = None) -> int:
    """How many alerts ``viewer`` may see (since ``since``)."""
    query = (
        select(func.count())
        .select_from(AlertRow)
        .join(WatchlistRow, WatchlistRow.id == AlertRow.watchlist_id)
        .where(watchlist_is_visible(viewer), listing_is_visible(viewer, AlertRow.listing_id))
    )
    if since is not None:
        query = query.where(AlertRow.raised_at >= since)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
