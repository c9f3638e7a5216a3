"""The store's one door: save what a scan found, read it back, summarise it for a report."""

from __future__ import annotations

import dataclasses
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

from wildtrace.errors import AmbiguousListingError, StoreError
from wildtrace.model import (
    Analysis,
    Capture,
    Listing,
    ListingKey,
    Network,
    Reject,
    capture_time,
    parse_listing_key,
)
from wildtrace.store import rows
from wildtrace.store.alerts import raise_alerts
from wildtrace.store.collections import default_collection_id
from wildtrace.store.engine import WRITE_OPTION
from wildtrace.store.prepared import converted_rows, copy_rows, insert_dicts, insert_rows
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
from wildtrace.store.tables_access import CollectionListingRow

RunStatus = Literal["running", "completed", "interrupted"]

#: Values per ``IN (...)`` list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500
#: Listings per page when reading the store back.
_PAGE = 1000
#: The platform an account belongs to when the listing did not name one.
UNKNOWN_PLATFORM = ""
#: New or changed listings after which a run refreshes PostgreSQL's planner statistics at
#: once: autovacuum does within a minute or so, and until then the web app's search over a
#: freshly loaded store could take a plan a thousand times slower (68 s for 0.05 s, measured).
ANALYZE_AFTER = 10_000
#: The tables whose statistics decide the web app's plans.
_PLANNED_TABLES = (
    "listings", "analyses", "collection_listings", "selectors", "accounts", "matches",
)  # fmt: skip
#: The watchlist tables: analysed after a big watchlist import or retro-hunt, not after every
#: scan (ANALYZE of a 1M-entry watchlist costs about 0.4 s, for statistics that did not change).
WATCH_TABLES = ("watch_entries", "alerts")

T = TypeVar("T")


