"""The store's one door: save what a scan found, read it back, summarise it for a report."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, NamedTuple, TypeVar, get_args

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    case,
    delete,
    distinct,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.errors import StoreError
from wildtrace.model import Analysis, Capture, Listing, Network, Reject
from wildtrace.store import rows
from wildtrace.store.engine import WRITE_OPTION
from wildtrace.store.tables import (
    AccountRow,
    AnalysisRow,
    Base,
    CaptureRow,
    HeldBackRow,
    LinkRow,
    ListingRow,
    MatchRow,
    NetworkMemberRow,
    PlatformRow,
    RejectRow,
    ScanRunRow,
    SelectorRow,
)

RunStatus = Literal["running", "completed", "interrupted"]

#: Values per ``IN (...)`` list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500
#: Listings per page when reading the store back.
_PAGE = 1000
#: The platform an account belongs to when the listing did not name one.
UNKNOWN_PLATFORM = ""

T = TypeVar("T")


class _Pending(NamedTuple):
    """A listing about to be written, with its analysis and content hash."""

    listing: Listing
    analysis: Analysis
    digest: str


@dataclass(frozen=True, slots=True)
class SaveCounts:
    """What a batch did: listings newly stored, updated, and left as they were."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Listings not written because their id is already stored for another platform.
    conflicts: tuple[Listing, ...] = ()

    @property
    def stored(self) -> int:
        return self.new + self.updated

    def __add__(self, other: SaveCounts) -> SaveCounts:
        return SaveCounts(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.conflicts + other.conflicts,
        )


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One scan run as recorded in ``scan_runs``."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    inputs: tuple[str, ...]
    read: int
    stored: int
    unchanged: int
    rejected: int
    status: str


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """The figures a report opens with."""

    listings: int
    flagged: int
    analysed: int
    rejects: int
    platforms: int
    accounts: int
    #: (commodity, flagged listings naming it), most first.
    top_commodities: tuple[tuple[str, int], ...]
    #: (platform, seller, flagged listings, all listings) for sellers with a flagged listing.
    top_sellers: tuple[tuple[str, str, int, int], ...]
    #: Clusters (networks) that span more than one seller account.
    networks: int
    last_run: RunInfo | None


def _resolved(file: str) -> str:
    """A file's absolute path, so "r.jsonl" and "./r.jsonl" are one file in the store."""
    return os.path.realpath(file) if file else file


