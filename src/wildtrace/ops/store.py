"""Saving imported seizures and reading an operation back, on SQLite or PostgreSQL.

Each batch is one transaction. A seizure line whose fingerprint the operation already
holds is skipped, so importing a file twice (or the CSV and the Excel copy of it) stores
nothing twice. Suspects are one row per operation and name; agencies one per country and
name; links to listings and seller accounts are resolved against the store's listings.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, tuple_, update
from sqlalchemy.exc import DataError, IntegrityError

from wildtrace.errors import StoreError
from wildtrace.ops.importer import ImportedRow
from wildtrace.ops.mobile_money import mobile_money_services
from wildtrace.ops.model import Outcome, RejectedRow, Suspect
from wildtrace.store import Store, bulk_insert, listing_row_ids
from wildtrace.store.collections import default_collection_id
from wildtrace.store.tables import AccountRow, ListingRow, PlatformRow, SelectorRow
from wildtrace.store.tables_operations import (
    AgencyRow,
    OnlineLinkRow,
    OperationRow,
    OutcomeRow,
    SeizureRow,
    SeizureSuspectRow,
    SuspectRow,
)

_CHUNK = 500
#: Seizure lines per transaction.
BATCH = 2000


@dataclass(slots=True)
class SaveResult:
    """What an import stored: new seizure lines and lines already there, and the rows the
    database refused (each alone: the rest of their batch is stored)."""

    new: int = 0
    already: int = 0
    suspects_new: int = 0
    rejects: list[RejectedRow] = field(default_factory=list)

    def add(self, other: SaveResult) -> None:
        self.new += other.new
        self.already += other.already
        self.suspects_new += other.suspects_new
        self.rejects.extend(other.rejects)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def operation_id(
    conn: Connection, name: str, *, create: bool, collection_id: int | None = None
) -> int | None:
    """The operation's id, created when asked and missing, in ``collection_id`` (the local
    default collection when None): its marking decides who sees the operation."""
    found = conn.execute(select(OperationRow.id).where(OperationRow.name == name)).scalar_one_or_none()
    if found is not None or not create:
        return found
    if collection_id is None:
        collection_id = default_collection_id(conn)
    return int(
        conn.execute(
            insert(OperationRow).returning(OperationRow.id),
            {"name": name, "created_at": datetime.now(UTC), "collection_id": collection_id},
        ).scalar_one()
    )


def operation_collection(conn: Connection, name: str) -> str | None:
    """The name of the collection an existing operation belongs to (None: a new operation)."""
    from wildtrace.store.tables_access import CollectionRow

    return conn.execute(
        select(CollectionRow.name)
        .join(OperationRow, OperationRow.collection_id == CollectionRow.id)
        .where(OperationRow.name == name)
    ).scalar_one_or_none()


def save_rows(
    store: Store,
    operation: str,
    rows: Sequence[ImportedRow],
    on_progress: Callable[[int], None] | None = None,
    coordinator: str | None = None,
    collection_id: int | None = None,
) -> SaveResult:
    """Store imported rows in batches (one transaction each); lines already stored are
    counted, not written. ``on_progress`` gets the number of rows done after each batch."""
    result = SaveResult()
    for start in range(0, len(rows), BATCH):
        result.add(_save_part(store, operation, rows[start : start + BATCH], collection_id))
        if on_progress is not None:
            on_progress(min(start + BATCH, len(rows)))
    if not rows or coordinator:
        with store.write_transaction("create the operation") as conn:
            op_id = operation_id(conn, operation, create=True, collection_id=collection_id)
            if coordinator:
                conn.execute(
                    update(OperationRow).where(OperationRow.id == op_id).values(coordinator=coordinator)
                )
    return result


#: Attempts of one transaction that another writer got in the way of (a line it stored a
#: moment ago, a deadlock or a serialization failure) before the failure is raised.
_ATTEMPTS = 5


def _save_part(
    store: Store, operation: str, rows: Sequence[ImportedRow], collection_id: int | None = None
) -> SaveResult:
    """Store rows in one transaction.

    When another writer stored some of the same lines (or suspects, or the operation) a
    moment ago, or the database broke a deadlock, the transaction is tried again: the
    lines now there count as already stored. When the database refuses a value, each
    half is stored on its own (down to the single row, which is rejected with its file
    and row), so one bad row never loses the rest of its batch. Other failures (the
    database gone, the disk full) are raised: they are nothing the rows can help."""
    for attempt in range(1, _ATTEMPTS + 1):
        part = SaveResult()
        try:
            with store.write_transaction("save seizures") as conn:
                op_id = operation_id(conn, operation, create=True, collection_id=collection_id)
                assert op_id is not None
                _save_batch(conn, op_id, rows, part)
            return part
        except StoreError as exc:
            kind = _failure(exc)
            if kind == "contention" and attempt < _ATTEMPTS:
                time.sleep(0.05 * attempt * random.random())
                continue
            if kind != "refused" and not (kind == "contention" and len(rows) > 1):
                raise
            if len(rows) == 1:
                row = rows[0]
                reason = f"the database refused the row: {exc.__cause__ or exc}"
                return SaveResult(rejects=[RejectedRow(row.file, row.row, reason, _raw(row))])
            middle = len(rows) // 2
            part = _save_part(store, operation, rows[:middle], collection_id)
            part.add(_save_part(store, operation, rows[middle:], collection_id))
            return part
    raise AssertionError("unreachable")  # pragma: no cover


def _failure(exc: StoreError) -> str | None:
    """What kind of failure: ``contention`` when another writer got in the way (a unique
    constraint it filled a moment ago, a deadlock, a serialization failure), which trying
    again helps; ``refused`` when the database refused a value (text it cannot store);
    None for anything else."""
    cause = exc.__cause__
    original = getattr(cause, "orig", None) or cause
    if type(original).__module__.startswith("psycopg"):
        from psycopg import DataError as PgDataError  # only PostgreSQL users need libpq
        from psycopg import IntegrityError as PgIntegrityError
        from psycopg.errors import DeadlockDetected, SerializationFailure

        if isinstance(original, DeadlockDetected | SerializationFailure | PgIntegrityError):
            return "contention"
        if isinstance(original, PgDataError):
            return "refused"
    if isinstance(cause, IntegrityError):
        return "contention"
    if isinstance(cause, DataError):
        return "refused"
    return None


def _raw(row: ImportedRow) -> dict[str, str]:
    """A refused row's values, for the rejects file (the reader's cells are gone by now)."""
    raw: dict[str, str] = {}
    for item in fields(row.seizure):
        value = getattr(row.seizure, item.name)
        if value not in (None, (), {}, 0) or item.name == "quantity":
            raw[item.name] = str(value).replace("\x00", "")
    return raw


def _save_batch(conn: Connection, op_id: int, rows: Sequence[ImportedRow], result: SaveResult) -> None:
    prints = {row.seizure.fingerprint(): row for row in rows}
    stored: set[str] = set()
    for chunk in _chunks(list(prints)):
        stored.update(
            conn.execute(
                select(SeizureRow.fingerprint).where(
                    SeizureRow.operation_id == op_id, SeizureRow.fingerprint.in_(chunk)
                )
            ).scalars()
        )
    result.already += len(rows) - len(prints) + len(stored)
    # in fingerprint order: two writers take their locks in one order, so they never deadlock
    todo = {digest: row for digest, row in sorted(prints.items()) if digest not in stored}
    if not todo:
        return
    agencies = _agencies(
        conn,
        op_id,
        {
            (row.seizure.country, row.seizure.agency)
            for row in todo.values()
            if row.seizure.agency is not None
        },
    )
    now = datetime.now(UTC)
    params = []
    for digest, row in todo.items():
        seizure = row.seizure
        params.append(
            {
                "operation_id": op_id,
                "fingerprint": digest,
                "reference": seizure.reference,
                "seized_on": seizure.seized_on,
                "country": seizure.country,
                "agency_id": agencies.get((seizure.country, seizure.agency)) if seizure.agency else None,
                "location": seizure.location,
                "latitude": seizure.latitude,
                "longitude": seizure.longitude,
                "detection_point": seizure.detection_point,
                "transport_mode": seizure.transport_mode,
                "origin": seizure.origin,
                "transit": list(seizure.transit),
                "destination": seizure.destination,
                "concealment": seizure.concealment,
                "commodity": seizure.commodity,
                "species": seizure.species,
                "trade_term": seizure.trade_term,
                "quantity": seizure.quantity,
                "unit": seizure.unit,
                "kg": seizure.kg,
                "m3": seizure.m3,
                "pieces": seizure.pieces,
                "live": seizure.live,
                "value_usd": seizure.value_usd,
                "unnamed_suspects": seizure.unnamed_suspects,
                "extra": dict(seizure.extra),
                "source_file": row.file,
                "source_row": row.row,
                "imported_at": now,
            }
        )
    ids: dict[str, int] = {}
    if conn.dialect.name == "postgresql":
        # COPY, then read the ids back: a multi-row INSERT ... RETURNING is ten times slower there
        bulk_insert(conn, SeizureRow, params)
        for chunk in _chunks(list(todo)):
            query = select(SeizureRow.id, SeizureRow.fingerprint).where(
                SeizureRow.operation_id == op_id, SeizureRow.fingerprint.in_(chunk)
            )
            ids.update((digest, row_id) for row_id, digest in conn.execute(query))
    else:
        for chunk in _chunks(params):
            returned = conn.execute(
                insert(SeizureRow).returning(SeizureRow.id, SeizureRow.fingerprint), chunk
            )
            ids.update((digest, row_id) for row_id, digest in returned)
    result.new += len(todo)
    suspects: dict[str, Suspect] = {}
    for row in todo.values():
        for suspect in row.seizure.suspects:
            suspects.setdefault(suspect.name, suspect)
    suspect_ids, created = _suspects(conn, op_id, sorted(suspects.values(), key=lambda s: s.name))
    result.suspects_new += created
    pairs = {(ids[digest], suspect_ids[s.name]) for digest, row in todo.items() for s in row.seizure.suspects}
    if pairs:
        bulk_insert(conn, SeizureSuspectRow, [{"seizure_id": a, "suspect_id": b} for a, b in sorted(pairs)])
    _outcomes(
        conn,
        [
            (suspect_ids[s.name], outcome)
            for row in todo.values()
            for s in row.seizure.suspects
            for outcome in row.seizure.outcomes
        ],
    )
    _links(conn, [(ids[digest], row) for digest, row in todo.items()])


def _agencies(conn: Connection, op_id: int, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {
        (country, name): row_id
        for row_id, country, name in conn.execute(
            select(AgencyRow.id, AgencyRow.country, AgencyRow.name).where(AgencyRow.operation_id == op_id)
        )
    }
    for key in sorted(wanted - set(found)):
        found[key] = int(
            conn.execute(
                insert(AgencyRow).returning(AgencyRow.id),
                {"operation_id": op_id, "country": key[0], "name": key[1]},
            ).scalar_one()
        )
    return found


def _suspects(conn: Connection, op_id: int, suspects: list[Suspect]) -> tuple[dict[str, int], int]:
    ids: dict[str, int] = {}
    for chunk in _chunks([s.name for s in suspects]):
        query = select(SuspectRow.name, SuspectRow.id).where(
            SuspectRow.operation_id == op_id, SuspectRow.name.in_(chunk)
        )
        ids.update((name, row_id) for name, row_id in conn.execute(query))
    missing = [s for s in suspects if s.name not in ids]
    for chunk in _chunks(missing):
        params = [
            {
                "operation_id": op_id,
                "name": s.name,
                "kind": s.kind,
                "nationality": s.nationality,
                "role": s.role,
            }
            for s in chunk
        ]
        returned = conn.execute(insert(SuspectRow).returning(SuspectRow.id, SuspectRow.name), params)
        ids.update((name, row_id) for row_id, name in returned)
    return ids, len(missing)


def _outcomes(conn: Connection, items: list[tuple[int, Outcome]]) -> None:
    wanted = {(suspect_id, o.kind, o.occurred_on): o.detail for suspect_id, o in items}
    if not wanted:
        return
    keys = list(wanted)
    existing: set[tuple[int, str, date]] = set()
    for chunk in _chunks(keys):
        query = select(OutcomeRow.suspect_id, OutcomeRow.kind, OutcomeRow.occurred_on).where(
            tuple_(OutcomeRow.suspect_id, OutcomeRow.kind, OutcomeRow.occurred_on).in_(chunk)
        )
        existing.update((a, b, c) for a, b, c in conn.execute(query))
    rows = [
        {"suspect_id": a, "kind": b, "occurred_on": c, "detail": wanted[(a, b, c)]}
        for a, b, c in keys
        if (a, b, c) not in existing
    ]
    if rows:
        conn.execute(insert(OutcomeRow), rows)


def _links(conn: Connection, items: list[tuple[int, ImportedRow]]) -> None:
    # platform:id, a plain id one platform uses, or a URL: the store's one reading of a reference
    listing_ids = listing_row_ids(conn, {ref for _, row in items for ref in row.seizure.listings})
    accounts = {ref for _, row in items for ref in row.seizure.accounts}
    account_ids: dict[str, int] = {}
    for ref in sorted(accounts):
        platform, sep, seller = ref.partition(":")
        query = select(AccountRow.id).join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
        if sep:
            query = query.where(func.lower(PlatformRow.name) == platform.lower(), AccountRow.seller == seller)
        else:
            query = query.where(AccountRow.seller == ref)
        found = conn.execute(query.order_by(AccountRow.id).limit(1)).scalar_one_or_none()
        if found is not None:
            account_ids[ref] = found
    rows: list[dict[str, Any]] = []
    for seizure_id, row in items:
        for ref in dict.fromkeys(row.seizure.listings):
            rows.append(
                {
                    "seizure_id": seizure_id,
                    "kind": "listing",
                    "ref": ref,
                    "listing_id": listing_ids.get(ref),
                    "account_id": None,
                }
            )
        for ref in dict.fromkeys(row.seizure.accounts):
            rows.append(
                {
                    "seizure_id": seizure_id,
                    "kind": "account",
                    "ref": ref,
                    "listing_id": None,
                    "account_id": account_ids.get(ref),
                }
            )
    bulk_insert(conn, OnlineLinkRow, rows)


# -- reading an operation back ----------------------------------------------------------------


#: (selector type, value, channel, amounts seen on the listing (its price and money selectors),
#: platform, seller, seizure reference, listing row id, mobile-money services named beside a phone)
FinancialSighting = tuple[
    str, str, str | None, tuple[str, ...], str | None, str | None, str | None, int, tuple[str, ...]
]


@dataclass(slots=True)
class OperationData:
    """Everything a report needs about one operation."""

    name: str
    coordinator: str | None = None
    seizures: list[dict[str, Any]] = field(default_factory=list)
    named_suspects: int = 0
    suspect_nationalities: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    agencies: list[tuple[str, str]] = field(default_factory=list)
    financial: list[FinancialSighting] = field(default_factory=list)
    unresolved_links: int = 0


def operation_names(store: Store) -> list[str]:
    with store.read_connection("list operations") as conn:
        return list(conn.execute(select(OperationRow.name).order_by(OperationRow.name)).scalars())


_SEIZURE_COLUMNS = (
    "id",
    "reference",
    "seized_on",
    "country",
    "location",
    "latitude",
    "longitude",
    "detection_point",
    "transport_mode",
    "origin",
    "transit",
    "destination",
    "concealment",
    "commodity",
    "species",
    "trade_term",
    "kg",
    "m3",
    "pieces",
    "live",
    "value_usd",
    "unnamed_suspects",
)


def load_operation(store: Store, name: str, financial_types: frozenset[str]) -> OperationData | None:
    """The operation's seizures, suspects, outcomes, agencies and financial selectors."""
    with store.read_connection("read the operation") as conn:
        op_id = operation_id(conn, name, create=False)
        if op_id is None:
            return None
        coordinator = conn.execute(
            select(OperationRow.coordinator).where(OperationRow.id == op_id)
        ).scalar_one()
        data = OperationData(name, coordinator)
        columns = [getattr(SeizureRow, column) for column in _SEIZURE_COLUMNS]
        query = (
            select(*columns, AgencyRow.name)
            .outerjoin(AgencyRow, AgencyRow.id == SeizureRow.agency_id)
            .where(SeizureRow.operation_id == op_id)
            .order_by(SeizureRow.seized_on, SeizureRow.id)
        )
        for row in conn.execute(query):
            record = dict(zip(_SEIZURE_COLUMNS, row[:-1], strict=True))
            record["agency"] = row[-1]
            data.seizures.append(record)
        data.named_suspects = conn.execute(
            select(func.count()).select_from(SuspectRow).where(SuspectRow.operation_id == op_id)
        ).scalar_one()
        for nationality, count in conn.execute(
            select(SuspectRow.nationality, func.count())
            .where(SuspectRow.operation_id == op_id, SuspectRow.nationality.is_not(None))
            .group_by(SuspectRow.nationality)
        ):
            if nationality is not None:
                data.suspect_nationalities[nationality] = count
        for kind, count in conn.execute(
            select(OutcomeRow.kind, func.count())
            .join(SuspectRow, SuspectRow.id == OutcomeRow.suspect_id)
            .where(SuspectRow.operation_id == op_id)
            .group_by(OutcomeRow.kind)
        ):
            data.outcomes[kind] = count
        data.agencies = [
            (country, agency)
            for country, agency in conn.execute(
                select(AgencyRow.country, AgencyRow.name)
                .where(AgencyRow.operation_id == op_id)
                .order_by(AgencyRow.country, AgencyRow.name)
            )
        ]
        data.financial, data.unresolved_links = _financial(conn, op_id, financial_types)
    return data


