"""What linking needs from the store, streamed; and the network written back in batches.

For stores too large to hold as listings (``wildtrace.linking``): the listings are read as
(row id, account) in row order, the linking selectors as link keys (type, value -> the
listings giving it) in key order, one key at a time; only the listings a reason names are
read in full. The network is then replaced in one transaction, in batches (COPY on
PostgreSQL): links, network members, held-back values and the per-account analysis.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, select

from wildtrace.link import LINKING_TYPES, LinkKey
from wildtrace.model import HeldBack, Listing
from wildtrace.store.repository import Store, bulk_insert, listing_row_ids
from wildtrace.store.tables import (
    AccountRow,
    AnalysisRow,
    Base,
    HeldBackRow,
    LinkRow,
    ListingRow,
    NetworkMemberRow,
    PlatformRow,
    SelectorRow,
)
from wildtrace.store.tables_judgements import NetworkAccountRow

#: Listings read per query (keyset pages: no connection is held between them).
_PAGE = 100_000
#: Selector rows fetched per round trip while streaming the link keys.
_FETCH = 50_000
#: Rows written per statement.
_BATCH = 20_000
_IN = 500


@dataclass
class StoredListings:
    """The analysed listings in row order, as linking sees them: one account each.

    Accounts are numbered in the order of their first listing; a listing without a seller
    is an account of its own (``uid`` keeps its id, for its name ``listing:<key>``)."""

    row_ids: array[int] = field(default_factory=lambda: array("q"))
    accounts: array[int] = field(default_factory=lambda: array("q"))
    sellers: list[str | None] = field(default_factory=list)  # by account
    platforms: list[str] = field(default_factory=list)  # by account ("" for none)
    uids: dict[int, str] = field(default_factory=dict)  # account without a seller -> its listing's id
    position_of: array[int] = field(default_factory=lambda: array("q"))  # row id -> position, -1

    def account_name(self, account: int) -> str:
        """``platform:seller``, or ``listing:<key>`` (as ``link_listings`` names accounts)."""
        seller = self.sellers[account]
        platform = self.platforms[account]
        if seller:
            return f"{platform or 'unknown'}:{seller}"
        uid = self.uids[account]
        return f"listing:{platform}:{uid}" if platform else f"listing:{uid}"


def stored_listings(store: Store) -> int:
    """How many analysed listings linking would read (one COUNT over the analyses)."""
    with store.read_connection("count listings") as conn:
        return int(conn.execute(select(func.count()).select_from(AnalysisRow)).scalar_one())


def read_listings(store: Store) -> StoredListings:
    """Every analysed listing's row id and account, in row order (the order of
    ``Store.load_analyses``), read in keyset pages."""
    found = StoredListings()
    with store.read_connection("read accounts") as conn:
        platforms = conn.execute(select(PlatformRow.id, PlatformRow.name))
        platform_names = {pid: name or "" for pid, name in platforms}
        top_account = conn.execute(select(func.max(AccountRow.id))).scalar() or 0
        top_listing = conn.execute(select(func.max(ListingRow.id))).scalar() or 0
        seller_of: list[str | None] = [None] * (top_account + 1)
        platform_of = array("q", bytes(8 * (top_account + 1)))
        for account_id, platform_id, seller in conn.execute(
            select(AccountRow.id, AccountRow.platform_id, AccountRow.seller)
        ):
            seller_of[account_id] = seller
            platform_of[account_id] = platform_id or 0
    index_of = array("q", [-1]) * (top_account + 1)
    found.position_of = array("q", [-1]) * (top_listing + 1)
    last = 0
    while True:
        with store.read_connection("read listings") as conn:
            page = conn.execute(
                select(ListingRow.id, ListingRow.account_id, ListingRow.platform_id, ListingRow.uid)
                .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                .where(ListingRow.id > last)
                .order_by(ListingRow.id)
                .limit(_PAGE)
            ).all()
        if not page:
            return found
        for row_id, owner_id, platform_id, uid in page:
            found.position_of[row_id] = len(found.row_ids)
            found.row_ids.append(row_id)
            if owner_id is not None and seller_of[owner_id]:
                account = index_of[owner_id]
                if account < 0:
                    account = index_of[owner_id] = len(found.sellers)
                    found.sellers.append(seller_of[owner_id])
                    found.platforms.append(platform_names.get(platform_of[owner_id], ""))
            else:
                account = len(found.sellers)
                found.sellers.append(None)
                found.platforms.append(platform_names.get(platform_id, ""))
                found.uids[account] = uid
            found.accounts.append(account)
        last = page[-1][0]


def read_link_keys(store: Store, position_of: Sequence[int]) -> Iterator[LinkKey]:
    """The linking selectors grouped by (type, value), in key order, each with the listings
    that give it (positions, per ``position_of``), their order and channel."""
    query = (
        select(SelectorRow.type, SelectorRow.value, SelectorRow.listing_id, SelectorRow.position,
               SelectorRow.channel)
        .where(SelectorRow.type.in_(sorted(LINKING_TYPES)))
        .order_by(SelectorRow.type, SelectorRow.value, SelectorRow.listing_id, SelectorRow.position)
    )  # fmt: skip
    with store.read_connection("read the link keys") as conn:
        rows = conn.execution_options(stream_results=True, yield_per=_FETCH).execute(query)
        for (kind, value), given in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
            occurrences = []
            for _, _, row_id, order, channel in given:
                position = position_of[row_id] if row_id < len(position_of) else -1
                if position >= 0:  # a listing without an analysis links nothing
                    occurrences.append((position, order, channel))
            if occurrences:
                yield kind, value, occurrences


def read_described(store: Store, found: StoredListings, positions: Iterable[int]) -> dict[int, Listing]:
    """The listings at ``positions`` as reasons name them (id, platform, seller), read in
    batches: only the listings a link or a held-back join names."""
    wanted = sorted(set(positions))
    described: dict[int, Listing] = {}
    with store.read_connection("read the linked listings") as conn:
        for start in range(0, len(wanted), _IN):
            chunk = wanted[start : start + _IN]
            ids = {found.row_ids[position]: position for position in chunk}
            query = select(ListingRow.id, ListingRow.uid).where(ListingRow.id.in_(ids))
            for row_id, uid in conn.execute(query):
                position = ids[row_id]
                account = found.accounts[position]
                described[position] = Listing(
                    id=uid, platform=found.platforms[account] or None, seller=found.sellers[account]
                )
    return described


def listing_accounts(store: Store, found: StoredListings, refs: Sequence[str]) -> dict[str, int]:
    """The accounts named ``listing:<ref>`` in judgements: a listing without a seller,
    named as ``Store.resolve_listing`` names listings (``platform:id``, or a plain id used
    on one platform only)."""
    if not refs:
        return {}
    with store.read_connection("read judged listings") as conn:
        ids = listing_row_ids(conn, refs)
    named: dict[str, int] = {}
    for ref, row_id in ids.items():
        position = found.position_of[row_id] if row_id < len(found.position_of) else -1
        if position >= 0 and found.sellers[found.accounts[position]] is None:
            named[ref] = found.accounts[position]
    return named


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@dataclass
class NetworkRows:
    """The network to store, as row values (listing row ids), produced lazily."""

    links: Iterable[tuple[int, int, str, str, str]]  # source id, target id, kind, value, reason
    members: Iterable[tuple[int, str]]  # listing id, cluster
    held_back: Sequence[HeldBack]
    accounts: Iterable[Mapping[str, Any]]  # network_accounts rows, by column


def save_network_rows(store: Store, network: NetworkRows) -> int:
    """Replace the stored network and its analysis in one transaction; the links written."""
    written = 0
    with store.write_transaction("save the network") as conn:
        for table in (LinkRow, NetworkMemberRow, HeldBackRow, NetworkAccountRow):
            conn.execute(delete(table))
        link_columns = ("source_listing_id", "target_listing_id", "kind", "value", "reason")
        for batch in _batched(network.links, _BATCH):
            _insert(conn, LinkRow, link_columns, batch)
            written += len(batch)
        for batch in _batched(network.members, _BATCH):
            _insert(conn, NetworkMemberRow, ("listing_id", "cluster"), batch)
        _insert(conn, HeldBackRow, ("kind", "value", "accounts", "reason"),
                [(h.kind, h.value, h.accounts, h.reason) for h in network.held_back])  # fmt: skip
        account_columns = ("account", "platform", "seller", "listings", "cluster", "community", "degree",
                           "betweenness")  # fmt: skip
        for batch in _batched(network.accounts, _BATCH):
            rows = [tuple(row[column] for column in account_columns) for row in batch]
            _insert(conn, NetworkAccountRow, account_columns, rows)
    return written


def _insert(
    conn: Connection, table: type[Base], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Many rows at once: COPY on PostgreSQL (``bulk_insert``); on SQLite straight through
    the driver, skipping SQLAlchemy's per-row work (half the time of a large link). The text
    written here was read from the store (names, values) or worded from it: already
    storable, so the engine's cleaning pass (``clean.py``) has nothing to do."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        bulk_insert(conn, table, [dict(zip(columns, row, strict=True)) for row in rows])
        return
    listed = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    driver: Any = conn.connection.driver_connection
    driver.executemany(f"INSERT INTO {table.__tablename__} ({listed}) VALUES ({marks})", rows)
