"""Who may see and do what: the one place that turns a ``Viewer`` into SQL filters and answers
"may this role do that".

Every query the web app, the API and the exports make about listings (and what hangs on them:
captures, analyses, selectors, accounts, networks, counts, search hits) takes the filter
``visible_listing_ids(viewer)`` or ``listing_is_visible(viewer, column)``; cases take
``case_is_visible``. Templates never decide visibility: what a query did not return cannot
leak.

Markings follow TLP 2.0, on collections (and cases):

- ``CLEAR``: every account on the platform (partners included);
- ``GREEN``: every agency on the platform (not partners);
- ``AMBER``: the owning agency and the agencies the collection is shared with;
- ``AMBER+STRICT``: the owning agency only;
- ``RED``: only the users named on it (``collection_readers``; for a case, its creator and
  assignee).

A listing is visible when at least one collection holding it is visible. A partner (a
civil-society organisation) sees CLEAR data only, plus what it submitted itself (tips).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, false, or_, select

from wildtrace.errors import AccessError
from wildtrace.store.tables_access import (
    CaseRow,
    CollectionListingRow,
    CollectionReaderRow,
    CollectionRow,
    CollectionShareRow,
)
from wildtrace.store.tables_operations import OperationRow
from wildtrace.store.tables_watch import WatchlistRow

#: TLP 2.0 markings, least to most restricted.
MARKINGS: tuple[str, ...] = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
#: The marking of a new collection when none is given.
DEFAULT_MARKING = "AMBER"
#: Markings that leave the platform (exports) only when the user names them
#: (``--allow-marking``): AMBER+STRICT is for the owning agency alone, RED for named people;
#: handing either over is a decision, never a default.
GUARDED_MARKINGS: tuple[str, ...] = ("AMBER+STRICT", "RED")
#: The agency the command line acts as unless told otherwise, and its collection.
LOCAL_AGENCY = "local"
DEFAULT_COLLECTION = "default"

#: What each role may do. Reading a listing is further limited by the markings above.
ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {"read", "search", "accounts", "networks", "cases", "audit", "users", "tips"}
    ),
    "coordinator": frozenset(
        {"read", "search", "accounts", "networks", "cases", "cases.write", "operations", "tips"}
    ),
    "analyst": frozenset(
        {
            "read", "search", "accounts", "networks", "cases", "cases.write", "review",
            "judge", "export", "tips", "operations",
        }
    ),
    "reviewer": frozenset({"read", "review"}),
    "viewer": frozenset({"read", "search", "accounts", "networks", "cases", "operations"}),
    "partner": frozenset({"read", "tips.submit"}),
}


class MarkingError(AccessError, ValueError):
    """A TLP marking that is not one of ``MARKINGS``."""


def parse_marking(text: str) -> str:
    """``amber+strict``, ``TLP:AMBER+STRICT``, ``tlp:red`` → the canonical marking; else an error
    naming the accepted ones."""
    value = text.strip().upper()
    if value.startswith("TLP:"):
        value = value[4:]
    value = value.replace(" ", "")
    if value == "WHITE":  # TLP 1.0's name for CLEAR
        value = "CLEAR"
    if value not in MARKINGS:
        raise MarkingError(f"unknown TLP marking {text!r}; use one of {', '.join(MARKINGS)}")
    return value


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: the user (None for the command line), their agency and role."""

    user_id: int | None
    username: str
    agency_id: int
    agency_code: str
    role: str

    def may(self, capability: str) -> bool:
        """Whether this viewer's role grants ``capability`` (a key of ``ROLES``' sets)."""
        return capability in ROLES.get(self.role, frozenset())

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


def stricter(*markings: str) -> str:
    """The most restrictive of ``markings`` (CLEAR < GREEN < AMBER < AMBER+STRICT < RED);
    CLEAR when none is given."""
    return max(markings, key=MARKINGS.index, default="CLEAR")


def listing_markings(conn: Connection, listing_ids: Sequence[int]) -> dict[int, str]:
    """The marking each listing carries when it leaves: the strictest among all the
    collections holding it (those the exporting agency cannot see included: a listing also in
    a RED collection is RED material); a listing in no collection is ``DEFAULT_MARKING``,
    never CLEAR by omission. The one rule every export uses."""
    found: dict[int, list[str]] = {listing_id: [] for listing_id in listing_ids}
    ids = list(found)
    for start in range(0, len(ids), 900):
        for listing_id, tlp in conn.execute(
            select(CollectionListingRow.listing_id, CollectionRow.tlp)
            .join(CollectionRow, CollectionRow.id == CollectionListingRow.collection_id)
            .where(CollectionListingRow.listing_id.in_(ids[start : start + 900]))
        ):
            found[listing_id].append(tlp)
    return {listing_id: stricter(*tlps) if tlps else DEFAULT_MARKING for listing_id, tlps in found.items()}


