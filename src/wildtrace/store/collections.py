"""Collections and agencies: where every listing enters the store, and whose it is.

``ensure_collection`` creates a collection on first use, owned by an agency and under a TLP
marking; ``default_collection_id`` is the local agency's ``default`` collection, which holds
what is stored without naming one. The visibility rule over them is ``store/access.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from wildtrace.errors import AccessError
from wildtrace.store.access import (
    DEFAULT_COLLECTION,
    DEFAULT_MARKING,
    LOCAL_AGENCY,
    MarkingError,
    Viewer,
    parse_marking,
)
from wildtrace.store.tables_access import (
    AgencyRow,
    CollectionListingRow,
    CollectionReaderRow,
    CollectionRow,
    CollectionShareRow,
    UserRow,
)

if TYPE_CHECKING:
    from wildtrace.store import Store


def agency_id(conn: Connection, code: str) -> int | None:
    """The row id of the agency ``code``, or None."""
    return conn.execute(select(AgencyRow.id).where(AgencyRow.code == code)).scalar_one_or_none()


def local_agency_id(conn: Connection) -> int:
    """The local agency (the command line's), created if a store lacks it."""
    found = agency_id(conn, LOCAL_AGENCY)
    if found is not None:
        return found
    conn.execute(
        insert(AgencyRow).values(code=LOCAL_AGENCY, name="Local agency", country=None, created_at=_now())
    )
    return int(conn.execute(select(AgencyRow.id).where(AgencyRow.code == LOCAL_AGENCY)).scalar_one())


def default_collection_id(conn: Connection) -> int:
    """The local agency's ``default`` collection (created if missing)."""
    return ensure_collection(conn, DEFAULT_COLLECTION, LOCAL_AGENCY, None)


def ensure_collection(conn: Connection, name: str, agency: str, marking: str | None) -> int:
    """The id of collection ``name``, created on first use owned by ``agency`` and marked
    ``marking`` (AMBER when None). An existing collection of another agency, or one marked
    otherwise than an explicit ``marking``, is an error that says what to do."""
    name = name.strip()
    if not name:
        raise AccessError("a collection needs a name")
    wanted = parse_marking(marking) if marking is not None else None
    row = conn.execute(
        select(CollectionRow.id, CollectionRow.tlp, AgencyRow.code)
        .join(AgencyRow, AgencyRow.id == CollectionRow.agency_id)
        .where(CollectionRow.name == name)
    ).one_or_none()
    if row is not None:
        if row.code != agency:
            raise AccessError(
                f"collection {name!r} belongs to agency {row.code!r}, not {agency!r}; "
                "name another collection, or act as its agency"
            )
        if wanted is not None and wanted != row.tlp:
            raise AccessError(
                f"collection {name!r} is marked {row.tlp}, not {wanted}; change it with "
                f"`wildtrace collection set-tlp {name} {wanted}`"
            )
        return int(row.id)
    owner = local_agency_id(conn) if agency == LOCAL_AGENCY else agency_id(conn, agency)
    if owner is None:
        raise AccessError(
            f"unknown agency {agency!r}; add it with `wildtrace agency add {agency} --name ...`"
        )
    conn.execute(
        insert(CollectionRow).values(
            name=name, agency_id=owner, tlp=wanted or DEFAULT_MARKING, created_at=_now()
        )
    )
    return int(conn.execute(select(CollectionRow.id).where(CollectionRow.name == name)).scalar_one())


def _now() -> datetime:
    return datetime.now(UTC)


# -- managing collections (``wildtrace collection``): every change is audited -----------------


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    """A collection as ``wildtrace collection list`` and ``show`` show it."""

    name: str
    agency: str
    marking: str
    listings: int
    #: Agency codes it is shared with (what counts while it is AMBER).
    shared_with: tuple[str, ...]
    #: User names on it (who may see it while it is RED).
    readers: tuple[str, ...]
    created_at: datetime


def list_collections(store: Store) -> list[CollectionInfo]:
    """Every collection, by name."""
    with store.read_connection("list collections") as conn:
        return _infos(conn, None)


def collection_info(store: Store, name: str) -> CollectionInfo:
    """One collection; an AccessError naming the known ones when there is none by that name."""
    with store.read_connection("read a collection") as conn:
        found = _infos(conn, name)
        if not found:
            raise _unknown(conn, name)
    return found[0]


def share_collection(store: Store, name: str, agency: str, viewer: Viewer | None) -> bool:
    """Share collection ``name`` with ``agency`` (its users see it while it is AMBER); False
    when it was shared with it already (nothing is written then)."""
    with store.write_transaction("share a collection") as conn:
        collection, owner, marking = _collection(conn, name)
        other = agency_id(conn, agency)
        if other is None:
            raise AccessError(f"unknown agency {agency!r}; add it with `wildtrace agency add {agency}`")
        if other == owner:
            raise AccessError(f"collection {name!r} belongs to agency {agency!r}: it sees it already")
        held = select(CollectionShareRow).where(
            CollectionShareRow.collection_id == collection, CollectionShareRow.agency_id == other
        )
        if conn.execute(held).first() is not None:
            return False
        conn.execute(insert(CollectionShareRow).values(collection_id=collection, agency_id=other))
        _audit(conn, viewer, "collection.share", name, {"agency": agency, "marking": marking})
    return True


def unshare_collection(store: Store, name: str, agency: str, viewer: Viewer | None) -> bool:
    """Stop sharing collection ``name`` with ``agency``; False when it was not shared with it."""
    with store.write_transaction("unshare a collection") as conn:
        collection, _, marking = _collection(conn, name)
        other = agency_id(conn, agency)
        if other is None:
            raise AccessError(f"unknown agency {agency!r}")
        done = conn.execute(
            delete(CollectionShareRow).where(
                CollectionShareRow.collection_id == collection, CollectionShareRow.agency_id == other
            )
        )
        if not done.rowcount:
            return False
        _audit(conn, viewer, "collection.unshare", name, {"agency": agency, "marking": marking})
    return True


def set_collection_marking(store: Store, name: str, marking: str, viewer: Viewer | None) -> str:
    """Mark collection ``name`` ``marking`` (any spelling ``parse_marking`` reads); the marking
    it had before (unchanged, and nothing audited, when it is the same)."""
    wanted = _marking(marking)
    with store.write_transaction("mark a collection") as conn:
        collection, _, before = _collection(conn, name)
        if before == wanted:
            return before
        conn.execute(update(CollectionRow).where(CollectionRow.id == collection).values(tlp=wanted))
        _audit(conn, viewer, "collection.set-tlp", name, {"before": before, "after": wanted})
    return before


def add_collection_reader(store: Store, name: str, username: str, viewer: Viewer | None) -> bool:
    """Name ``username`` on collection ``name`` (who may see it while it is RED); False when
    they were named already."""
    with store.write_transaction("name a reader") as conn:
        collection, _, marking = _collection(conn, name)
        user = _user_id(conn, username)
        held = select(CollectionReaderRow).where(
            CollectionReaderRow.collection_id == collection, CollectionReaderRow.user_id == user
        )
        if conn.execute(held).first() is not None:
            return False
        conn.execute(insert(CollectionReaderRow).values(collection_id=collection, user_id=user))
        _audit(conn, viewer, "collection.reader-add", name, {"user": username, "marking": marking})
    return True


def remove_collection_reader(store: Store, name: str, username: str, viewer: Viewer | None) -> bool:
    """Take ``username`` off collection ``name``; False when they were not on it."""
    with store.write_transaction("remove a reader") as conn:
        collection, _, marking = _collection(conn, name)
        user = _user_id(conn, username)
        done = conn.execute(
            delete(CollectionReaderRow).where(
                CollectionReaderRow.collection_id == collection, CollectionReaderRow.user_id == user
            )
        )
        if not done.rowcount:
            return False
        _audit(conn, viewer, "collection.reader-remove", name, {"user": username, "marking": marking})
    return True


def _marking(text: str) -> str:
    try:
        return parse_marking(text)
    except MarkingError as exc:
        raise AccessError(str(exc)) from exc


def _collection(conn: Connection, name: str) -> tuple[int, int, str]:
    """(id, owning agency id, marking) of collection ``name``, locked for the transaction."""
    query = select(CollectionRow.id, CollectionRow.agency_id, CollectionRow.tlp).where(
        CollectionRow.name == name
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise _unknown(conn, name)
    return int(row.id), int(row.agency_id), str(row.tlp)


def _unknown(conn: Connection, name: str) -> AccessError:
    names = list(conn.execute(select(CollectionRow.name).order_by(CollectionRow.name).limit(20)).scalars())
    return AccessError(f"no collection {name!r}; collections: {', '.join(names) or 'none'}")


def _user_id(conn: Connection, username: str) -> int:
    found = conn.execute(select(UserRow.id).where(UserRow.username == username)).scalar_one_or_none()
    if found is None:
        raise AccessError(f"unknown user {username!r}; add one with `wildtrace user add`")
    return int(found)


def _audit(conn: Connection, viewer: Viewer | None, action: str, name: str, detail: dict[str, str]) -> None:
    """The change in the audit log, in the same transaction (stored with it, or not at all)."""
    from wildtrace.store.audit import AuditLog

    address = "cli" if viewer is None or viewer.user_id is None else ""
    AuditLog.append_in(conn, viewer, action, f"collection:{name}", address, dict(detail))


def _infos(conn: Connection, name: str | None) -> list[CollectionInfo]:
    counts = (
        select(CollectionListingRow.collection_id, func.count().label("n"))
        .group_by(CollectionListingRow.collection_id)
        .subquery()
    )
    query = (
        select(CollectionRow.id, CollectionRow.name, AgencyRow.code, CollectionRow.tlp,
               func.coalesce(counts.c.n, 0).label("n"), CollectionRow.created_at)
        .join(AgencyRow, AgencyRow.id == CollectionRow.agency_id)
        .outerjoin(counts, counts.c.collection_id == CollectionRow.id)
        .order_by(CollectionRow.name)
    )  # fmt: skip
    if name is not None:
        query = query.where(CollectionRow.name == name)
    rows = conn.execute(query).all()
    ids = [row.id for row in rows]
    shares: dict[int, list[str]] = {}
    readers: dict[int, list[str]] = {}
    if ids:
        for collection, code in conn.execute(
            select(CollectionShareRow.collection_id, AgencyRow.code)
            .join(AgencyRow, AgencyRow.id == CollectionShareRow.agency_id)
            .where(CollectionShareRow.collection_id.in_(ids))
            .order_by(AgencyRow.code)
        ):
            shares.setdefault(collection, []).append(code)
        for collection, username in conn.execute(
            select(CollectionReaderRow.collection_id, UserRow.username)
            .join(UserRow, UserRow.id == CollectionReaderRow.user_id)
            .where(CollectionReaderRow.collection_id.in_(ids))
            .order_by(UserRow.username)
        ):
            readers.setdefault(collection, []).append(username)
    return [_info(row, shares.get(row.id, []), readers.get(row.id, [])) for row in rows]


def _info(row: Row[Any], shares: list[str], readers: list[str]) -> CollectionInfo:
    return CollectionInfo(
        row.name, row.code, row.tlp, int(row.n), tuple(shares), tuple(readers), row.created_at
    )