def _financial(
    conn: Connection, op_id: int, financial_types: frozenset[str]
) -> tuple[list[FinancialSighting], int]:
    """Financial selectors of the listings linked to the operation's seizures, directly or
    through a linked seller account (every listing of that account)."""
    links = conn.execute(
        select(OnlineLinkRow.listing_id, OnlineLinkRow.account_id, SeizureRow.reference, SeizureRow.id)
        .join(SeizureRow, SeizureRow.id == OnlineLinkRow.seizure_id)
        .where(SeizureRow.operation_id == op_id)
    ).all()
    unresolved = sum(1 for listing_id, account_id, _, _ in links if listing_id is None and account_id is None)
    seizure_of_listing: dict[int, str | None] = {}
    seizure_of_account: dict[int, str | None] = {}
    for listing_id, account_id, reference, seizure_id in links:
        label = reference or f"seizure #{seizure_id}"
        if listing_id is not None:
            seizure_of_listing.setdefault(listing_id, label)
        if account_id is not None:
            seizure_of_account.setdefault(account_id, label)
    if seizure_of_account:
        for chunk in _chunks(sorted(seizure_of_account)):
            for listing_id, account_id in conn.execute(
                select(ListingRow.id, ListingRow.account_id).where(ListingRow.account_id.in_(chunk))
            ):
                if account_id is not None:
                    seizure_of_listing.setdefault(listing_id, seizure_of_account[account_id])
    found: list[FinancialSighting] = []
    for chunk in _chunks(sorted(seizure_of_listing)):
        query = (
            select(
                SelectorRow.type,
                SelectorRow.value,
                SelectorRow.channel,
                ListingRow.price,
                PlatformRow.name,
                AccountRow.seller,
                ListingRow.id,
                ListingRow.text,
                ListingRow.title,
            )
            .join(ListingRow, ListingRow.id == SelectorRow.listing_id)
            .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
            .outerjoin(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .where(SelectorRow.listing_id.in_(chunk))
            .order_by(SelectorRow.type, SelectorRow.value, ListingRow.id)
        )
        rows = conn.execute(query).all()
        money: dict[int, set[str]] = {}
        for kind, value, _, price, _, _, listing_id, _, _ in rows:
            amounts = money.setdefault(listing_id, set())
            if kind == "money":
                amounts.add(value)
            if price:
                amounts.add(price)
        for kind, value, channel, _, platform, seller, listing_id, text, title in rows:
            services = _mobile_money(channel, title, text, value) if kind == "phone" else ()
            if kind in financial_types or services:
                amounts_seen = tuple(sorted(money.get(listing_id, ())))
                found.append(
                    (
                        kind,
                        value,
                        channel,
                        amounts_seen,
                        platform,
                        seller,
                        seizure_of_listing[listing_id],
                        listing_id,
                        services,
                    )
                )
    return found, unresolved


def _mobile_money(channel: str | None, title: str | None, text: str | None, phone: str) -> tuple[str, ...]:
    """The mobile-money services the listing names (whole words, per country), in its title
    ("Ivory, M-Pesa only") as well as its text."""
    return tuple(mobile_money_services(f"{channel or ''}\n{title or ''}\n{text or ''}", phone))