def refused_markings(markings: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The guarded markings (``GUARDED_MARKINGS``) among ``markings`` that ``allowed`` does
    not name, strictest last: an export holding any of them must not be written."""
    present, named = set(markings), set(allowed)
    return [marking for marking in GUARDED_MARKINGS if marking in present and marking not in named]


def visible_collection_ids(viewer: Viewer) -> Select[Any]:
    """The ids of the collections ``viewer`` may see, as a subquery."""
    shared = exists().where(
        CollectionShareRow.collection_id == CollectionRow.id,
        CollectionShareRow.agency_id == viewer.agency_id,
    )
    named: ColumnElement[bool] = (
        exists().where(
            CollectionReaderRow.collection_id == CollectionRow.id,
            CollectionReaderRow.user_id == viewer.user_id,
        )
        if viewer.user_id is not None
        else false()
    )
    own = CollectionRow.agency_id == viewer.agency_id
    if viewer.is_partner:
        rule = or_(CollectionRow.tlp == "CLEAR", and_(CollectionRow.tlp == "RED", named))
    else:
        rule = or_(
            CollectionRow.tlp.in_(("CLEAR", "GREEN")),
            and_(CollectionRow.tlp == "AMBER", or_(own, shared)),
            and_(CollectionRow.tlp == "AMBER+STRICT", own),
            and_(CollectionRow.tlp == "RED", named),
        )
    return select(CollectionRow.id).where(rule)


def visible_listing_ids(viewer: Viewer) -> Select[Any]:
    """The ids (``listings.id``) of the listings ``viewer`` may see, as a subquery."""
    return (
        select(CollectionListingRow.listing_id)
        .where(CollectionListingRow.collection_id.in_(visible_collection_ids(viewer)))
        .distinct()
    )


def listing_is_visible(viewer: Viewer, listing_id: Any) -> ColumnElement[bool]:
    """A WHERE clause: the listing whose row id is ``listing_id`` (a column or a value) is
    visible to ``viewer``."""
    return exists().where(
        CollectionListingRow.listing_id == listing_id,
        CollectionListingRow.collection_id.in_(visible_collection_ids(viewer)),
    )


def case_is_visible(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause over ``cases``: the cases ``viewer`` may see."""
    own = CaseRow.agency_id == viewer.agency_id
    named: ColumnElement[bool] = (
        or_(CaseRow.created_by == viewer.user_id, CaseRow.assignee_id == viewer.user_id)
        if viewer.user_id is not None
        else false()
    )
    if viewer.is_partner:
        return or_(CaseRow.tlp == "CLEAR", and_(CaseRow.tlp == "RED", named))
    return or_(
        CaseRow.tlp.in_(("CLEAR", "GREEN")),
        and_(CaseRow.tlp.in_(("AMBER", "AMBER+STRICT")), own),
        and_(CaseRow.tlp == "RED", named),
    )


def watchlist_is_visible(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause over ``watchlists``: those ``viewer`` may see (and so the alerts they
    raise). CLEAR and GREEN lists are every agency's (a partner sees CLEAR ones only); AMBER,
    AMBER+STRICT and RED lists stay in the owning agency."""
    if viewer.is_partner:
        return WatchlistRow.tlp == "CLEAR"
    return or_(WatchlistRow.tlp.in_(("CLEAR", "GREEN")), WatchlistRow.agency_id == viewer.agency_id)


def operation_is_visible(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause over ``ops_operations``: those whose collection ``viewer`` may see."""
    return OperationRow.collection_id.in_(visible_collection_ids(viewer))


def account_is_visible(viewer: Viewer, account_id: Any) -> ColumnElement[bool]:
    """A WHERE clause: the account whose row id is ``account_id`` has a listing ``viewer``
    may see (an account is known to a viewer only through its visible listings)."""
    from wildtrace.store.tables import ListingRow

    return exists().where(ListingRow.account_id == account_id, listing_is_visible(viewer, ListingRow.id))
