"""What an export carries, read from the store under the exporting agency's eyes.

``build_export`` turns a selection (collections, cases, networks, listings) into an
``ExportSet`` with the same visibility filter as the web app (``store/access.py``): what the
agency may not open is not exported, and a name it may not see is "unknown", exactly like a
missing one. Every object gets its TLP marking from the collections its listings are in
(``access.listing_markings``; the stricter one wins when objects are combined); RED and
AMBER+STRICT material is refused unless the user names those markings. ``record_export``
writes the audit entry naming what left, for whom and in which format.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from wildtrace.errors import AccessError
from wildtrace.share.exportset import (
    IDENTIFIER_TYPES,
    ExportedAccount,
    ExportedGroup,
    ExportedLink,
    ExportedListing,
    ExportedSelector,
    Exporter,
    ExportSet,
    stricter,
    strictest,
)
from wildtrace.store.access import (
    Viewer,
    case_is_visible,
    listing_is_visible,
    listing_markings,
    refused_markings,
    visible_collection_ids,
)
from wildtrace.store.audit import AuditLog
from wildtrace.store.browse import listing_ref, visible_listing_id
from wildtrace.store.tables import (
    AccountRow,
    AnalysisRow,
    LinkRow,
    ListingRow,
    NetworkMemberRow,
    PlatformRow,
    SelectorRow,
)
from wildtrace.store.tables_access import AgencyRow, CaseItemRow, CaseRow, CollectionListingRow, CollectionRow

if TYPE_CHECKING:
    from wildtrace.store import Store

_CHUNK = 900


class ExportRefusedError(AccessError):
    """An export that may not be made as asked: an unknown or hidden collection, case, network
    or listing, nothing to export, or material under a marking the user did not allow."""


@dataclass(frozen=True, slots=True)
class Selection:
    """What to export; each part may be given several times and they add up."""

    collections: tuple[str, ...] = ()
    cases: tuple[int, ...] = ()
    networks: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.collections or self.cases or self.networks or self.listings)

    def describe(self) -> dict[str, list[str]]:
        """The selection as the audit entry records it."""
        return {
            "collections": list(self.collections),
            "cases": [str(case) for case in self.cases],
            "networks": list(self.networks),
            "listings": list(self.listings),
        }


@dataclass(slots=True)
class _Group:
    kind: str
    ref: str
    title: str
    description: str
    marking: str
    listing_ids: list[int] = field(default_factory=list)
    account_ids: list[int] = field(default_factory=list)


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def build_export(
    store: Store, viewer: Viewer, selection: Selection, allow_markings: Iterable[str] = ()
) -> ExportSet:
    """The ``ExportSet`` of ``selection`` as ``viewer`` may see it; raises
    ``ExportRefusedError`` for a name it cannot see, an empty export, or guarded material
    (``access.GUARDED_MARKINGS``) not in ``allow_markings``."""
    if not selection:
        raise ExportRefusedError("nothing chosen: give --collection, --case, --network or --listing")
    allowed = set(allow_markings)
    with store.read_connection("read what to export") as conn:
        groups = _groups(conn, viewer, selection)
        listing_ids = sorted({lid for group in groups for lid in group.listing_ids})
        account_only = sorted({aid for group in groups for aid in group.account_ids})
        listing_ids = sorted(set(listing_ids) | set(_account_listings(conn, viewer, account_only)))
        if not listing_ids:
            raise ExportRefusedError("nothing to export: the selection holds no listing this agency may see")
        markings = listing_markings(conn, listing_ids)
        listings = _listings(conn, listing_ids, markings)
        selectors = _selectors(conn, listing_ids, markings)
        links = _links(conn, listing_ids, markings)
        exporter_row = conn.execute(
            select(AgencyRow.code, AgencyRow.name, AgencyRow.country).where(AgencyRow.id == viewer.agency_id)
        ).one()
    accounts = _accounts(listings)
    account_of = {listing.ref: listing.account_ref for listing in listings}
    exported_groups = tuple(
        ExportedGroup(
            group.kind,
            group.ref,
            group.title,
            group.description,
            tuple(sorted(set(group.listing_ids) | _listings_of(group.account_ids, listings))),
            tuple(
                sorted(
                    set(group.account_ids)
                    | {aid for lid in group.listing_ids if (aid := account_of.get(lid)) is not None}
                )
            ),
            stricter(group.marking, strictest(markings[lid] for lid in group.listing_ids if lid in markings)),
        )
        for group in groups
    )
    export = ExportSet(
        exporter=Exporter(exporter_row.code, exporter_row.name, exporter_row.country),
        created_at=datetime.now(UTC),
        groups=exported_groups,
        listings=listings,
        selectors=selectors,
        accounts=accounts,
        links=links,
        marking=strictest(
            [*(listing.marking for listing in listings), *(group.marking for group in exported_groups)]
        ),
    )
    _check_markings(export, allowed)
    return export


def _check_markings(export: ExportSet, allowed: set[str]) -> None:
    """Refuse guarded markings the user did not name, saying where they come from."""
    present = [listing.marking for listing in export.listings] + [group.marking for group in export.groups]
    for marking in refused_markings(present, allowed)[-1:]:
        listings = sum(1 for listing in export.listings if listing.marking == marking)
        groups = [f"{group.kind} {group.ref}" for group in export.groups if group.marking == marking]
        if listings or groups:
            where = ", ".join(groups[:5]) or "the selection"
            raise ExportRefusedError(
                f"the export holds TLP:{marking} material ({listings:,} listings; {where}); it does not "
                f"leave unless you name it: --allow-marking {marking}, after checking that the recipient "
                "may receive it"
            )


def _groups(conn: Connection, viewer: Viewer, selection: Selection) -> list[_Group]:
    groups: list[_Group] = []
    for name in selection.collections:
        row = conn.execute(
            select(CollectionRow.id, CollectionRow.tlp, AgencyRow.code)
            .join(AgencyRow, AgencyRow.id == CollectionRow.agency_id)
            .where(CollectionRow.name == name, CollectionRow.id.in_(visible_collection_ids(viewer)))
        ).first()
        if row is None:
            raise ExportRefusedError(f"unknown collection {name!r} (or one this agency may not see)")
        ids = list(
            conn.execute(
                select(CollectionListingRow.listing_id).where(CollectionListingRow.collection_id == row.id)
            ).scalars()
        )
        groups.append(_Group("collection", name, f"Collection {name}", f"Listings of collection {name} "
                             f"({row.code})", row.tlp, sorted(ids)))  # fmt: skip
    for case_id in selection.cases:
        case = conn.execute(
            select(CaseRow.id, CaseRow.title, CaseRow.tlp, CaseRow.status).where(
                CaseRow.id == case_id, case_is_visible(viewer)
            )
        ).first()
        if case is None:
            raise ExportRefusedError(f"unknown case {case_id} (or one this agency may not see)")
        items = conn.execute(
            select(CaseItemRow.listing_id, CaseItemRow.account_id).where(CaseItemRow.case_id == case_id)
        ).all()
        listing_ids = [lid for lid, _ in items if lid is not None]
        visible = set(
            conn.execute(
                select(ListingRow.id).where(
                    ListingRow.id.in_(listing_ids), listing_is_visible(viewer, ListingRow.id)
                )
            ).scalars()
        )
        groups.append(
            _Group(
                "case", str(case_id), case.title, f"Case {case_id} ({case.status}): {case.title}", case.tlp,
                sorted(visible), sorted({aid for _, aid in items if aid is not None}),
            )
        )  # fmt: skip
    for network in selection.networks:
        ids = sorted(
            conn.execute(
                select(NetworkMemberRow.listing_id).where(
                    NetworkMemberRow.cluster == network,
                    listing_is_visible(viewer, NetworkMemberRow.listing_id),
                )
            ).scalars()
        )
        if not ids:
            raise ExportRefusedError(f"unknown network {network!r} (or one this agency may not see)")
        groups.append(
            _Group("network", network, f"Network {network}", f"Listings linked into network {network}",
                   "CLEAR", ids)
        )  # fmt: skip
    for ref in selection.listings:
        found = visible_listing_id(conn, viewer, ref)
        if found is None:
            raise ExportRefusedError(f"unknown listing {ref!r} (or one this agency may not see)")
        groups.append(_Group("listing", ref, f"Listing {ref}", f"Listing {ref}", "CLEAR", [found]))
    return groups


def _account_listings(conn: Connection, viewer: Viewer, account_ids: Sequence[int]) -> list[int]:
    """The visible listings of accounts (a case may hold an account rather than listings)."""
    found: list[int] = []
    for chunk in _chunks(account_ids):
        found += conn.execute(
            select(ListingRow.id).where(
                ListingRow.account_id.in_(chunk), listing_is_visible(viewer, ListingRow.id)
            )
        ).scalars()
    return found


def _listings_of(account_ids: Sequence[int], listings: Sequence[ExportedListing]) -> set[int]:
    wanted = set(account_ids)
    return {listing.ref for listing in listings if listing.account_ref in wanted}


def _listings(
    conn: Connection, listing_ids: Sequence[int], markings: dict[int, str]
) -> tuple[ExportedListing, ...]:
    found: list[ExportedListing] = []
    for chunk in _chunks(listing_ids):
        rows = conn.execute(
            select(
                ListingRow.id, PlatformRow.name, ListingRow.uid, ListingRow.url, ListingRow.title,
                ListingRow.account_id, AccountRow.seller, AnalysisRow.score, AnalysisRow.flagged,
                AnalysisRow.commodities, AnalysisRow.taxa, ListingRow.price, ListingRow.location,
                ListingRow.first_seen, ListingRow.last_seen,
            )
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
            .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(ListingRow.id.in_(chunk))
        )  # fmt: skip
        for row in rows:
            if row.id not in markings:
                continue
            taxa = tuple((str(t.get("name") or ""), t.get("cites_appendix")) for t in row.taxa or ())
            found.append(
                ExportedListing(
                    row.id, listing_ref(row.name, row.uid), row.name, row.uid, row.url, row.title,
                    row.account_id, row.seller, row.score, bool(row.flagged), tuple(row.commodities or ()),
                    taxa, row.price, row.location, row.first_seen, row.last_seen, markings[row.id],
                )
            )  # fmt: skip
    return tuple(sorted(found, key=lambda listing: listing.ref))


def _selectors(
    conn: Connection, listing_ids: Sequence[int], markings: dict[int, str]
) -> tuple[ExportedSelector, ...]:
    found: dict[tuple[str, str], tuple[set[int], set[str]]] = {}
    for chunk in _chunks(listing_ids):
        for lid, stype, value, channel in conn.execute(
            select(SelectorRow.listing_id, SelectorRow.type, SelectorRow.value, SelectorRow.channel).where(
                SelectorRow.listing_id.in_(chunk), SelectorRow.type.in_(sorted(IDENTIFIER_TYPES))
            )
        ):
            refs, channels = found.setdefault((stype, value), (set(), set()))
            refs.add(lid)
            if channel:
                channels.add(channel)
    return tuple(
        ExportedSelector(stype, value, tuple(sorted(refs)), tuple(sorted(channels)),
                         strictest(markings[lid] for lid in refs))
        for (stype, value), (refs, channels) in sorted(found.items())
    )  # fmt: skip


def _links(
    conn: Connection, listing_ids: Sequence[int], markings: dict[int, str]
) -> tuple[ExportedLink, ...]:
    wanted = set(listing_ids)
    found: list[ExportedLink] = []
    for chunk in _chunks(listing_ids):
        for source, target, kind, value, reason in conn.execute(
            select(
                LinkRow.source_listing_id,
                LinkRow.target_listing_id,
                LinkRow.kind,
                LinkRow.value,
                LinkRow.reason,
            ).where(LinkRow.source_listing_id.in_(chunk))
        ):
            if target in wanted:
                found.append(
                    ExportedLink(
                        source, target, kind, value, reason, stricter(markings[source], markings[target])
                    )
                )
    return tuple(
        sorted(set(found), key=lambda link: (link.source_ref, link.target_ref, link.kind, link.value))
    )


def _accounts(listings: Sequence[ExportedListing]) -> tuple[ExportedAccount, ...]:
    by_account: dict[int, list[ExportedListing]] = defaultdict(list)
    for listing in listings:
        if listing.account_ref is not None and listing.seller:
            by_account[listing.account_ref].append(listing)
    return tuple(
        ExportedAccount(ref, found[0].platform, found[0].seller or "", tuple(item.ref for item in found),
                        strictest(item.marking for item in found))
        for ref, found in sorted(by_account.items())
    )  # fmt: skip


def record_export(
    store: Store,
    viewer: Viewer,
    export: ExportSet,
    *,
    selection: Selection,
    form: str,
    recipient: str,
    out: str,
    sha256: str | None = None,
) -> None:
    """The audit entry of an export: what left (the selection and the counts), under which
    marking, for whom, in which format, into which file (and its SHA-256)."""
    detail: dict[str, Any] = {
        "format": form,
        "for": recipient,
        "marking": export.marking,
        "selection": selection.describe(),
        "counts": export.counts,
        "file": out,
    }
    if sha256 is not None:
        detail["sha256"] = sha256
    AuditLog(store).append(viewer, f"export.{form}", out, detail=detail)
