"""Collections and agencies: where every listing enters the store, and whose it is.

``ensure_collection`` creates a collection on first use, owned by an agency and under a TLP
marking; ``default_collection_id`` is the local agency's ``default`` collection, which holds
what is stored without naming one. The visibility rule over them is ``store/access.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from wildtrace.errors import AccessError
from wildtrace.store.access import DEFAULT_COLLECTION, DEFAULT_MARKING, LOCAL_AGENCY, parse_marking
from wildtrace.store.tables_access import AgencyRow, CollectionRow


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