class _Raced(NamedTuple):
    """Inserts that found their listing stored by another writer meanwhile: ``taken`` became
    updates, ``skipped`` wrote no fields (``older`` of them: an older capture, kept as evidence)."""

    taken: int
    skipped: int
    older: int


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
    #: Older captures (by ``captured_at``) kept as evidence without changing their listing;
    #: also counted in ``unchanged``.
    older: int = 0
    #: Listings whose text held characters the databases cannot store (NUL), removed.
    cleaned: int = 0
    #: Alerts raised: stored listings carrying an identifier of a watchlist (store/watchlists.py).
    alerts: int = 0

    @property
    def stored(self) -> int:
        return self.new + self.updated

    def __add__(self, other: SaveCounts) -> SaveCounts:
        return SaveCounts(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.older + other.older,
            self.cleaned + other.cleaned,
            self.alerts + other.alerts,
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


@dataclass(slots=True)
class _Kept:
    """The captures kept of one listing: every SHA-256, and the latest by capture time
    (the capture the listing's fields come from)."""

    shas: set[str]
    latest_sha: str | None
    latest_at: datetime | None


def _capture_order(captured_at: str | None, row_id: int) -> tuple[bool, datetime, int]:
    """Sort key of stored captures, oldest first: by capture time, undated ones first, then
    in the order they were stored."""
    when = capture_time(captured_at)
    return (when is not None, when or datetime.min.replace(tzinfo=UTC), row_id)


def _is_older(capture: Capture, kept: _Kept) -> bool:
    """True when ``capture`` was taken before the one the listing's fields come from."""
    when = capture_time(capture.captured_at)
    return when is not None and kept.latest_at is not None and when < kept.latest_at


def _stored_captures(conn: Connection, stored: dict[ListingKey, _StoredListing]) -> dict[ListingKey, _Kept]:
    """The captures kept of the stored listings of a batch."""
    key_of = {item.row_id: key for key, item in stored.items()}
    found: dict[ListingKey, list[tuple[str, str | None, int]]] = {}
    for chunk in _chunks(sorted(key_of)):
        query = select(CaptureRow.listing_id, CaptureRow.sha256, CaptureRow.captured_at, CaptureRow.id).where(
            CaptureRow.listing_id.in_(chunk)
        )
        for row_id, sha256, captured_at, capture_id in conn.execute(query):
            found.setdefault(key_of[row_id], []).append((sha256, captured_at, capture_id))
    kept: dict[ListingKey, _Kept] = {}
    for key, captures in found.items():
        sha256, captured_at, _ = max(captures, key=lambda c: _capture_order(c[1], c[2]))
        kept[key] = _Kept({c[0] for c in captures}, sha256, capture_time(captured_at))
    return kept


class _StoredListing(NamedTuple):
    row_id: int
    digest: str
    version: str | None


def _stored_listings(
    conn: Connection, keys: Iterable[ListingKey], *, lock: bool = False
) -> dict[ListingKey, _StoredListing]:
    """The stored rows of ``keys``; ``lock`` holds them (PostgreSQL: FOR UPDATE) until the
    transaction ends, so two writers of one listing take turns instead of interleaving."""
    wanted = set(keys)
    found: dict[ListingKey, _StoredListing] = {}
    for chunk in _chunks(sorted({key.id for key in wanted})):
        query = (
            select(
                PlatformRow.name,
                ListingRow.uid,
                ListingRow.id,
                ListingRow.content_hash,
                AnalysisRow.analyzer_version,
            )
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(ListingRow.uid.in_(chunk))
            .order_by(ListingRow.id)
        )
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update(of=ListingRow)
        for platform, uid, row_id, digest, version in conn.execute(query):
            key = ListingKey(platform, uid)
            if key in wanted:
                found[key] = _StoredListing(row_id, digest, version)
    return found


def _retryable(exc: StoreError) -> bool:
    """A PostgreSQL deadlock or serialisation failure: the transaction can simply be rerun."""
    cause = exc.__cause__
    sqlstate = getattr(getattr(cause, "orig", cause), "sqlstate", None)
    return sqlstate in ("40P01", "40001")


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
        self.refresh_statistics(stored)

    def refresh_statistics(self, changed: int, tables: Sequence[str] = _PLANNED_TABLES) -> None:
        """Refresh PostgreSQL's planner statistics of ``tables`` (the listing tables unless told;
        ``ANALYZE``) after a bulk write of ``changed`` rows (``ANALYZE_AFTER`` or more); nothing
        on SQLite, whose planner works without them."""
        if changed < ANALYZE_AFTER or self._engine.dialect.name != "postgresql":
            return
        try:
            with self._engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "ANALYZE " + ", ".join(tables)
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.url}: could not refresh the planner's statistics: {exc}") from exc

    # -- listings and analyses -------------------------------------------------------------

    def save_batch(
        self, pairs: Sequence[tuple[Listing, Analysis]], collection_id: int | None = None
    ) -> SaveCounts:
        """Store analysed listings in one transaction; re-saving the same ones writes nothing.

        Every listing of the batch is put into the collection ``collection_id`` (from
        ``store.collections.ensure_collection``; by default the local agency's ``default``),
        the collection whose marking decides who sees it (``store/access.py``).

        Listings are keyed by ``Listing.key`` (platform, id). A listing already stored with
        the same content hash and analyzer version is unchanged; otherwise its row is
        updated and its analysis, matches and selectors replaced. A listing's capture is
        added to its evidence unless already there; a capture older (``captured_at``) than
        the one the stored listing shows is kept as evidence without changing its fields.
        Several processes may save overlapping batches at once: a listing another writer
        stored first is updated by the same capture-time rule (an older capture only adds
        evidence), never duplicated, and a deadlock is retried.
        """
        for listing, analysis in pairs:
            if analysis.listing_id != listing.id:
                raise StoreError(f"analysis of {analysis.listing_id!r} given with listing {listing.id!r}")
        if not pairs:
            return SaveCounts()
        storable = [rows.storable_pair(listing, analysis) for listing, analysis in pairs]
        cleaned = sum(1 for (new, _), (old, _) in zip(storable, pairs, strict=True) if new is not old)
        for attempt in range(3):
            try:
                with self.write_transaction("save a batch of listings") as conn:
                    counts = self._save(conn, storable, collection_id)
                return dataclasses.replace(counts, cleaned=cleaned)
            except StoreError as exc:
                if attempt == 2 or not _retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def _save(
        self, conn: Connection, pairs: Sequence[tuple[Listing, Analysis]], collection_id: int | None
    ) -> SaveCounts:
        keys = list(dict.fromkeys(listing.key for listing, _ in pairs))
        stored = _stored_listings(conn, keys, lock=True)
        kept = _stored_captures(conn, stored)

        # Classify in input order (a key seen twice is compared with its previous
        # occurrence); write only the latest state of each key.
        state = {key: (item.digest, item.version) for key, item in stored.items()}
        latest: dict[ListingKey, _Pending] = {}
        evidence: list[tuple[ListingKey, Capture]] = []
        new = updated = unchanged = older = 0
        for listing, analysis in pairs:
            key, capture = listing.key, listing.capture
            known = kept.get(key)
            if capture is not None and known is not None:
                if capture.sha256 in known.shas and capture.sha256 != known.latest_sha:
                    unchanged += 1  # an earlier capture read again: already kept as evidence
                    continue
                if capture.sha256 not in known.shas and _is_older(capture, known):
                    older += 1  # evidence of an earlier state; the fields stay the latest
                    known.shas.add(capture.sha256)
                    evidence.append((key, capture))
                    continue
            if capture is not None:
                shas = known.shas if known is not None else set()
                kept[key] = _Kept(shas | {capture.sha256}, capture.sha256, capture_time(capture.captured_at))
            digest = rows.content_hash(listing)
            version = (digest, analysis.analyzer_version)
            previous = state.get(key)
            if previous is None:
                new += 1
            elif previous == version:
                unchanged += 1
            else:
                updated += 1
            state[key] = version
            latest[key] = _Pending(listing, analysis, digest)

        inserts = [item for key, item in latest.items() if key not in stored]
        updates = [
            (stored[key].row_id, item)
            for key, item in latest.items()
            if key in stored and stored[key][1:] != (item.digest, item.analysis.analyzer_version)
        ]
        ids = {key: item.row_id for key, item in stored.items()}
        alerts = 0
        if inserts or updates:
            written, raced = self._write_listings(conn, inserts, updates)
            ids.update(written)
            new, updated = new - raced.taken - raced.skipped, updated + raced.taken
            unchanged, older = unchanged + raced.skipped, older + raced.older
            alerts = raise_alerts(
                conn, [(row_id, latest[key].listing, latest[key].analysis) for key, row_id in written.items()]
            )
        if evidence:
            insert_ignore(
                conn,
                CaptureRow,
                [{**rows.capture_values(capture), "listing_id": ids[key]} for key, capture in evidence],
            )
        self._file_in_collection(conn, collection_id, set(ids.values()))
        return SaveCounts(new=new, updated=updated, unchanged=unchanged, older=older, alerts=alerts)

    @staticmethod
    def _file_in_collection(conn: Connection, collection_id: int | None, row_ids: set[int]) -> None:
        """Put the listings in the collection (the local default when None); those already
        there (a re-scan) cost one read, not a write each."""
        if collection_id is None:
            collection_id = default_collection_id(conn)
        held: set[int] = set()
        ordered = sorted(row_ids)
        for chunk in _chunks(ordered):
            held.update(
                conn.execute(
                    select(CollectionListingRow.listing_id).where(
                        CollectionListingRow.collection_id == collection_id,
                        CollectionListingRow.listing_id.in_(chunk),
                    )
                ).scalars()
            )
        missing = [
            {"collection_id": collection_id, "listing_id": row_id} for row_id in ordered if row_id not in held
        ]
        insert_ignore(conn, CollectionListingRow, missing)  # another writer may file them meanwhile

    def _write_listings(
        self,
        conn: Connection,
        inserts: list[_Pending],
        updates: list[tuple[int, _Pending]],
    ) -> tuple[dict[ListingKey, int], _Raced]:
        """Write listing rows and their details; returns the row ids by key, and what became
        of inserts whose listing another writer stored meanwhile: a newer capture updates it,
        an older one (by ``captured_at``) is kept as evidence only, as in ``_save``."""
        now = _now()
        written = [item.listing for item in inserts] + [item.listing for _, item in updates]
        platform_ids, account_ids = self._resolve_accounts(conn, written)

        def values(listing: Listing, digest: str) -> dict[str, Any]:
            value = rows.listing_values(listing)
            value["platform_id"] = platform_ids[_platform_key(listing)]
            value["account_id"] = (
                account_ids[(_platform_key(listing), listing.seller)] if listing.seller is not None else None
            )
            value["content_hash"] = digest
            value["last_seen"] = now
            return value

        ids: dict[ListingKey, int] = {}
        taken = skipped = older = 0
        if inserts:
            params = [
                {**values(listing, digest), "uid": listing.id, "first_seen": now}
                for listing, _, digest in inserts
            ]
            names = {platform_id: name for name, platform_id in platform_ids.items()}
            for row_id, platform_id, uid in _insert_new_listings(conn, params):
                ids[ListingKey(names[platform_id], uid)] = row_id
            raced = [item for item in inserts if item.listing.key not in ids]
            if raced:  # stored by another writer since we looked: order by capture as _save does
                inserts = [item for item in inserts if item.listing.key in ids]
                now_stored = _stored_listings(conn, [item.listing.key for item in raced], lock=True)
                kept = _stored_captures(conn, now_stored)
                evidence: list[dict[str, Any]] = []
                for item in raced:
                    key, capture = item.listing.key, item.listing.capture
                    row_id, known = now_stored[key].row_id, kept.get(key)
                    ids[key] = row_id
                    if capture is not None and known is not None:
                        if capture.sha256 in known.shas and capture.sha256 != known.latest_sha:
                            skipped += 1  # an earlier capture already kept
                            continue
                        if capture.sha256 not in known.shas and _is_older(capture, known):
                            skipped += 1
                            older += 1  # evidence only: the other writer's fields are newer
                            evidence.append({**rows.capture_values(capture), "listing_id": row_id})
                            continue
                    taken += 1
                    updates = [*updates, (row_id, item)]
                insert_ignore(conn, CaptureRow, evidence)
        if updates:
            conn.execute(
                update(ListingRow).where(ListingRow.id == bindparam("row_id")),
                [{**values(listing, digest), "row_id": row_id} for row_id, (listing, _, digest) in updates],
            )
            replaced = [row_id for row_id, _ in updates]
            for table in (AnalysisRow, MatchRow, SelectorRow):
                for chunk in _chunks(replaced):
                    conn.execute(delete(table).where(table.listing_id.in_(chunk)))
            ids.update((item.listing.key, row_id) for row_id, item in updates)
        self._write_details(
            conn,
            [(ids[listing.key], listing, analysis) for listing, analysis, _ in inserts]
            + [(row_id, listing, analysis) for row_id, (listing, analysis, _) in updates],
            now,
            updated={row_id for row_id, _ in updates},
        )
        return ids, _Raced(taken, skipped, older)

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
        matches: list[tuple[Any, ...]] = []
        selectors: list[tuple[Any, ...]] = []
        captures: list[dict[str, Any]] = []
        known_captures: list[dict[str, Any]] = []
        for row_id, listing, analysis in items:
            analyses.append({**rows.analysis_values(analysis), "listing_id": row_id, "analysed_at": now})
            found = analysis.detection.matches
            matches.extend(rows.match_row(row_id, position, match) for position, match in enumerate(found))
            named = analysis.selectors
            selectors.extend(rows.selector_row(row_id, position, item) for position, item in enumerate(named))
            if listing.capture is not None:
                capture = {**rows.capture_values(listing.capture), "listing_id": row_id}
                (known_captures if row_id in updated else captures).append(capture)
        insert_dicts(conn, AnalysisRow, analyses)
        insert_rows(conn, MatchRow, rows.MATCH_COLUMNS, matches)
        insert_rows(conn, SelectorRow, rows.SELECTOR_COLUMNS, selectors)
        insert_dicts(conn, CaptureRow, captures)
        insert_ignore(conn, CaptureRow, known_captures)

    def _resolve_accounts(
        self, conn: Connection, listings: Sequence[Listing]
    ) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        """Ids of the listings' platforms and seller accounts, creating the missing ones."""
        names = {_platform_key(listing) for listing in listings}
        platform_ids = _get_or_create(
            conn,
            sorted(names),
            lambda chunk: select(PlatformRow.name, PlatformRow.id).where(PlatformRow.name.in_(chunk)),
            lambda missing: insert_ignore(conn, PlatformRow, [{"name": n} for n in missing]),
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
            insert_ignore(
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
        latest: dict[int, Row[Any]] = {}
        for row in conn.execute(select(CaptureRow.__table__).where(CaptureRow.listing_id.in_(ids))):
            shown = latest.get(row.listing_id)  # the latest capture by capture time wins
            if shown is None or _capture_order(row.captured_at, row.id) > _capture_order(
                shown.captured_at, shown.id
            ):
                latest[row.listing_id] = row
        captures = {row_id: rows.to_capture(row) for row_id, row in latest.items()}
        page = []
        for row in listing_rows:
            listing = rows.to_listing(row, row.platform_name, row.seller_name, captures.get(row.id))
            analysis = rows.to_analysis(row.uid, row, matches.get(row.id, []), selectors.get(row.id, []))
            page.append((row.id, (listing, analysis)))
        return page

    # -- one listing, by the name a user gives ---------------------------------------------

    def listing_keys(self, ref: str) -> list[ListingKey]:
        """The stored listings ``ref`` can name, oldest first: a plain id names it on every
        platform; ``platform:id`` (or ``:id``, no platform) names that key (see ``_named_in``)."""
        with self.read_connection(f"look up listing {ref!r}") as conn:
            return [key for key, _ in _listings_named(conn, ref)]

    def resolve_listing(self, ref: str) -> ListingKey | None:
        """The one stored listing ``ref`` names (``platform:id``, or a plain id used on one
        platform only); None when none. Raises AmbiguousListingError, naming the
        candidates so that each names one listing (``:id`` for no platform), when a plain
        id is used on several platforms."""
        keys = self.listing_keys(ref)
        if len(keys) > 1:
            raise AmbiguousListingError(ref, [str(key) if key.platform else f":{key.id}" for key in keys])
        return keys[0] if keys else None

    def stored_listing(self, key: ListingKey) -> Listing | None:
        """A stored listing as last seen (fields, seller, ``extra``, latest capture), or None.
        For code that watches listings change (crawl history)."""
        with self.read_connection(f"read listing {key}") as conn:
            row_id = _stored_listings(conn, [key]).get(key)
            if row_id is None:
                return None
            row = conn.execute(
                select(ListingRow.__table__, AccountRow.seller.label("seller_name"))
                .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
                .where(ListingRow.id == row_id.row_id)
            ).one()
            captures = self._captures(conn, row_id.row_id)
        return rows.to_listing(row, key.platform, row.seller_name, captures[-1] if captures else None)

    def listing_captures(self, key: ListingKey) -> list[Capture]:
        """Every capture kept of a listing, oldest first by capture time (empty when the
        listing is not stored)."""
        with self.read_connection(f"read the captures of {key}") as conn:
            found = _stored_listings(conn, [key]).get(key)
            return self._captures(conn, found.row_id) if found is not None else []

    @staticmethod
    def _captures(conn: Connection, row_id: int) -> list[Capture]:
        found = conn.execute(select(CaptureRow.__table__).where(CaptureRow.listing_id == row_id))
        ordered = sorted(found, key=lambda row: _capture_order(row.captured_at, row.id))
        return [rows.to_capture(row) for row in ordered]

    def update_listing_evidence(
        self, key: ListingKey, *, capture: Capture | None = None, extra: dict[str, Any] | None = None
    ) -> bool:
        """Keep ``capture`` as evidence of a stored listing (once per SHA-256) and/or replace
        its ``extra``, marking it seen now when a capture is given; False if the listing is
        not stored. For takedowns and re-appearances seen by the crawler."""
        with self.write_transaction(f"update listing {key}") as conn:
            found = _stored_listings(conn, [key], lock=True).get(key)
            if found is None:
                return False
            if capture is not None:
                value = {**rows.capture_values(capture), "listing_id": found.row_id}
                insert_ignore(conn, CaptureRow, [value])
            values: dict[str, Any] = {}
            if extra is not None:
                values["extra"] = rows.jsonable(extra)
            if capture is not None:
                values["last_seen"] = _now()
            if values:
                conn.execute(update(ListingRow).where(ListingRow.id == found.row_id).values(**values))
        return True

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
            if keyed:  # another writer may store the same reject meanwhile: skip it then
                insert_ignore(
                    conn,
                    RejectRow,
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
        """Replace the stored links, clusters and held-back values with a new linking result.

        The network names listings by ``str(Listing.key)`` (``platform:id``, or the id).
        """
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


def bulk_insert(conn: Connection, table: type[Base], values: list[dict[str, Any]]) -> None:
    """Insert many rows fast: COPY on PostgreSQL (twice the rate of executemany), else
    executemany. For rows no other writer can hold yet (children of rows this transaction
    created); use ``insert_ignore`` where a unique constraint may already hold a row.
    Text is made storable (``clean.py``) on both paths. (The scan's own detail rows take
    ``prepared.insert_rows``, which skips SQLAlchemy on SQLite too.)"""
    if not values:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), values)  # SQLAlchemy fills in the columns' Python defaults
        return
    insert_dicts(conn, table, values)


#: PostgreSQL: new listings are copied here, then inserted unless another writer has them.
_STAGED = "wildtrace_staged_listings"


def _insert_new_listings(conn: Connection, params: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Insert listing rows, skipping those another writer stored meanwhile (ON CONFLICT DO
    NOTHING); returns (row id, platform id, uid) of the rows inserted, in input order.

    On PostgreSQL the rows go through COPY into a temporary table first: a many-row INSERT
    with parameters took twice as long (psycopg parses its placeholders)."""
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    returning = (ListingRow.id, ListingRow.platform_id, ListingRow.uid)
    if conn.dialect.name != "postgresql":
        statement = dialect_insert(ListingRow).on_conflict_do_nothing(index_elements=["platform_id", "uid"])
        return [tuple(row) for row in conn.execute(statement.returning(*returning), params)]
    columns = list(params[0])
    listed = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGED} ON COMMIT DELETE ROWS AS "
        f"SELECT 0 AS ordinal, {listed} FROM listings WITH NO DATA"
    )
    conn.exec_driver_sql(f"DELETE FROM {_STAGED}")
    staged = ["ordinal", *columns]
    values = [(n, *(value[c] for c in columns)) for n, value in enumerate(params)]
    copy_rows(conn, _STAGED, staged, converted_rows(ListingRow, staged, values, None))
    result = conn.exec_driver_sql(
        f"INSERT INTO listings ({listed}) SELECT {listed} FROM {_STAGED} ORDER BY ordinal "
        "ON CONFLICT (platform_id, uid) DO NOTHING RETURNING id, platform_id, uid"
    )
    return [tuple(row) for row in result]


def insert_ignore(conn: Connection, table: type[Base], values: list[dict[str, Any]]) -> None:
    """Insert rows, skipping any that a unique constraint says are already there (also
    when another writer stored them a moment ago: INSERT ... ON CONFLICT DO NOTHING)."""
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


def _listings_named(conn: Connection, ref: str) -> list[tuple[ListingKey, int]]:
    """(key, row id) of the listings ``ref`` can name (see ``Store.listing_keys``)."""
    return _named_in(conn, [ref])[ref]


def _named_in(conn: Connection, refs: Sequence[str]) -> dict[str, list[tuple[ListingKey, int]]]:
    """The listings each reference can name, oldest first; the one rule behind
    ``resolve_listing`` and ``listing_row_ids``. A plain id (no ':') names that id on every
    platform. Anything else is read as a key (``parse_listing_key``: ``platform:id``, or
    ``:id`` for no platform) and names that listing; when none has that key, every listing
    whose id is the whole reference (ids once written with their platform prefix)."""
    keys = {ref: parse_listing_key(ref) for ref in refs}
    uids = sorted(set(refs) | {key.id for key in keys.values()})
    stored: dict[str, list[tuple[ListingKey, int]]] = {}
    for chunk in _chunks(uids):
        query = (
            select(PlatformRow.name, ListingRow.uid, ListingRow.id)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .where(ListingRow.uid.in_(chunk))
        )
        for platform, uid, row_id in conn.execute(query):
            stored.setdefault(uid, []).append((ListingKey(platform, uid), row_id))
    named: dict[str, list[tuple[ListingKey, int]]] = {}
    for ref, key in keys.items():
        by_id = sorted(stored.get(ref, []), key=lambda item: item[1])
        exact = [item for item in stored.get(key.id, []) if item[0] == key] if ":" in ref else []
        named[ref] = exact or by_id
    return named


def listing_row_ids(conn: Connection, refs: Iterable[str]) -> dict[str, int]:
    """Row ids of the listings that references name, inside a caller's transaction: a
    ``platform:id``, a plain id used on one platform only, or a listing URL (the first
    listing stored with it). References naming nothing, or several listings, are left out.
    For importers that link records to listings (ops)."""
    wanted = sorted(set(refs))
    ids = _listing_ids(conn, wanted)
    by_url = [ref for ref in wanted if ref not in ids]
    for chunk in _chunks(by_url):
        query = select(ListingRow.url, ListingRow.id).where(ListingRow.url.in_(chunk)).order_by(ListingRow.id)
        for url, row_id in conn.execute(query):
            if url is not None:
                ids.setdefault(url, row_id)
    return ids


def _listing_ids(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    """Row ids of the listings named by ``names`` under the rule of ``resolve_listing``
    (``_named_in``); a name that names several listings is left out, as one naming none."""
    return {
        name: found[0][1] for name, found in _named_in(conn, sorted(set(names))).items() if len(found) == 1
    }


def _grouped(
    conn: Connection, table: type[MatchRow] | type[SelectorRow], ids: Iterable[int], order: Any
) -> dict[int, list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = {}
    query = select(table.__table__).where(table.listing_id.in_(list(ids))).order_by(table.listing_id, order)
    for row in conn.execute(query):
        grouped.setdefault(row.listing_id, []).append(row)
    return grouped


#: Old private names, kept until their callers (ops/store.py) use the public ones.
_bulk_insert = bulk_insert
_insert_ignore = insert_ignore