def _capture_hashes(
    conn: Connection,
    stored: dict[str, tuple[int, str, str | None]],
    pairs: Sequence[tuple[Listing, Analysis]],
) -> dict[str, tuple[set[str], str]]:
    """For the batch's captured listings already stored: the SHA-256 of every capture kept,
    and of the latest one (the one the listing's fields come from)."""
    uid_of = {stored[listing.id][0]: listing.id for listing, _ in pairs
              if listing.capture is not None and listing.id in stored}  # fmt: skip
    hashes: dict[str, tuple[set[str], str]] = {}
    for chunk in _chunks(sorted(uid_of)):
        query = (
            select(CaptureRow.listing_id, CaptureRow.sha256)
            .where(CaptureRow.listing_id.in_(chunk))
            .order_by(CaptureRow.id)
        )
        for row_id, sha256 in conn.execute(query):
            known, _ = hashes.get(uid_of[row_id], (set(), ""))
            known.add(sha256)
            hashes[uid_of[row_id]] = (known, sha256)
    return hashes


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _platform_key(listing: Listing) -> str:
    return listing.platform if listing.platform is not None else UNKNOWN_PLATFORM


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Listings, analyses, evidence, networks and scan runs in one SQL database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def url(self) -> str:
        """The database URL without its password, for messages."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the connections (and SQLite's file handles)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def write_transaction(self, what: str) -> Iterator[Connection]:
        """One write transaction: all of it is stored, or none of it; a failure becomes a
        StoreError saying what could not be done (``what``). For every stage's store code."""
        try:
            with self._engine.connect() as connection:
                connection.execution_options(**{WRITE_OPTION: True})
                with connection.begin():
                    yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.url}: could not {what}: {exc}") from exc

    @contextmanager
    def read_connection(self, what: str) -> Iterator[Connection]:
        """A connection for reading; a failure becomes a StoreError naming ``what``."""
        try:
            with self._engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.url}: could not {what}: {exc}") from exc

    # -- scan runs -------------------------------------------------------------------------

    def start_run(self, inputs: list[str]) -> int:
        """Record that a scan began, so an interrupted one is visible afterwards."""
        with self.write_transaction("start a scan run") as conn:
            run_id = conn.execute(
                insert(ScanRunRow).returning(ScanRunRow.id),
                {
                    "started_at": _now(),
                    "inputs": list(inputs),
                    "read": 0,
                    "stored": 0,
                    "unchanged": 0,
                    "rejected": 0,
                    "status": "running",
                },
            ).scalar_one()
        return int(run_id)

    def finish_run(
        self,
        run_id: int,
        *,
        read: int,
        stored: int,
        unchanged: int,
        rejected: int,
        status: RunStatus,
    ) -> None:
        """Record how a scan ended, for the report and for the next user of the store."""
        if status not in get_args(RunStatus):
            raise ValueError(f"status must be one of {get_args(RunStatus)}, not {status!r}")
        with self.write_transaction("finish a scan run") as conn:
            result = conn.execute(
                update(ScanRunRow)
                .where(ScanRunRow.id == run_id)
                .values(
                    finished_at=_now(),
                    read=read,
                    stored=stored,
                    unchanged=unchanged,
                    rejected=rejected,
                    status=status,
                )
            )
            if result.rowcount == 0:
                raise StoreError(f"{self.url}: no scan run with id {run_id}")

    # -- listings and analyses -------------------------------------------------------------

    def save_batch(self, pairs: Sequence[tuple[Listing, Analysis]]) -> SaveCounts:
        """Store analysed listings in one transaction; re-saving the same ones writes nothing.

        A listing already stored with the same content hash and analyzer version is
        unchanged; otherwise its row is updated and its analysis, matches and selectors
        replaced. A listing's capture is added to its evidence unless already there.
        """
        for listing, analysis in pairs:
            if analysis.listing_id != listing.id:
                raise StoreError(f"analysis of {analysis.listing_id!r} given with listing {listing.id!r}")
        if not pairs:
            return SaveCounts()
        hashes = [rows.content_hash(listing) for listing, _ in pairs]
        uids = list(dict.fromkeys(listing.id for listing, _ in pairs))
        with self.write_transaction("save a batch of listings") as conn:
            stored: dict[str, tuple[int, str, str | None]] = {}
            stored_platform: dict[str, str | None] = {}
            for chunk in _chunks(uids):
                query = (
                    select(
                        ListingRow.uid,
                        ListingRow.id,
                        ListingRow.content_hash,
                        AnalysisRow.analyzer_version,
                        PlatformRow.name,
                    )
                    .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                    .outerjoin(PlatformRow, PlatformRow.id == ListingRow.platform_id)
                    .where(ListingRow.uid.in_(chunk))
                )
                for uid, row_id, digest, version, platform in conn.execute(query):
                    stored[uid] = (row_id, digest, version)
                    stored_platform[uid] = platform
            stored_captures = _capture_hashes(conn, stored, pairs)

            # Classify in input order (a uid seen twice is compared with its previous
            # occurrence); write only the last state of each uid.
            state = {uid: (digest, version) for uid, (_, digest, version) in stored.items()}
            latest: dict[str, _Pending] = {}
            new = updated = unchanged = 0
            conflicts: list[Listing] = []
            for (listing, analysis), digest in zip(pairs, hashes, strict=True):
                known = stored_platform.get(listing.id)
                if known and known != listing.platform:
                    conflicts.append(listing)  # another (or no) platform's listing, same id
                    continue
                capture = listing.capture
                kept, latest_kept = stored_captures.get(listing.id, (set(), None))
                if capture is not None and capture.sha256 in kept and capture.sha256 != latest_kept:
                    unchanged += 1  # an earlier capture read again: already kept as evidence
                    continue
                key = (digest, analysis.analyzer_version)
                previous = state.get(listing.id)
                if previous is None:
                    new += 1
                elif previous == key:
                    unchanged += 1
                else:
                    updated += 1
                state[listing.id] = key
                latest[listing.id] = _Pending(listing, analysis, digest)

            inserts = [item for uid, item in latest.items() if uid not in stored]
            updates = [
                (stored[uid][0], item)
                for uid, item in latest.items()
                if uid in stored and stored[uid][1:] != (item.digest, item.analysis.analyzer_version)
            ]
            if inserts or updates:
                self._write_listings(conn, inserts, updates)
        return SaveCounts(new=new, updated=updated, unchanged=unchanged, conflicts=tuple(conflicts))

    def _write_listings(
        self,
        conn: Connection,
        inserts: list[_Pending],
        updates: list[tuple[int, _Pending]],
    ) -> None:
        now = _now()
        written = [item.listing for item in inserts] + [item.listing for _, item in updates]
        platform_ids, account_ids = self._resolve_accounts(conn, written)

        def values(listing: Listing, digest: str) -> dict[str, Any]:
            value = rows.listing_values(listing)
            platform = listing.platform
            value["platform_id"] = platform_ids[platform] if platform is not None else None
            value["account_id"] = (
                account_ids[(_platform_key(listing), listing.seller)] if listing.seller is not None else None
            )
            value["content_hash"] = digest
            value["last_seen"] = now
            return value

        ids: dict[str, int] = {}
        if inserts:
            params = [
                {**values(listing, digest), "uid": listing.id, "first_seen": now}
                for listing, _, digest in inserts
            ]
            if conn.dialect.name == "postgresql":
                _bulk_insert(conn, ListingRow, params)
                ids.update(_listing_ids(conn, [listing.id for listing, _, _ in inserts]))
            else:
                result = conn.execute(insert(ListingRow).returning(ListingRow.id, ListingRow.uid), params)
                ids.update((uid, row_id) for row_id, uid in result)
        if updates:
            conn.execute(
                update(ListingRow).where(ListingRow.id == bindparam("row_id")),
                [{**values(listing, digest), "row_id": row_id} for row_id, (listing, _, digest) in updates],
            )
            replaced = [row_id for row_id, _ in updates]
            for table in (AnalysisRow, MatchRow, SelectorRow):
                for chunk in _chunks(replaced):
                    conn.execute(delete(table).where(table.listing_id.in_(chunk)))
            ids.update((item.listing.id, row_id) for row_id, item in updates)
        self._write_details(
            conn,
            [(ids[listing.id], listing, analysis) for listing, analysis, _ in inserts]
            + [(row_id, listing, analysis) for row_id, (listing, analysis, _) in updates],
            now,
            updated={row_id for row_id, _ in updates},
        )

    def _write_details(
        self,
        conn: Connection,
        items: list[tuple[int, Listing, Analysis]],
        now: datetime,
        updated: set[int],
    ) -> None:
        """Analyses, matches, selectors and captures of listings just inserted or updated.

        Only an updated listing can already hold the capture (same SHA-256) it comes with.
        """
        analyses: list[dict[str, Any]] = []
        matches: list[dict[str, Any]] = []
        selectors: list[dict[str, Any]] = []
        captures: list[dict[str, Any]] = []
        known_captures: list[dict[str, Any]] = []
        for row_id, listing, analysis in items:
            analyses.append({**rows.analysis_values(analysis), "listing_id": row_id, "analysed_at": now})
            for position, match in enumerate(analysis.detection.matches):
                matches.append({**rows.match_values(match), "listing_id": row_id, "position": position})
            for position, selector in enumerate(analysis.selectors):
                selectors.append(
                    {**rows.selector_values(selector), "listing_id": row_id, "position": position}
                )
            if listing.capture is not None:
                capture = {**rows.capture_values(listing.capture), "listing_id": row_id}
                (known_captures if row_id in updated else captures).append(capture)
        _bulk_insert(conn, AnalysisRow, analyses)
        _bulk_insert(conn, MatchRow, matches)
        _bulk_insert(conn, SelectorRow, selectors)
        _bulk_insert(conn, CaptureRow, captures)
        _insert_ignore(conn, CaptureRow, known_captures)

    def _resolve_accounts(
        self, conn: Connection, listings: Sequence[Listing]
    ) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        """Ids of the listings' platforms and seller accounts, creating the missing ones."""
        names = {listing.platform for listing in listings if listing.platform is not None}
        if any(listing.seller is not None and listing.platform is None for listing in listings):
            names.add(UNKNOWN_PLATFORM)
        platform_ids = _get_or_create(
            conn,
            sorted(names),
            lambda chunk: select(PlatformRow.name, PlatformRow.id).where(PlatformRow.name.in_(chunk)),
            lambda missing: _insert_ignore(conn, PlatformRow, [{"name": n} for n in missing]),
        )
        wanted = {
            (platform_ids[_platform_key(listing)], listing.seller)
            for listing in listings
            if listing.seller is not None
        }
        sellers = sorted({seller for _, seller in wanted})
        found: dict[tuple[int, str], int] = {}

        def lookup() -> None:
            for chunk in _chunks(sellers):
                query = select(AccountRow.platform_id, AccountRow.seller, AccountRow.id).where(
                    AccountRow.seller.in_(chunk)
                )
                for platform_id, seller, account_id in conn.execute(query):
                    if (platform_id, seller) in wanted:
                        found[(platform_id, seller)] = account_id

        lookup()
        missing = wanted - found.keys()
        if missing:
            _insert_ignore(
                conn,
                AccountRow,
                [{"platform_id": p, "seller": s} for p, s in sorted(missing)],
            )
            lookup()
        names_by_id = {pid: name for name, pid in platform_ids.items()}
        accounts = {
            (names_by_id[platform_id], seller): account_id
            for (platform_id, seller), account_id in found.items()
        }
        return platform_ids, accounts

    def load_analyses(self) -> Iterator[tuple[Listing, Analysis]]:
        """Every stored listing with its analysis, rebuilt as model objects (for linking).

        Reads page by page and holds no connection between pages, so the caller may write
        to the store while iterating.
        """
        last_id = 0
        while True:
            with self.read_connection("read listings") as conn:
                page = self._load_page(conn, last_id)
            if not page:
                return
            yield from (pair for _, pair in page)
            last_id = page[-1][0]

    def _load_page(self, conn: Connection, after: int) -> list[tuple[int, tuple[Listing, Analysis]]]:
        query = (
            select(
                ListingRow.__table__,
                PlatformRow.name.label("platform_name"),
                AccountRow.seller.label("seller_name"),
                AnalysisRow.analyzer_version,
                AnalysisRow.score,
                AnalysisRow.flagged,
                AnalysisRow.language,
                AnalysisRow.commodities,
                AnalysisRow.taxa,
                AnalysisRow.legality_cues,
            )
            .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .outerjoin(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
            .where(ListingRow.id > after)
            .order_by(ListingRow.id)
            .limit(_PAGE)
        )
        listing_rows = conn.execute(query).all()
        if not listing_rows:
            return []
        ids = [row.id for row in listing_rows]
        matches = _grouped(conn, MatchRow, ids, MatchRow.position)
        selectors = _grouped(conn, SelectorRow, ids, SelectorRow.position)
        captures: dict[int, Capture] = {}
        for row in conn.execute(
            select(CaptureRow.__table__).where(CaptureRow.listing_id.in_(ids)).order_by(CaptureRow.id)
        ):
            captures[row.listing_id] = rows.to_capture(row)  # the latest capture wins
        page = []
        for row in listing_rows:
            listing = rows.to_listing(row, row.platform_name, row.seller_name, captures.get(row.id))
            analysis = rows.to_analysis(row.uid, row, matches.get(row.id, []), selectors.get(row.id, []))
            page.append((row.id, (listing, analysis)))
        return page

    # -- rejects -----------------------------------------------------------------------------

    def save_rejects(self, run_id: int | None, rejects: Sequence[Reject]) -> int:
        """Keep records that could not be read, once each, so a re-scan adds no duplicates.

        Returns how many were newly stored.
        """
        keyed: dict[tuple[str, int | None, str], Reject] = {}
        for reject in rejects:
            key = (_resolved(reject.origin.file), reject.origin.line, rows.raw_sha256(reject.raw))
            keyed.setdefault(key, reject)
        if not keyed:
            return 0
        with self.write_transaction("save rejects") as conn:
            shas = sorted({sha for _, _, sha in keyed})
            for chunk in _chunks(shas):
                query = select(RejectRow.file, RejectRow.line, RejectRow.raw_sha256).where(
                    RejectRow.raw_sha256.in_(chunk)
                )
                for file, line, sha in conn.execute(query):
                    keyed.pop((file, line, sha), None)
            if keyed:
                conn.execute(
                    insert(RejectRow),
                    [
                        {
                            "run_id": run_id,
                            "file": file,
                            "line": line,
                            "reason": reject.reason,
                            "raw": reject.raw,
                            "raw_sha256": sha,
                        }
                        for (file, line, sha), reject in keyed.items()
                    ],
                )
        return len(keyed)

    # -- networks ----------------------------------------------------------------------------

    def save_network(self, network: Network) -> None:
        """Replace the stored links, clusters and held-back values with a new linking result."""
        uids = set(network.clusters)
        for link in network.links:
            uids.update((link.source, link.target))
        with self.write_transaction("save the network") as conn:
            ids = _listing_ids(conn, sorted(uids))
            missing = sorted(uids - ids.keys())
            if missing:
                shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
                raise StoreError(
                    f"{self.url}: network names {len(missing)} listing(s) not in the store: {shown}"
                )
            for table in (LinkRow, NetworkMemberRow, HeldBackRow):
                conn.execute(delete(table))
            if network.links:
                conn.execute(
                    insert(LinkRow),
                    [
                        {
                            "source_listing_id": ids[link.source],
                            "target_listing_id": ids[link.target],
                            "kind": link.kind,
                            "value": link.value,
                            "reason": link.reason,
                        }
                        for link in network.links
                    ],
                )
            if network.clusters:
                conn.execute(
                    insert(NetworkMemberRow),
                    [
                        {"listing_id": ids[uid], "cluster": cluster}
                        for uid, cluster in network.clusters.items()
                    ],
                )
            if network.held_back:
                conn.execute(
                    insert(HeldBackRow),
                    [
                        {
                            "kind": h.kind,
                            "value": h.value,
                            "accounts": h.accounts,
                            "reason": h.reason,
                        }
                        for h in network.held_back
                    ],
                )

    # -- report --------------------------------------------------------------------------------

    def summary(self, top: int = 10) -> StoreSummary:
        """The headline figures of the store, for the report command."""
        with self.read_connection("summarise the store") as conn:

            def count(query: Any) -> int:
                return int(conn.execute(query).scalar_one())

            flagged_listings = func.sum(case((AnalysisRow.flagged, 1), else_=0))
            sellers = conn.execute(
                select(
                    PlatformRow.name,
                    AccountRow.seller,
                    flagged_listings.label("flagged"),
                    func.count(ListingRow.id).label("total"),
                )
                .select_from(ListingRow)
                .join(AccountRow, AccountRow.id == ListingRow.account_id)
                .join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
                .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                .group_by(AccountRow.id, PlatformRow.name, AccountRow.seller)
                .having(flagged_listings > 0)
                .order_by(
                    flagged_listings.desc(),
                    func.count(ListingRow.id).desc(),
                    PlatformRow.name,
                    AccountRow.seller,
                )
                .limit(top)
            ).all()
            # a listing without a seller counts as an account of its own
            account = func.coalesce(ListingRow.account_id, -ListingRow.id)
            clusters = (
                select(NetworkMemberRow.cluster)
                .join(ListingRow, ListingRow.id == NetworkMemberRow.listing_id)
                .group_by(NetworkMemberRow.cluster)
                .having(func.count(func.distinct(account)) > 1)
                .subquery()
            )
            last = conn.execute(select(ScanRunRow.__table__).order_by(ScanRunRow.id.desc()).limit(1)).first()
            return StoreSummary(
                listings=count(select(func.count()).select_from(ListingRow)),
                flagged=count(select(func.count()).select_from(AnalysisRow).where(AnalysisRow.flagged)),
                analysed=count(select(func.count()).select_from(AnalysisRow)),
                rejects=count(select(func.count()).select_from(RejectRow)),
                platforms=count(
                    select(func.count()).select_from(PlatformRow).where(PlatformRow.name != UNKNOWN_PLATFORM)
                ),
                accounts=count(select(func.count()).select_from(AccountRow)),
                top_commodities=_top_commodities(conn, top),
                top_sellers=tuple(
                    (name, seller, int(flagged), int(total)) for name, seller, flagged, total in sellers
                ),
                networks=count(select(func.count()).select_from(clusters)),
                last_run=_run_info(last) if last is not None else None,
            )


def _top_commodities(conn: Connection, top: int) -> tuple[tuple[str, int], ...]:
    """Commodities by the number of flagged listings naming them (unnests the JSON lists)."""
    if conn.dialect.name == "postgresql":
        elements = func.jsonb_array_elements_text(AnalysisRow.commodities).table_valued("value").lateral()
    else:
        elements = func.json_each(AnalysisRow.commodities).table_valued("value")
    listings = func.count(distinct(AnalysisRow.listing_id))
    query = (
        select(elements.c.value, listings)
        .select_from(AnalysisRow)
        .join(elements, elements.c.value.is_not(None))
        .where(AnalysisRow.flagged)
        .group_by(elements.c.value)
        .order_by(listings.desc(), elements.c.value)
        .limit(top)
    )
    return tuple((str(name), int(n)) for name, n in conn.execute(query))


def _run_info(run: Row[Any]) -> RunInfo:
    return RunInfo(
        id=run.id,
        started_at=run.started_at,
        finished_at=run.finished_at,
        inputs=tuple(run.inputs),
        read=run.read,
        stored=run.stored,
        unchanged=run.unchanged,
        rejected=run.rejected,
        status=run.status,
    )


def _bulk_insert(conn: Connection, table: type[Base], values: list[dict[str, Any]]) -> None:
    """Insert many rows fast: COPY on PostgreSQL (twice the rate of executemany), else executemany."""
    if not values:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), values)
        return
    import psycopg  # only PostgreSQL users need libpq
    from psycopg import sql as psycopg_sql

    columns = list(values[0])
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(table.__tablename__),
        psycopg_sql.SQL(", ").join(psycopg_sql.Identifier(c) for c in columns),
    )
    driver: Any = conn.connection.driver_connection  # psycopg.Connection, in this transaction
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for value in values:
                copy.write_row(
                    [json.dumps(v) if isinstance(v, list | dict) else v for v in (value[c] for c in columns)]
                )
    except psycopg.Error as exc:  # COPY bypasses SQLAlchemy, so its errors are not wrapped
        raise StoreError(f"could not write {table.__tablename__}: {exc}") from exc


