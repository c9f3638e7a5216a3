"""What the web app's dashboard and review queue show, computed over what the viewer may see.

Every query here starts from ``access.visible_listing_ids(viewer)``: a count, a bar of a chart,
a row of the queue or a network size never includes a listing the viewer cannot open.

- ``dashboard(store, viewer)``: totals, flagged listings per month, by commodity, language,
  platform and country, the newest high-risk listings and the largest networks.
- ``review_queue(store, viewer, filters)``: flagged and uncertain listings not yet labelled by
  the viewer's agency (or all of them), filtered; ``queue_choices`` lists the filter values.

A listing's month is its ``posted_at`` month when that is an ISO date, else the month it was
first stored. Its country is where its first phone number is registered (E.164), else its
location when that names a country, else unknown.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, or_, select

from wildtrace.model import ListingKey
from wildtrace.store.access import Viewer, listing_is_visible, visible_collection_ids, visible_listing_ids
from wildtrace.store.repository import Store
from wildtrace.store.tables import (
    AccountRow,
    AnalysisRow,
    ListingRow,
    NetworkMemberRow,
    PlatformRow,
    SelectorRow,
)
from wildtrace.store.tables_access import CollectionListingRow, CollectionRow
from wildtrace.store.tables_review import LabelRow

#: How long a viewer's dashboard figures and queue filter choices are kept (seconds): they are
#: costly over a large store and need not be to the second. Kept per store and per user.
DASHBOARD_SECONDS = 30.0
CHOICES_SECONDS = 120.0
_CACHE: weakref.WeakKeyDictionary[Store, dict[tuple[Any, ...], tuple[float, Any]]] = (
    weakref.WeakKeyDictionary()
)
_CACHE_LOCK = threading.Lock()
#: One lock per key being computed: requests that miss together wait for one computation
#: instead of all running it (a stampede that held both cores for seconds when a cache expired).
_COMPUTING: weakref.WeakKeyDictionary[Store, dict[tuple[Any, ...], threading.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _fresh(store: Store, key: tuple[Any, ...], seconds: float) -> tuple[bool, Any]:
    with _CACHE_LOCK:
        hit = _CACHE.setdefault(store, {}).get(key)
    if hit is not None and time.monotonic() - hit[0] < seconds:
        return True, hit[1]
    return False, None


def _cached(store: Store, key: tuple[Any, ...], seconds: float, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value of less than ``seconds`` ago for the same store and key;
    computed once when several threads ask at the same time."""
    found, value = _fresh(store, key, seconds)
    if found:
        return value
    with _CACHE_LOCK:
        computing = _COMPUTING.setdefault(store, {}).setdefault(key, threading.Lock())
    with computing:
        found, value = _fresh(store, key, seconds)  # another thread may just have computed it
        if found:
            return value
        now = time.monotonic()
        value = compute()
        with _CACHE_LOCK:
            entries = _CACHE.setdefault(store, {})
            longest = max(DASHBOARD_SECONDS, CHOICES_SECONDS)
            for stale in [k for k, (at, _) in entries.items() if now - at >= longest]:
                del entries[stale]
                _COMPUTING.get(store, {}).pop(stale, None)
            entries[key] = (now, value)
    return value


def _who(viewer: Viewer) -> tuple[Any, ...]:
    """What decides what a viewer may see: their user, agency and role."""
    return (viewer.user_id, viewer.username, viewer.agency_id, viewer.role)


#: Listings scoring at least this (and below the flag threshold) are "uncertain": in the queue.
UNCERTAIN_FROM = 0.3
#: How many high-risk listings and networks the dashboard lists.
TOP = 10


