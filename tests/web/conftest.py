"""The web tests' world: two agencies (A and B) with a user of every role, listings under every
kind of marking, a network across them, and a secret: agency B's AMBER+STRICT collection, whose
listings, seller, phone number and links must never reach anyone outside B.

Every secret value carries ``SECRET`` (the marker tests search responses for) or the phone
``SECRET_PHONE``.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
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


@dataclass(frozen=True)
class Template:
    """A database holding the built world, copied for each test (migrating and hashing
    passwords anew for every test took 1.5 s of each)."""

    url: str
    viewers: dict[str, Viewer]
    tokens: dict[str, str]


def _build_template(url: str) -> Template:
    from wildtrace.web.app import create_app

    app = create_app(url)
    try:
        built = build_world(app)
    finally:
        app.state.store.close()
    return Template(url, built.viewers, built.tokens)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    folder = tmp_path_factory.mktemp("web-template")
    return _build_template(f"sqlite:///{folder / 'wildtrace.db'}")


@pytest.fixture(scope="session")
def _pg_template(_pg_server: str | None) -> Iterator[Template | None]:
    """The world in a PostgreSQL database used as a template (None without a server)."""
    from sqlalchemy import create_engine, make_url, text

    from tests.conftest import _pg_base_url

    if _pg_server is not None:
        yield None
        return
    base = make_url(_pg_base_url())
    name = f"wildtrace_webtmpl_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield _build_template(base.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def world_url(
    request: pytest.FixtureRequest, tmp_path: Path, missing_service: Callable[[str], None]
) -> Iterator[Template]:
    """A fresh copy of the world's database on each engine, as a ``Template`` of its URL."""
    from sqlalchemy import create_engine, make_url, text

    if request.param == "sqlite":
        template: Template = request.getfixturevalue("_sqlite_template")
        source = Path(make_url(template.url).database or "")
        target = tmp_path / "wildtrace.db"
        shutil.copyfile(source, target)
        yield Template(f"sqlite:///{target}", template.viewers, template.tokens)
        return
    found: Template | None = request.getfixturevalue("_pg_template")
    if found is None:
        missing_service(f"PostgreSQL not reachable: {request.getfixturevalue('_pg_server')}")
        return
    base = make_url(found.url)
    name = f"wildtrace_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{base.database}"'))
        yield Template(
            base.set(database=name).render_as_string(hide_password=False), found.viewers, found.tokens
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def world(world_url: Template) -> Iterator[World]:
    from wildtrace.web.app import create_app

    app = create_app(world_url.url)
    try:
        yield World(app, app.state.store, dict(world_url.viewers), dict(world_url.tokens))
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


def add_operation(world: World, tmp_path: Path, name: str, agency: str, tlp: str, reference: str) -> None:
    """An operation of ``agency`` in a collection marked ``tlp``, holding one seizure ``reference``."""
    from wildtrace.ops.importer import read_seizures
    from wildtrace.ops.store import save_rows

    sheet = tmp_path / f"{name}.csv"
    sheet.write_text(
        f"reference,date,country,commodity,quantity,unit,value_usd\n{reference},2026-03-01,KE,ivory,12,kg,9000\n",
        encoding="utf-8",
    )
    with world.store.write_transaction("an operation's collection") as conn:
        collection = ensure_collection(conn, f"ops-{name}", agency, tlp)
    save_rows(world.store, name, read_seizures(sheet).rows, collection_id=collection)
