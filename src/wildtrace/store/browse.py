"""What the web app and the API read and write: listings, search, accounts, networks, cases and
reviewers' verdicts, each through the visibility filter of ``store/access.py``.

Every function takes the ``Viewer`` who asks. A listing the viewer may not see behaves exactly
like one that does not exist: it is in no list, no total, no search hit, no account, no graph
and no case the viewer is shown, and naming it answers None (the API's 404).

Listings are named by their text key, ``str(ListingKey)``: ``platform:uid`` (the plain uid for
a listing that names no platform), as the rest of WildTrace writes it.

Full-text search comes from the index of ``store/fulltext.py`` (SQLite FTS5 trigrams: every
word as a case-insensitive substring; PostgreSQL ``to_tsvector('simple')``: whole words, the
listings being in many languages). Selectors match by value or as written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    distinct,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import aliased

from wildtrace.model import ListingKey, parse_listing_key
from wildtrace.store.access import (
    account_is_visible,
    case_is_visible,
    listing_is_visible,
    operation_is_visible,
    parse_marking,
    visible_collection_ids,
    visible_listing_ids,
)
from wildtrace.store.fulltext import like_word, text_match
from wildtrace.store.tables import (
    AccountRow,
    AnalysisRow,
    CaptureRow,
    LinkRow,
    ListingRow,
    MatchRow,
    NetworkMemberRow,
    PlatformRow,
    SelectorRow,
)
from wildtrace.store.tables_access import (
    AgencyRow,
    CaseItemRow,
    CaseNoteRow,
    CaseRow,
    CollectionListingRow,
    CollectionRow,
    UserRow,
)
from wildtrace.store.tables_review import LabelRow

if TYPE_CHECKING:
    from wildtrace.store import Store
    from wildtrace.store.access import Viewer

#: The most rows one page of a list may hold.
MAX_LIMIT = 500
#: Accounts marked as key accounts of a network (the most connected, over what is visible).
KEY_ACCOUNTS = 10
#: Case statuses.
CASE_STATUSES = ("open", "active", "closed")


def _now() -> datetime:
    return datetime.now(UTC)


def listing_ref(platform: str, uid: str) -> str:
    """The text key of a listing (``platform:uid``; the uid alone without a platform)."""
    return str(ListingKey(platform, uid))


def account_name(platform: str, seller: str) -> str:
    """An account as linking names it: ``platform:seller`` (``unknown`` for no platform)."""
    return f"{platform or 'unknown'}:{seller}"


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


# -- finding one listing ------------------------------------------------------------------------


def visible_listing_id(conn: Connection, viewer: Viewer, ref: str) -> int | None:
    """The row id of the visible listing ``ref`` names (its text key; a plain uid names the
    one visible listing with that uid, if only one), else None."""
    key = parse_listing_key(ref)
    query = (
        select(ListingRow.id)
        .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .where(
            PlatformRow.name == key.platform,
            ListingRow.uid == key.id,
            listing_is_visible(viewer, ListingRow.id),
        )
    )
    found = conn.execute(query).scalar_one_or_none()
    if found is not None or ":" in ref:
        return found
    plain = conn.execute(
        select(ListingRow.id).where(ListingRow.uid == ref, listing_is_visible(viewer, ListingRow.id)).limit(2)
    ).scalars().all()  # fmt: skip
    return plain[0] if len(plain) == 1 else None


# -- text search ----------------------------------------------------------------------------------


def _text_match(dialect: str, q: str) -> ColumnElement[bool]:
    """Listings whose title or text hold the query, from the full-text index (store/fulltext.py)."""
    return text_match(dialect, q)


def _selector_match(q: str) -> ColumnElement[bool]:
    """Selectors equal to the query by value, or holding it as written (spaces ignored for
    phone numbers and accounts typed with them)."""
    wanted = q.strip()
    squeezed = "".join(wanted.split())
    if not wanted:
        return false()
    return or_(
        SelectorRow.value == wanted,
        SelectorRow.value == squeezed,
        like_word(SelectorRow.value, squeezed),
        like_word(SelectorRow.raw, wanted),
    )


def _matching_ids(dialect: str, q: str) -> Any:
    """The ids of the listings whose text (full-text index) or selectors match ``q``: a union
    of two indexed look-ups, not a per-listing test."""
    return union(
        select(ListingRow.id).where(_text_match(dialect, q)),
        select(SelectorRow.listing_id).where(_selector_match(q)),
    )


# -- lists of listings ----------------------------------------------------------------------------


def _item_query() -> Any:
    return (
        select(
            ListingRow.id.label("row_id"), PlatformRow.name.label("platform"), ListingRow.uid,
            ListingRow.title, ListingRow.posted_at, AccountRow.seller, AnalysisRow.score,
            AnalysisRow.flagged, AnalysisRow.commodities, AnalysisRow.language,
        )
        .select_from(ListingRow)
        .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
        .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
    )  # fmt: skip


def _collections_of(conn: Connection, viewer: Viewer, row_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names of the collections holding each listing that ``viewer`` may see."""
    named: dict[int, list[str]] = defaultdict(list)
    if not row_ids:
        return named
    query = (
        select(CollectionListingRow.listing_id, CollectionRow.name)
        .join(CollectionRow, CollectionRow.id == CollectionListingRow.collection_id)
        .where(
            CollectionListingRow.listing_id.in_(list(row_ids)),
            CollectionRow.id.in_(visible_collection_ids(viewer)),
        )
        .order_by(CollectionRow.name)
    )
    for listing_id, name in conn.execute(query):
        named[listing_id].append(name)
    return named