@dataclass(slots=True)
class Dashboard:
    computed_at: str = ""
    listings: int = 0
    analysed: int = 0
    flagged: int = 0
    over_time: list[tuple[str, int]] = field(default_factory=list)
    by_commodity: list[tuple[str, int]] = field(default_factory=list)
    by_language: list[tuple[str, int]] = field(default_factory=list)
    by_platform: list[tuple[str, int]] = field(default_factory=list)
    by_country: list[tuple[str, int]] = field(default_factory=list)
    newest: list[dict[str, Any]] = field(default_factory=list)
    networks: list[dict[str, Any]] = field(default_factory=list)
    #: What needs attention now: (kind, message, link), most pressing first.
    alerts: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """What the review queue may be narrowed to; None (or empty) means any."""

    commodity: str | None = None
    language: str | None = None
    platform: str | None = None
    country: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    since: str | None = None
    until: str | None = None
    collection: str | None = None
    #: Also the listings the viewer's agency has labelled already.
    include_reviewed: bool = False


def _ref(platform: str, uid: str) -> str:
    return str(ListingKey(platform, uid))


def _visible(viewer: Viewer) -> Any:
    return ListingRow.id.in_(visible_listing_ids(viewer))


@lru_cache(maxsize=65536)
def _phone_region(number: str) -> str | None:
    """The country an E.164 phone number is registered in (``+254...`` → ``KE``)."""
    import phonenumbers

    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return None
    return region if region and region != "ZZ" else None


@lru_cache(maxsize=4096)
def _location_country(location: str) -> str | None:
    from wildtrace.reference import country_code

    return country_code(location.strip()) if location.strip() else None


def _countries(conn: Any, listings: Any) -> dict[int, str]:
    """The country of each listing (``listings``: a subquery or list of row ids): where its first
    phone number is registered, else its location when that names a country."""
    found: dict[int, str] = {}
    phones = (
        select(SelectorRow.listing_id, SelectorRow.value)
        .where(SelectorRow.type == "phone", SelectorRow.listing_id.in_(listings))
        .order_by(SelectorRow.listing_id, SelectorRow.position)
    )
    for listing_id, number in conn.execute(phones):
        if listing_id not in found and (region := _phone_region(number)):
            found[listing_id] = region
    places = select(ListingRow.id, ListingRow.location).where(
        ListingRow.id.in_(listings), ListingRow.location.is_not(None)
    )
    for listing_id, location in conn.execute(places):
        if listing_id not in found and (code := _location_country(location)):
            found[listing_id] = code
    return found


def _month_of_first_seen(dialect: str) -> Any:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", ListingRow.first_seen), "YYYY-MM")
    return func.substr(ListingRow.first_seen, 1, 7)


def _commodity_elements(dialect: str) -> Any:
    """The elements of ``analyses.commodities`` (a JSON list) as a table-valued function."""
    if dialect == "postgresql":
        return func.jsonb_array_elements_text(AnalysisRow.commodities).table_valued("value").lateral()
    return func.json_each(AnalysisRow.commodities).table_valued("value")


def _names_commodity(dialect: str, commodity: str) -> Any:
    """A WHERE clause: the analysis names ``commodity`` among its commodities."""
    if dialect == "postgresql":
        return AnalysisRow.commodities.op("?")(commodity)
    elements = func.json_each(AnalysisRow.commodities).table_valued("value")
    return exists(select(elements.c.value).where(elements.c.value == commodity))


def dashboard(store: Store, viewer: Viewer, top: int = TOP) -> Dashboard:
    """The dashboard's figures over the listings ``viewer`` may see (as of at most
    ``DASHBOARD_SECONDS`` ago: ``computed_at`` says when)."""
    board: Dashboard = _cached(
        store, ("dashboard", top, *_who(viewer)), DASHBOARD_SECONDS, lambda: _dashboard(store, viewer, top)
    )
    return board


