"""The web tests' world: two agencies (A and B) with a user of every role, listings under every
kind of marking, a network across them, and a secret: agency B's AMBER+STRICT collection, whose
listings, seller, phone number and links must never reach anyone outside B.

Every secret value carries ``SECRET`` (the marker tests search responses for) or the phone
``SECRET_PHONE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from wildtrace.model import Analysis, Capture, Detection, Link, Listing, Network, Selector
from wildtrace.store import Store
from wildtrace.store.access import Viewer
from wildtrace.store.collections import ensure_collection

PLATFORM = "bazaar.example"
PASSWORD = "correct horse battery staple"
#: In every value of agency B's AMBER+STRICT listings: never in an answer to anyone outside B.
SECRET = "SECRETMARK"
SECRET_PHONE = "+254799999999"
SHARED_PHONE = "+254700000001"
#: The users (name, agency, role); only ``PASSWORD_USERS`` have a password (hashing is slow).
USERS = (
    ("admin_a", "A", "admin"),
    ("coord_a", "A", "coordinator"),
    ("ana", "A", "analyst"),
    ("rev_a", "A", "reviewer"),
    ("view_a", "A", "viewer"),
    ("part_b", "B", "partner"),
    ("bob", "B", "analyst"),
)
PASSWORD_USERS = ("ana", "bob")
#: What ``ana`` (analyst of A) may see: A's AMBER and AMBER+STRICT, GREEN and CLEAR.
ANA_SEES = {
    "bazaar.example:a1",
    "bazaar.example:a2",
    "bazaar.example:a3",
    "bazaar.example:g1",
    "bazaar.example:c1",
}
SECRET_REF = f"{PLATFORM}:bx-{SECRET}"


@dataclass
class World:
    app: Any
    store: Store
    viewers: dict[str, Viewer] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def bearer(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


def _pair(
    uid: str,
    seller: str,
    title: str,
    text: str,
    score: float,
    phones: tuple[str, ...] = (),
) -> tuple[Listing, Analysis]:
    listing = Listing(
        id=uid,
        platform=PLATFORM,
        url=f"https://{PLATFORM}/item/{uid}",
        seller=seller,
        title=title,
        text=text,
        price="120 USD",
        capture=Capture(url=f"https://{PLATFORM}/item/{uid}", sha256=f"{uid:0<64}"[:64].replace("-", "0"),
                        captured_at="2026-11-01T10:00:00Z", content_type="text/html"),
    )  # fmt: skip
    selectors = tuple(Selector("phone", phone, phone, "text", 0, len(phone)) for phone in phones)
    detection = Detection(
        score=score, flagged=score >= 0.5, commodities=("pangolin",) if "pangolin" in text else ()
    )
    return listing, Analysis(uid, detection, selectors, language="en", analyzer_version="test")


def build_world(app: Any) -> World:
    from wildtrace.store import people

    store: Store = app.state.store
    world = World(app, store)
    people.add_agency(store, "A", "Agency A", "KE")
    people.add_agency(store, "B", "Agency B", "TZ")
    for name, agency, role in USERS:
        people.add_user(store, name, agency, role, PASSWORD if name in PASSWORD_USERS else None)
        viewer = people.viewer_by_name(store, name)
        assert viewer is not None
        world.viewers[name] = viewer
        world.tokens[name] = people.new_token(store, name)
    with store.write_transaction("make collections") as conn:
        collections = {
            "a-amber": ensure_collection(conn, "a-amber", "A", "AMBER"),
            "a-strict": ensure_collection(conn, "a-strict", "A", "AMBER+STRICT"),
            "b-strict": ensure_collection(conn, f"b-strict-{SECRET}", "B", "AMBER+STRICT"),
            "green": ensure_collection(conn, "b-green", "B", "GREEN"),
            "clear": ensure_collection(conn, "b-clear", "B", "CLEAR"),
        }
    batches = {
        "a-amber": [
            _pair("a1", "tiger_trader", "Tiger bone wine", f"genuine tiger bone, call {SHARED_PHONE}", 0.9,
                  (SHARED_PHONE,)),
            _pair("a2", "tiger_trader", "Ivory bangles", f"old ivory bangles {SHARED_PHONE}", 0.8,
                  (SHARED_PHONE,)),
        ],
        "a-strict": [_pair("a3", "horn_dealer", "Rhino horn", "rhino horn powder", 0.7)],
        "green": [_pair("g1", "green_seller", "Pangolin scales", "pangolin scales for medicine", 0.6)],
        "clear": [_pair("c1", "open_shop", "Carved wood", "carved rosewood box", 0.2)],
        "b-strict": [
            _pair(f"bx-{SECRET}", "tiger_trader", f"{SECRET} pangolin", f"pangolin {SECRET} {SECRET_PHONE}",
                  0.95, (SECRET_PHONE, SHARED_PHONE)),
            _pair(f"by-{SECRET}", f"hidden_boss_{SECRET}", f"{SECRET} boss", f"boss {SECRET}", 0.85),
        ],
    }  # fmt: skip
    for name, pairs in batches.items():
        store.save_batch(pairs, collection_id=collections[name])
    key = f"{PLATFORM}:"
    store.save_network(
        Network(
            clusters={f"{key}{uid}": "n1" for uid in ("a1", "a2", "g1", f"bx-{SECRET}", f"by-{SECRET}")}
            | {f"{key}a3": "n2", f"{key}c1": "n3"},
            links=(
                Link(f"{key}a1", f"{key}bx-{SECRET}", f"shares phone {SHARED_PHONE}", "phone", SHARED_PHONE),
                Link(f"{key}a1", f"{key}g1", "same photo", "photo", "abc"),
                Link(f"{key}bx-{SECRET}", f"{key}by-{SECRET}", f"same wallet {SECRET}", "wallet", SECRET),
                Link(f"{key}g1", f"{key}a2", "same wording", "text", "x"),
            ),
        )
    )
    return world


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    from wildtrace.web.app import create_app

    app = create_app(db_url)
    try:
        yield build_world(app)
    finally:
        app.state.store.close()


@pytest.fixture
def client(world: World) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(world.app) as test_client:
        yield test_client


def sign_in(client: Any, user: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in as ``user``; the CSRF token."""
    answer = client.post("/api/session", json={"username": user, "password": password})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["csrf_token"]
    return token