def _items(conn: Connection, viewer: Viewer, found: Sequence[Any]) -> list[dict[str, Any]]:
    collections = _collections_of(conn, viewer, [row.row_id for row in found])
    return [
        {
            "id": listing_ref(row.platform, row.uid), "title": row.title,
            "score": row.score, "flagged": bool(row.flagged) if row.flagged is not None else False,
            "platform": row.platform or None, "seller": row.seller,
            "commodities": list(row.commodities or []), "language": row.language,
            "posted_at": row.posted_at, "collections": collections.get(row.row_id, []),
        }
        for row in found
    ]  # fmt: skip


def _filters(
    dialect: str, viewer: Viewer, listing_id: Any, q: str | None, collection: str | None
) -> list[ColumnElement[bool]]:
    """WHERE clauses over a listing id column, visibility aside: matching ``q``, held by the
    (visible) collection named."""
    conditions: list[ColumnElement[bool]] = []
    if q and q.strip():
        conditions.append(listing_id.in_(_matching_ids(dialect, q)))
    if collection:
        conditions.append(
            listing_id.in_(
                select(CollectionListingRow.listing_id)
                .join(CollectionRow, CollectionRow.id == CollectionListingRow.collection_id)
                .where(CollectionRow.name == collection, CollectionRow.id.in_(visible_collection_ids(viewer)))
            )
        )
    return conditions


def _page_ids(
    conn: Connection,
    viewer: Viewer,
    *,
    q: str | None,
    flagged: bool | None,
    collection: str | None,
    limit: int,
    offset: int,
) -> list[int]:
    """The row ids of one page of the matching listings, highest score first (ties: newest
    row first). Every stored listing has its analysis (``save_batch`` writes both in one
    transaction), so the page is read from ``analyses``: in order from
    ``ix_analyses_score_listing``, each row tested for visibility, a page costs what it shows
    plus what it skips, not a sort of every visible listing."""
    # visibility as a per-row test, which the ordered scan stops testing once the page is full
    conditions = [listing_is_visible(viewer, AnalysisRow.listing_id),
                  *_filters(conn.dialect.name, viewer, AnalysisRow.listing_id, q, collection)]  # fmt: skip
    if flagged is not None:
        conditions.append(AnalysisRow.flagged.is_(flagged))
    query = (
        select(AnalysisRow.listing_id)
        .where(*conditions)
        .order_by(AnalysisRow.score.desc(), AnalysisRow.listing_id.desc())
        .limit(_limit(limit))
        .offset(max(0, int(offset)))
    )
    return [int(i) for i in conn.execute(query).scalars()]