def _insert_ignore(conn: Connection, table: type[Base], values: list[dict[str, Any]]) -> None:
    """Insert rows, skipping any that a unique constraint says are already there."""
    if not values:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(postgresql_insert(table).on_conflict_do_nothing(), values)
    else:
        conn.execute(sqlite_insert(table).on_conflict_do_nothing(), values)


def _get_or_create(
    conn: Connection,
    keys: Sequence[str],
    lookup: Callable[[Sequence[str]], Any],
    create: Callable[[list[str]], None],
) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        found.update((key, row_id) for key, row_id in conn.execute(lookup(chunk)))
    missing = [key for key in keys if key not in found]
    if missing:
        create(missing)
        for chunk in _chunks(missing):
            found.update((key, row_id) for key, row_id in conn.execute(lookup(chunk)))
    return found


def _listing_ids(conn: Connection, uids: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(uids):
        query = select(ListingRow.uid, ListingRow.id).where(ListingRow.uid.in_(chunk))
        ids.update((uid, row_id) for uid, row_id in conn.execute(query))
    return ids


def _grouped(
    conn: Connection, table: type[MatchRow] | type[SelectorRow], ids: Iterable[int], order: Any
) -> dict[int, list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = {}
    query = select(table.__table__).where(table.listing_id.in_(list(ids))).order_by(table.listing_id, order)
    for row in conn.execute(query):
        grouped.setdefault(row.listing_id, []).append(row)
    return grouped