def _dashboard(store: Store, viewer: Viewer, top: int) -> Dashboard:
    board = Dashboard(computed_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    visible = _visible(viewer)
    flagged_only = and_(visible, AnalysisRow.flagged)
    with store.read_connection("read the dashboard") as conn:
        board.listings = int(
            conn.execute(select(func.count()).select_from(ListingRow).where(visible)).scalar_one()
        )
        counts = conn.execute(
            select(func.count(), func.coalesce(func.sum(case((AnalysisRow.flagged, 1), else_=0)), 0))
            .select_from(ListingRow)
            .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(visible)
        ).one()
        board.analysed, board.flagged = int(counts[0]), int(counts[1])
        flagged_rows = (
            select(ListingRow.id)
            .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(flagged_only)
        )

        # per month: the posted month when it is an ISO date, else the month first stored
        # one pass: the posted month when it is an ISO date, else the month first stored
        iso = ListingRow.posted_at.like("____-__%")
        month = case(
            (iso, func.substr(ListingRow.posted_at, 1, 7)), else_=_month_of_first_seen(conn.dialect.name)
        )
        months: Counter[str] = Counter()
        for name, n in conn.execute(
            select(month, func.count())
            .select_from(ListingRow)
            .where(ListingRow.id.in_(flagged_rows))
            .group_by(month)
        ):
            months[str(name)] += int(n)
        board.over_time = sorted((m, n) for m, n in months.items() if m[:4].isdigit())

        elements = _commodity_elements(conn.dialect.name)
        commodity = func.count(distinct(AnalysisRow.listing_id))
        board.by_commodity = [
            (str(name), int(n))
            for name, n in conn.execute(
                select(elements.c.value, commodity)
                .select_from(ListingRow)
                .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                .join(elements, elements.c.value.is_not(None))
                .where(flagged_only)
                .group_by(elements.c.value)
                .order_by(commodity.desc(), elements.c.value)
                .limit(top)
            )
        ]
        language = func.coalesce(AnalysisRow.language, "")
        board.by_language = [
            (str(name) or "unknown", int(n))
            for name, n in conn.execute(
                select(language, func.count())
                .select_from(ListingRow)
                .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                .where(flagged_only)
                .group_by(language)
                .order_by(func.count().desc(), language)
                .limit(top)
            )
        ]
        board.by_platform = [
            (str(name) or "unnamed", int(n))
            for name, n in conn.execute(
                select(PlatformRow.name, func.count())
                .select_from(ListingRow)
                .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
                .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                .where(flagged_only)
                .group_by(PlatformRow.name)
                .order_by(func.count().desc(), PlatformRow.name)
                .limit(top)
            )
        ]
        countries: Counter[str] = Counter(_countries(conn, flagged_rows).values())
        if board.flagged > countries.total():
            countries["unknown"] = board.flagged - countries.total()
        unknown = countries.pop("unknown", 0)
        board.by_country = sorted(countries.items(), key=lambda item: (-item[1], item[0]))[:top]
        if unknown:  # listed last: the countries known are what the chart is about
            board.by_country.append(("unknown", unknown))

        board.newest = [
            _listing_item(row)
            for row in conn.execute(
                _listing_query()
                .where(flagged_only)
                .order_by(ListingRow.first_seen.desc(), AnalysisRow.score.desc(), ListingRow.id.desc())
                .limit(top)
            )
        ]
        board.networks = _largest_networks(conn, viewer, top)
        board.alerts = _alerts(conn, viewer)
    return board


#: "New" on the dashboard: first stored within this many days.
RECENT_DAYS = 7


def _alerts(conn: Any, viewer: Viewer) -> list[tuple[str, str, str]]:
    """What needs attention: flagged listings naming a CITES Appendix I taxon that the viewer's
    agency has not reviewed, flagged listings new this week, and the review backlog."""
    from datetime import timedelta

    unreviewed = ~exists().where(LabelRow.listing_id == ListingRow.id, LabelRow.agency == viewer.agency_code)
    flagged = (
        select(ListingRow.id)
        .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
        .where(_visible(viewer), AnalysisRow.flagged)
    )
    alerts: list[tuple[str, str, str]] = []
    appendix_one = 0
    for (taxa,) in conn.execute(
        select(AnalysisRow.taxa).where(AnalysisRow.listing_id.in_(flagged.where(unreviewed)))
    ):
        if any(str((taxon or {}).get("cites_appendix") or "").upper() == "I" for taxon in taxa or []):
            appendix_one += 1
    if appendix_one:
        alerts.append(("cites", f"{appendix_one} flagged listing(s) name a CITES Appendix I species "
                       "and await your agency's review", "/review"))  # fmt: skip
    since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    new, backlog = conn.execute(
        select(
            func.coalesce(func.sum(case((ListingRow.first_seen >= since, 1), else_=0)), 0),
            func.coalesce(func.sum(case((unreviewed, 1), else_=0)), 0),
        ).where(ListingRow.id.in_(flagged))
    ).one()
    if new:
        alerts.append(("new", f"{new} flagged listing(s) stored in the last {RECENT_DAYS} days", "/review"))
    if backlog:
        alerts.append(("queue", f"{backlog} flagged listing(s) not yet reviewed by your agency", "/review"))
    return alerts


def _largest_networks(conn: Any, viewer: Viewer, top: int) -> list[dict[str, Any]]:
    """Networks (clusters of linked accounts) by the number of visible accounts in them; a
    cluster of one account is no network."""
    account = func.coalesce(ListingRow.account_id, -ListingRow.id)
    accounts = func.count(distinct(account))
    flagged = func.sum(case((AnalysisRow.flagged, 1), else_=0))
    query = (
        select(NetworkMemberRow.cluster, accounts, func.count(), flagged)
        .select_from(NetworkMemberRow)
        .join(ListingRow, ListingRow.id == NetworkMemberRow.listing_id)
        .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
        .where(_visible(viewer))
        .group_by(NetworkMemberRow.cluster)
        .having(accounts > 1)
        .order_by(accounts.desc(), func.count().desc(), NetworkMemberRow.cluster)
        .limit(top)
    )
    return [
        {"id": str(cluster), "accounts": int(n_accounts), "listings": int(n), "flagged": int(n_flagged or 0)}
        for cluster, n_accounts, n, n_flagged in conn.execute(query)
    ]


def _listing_query() -> Any:
    return (
        select(
            ListingRow.id.label("row_id"),
            PlatformRow.name.label("platform"),
            ListingRow.uid,
            ListingRow.title,
            ListingRow.text,
            ListingRow.location,
            ListingRow.posted_at,
            ListingRow.first_seen,
            AccountRow.seller,
            AnalysisRow.score,
            AnalysisRow.flagged,
            AnalysisRow.language,
            AnalysisRow.commodities,
        )
        .select_from(ListingRow)
        .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
        .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
    )


def _listing_item(row: Any) -> dict[str, Any]:
    text = (row.text or "").strip()
    return {
        "id": _ref(row.platform, row.uid),
        "platform": row.platform or None,
        "title": row.title,
        "excerpt": text[:240] + ("…" if len(text) > 240 else ""),
        "seller": row.seller,
        "score": float(row.score),
        "flagged": bool(row.flagged),
        "language": row.language,
        "commodities": list(row.commodities or []),
        "location": row.location,
        "posted_at": row.posted_at,
        "first_seen": row.first_seen.isoformat() if isinstance(row.first_seen, datetime) else row.first_seen,
    }


def review_queue(
    store: Store, viewer: Viewer, filters: QueueFilters | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Flagged and uncertain listings (score from ``UNCERTAIN_FROM``) the viewer may see, highest
    score first, each with its agency's latest verdict (``verdict``, None when unlabelled);
    without ``include_reviewed`` only those the viewer's agency has not labelled yet."""
    chosen = filters or QueueFilters()
    listing = AnalysisRow.listing_id
    # conditions over the analyses alone: the queue sorts narrow rows (no join, no text)
    conditions: list[Any] = [
        or_(AnalysisRow.flagged, AnalysisRow.score >= UNCERTAIN_FROM),
        listing_is_visible(viewer, listing),
    ]
    if not chosen.include_reviewed:
        conditions.append(
            ~exists().where(LabelRow.listing_id == listing, LabelRow.agency == viewer.agency_code)
        )
    if chosen.commodity:
        conditions.append(_names_commodity(store.engine.dialect.name, chosen.commodity))
    if chosen.language:
        conditions.append(AnalysisRow.language == chosen.language)
    if chosen.min_score is not None:
        conditions.append(AnalysisRow.score >= chosen.min_score)
    if chosen.max_score is not None:
        conditions.append(AnalysisRow.score <= chosen.max_score)
    on_listing: list[Any] = []
    if chosen.platform:
        on_listing.append(
            ListingRow.platform_id.in_(select(PlatformRow.id).where(PlatformRow.name == chosen.platform))
        )
    if chosen.since:
        on_listing.append(ListingRow.posted_at >= chosen.since)
    if chosen.until:
        on_listing.append(ListingRow.posted_at <= chosen.until + "\uffff")
    if on_listing:
        conditions.append(exists().where(ListingRow.id == listing, *on_listing))
    if chosen.collection:
        conditions.append(
            exists().where(
                CollectionListingRow.listing_id == listing,
                CollectionListingRow.collection_id == CollectionRow.id,
                CollectionRow.name == chosen.collection,
                CollectionRow.id.in_(visible_collection_ids(viewer)),
            )
        )
    # the country is guessed in Python: with one, more rows are read and the first that match kept
    fetch = limit * 20 if chosen.country else limit
    narrow = select(listing).where(*conditions).order_by(AnalysisRow.score.desc(), listing).limit(fetch)
    with store.read_connection("read the review queue") as conn:
        candidates = list(conn.execute(narrow).scalars())
        rows: dict[int, Any] = {}
        for chunk_start in range(0, len(candidates), 500):
            chunk = candidates[chunk_start : chunk_start + 500]
            rows.update(
                (row.row_id, row) for row in conn.execute(_listing_query().where(ListingRow.id.in_(chunk)))
            )
        ids: list[int] = []
        countries: dict[int, str | None] = {}
        known = _countries(conn, candidates) if candidates else {}
        for row_id in candidates:
            country = known.get(row_id)
            if chosen.country and country != chosen.country.upper():
                continue
            ids.append(row_id)
            countries[row_id] = country
            if len(ids) == limit:
                break
        verdicts = _agency_verdicts(conn, viewer, ids)
    items = []
    for row_id in ids:
        item = _listing_item(rows[row_id])
        item["country"] = countries[row_id]
        item["verdict"] = verdicts.get(row_id)
        items.append(item)
    return items


def _agency_verdicts(conn: Any, viewer: Viewer, row_ids: list[int]) -> dict[int, str]:
    """The latest verdict the viewer's agency gave each listing."""
    if not row_ids:
        return {}
    latest: dict[int, tuple[Any, int, str]] = {}
    query = select(LabelRow.listing_id, LabelRow.labelled_at, LabelRow.id, LabelRow.verdict).where(
        LabelRow.listing_id.in_(row_ids), LabelRow.agency == viewer.agency_code
    )
    for listing_id, at, label_id, verdict in conn.execute(query):
        if listing_id not in latest or (at, label_id) > latest[listing_id][:2]:
            latest[listing_id] = (at, label_id, verdict)
    return {listing_id: value[2] for listing_id, value in latest.items()}


def queue_choices(store: Store, viewer: Viewer) -> dict[str, list[str]]:
    """The values the queue's filters offer: platforms, languages, commodities and collections
    among what the viewer may see (as of at most ``CHOICES_SECONDS`` ago).

    A listing is visible exactly when a collection holding it is, so the values over what a
    viewer sees are the union of those of their visible collections: each collection's are
    computed once (and kept ``CHOICES_SECONDS``) for every user who sees it, instead of a scan
    of every visible listing per user (0.8 s on 100,000 listings)."""
    with store.read_connection("read the visible collections") as conn:
        collections = conn.execute(
            select(CollectionRow.id, CollectionRow.name)
            .where(CollectionRow.id.in_(visible_collection_ids(viewer)))
            .order_by(CollectionRow.name)
        ).all()
    values: dict[str, set[str]] = {"platforms": set(), "languages": set(), "commodities": set()}
    for collection_id, _ in collections:
        compute = functools.partial(_collection_choices, store, int(collection_id))
        key = ("collection choices", collection_id)
        held: dict[str, set[str]] = _cached(store, key, CHOICES_SECONDS, compute)
        for kind, found in held.items():
            values[kind] |= found
    return {kind: sorted(found) for kind, found in values.items()} | {
        "collections": [str(name) for _, name in collections]
    }


def _collection_choices(store: Store, collection_id: int) -> dict[str, set[str]]:
    """The platforms, languages and commodities of the listings one collection holds."""
    held = ListingRow.id.in_(
        select(CollectionListingRow.listing_id).where(CollectionListingRow.collection_id == collection_id)
    )
    elements = _commodity_elements(store.engine.dialect.name)
    with store.read_connection("read the queue's filters") as conn:
        platforms = conn.execute(
            select(PlatformRow.name)
            .distinct()
            .select_from(ListingRow)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .where(held, PlatformRow.name != "")
        ).scalars()
        languages = conn.execute(
            select(AnalysisRow.language)
            .distinct()
            .join(ListingRow, ListingRow.id == AnalysisRow.listing_id)
            .where(held, AnalysisRow.language.is_not(None))
        ).scalars()
        commodities = conn.execute(
            select(elements.c.value)
            .distinct()
            .select_from(ListingRow)
            .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .join(elements, elements.c.value.is_not(None))
            .where(held)
        ).scalars()
        return {
            "platforms": {str(p) for p in platforms},
            "languages": {str(lang) for lang in languages},
            "commodities": {str(c) for c in commodities},
        }


@dataclass(frozen=True, slots=True)
class ArchivedText:
    """The text of an archived page, sanitised: no markup, no script, no style survives."""

    url: str
    sha256: str
    captured_at: str | None
    text: str
    problem: str = ""


#: At most this many characters of an archived page's text are shown.
ARCHIVED_TEXT_LIMIT = 20_000


def archived_text(store: Store, viewer: Viewer, ref: str) -> ArchivedText | None:
    """The newest archived HTML capture of listing ``ref``, as text, when the viewer may see
    the listing and its WARC record can be read; None otherwise. Reading it writes an
    ``access`` entry in the custody log for that evidence."""
    from wildtrace.store.repository import listing_row_ids
    from wildtrace.store.tables import CaptureRow

    with store.read_connection("find the listing's capture") as conn:
        row_id = listing_row_ids(conn, [ref]).get(ref)
        if row_id is None:
            return None
        capture = conn.execute(
            select(CaptureRow.url, CaptureRow.sha256, CaptureRow.captured_at, CaptureRow.warc_file,
                   CaptureRow.warc_offset)
            .where(CaptureRow.listing_id == row_id, CaptureRow.warc_file.is_not(None),
                   CaptureRow.warc_offset.is_not(None), ListingRow.id == row_id,
                   listing_is_visible(viewer, ListingRow.id))
            .select_from(CaptureRow).join(ListingRow, ListingRow.id == CaptureRow.listing_id)
            .order_by(CaptureRow.id.desc())
            .limit(1)
        ).first()  # fmt: skip
    if capture is None:
        return None
    text, problem = _page_text(capture.warc_file, int(capture.warc_offset))
    from wildtrace.evidence.custody import CustodyLog

    CustodyLog(store).append(
        "access", capture.url, {"sha256": capture.sha256, "listing": ref, "via": "web text"},
        f"{viewer.username}@{viewer.agency_code}",
    )  # fmt: skip
    return ArchivedText(capture.url, capture.sha256, capture.captured_at, text, problem)


def _page_text(warc_file: str, offset: int) -> tuple[str, str]:
    """The visible text of the page archived at ``offset`` in ``warc_file`` (scripts, styles,
    templates, frames and SVG dropped), or ("", why not)."""
    from selectolax.lexbor import LexborHTMLParser

    from wildtrace.errors import WildTraceError
    from wildtrace.evidence.replay import read_capture

    try:
        payload = read_capture(warc_file, offset)
    except (OSError, WildTraceError, ValueError) as exc:
        return "", f"the archived record cannot be read: {exc}"
    if payload is None:
        return "", "the archived record cannot be read (run evidence verify)"
    tree = LexborHTMLParser(payload.body.decode("utf-8", errors="replace"))
    tree.strip_tags(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"])
    root = tree.body or tree.root
    text = root.text(separator="\n", strip=True) if root is not None else ""
    joined = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if len(joined) > ARCHIVED_TEXT_LIMIT:
        joined = joined[:ARCHIVED_TEXT_LIMIT] + "\n…"
    return joined, ""
