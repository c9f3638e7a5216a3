"""The demo's agencies: three fictional teams on one platform, each with one user, and the demo
listings spread over collections of theirs under different TLP markings, so that each one
signs in to a different part of the same store.

By the language of the listings (agencies watch the markets of their region):

=========================  ============  =============  ==========================  ==================
collection                 agency        marking        listings                    seen by
=========================  ============  =============  ==========================  ==================
``kws-field-reports``      KE-KWS        AMBER+STRICT   Swahili, English            KWS only
``customs-seizure-leads``  VN-CUSTOMS    AMBER          Vietnamese                  customs, and KWS
                                                                                    (shared with it)
``customs-port-watch``     VN-CUSTOMS    AMBER          Chinese                     customs only
``joint-green``            KE-KWS        GREEN          Indonesian, Thai, Malay,    every agency
                                                        Japanese
``ngo-open-source``        NGO-WTW       CLEAR          French, Spanish, Portuguese everyone, partners too
=========================  ============  =============  ==========================  ==================

The NGO's user is a ``partner``: partners see CLEAR data only. Every listing also stays in the
local agency's ``default`` collection, which the command line sees. Running the demo again
leaves the agencies and collections as they are and gives the users new passwords.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, literal, select, update

from wildtrace.store import insert_ignore
from wildtrace.store.access import visible_listing_ids
from wildtrace.store.collections import agency_id, ensure_collection
from wildtrace.store.tables import AnalysisRow, ListingRow
from wildtrace.store.tables_access import CollectionListingRow, CollectionRow, CollectionShareRow, UserRow

if TYPE_CHECKING:
    from wildtrace.store import Store


@dataclass(frozen=True, slots=True)
class DemoAgency:
    code: str
    name: str
    country: str
    username: str
    role: str
    #: What its user sees, in words.
    sees: str


@dataclass(frozen=True, slots=True)
class DemoCollection:
    name: str
    agency: str
    marking: str
    #: The languages (as detected) of the listings it holds.
    languages: tuple[str, ...]
    shared_with: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """What the demo prints for each agency: who signs in, with which password."""

    agency: str
    agency_name: str
    username: str
    role: str
    password: str
    sees: str
    #: How many demo listings the user may open.
    listings: int


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency("KE-KWS", "Kenya Wildlife Service (demo)", "KE", "kws.analyst", "analyst",
               "its own field reports (AMBER+STRICT), the customs leads shared with it, GREEN, CLEAR"),
    DemoAgency("VN-CUSTOMS", "Viet Nam Customs, wildlife desk (demo)", "VN", "customs.analyst", "analyst",
               "its seizure leads and port watch (AMBER), GREEN, CLEAR"),
    DemoAgency("NGO-WTW", "Wildlife Trade Watch, an NGO partner (demo)", "GB", "ngo.partner", "partner",
               "CLEAR only (a partner)"),
)  # fmt: skip
#: The characters of the demo passwords (no look-alikes, nothing a shell or a form mangles).
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

COLLECTIONS: tuple[DemoCollection, ...] = (
    DemoCollection("kws-field-reports", "KE-KWS", "AMBER+STRICT", ("sw", "en")),
    DemoCollection("customs-seizure-leads", "VN-CUSTOMS", "AMBER", ("vi",), shared_with=("KE-KWS",)),
    DemoCollection("customs-port-watch", "VN-CUSTOMS", "AMBER", ("zh",)),
    DemoCollection("joint-green", "KE-KWS", "GREEN", ("id", "th", "ms", "ja")),
    DemoCollection("ngo-open-source", "NGO-WTW", "CLEAR", ("fr", "es", "pt")),
)


def add_demo_agencies(store: Store) -> list[DemoLogin]:
    """Create (or leave as they are) the demo agencies, their users and collections, put the
    stored demo listings in those collections, and give each user a new password (returned:
    it is shown once, never stored but as its hash)."""
    from wildtrace.store.audit import AuditLog
    from wildtrace.store.people import add_agency, add_user, local_viewer, set_password, viewer_by_name

    with store.read_connection("find the demo agencies") as conn:
        agencies = {agency.code for agency in AGENCIES if agency_id(conn, agency.code) is not None}
        named = UserRow.username.in_([agency.username for agency in AGENCIES])
        users = set(conn.execute(select(UserRow.username).where(named)).scalars())
    created = [agency.code for agency in AGENCIES if agency.code not in agencies]
    passwords = {}
    for agency in AGENCIES:
        if agency.code in created:
            add_agency(store, agency.code, agency.name, agency.country)
        password = "".join(secrets.choice(_ALPHABET) for _ in range(16))  # new on every run
        if agency.username in users:
            set_password(store, agency.username, password)
        else:
            add_user(store, agency.username, agency.code, agency.role, password)
        passwords[agency.username] = password
    viewer = local_viewer(store)
    with store.write_transaction("put the demo listings in collections") as conn:
        for collection in COLLECTIONS:
            collection_id = ensure_collection(conn, collection.name, collection.agency, None)
            conn.execute(update(CollectionRow).where(CollectionRow.id == collection_id)
                         .values(tlp=collection.marking))  # fmt: skip
            shares = [{"collection_id": collection_id, "agency_id": agency_id(conn, code)}
                      for code in collection.shared_with]  # fmt: skip
            insert_ignore(conn, CollectionShareRow, shares)
            inside = select(CollectionListingRow.listing_id).where(
                CollectionListingRow.collection_id == collection_id
            )
            conn.execute(
                insert(CollectionListingRow).from_select(
                    ["collection_id", "listing_id"],
                    select(literal(collection_id), ListingRow.id)
                    .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                    .where(AnalysisRow.language.in_(collection.languages), ListingRow.id.not_in(inside)),
                )
            )
        detail = {"agencies": created, "collections": [c.name for c in COLLECTIONS]}
        AuditLog.append_in(conn, viewer, "demo.setup", "demo", "cli", detail)
    logins = []
    for agency in AGENCIES:
        user = viewer_by_name(store, agency.username)
        assert user is not None
        with store.read_connection("count what a demo user sees") as conn:
            count = conn.execute(select(func.count()).select_from(visible_listing_ids(user).subquery()))
            seen = int(count.scalar_one())
        logins.append(DemoLogin(agency.code, agency.name, agency.username, agency.role,
                                passwords[agency.username], agency.sees, seen))  # fmt: skip
    return logins