def _page(conn: Connection, ids: list[int]) -> list[Any]:
    """The rows of ``_item_query`` for ``ids``, in that order."""
    if not ids:
        return []
    rows = {row.row_id: row for row in conn.execute(_item_query().where(ListingRow.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _total(
    conn: Connection, viewer: Viewer, *, q: str | None, flagged: bool | None, collection: str | None
) -> int:
    """How many listings ``viewer`` may see match: with no filter, a count of the distinct
    listings of the visible collections (an index-only scan)."""
    if not (q and q.strip()) and flagged is None and not collection:
        query = select(func.count(distinct(CollectionListingRow.listing_id))).where(
            CollectionListingRow.collection_id.in_(visible_collection_ids(viewer))
        )
        return int(conn.execute(query).scalar_one())
    conditions = _filters(conn.dialect.name, viewer, ListingRow.id, q, collection)
    query = select(func.count()).select_from(ListingRow).where(ListingRow.id.in_(visible_listing_ids(viewer)))
    if flagged is not None:
        query = query.join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id).where(
            AnalysisRow.flagged.is_(flagged)
        )
    return int(conn.execute(query.where(*conditions)).scalar_one())


def list_listings(
    store: Store,
    viewer: Viewer,
    *,
    q: str | None = None,
    flagged: bool | None = None,
    collection: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the listings ``viewer`` may see, highest score first, and how many there
    are in all (visible ones only). ``q`` filters by text and selectors, ``flagged`` by the
    detector's verdict, ``collection`` by a collection's name (one the viewer may see)."""
    with store.read_connection("list listings") as conn:
        ids = _page_ids(conn, viewer, q=q, flagged=flagged, collection=collection, limit=limit, offset=offset)
        found = _page(conn, ids)
        count = _total(conn, viewer, q=q, flagged=flagged, collection=collection)
        return _items(conn, viewer, found), count


def search(store: Store, viewer: Viewer, q: str, limit: int = 50) -> list[dict[str, Any]]:
    """Listings ``viewer`` may see whose text or selectors match ``q``, highest score first;
    each with ``selectors``: the selectors of it that matched (type, value)."""
    if not q.strip():
        return []
    with store.read_connection("search listings") as conn:
        ids = _page_ids(conn, viewer, q=q, flagged=None, collection=None, limit=limit, offset=0)
        found = _page(conn, ids)
        items = _items(conn, viewer, found)
        hits: dict[int, list[dict[str, str]]] = defaultdict(list)
        if found:
            for row in conn.execute(
                select(SelectorRow.listing_id, SelectorRow.type, SelectorRow.value)
                .where(SelectorRow.listing_id.in_([row.row_id for row in found]), _selector_match(q))
                .order_by(SelectorRow.listing_id, SelectorRow.position)
            ):
                hits[row.listing_id].append({"type": row.type, "value": row.value})
    for item, row in zip(items, found, strict=True):
        item["selectors"] = hits.get(row.row_id, [])
    return items


# -- one listing ---------------------------------------------------------------------------------


def listing_detail(store: Store, viewer: Viewer, ref: str) -> dict[str, Any] | None:
    """Everything about one listing ``viewer`` may see (None when it does not exist or is not
    visible): the scan row's fields (``output.scan_row``; ``id`` is the text key, ``uid`` the
    listing's own id) plus ``captures``, ``collections``, ``account``, ``network`` and the
    ``labels`` reviewers of the viewer's agency gave it."""
    from wildtrace.output import scan_row
    from wildtrace.store import rows

    with store.read_connection("read a listing") as conn:
        row_id = visible_listing_id(conn, viewer, ref)
        if row_id is None:
            return None
        row = conn.execute(
            select(
                ListingRow.__table__, PlatformRow.name.label("platform_name"),
                AccountRow.seller.label("seller_name"), AnalysisRow.analyzer_version, AnalysisRow.score,
                AnalysisRow.flagged, AnalysisRow.language, AnalysisRow.commodities, AnalysisRow.taxa,
                AnalysisRow.legality_cues,
            )
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
            .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(ListingRow.id == row_id)
        ).one()  # fmt: skip
        matches = conn.execute(
            select(MatchRow.__table__).where(MatchRow.listing_id == row_id).order_by(MatchRow.position)
        ).all()
        selectors = conn.execute(
            select(SelectorRow.__table__)
            .where(SelectorRow.listing_id == row_id)
            .order_by(SelectorRow.position)
        ).all()
        captures = conn.execute(
            select(CaptureRow.__table__).where(CaptureRow.listing_id == row_id).order_by(CaptureRow.id)
        ).all()
        collections = conn.execute(
            select(CollectionRow.name, CollectionRow.tlp)
            .join(CollectionListingRow, CollectionListingRow.collection_id == CollectionRow.id)
            .where(
                CollectionListingRow.listing_id == row_id,
                CollectionRow.id.in_(visible_collection_ids(viewer)),
            )
            .order_by(CollectionRow.name)
        ).all()
        labels = conn.execute(
            select(LabelRow.verdict, LabelRow.reviewer, LabelRow.labelled_at, LabelRow.note, LabelRow.source)
            .where(LabelRow.listing_id == row_id, LabelRow.agency == viewer.agency_code)
            .order_by(LabelRow.id)
        ).all()
        network = conn.execute(
            select(NetworkMemberRow.cluster).where(NetworkMemberRow.listing_id == row_id)
        ).scalar_one_or_none()
    ordered = sorted(captures, key=lambda c: (c.captured_at is None, c.captured_at or "", c.id))
    latest = rows.to_capture(ordered[-1]) if ordered else None
    listing = rows.to_listing(row, row.platform_name, row.seller_name, latest)
    if row.score is not None:
        detail = scan_row(listing, rows.to_analysis(row.uid, row, matches, selectors))
    else:  # stored without an analysis: the listing's own fields only
        detail = {"score": None, "flagged": False, "commodities": [], "taxa": [], "matches": [],
                  "legality_cues": [], "selectors": [], "language": None, "platform": listing.platform,
                  "seller": listing.seller, "url": listing.url, "title": listing.title,
                  "price": None}  # fmt: skip
    detail.update(
        id=listing_ref(row.platform_name, row.uid),
        uid=row.uid,
        text=row.text,
        location=row.location,
        posted_at=row.posted_at,
        seller_info=row.seller_info,
        images=list(row.images or []),
        first_seen=row.first_seen.isoformat(),
        last_seen=row.last_seen.isoformat(),
        account=account_name(row.platform_name, row.seller_name) if row.seller_name else None,
        network=network,
        captures=[
            {
                "url": c.url,
                "sha256": c.sha256,
                "captured_at": c.captured_at,
                "content_type": c.content_type,
                "http_status": c.http_status,
            }
            for c in captures
        ],
        collections=[{"name": name, "tlp": tlp} for name, tlp in collections],
        labels=[
            {"verdict": v, "reviewer": r, "at": at.isoformat(), "note": note, "source": source}
            for v, r, at, note, source in labels
        ],
    )
    return detail


def record_label(store: Store, viewer: Viewer, listing_ref: str, verdict: str, note: str = "") -> bool:
    """Store a reviewer's verdict (``yes``/``no``/``unsure``) on a listing ``viewer`` may see, in
    the labels table ``wildtrace review`` uses (source ``web``, reviewer the user, agency theirs);
    False when the listing is not visible."""
    from wildtrace.detect import LabelVerdict
    from wildtrace.store.labels import NewLabel, add_labels

    with store.read_connection("find a listing") as conn:
        row_id = visible_listing_id(conn, viewer, listing_ref)
        if row_id is None:
            return False
        key = conn.execute(
            select(PlatformRow.name, ListingRow.uid)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .where(ListingRow.id == row_id)
        ).one()
    label = NewLabel(
        listing=str(ListingKey(key.name, key.uid)),
        verdict=cast(LabelVerdict, verdict),
        by=viewer.username,
        note=note,
        agency=viewer.agency_code,
        source="web",
    )
    return bool(add_labels(store, [label]).stored)


# -- accounts -----------------------------------------------------------------------------------


def _account_id(conn: Connection, platform: str, seller: str) -> int | None:
    names = [platform] + ([""] if platform == "unknown" else [])
    for name in names:
        found = conn.execute(
            select(AccountRow.id)
            .join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
            .where(PlatformRow.name == name, AccountRow.seller == seller)
        ).scalar_one_or_none()
        if found is not None:
            return int(found)
    return None


def account_detail(store: Store, viewer: Viewer, platform: str, seller: str) -> dict[str, Any] | None:
    """One seller account as ``viewer`` may see it: its visible listings, the selectors they
    hold, the accounts linked to them (with the reasons, through visible listings only) and a
    timeline; None when the account has no visible listing."""
    with store.read_connection("read an account") as conn:
        account = _account_id(conn, platform, seller)
        if account is None:
            return None
        visible = visible_listing_ids(viewer)
        found = conn.execute(
            _item_query()
            .add_columns(ListingRow.first_seen, ListingRow.last_seen)
            .where(ListingRow.account_id == account, ListingRow.id.in_(visible))
            .order_by(ListingRow.first_seen, ListingRow.id)
        ).all()
        if not found:
            return None
        ids = [row.row_id for row in found]
        items = _items(conn, viewer, found)
        selectors = conn.execute(
            select(SelectorRow.type, SelectorRow.value, func.count(func.distinct(SelectorRow.listing_id)))
            .where(SelectorRow.listing_id.in_(ids))
            .group_by(SelectorRow.type, SelectorRow.value)
            .order_by(SelectorRow.type, SelectorRow.value)
        ).all()
        linked = _linked_accounts(conn, viewer, ids, account)
    timeline = sorted(
        (
            {"at": row.posted_at or row.first_seen.isoformat(), "first_seen": row.first_seen.isoformat(),
             "last_seen": row.last_seen.isoformat(), "listing": item["id"], "title": row.title}
            for row, item in zip(found, items, strict=True)
        ),
        key=lambda event: (event["first_seen"], event["listing"]),
    )  # fmt: skip
    shown_platform = found[0].platform
    return {
        "account": account_name(shown_platform, seller),
        "platform": shown_platform or None,
        "seller": seller,
        "listings": items,
        "selectors": [{"type": t, "value": v, "listings": int(n)} for t, v, n in selectors],
        "linked": linked,
        "timeline": timeline,
    }


def _linked_accounts(conn: Connection, viewer: Viewer, ids: list[int], account: int) -> list[dict[str, Any]]:
    """Accounts whose visible listings are linked to ``ids``, with the reasons."""
    reasons: dict[tuple[str, str], set[str]] = defaultdict(set)
    other = ListingRow
    for near, far in ((LinkRow.source_listing_id, LinkRow.target_listing_id),
                      (LinkRow.target_listing_id, LinkRow.source_listing_id)):  # fmt: skip
        query = (
            select(PlatformRow.name, AccountRow.seller, LinkRow.reason)
            .select_from(LinkRow)
            .join(other, other.id == far)
            .join(AccountRow, AccountRow.id == other.account_id)
            .join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
            .where(near.in_(ids), AccountRow.id != account, listing_is_visible(viewer, far))
        )
        for platform, seller, reason in conn.execute(query):
            reasons[(platform, seller)].add(reason)
    return [
        {"account": account_name(platform, seller), "platform": platform or None, "seller": seller,
         "reasons": sorted(found)}
        for (platform, seller), found in sorted(reasons.items())
    ]  # fmt: skip


# -- networks -------------------------------------------------------------------------------------


def list_networks(store: Store, viewer: Viewer, limit: int = 100) -> list[dict[str, Any]]:
    """The networks of the last linking, over what ``viewer`` may see: each with its visible
    listings and accounts counted, largest first (a network of one visible listing is none)."""
    query = (
        select(
            NetworkMemberRow.cluster,
            func.count().label("listings"),
            func.count(func.distinct(ListingRow.account_id)).label("accounts"),
        )
        .join(ListingRow, ListingRow.id == NetworkMemberRow.listing_id)
        .where(NetworkMemberRow.listing_id.in_(visible_listing_ids(viewer)))
        .group_by(NetworkMemberRow.cluster)
        .having(func.count() > 1)
        .order_by(
            func.count(func.distinct(ListingRow.account_id)).desc(),
            func.count().desc(),
            NetworkMemberRow.cluster,
        )
        .limit(_limit(limit))
    )
    with store.read_connection("list networks") as conn:
        return [
            {"id": cluster, "listings": int(listings), "accounts": int(accounts)}
            for cluster, listings, accounts in conn.execute(query)
        ]


def network_detail(store: Store, viewer: Viewer, network_id: str) -> dict[str, Any] | None:
    """One network as ``viewer`` may see it: ``nodes`` (accounts with visible listings, or a
    seller-less listing on its own; ``key`` for the ``KEY_ACCOUNTS`` most connected) and
    ``edges`` between them with the reasons; None when it has no visible listing."""
    with store.read_connection("read a network") as conn:
        members = conn.execute(
            select(
                ListingRow.id, PlatformRow.name, ListingRow.uid, AccountRow.seller, AnalysisRow.commodities
            )
            .select_from(NetworkMemberRow)
            .join(ListingRow, ListingRow.id == NetworkMemberRow.listing_id)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
            .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(
                NetworkMemberRow.cluster == network_id,
                NetworkMemberRow.listing_id.in_(visible_listing_ids(viewer)),
            )
        ).all()
        if not members:
            return None
        node_of: dict[int, str] = {}
        nodes: dict[str, dict[str, Any]] = {}
        for row_id, platform, uid, seller, commodities in members:
            name = account_name(platform, seller) if seller else f"listing:{listing_ref(platform, uid)}"
            node_of[row_id] = name
            node = nodes.setdefault(
                name,
                {
                    "id": name,
                    "platform": platform or None,
                    "seller": seller,
                    "listings": [],
                    "commodities": set(),
                },
            )
            node["listings"].append(listing_ref(platform, uid))
            node["commodities"].update(commodities or [])
        ids = list(node_of)
        edges: dict[tuple[str, str], set[str]] = defaultdict(set)
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for source, target, reason in conn.execute(
                select(LinkRow.source_listing_id, LinkRow.target_listing_id, LinkRow.reason).where(
                    LinkRow.source_listing_id.in_(chunk)
                )
            ):
                if target not in node_of:
                    continue
                first, second = sorted((node_of[source], node_of[target]))
                if first != second:
                    edges[(first, second)].add(reason)
    degree: dict[str, int] = defaultdict(int)
    for first, second in edges:
        degree[first] += 1
        degree[second] += 1
    key = {name for name in sorted(degree, key=lambda n: (-degree[n], n))[:KEY_ACCOUNTS]}
    return {
        "id": network_id,
        "nodes": [
            {
                **node,
                "commodities": sorted(node["commodities"]),
                "degree": degree.get(name, 0),
                "key": name in key,
            }
            for name, node in sorted(nodes.items())
        ],
        "edges": [
            {"source": first, "target": second, "reasons": sorted(reasons)}
            for (first, second), reasons in sorted(edges.items())
        ],
    }


# -- cases ----------------------------------------------------------------------------------------


def _case_query(viewer: Viewer) -> Any:
    items = select(func.count()).where(CaseItemRow.case_id == CaseRow.id).scalar_subquery()
    assignee = aliased(UserRow)
    return (
        select(
            CaseRow.id, CaseRow.title, CaseRow.tlp, CaseRow.status, CaseRow.created_at, CaseRow.created_by,
            CaseRow.assignee_id, AgencyRow.code.label("agency"), UserRow.username.label("creator"),
            assignee.username.label("assignee"), items.label("items"),
        )
        .join(AgencyRow, AgencyRow.id == CaseRow.agency_id)
        .join(UserRow, UserRow.id == CaseRow.created_by)
        .outerjoin(assignee, assignee.id == CaseRow.assignee_id)
        .where(case_is_visible(viewer))
    )  # fmt: skip


def _case(row: Any) -> dict[str, Any]:
    return {
        "id": int(row.id), "title": row.title, "tlp": row.tlp, "status": row.status, "agency": row.agency,
        "created_by": row.creator, "assignee": row.assignee, "created_at": row.created_at.isoformat(),
        "items": int(row.items),
    }  # fmt: skip


def update_case(
    store: Store,
    viewer: Viewer,
    case_id: int,
    *,
    status: str | None = None,
    assignee: str | None = None,
    tlp: str | None = None,
) -> bool:
    """Change a case's status, assignee (a user of the viewer's agency; "" for nobody) or
    marking; False when the viewer may not change it (or it does not exist). A ValueError for
    an unknown status, marking (``MarkingError``) or assignee."""
    if status is not None and status not in CASE_STATUSES:
        raise ValueError(f"case status {status!r}: use one of {', '.join(CASE_STATUSES)}")
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = status
    if tlp is not None:
        values["tlp"] = parse_marking(tlp)
    with store.write_transaction("update a case") as conn:
        if not _writable_case(conn, viewer, case_id):
            return False
        if assignee is not None:
            found = None
            if assignee.strip():
                found = conn.execute(
                    select(UserRow.id).where(
                        UserRow.username == assignee.strip(),
                        UserRow.agency_id == viewer.agency_id,
                        UserRow.disabled.is_(False),
                    )
                ).scalar_one_or_none()
                if found is None:
                    raise ValueError(f"no enabled user {assignee.strip()!r} in agency {viewer.agency_code}")
            values["assignee_id"] = found
        if values:
            conn.execute(update(CaseRow).where(CaseRow.id == case_id).values(**values))
    return True


def list_cases(store: Store, viewer: Viewer) -> list[dict[str, Any]]:
    """The cases ``viewer`` may see, newest first."""
    with store.read_connection("list cases") as conn:
        return [_case(row) for row in conn.execute(_case_query(viewer).order_by(CaseRow.id.desc()))]


def create_case(store: Store, viewer: Viewer, title: str, tlp: str) -> int:
    """Open a case of the viewer's agency under marking ``tlp``; its id. A ValueError when
    the title is empty, the marking unknown (``MarkingError``) or the viewer no user."""
    marking = parse_marking(tlp)
    title = title.strip()
    if not title:
        raise ValueError("a case needs a title")
    if viewer.user_id is None:
        raise ValueError("only a signed-in user can open a case")
    with store.write_transaction("open a case") as conn:
        return int(
            conn.execute(
                insert(CaseRow)
                .values(title=title, agency_id=viewer.agency_id, tlp=marking, status="open",
                        created_by=viewer.user_id, assignee_id=None, created_at=_now())
                .returning(CaseRow.id)
            ).scalar_one()
        )  # fmt: skip


def _writable_case(conn: Connection, viewer: Viewer, case_id: int) -> bool:
    """A case ``viewer`` may see and change: their agency's, or one they are named on."""
    named: ColumnElement[bool] = (
        or_(CaseRow.created_by == viewer.user_id, CaseRow.assignee_id == viewer.user_id)
        if viewer.user_id is not None
        else false()
    )
    return (
        conn.execute(
            select(CaseRow.id).where(
                CaseRow.id == case_id,
                case_is_visible(viewer),
                or_(CaseRow.agency_id == viewer.agency_id, named),
            )
        ).first()
        is not None
    )


def case_detail(store: Store, viewer: Viewer, case_id: int) -> dict[str, Any] | None:
    """A case ``viewer`` may see, with its items (listings and accounts only as far as the
    viewer may see them) and notes; None otherwise."""
    with store.read_connection("read a case") as conn:
        row = conn.execute(_case_query(viewer).where(CaseRow.id == case_id)).first()
        if row is None:
            return None
        listings = conn.execute(
            _item_query()
            .add_columns(CaseItemRow.added_at)
            .join(CaseItemRow, CaseItemRow.listing_id == ListingRow.id)
            .where(CaseItemRow.case_id == case_id, ListingRow.id.in_(visible_listing_ids(viewer)))
            .order_by(CaseItemRow.id)
        ).all()
        shown = _items(conn, viewer, listings)
        accounts = conn.execute(
            select(PlatformRow.name, AccountRow.seller)
            .select_from(CaseItemRow)
            .join(AccountRow, AccountRow.id == CaseItemRow.account_id)
            .join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
            .where(
                CaseItemRow.case_id == case_id,
                exists().where(
                    ListingRow.account_id == AccountRow.id, ListingRow.id.in_(visible_listing_ids(viewer))
                ),
            )
            .order_by(CaseItemRow.id)
        ).all()
        seizures = _case_seizures(conn, viewer, case_id)
        notes = conn.execute(
            select(CaseNoteRow.id, CaseNoteRow.text, CaseNoteRow.created_at, UserRow.username)
            .join(UserRow, UserRow.id == CaseNoteRow.author_id)
            .where(CaseNoteRow.case_id == case_id)
            .order_by(CaseNoteRow.id)
        ).all()
        writable = _writable_case(conn, viewer, case_id)
    detail = _case(row)
    detail["items"] = len(shown) + len(accounts) + len(seizures)
    detail["writable"] = writable
    detail.update(
        listings=shown,
        accounts=[{"account": account_name(p, s), "platform": p or None, "seller": s} for p, s in accounts],
        seizures=seizures,
        notes=[{"id": int(i), "text": t, "at": at.isoformat(), "by": who} for i, t, at, who in notes],
    )
    return detail


def _visible_seizure_id(conn: Connection, viewer: Viewer, ref: str) -> int | None:
    """The row id of the one seizure ``ref`` names among the operations ``viewer`` may see:
    its reference as the seizure sheet gave it, or ``#N`` / ``N`` for its number; None when it
    names none, or more than one (the same reference in two operations)."""
    from wildtrace.store.tables_operations import OperationRow, SeizureRow

    ref = ref.strip()
    visible = (
        select(SeizureRow.id)
        .join(OperationRow, OperationRow.id == SeizureRow.operation_id)
        .where(operation_is_visible(viewer))
    )
    found = conn.execute(visible.where(SeizureRow.reference == ref).limit(2)).scalars().all()
    if len(found) == 1:
        return int(found[0])
    number = ref.removeprefix("#")
    if not found and number.isdigit():
        by_id = conn.execute(visible.where(SeizureRow.id == int(number))).scalar_one_or_none()
        return None if by_id is None else int(by_id)
    return None


def add_case_item(
    store: Store,
    viewer: Viewer,
    case_id: int,
    *,
    listing_ref: str | None = None,
    account: tuple[str, str] | None = None,
    seizure_ref: str | None = None,
) -> bool:
    """Add a listing (by text key), an account (platform, seller) or a seizure (reference or
    number, of an operation the viewer may see) to a case ``viewer`` may change; False when the
    case or the item is not there for this viewer (an item already in the case is not added
    twice, and answers True)."""
    given = [item for item in (listing_ref, account, seizure_ref) if item is not None]
    if viewer.user_id is None or len(given) != 1:
        return False
    with store.write_transaction("add to a case") as conn:
        if not _writable_case(conn, viewer, case_id):
            return False
        column, row_id = _case_item_target(conn, viewer, listing_ref, account, seizure_ref)
        if row_id is None:
            return False
        present = select(CaseItemRow.id).where(CaseItemRow.case_id == case_id, column == row_id)
        if conn.execute(present).first() is None:
            conn.execute(
                insert(CaseItemRow).values(
                    case_id=case_id, added_by=viewer.user_id, added_at=_now(), **{column.key: row_id}
                )
            )
    return True


def _case_item_target(
    conn: Connection,
    viewer: Viewer,
    listing_ref: str | None,
    account: tuple[str, str] | None,
    seizure_ref: str | None,
) -> tuple[Any, int | None]:
    """The ``case_items`` column an item goes in, and the row id it names (None when there is
    no such item the viewer may see)."""
    if seizure_ref is not None:
        return CaseItemRow.seizure_id, _visible_seizure_id(conn, viewer, seizure_ref)
    if listing_ref is not None:
        return CaseItemRow.listing_id, visible_listing_id(conn, viewer, listing_ref)
    assert account is not None
    account_id = _account_id(conn, *account)
    if account_id is None or not conn.execute(select(account_is_visible(viewer, account_id))).scalar():
        return CaseItemRow.account_id, None
    return CaseItemRow.account_id, account_id


def assignable_users(store: Store, viewer: Viewer) -> list[str]:
    """Who a case of ``viewer``'s agency may be assigned to: its enabled users."""
    with store.read_connection("list assignable users") as conn:
        names = conn.execute(
            select(UserRow.username)
            .where(UserRow.agency_id == viewer.agency_id, UserRow.disabled.is_(False))
            .order_by(UserRow.username)
        ).scalars().all()  # fmt: skip
    return list(names)


def _case_seizures(conn: Connection, viewer: Viewer, case_id: int) -> list[dict[str, Any]]:
    """The seizures of a case, as far as ``viewer`` may see their operations."""
    from wildtrace.store.tables_operations import OperationRow, SeizureRow

    rows = conn.execute(
        select(
            SeizureRow.id, OperationRow.name, SeizureRow.reference, SeizureRow.seized_on, SeizureRow.country,
            SeizureRow.commodity, SeizureRow.species, SeizureRow.kg, SeizureRow.m3, SeizureRow.pieces,
            SeizureRow.live, SeizureRow.value_usd,
        )
        .select_from(CaseItemRow)
        .join(SeizureRow, SeizureRow.id == CaseItemRow.seizure_id)
        .join(OperationRow, OperationRow.id == SeizureRow.operation_id)
        .where(CaseItemRow.case_id == case_id, operation_is_visible(viewer))
        .order_by(CaseItemRow.id)
    ).all()  # fmt: skip
    return [
        {
            "id": int(row.id), "operation": row.name, "reference": row.reference,
            "seized_on": row.seized_on.isoformat(), "country": row.country, "commodity": row.commodity,
            "species": row.species, "kg": row.kg, "m3": row.m3, "pieces": row.pieces, "live": row.live,
            "value_usd": row.value_usd,
        }
        for row in rows
    ]  # fmt: skip


def add_case_note(store: Store, viewer: Viewer, case_id: int, text: str) -> bool:
    """Add a note to a case ``viewer`` may change; False otherwise (or for an empty note)."""
    if viewer.user_id is None or not text.strip():
        return False
    with store.write_transaction("add a case note") as conn:
        if not _writable_case(conn, viewer, case_id):
            return False
        conn.execute(
            insert(CaseNoteRow).values(
                case_id=case_id, author_id=viewer.user_id, text=text.strip(), created_at=_now()
            )
        )
    return True


# -- the audit log --------------------------------------------------------------------------------


def audit_entries(
    store: Store,
    viewer: Viewer,
    *,
    limit: int = 100,
    username: str | None = None,
    action: str | None = None,
) -> list[dict[str, Any]]:
    """The newest audit entries an admin may read, newest first: those of their own agency's
    users (what other agencies' users opened is theirs: an entry names the listing it read).
    The ``local`` agency runs the installation and reads every entry."""
    import json

    from wildtrace.store.access import LOCAL_AGENCY
    from wildtrace.store.tables_access import AuditRow

    query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(max(1, int(limit)))
    if viewer.agency_code != LOCAL_AGENCY:
        query = query.where(AuditRow.agency == viewer.agency_code)
    if username:
        query = query.where(AuditRow.username == username)
    if action:
        query = query.where(AuditRow.action == action)
    with store.read_connection("read the audit log") as conn:
        found = conn.execute(query).all()
    entries = []
    for row in found:
        try:
            detail = json.loads(row.detail)
        except ValueError:
            detail = row.detail
        entries.append(
            {"seq": row.seq, "at": row.at, "user": row.username, "agency": row.agency, "action": row.action,
             "object": row.object, "address": row.address, "detail": detail, "hash": row.hash}
        )  # fmt: skip
    return entries
