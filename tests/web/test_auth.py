"""Signing in and staying signed in, on both engines: cookies, CSRF, session fixation, throttling,
logout, idle and absolute expiry, disabled users, revoked tokens, security headers and the audit
entries every read and write leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import select, update

from tests.web.conftest import PASSWORD, PLATFORM, Template, World, sign_in
from wildtrace.store.people import token_digest
from wildtrace.store.tables_access import LoginAttemptRow, WebSessionRow
from wildtrace.store.web_sessions import (
    ABSOLUTE_TIMEOUT,
    IDLE_TIMEOUT,
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_FAILURES,
    lookup_session,
)
from wildtrace.web.auth import SESSION_COOKIE


def _session_row(world: World, session_id: str) -> Any:
    with world.store.engine.connect() as conn:
        return conn.execute(
            select(WebSessionRow).where(WebSessionRow.token_hash == token_digest(session_id))
        ).one()


def test_sign_in_sets_a_strict_cookie_and_wrong_credentials_look_alike(world: World, client: Any) -> None:
    wrong = client.post("/api/session", json={"username": "ana", "password": "not the password"})
    unknown = client.post("/api/session", json={"username": "nobody", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()
    assert SESSION_COOKIE not in client.cookies
    answer = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert answer.status_code == 200
    assert (
        answer.json()["csrf_token"] and answer.json()["agency"] == "A" and answer.json()["role"] == "analyst"
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie and "path=/" in cookie
    row = _session_row(world, client.cookies[SESSION_COOKIE])
    assert row.csrf_token == answer.json()["csrf_token"] and row.ended_at is None  # only the hash is kept
    assert client.get("/api/session").json()["username"] == "ana"


def test_secure_cookies_behind_https(world_url: Template) -> None:
    from fastapi.testclient import TestClient

    from wildtrace.web.app import create_app

    app = create_app(world_url.url, secure_cookies=True)
    with TestClient(app) as client:
        answer = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
        assert "secure" in answer.headers["set-cookie"].lower()


def test_csrf_is_needed_with_the_cookie_and_not_with_a_token(world: World, client: Any) -> None:
    csrf = sign_in(client, "ana")
    case = {"title": "Pangolin ring", "tlp": "AMBER"}
    assert client.post("/api/cases", json=case).status_code == 403
    assert client.post("/api/cases", json=case, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    made = client.post("/api/cases", json=case, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    review = f"/api/listings/{quote(PLATFORM + ':a1')}/review"
    assert client.post(review, json={"verdict": "yes"}).status_code == 403
    assert client.post(review, json={"verdict": "yes"}, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/cases").status_code == 200  # reading needs none
    # a form carries it as the field csrf_token
    assert (
        client.post("/cases", data={"title": "by form", "tlp": "AMBER"}, follow_redirects=False).status_code
        == 403
    )
    by_form = client.post("/cases", data={"title": "by form", "tlp": "AMBER", "csrf_token": csrf},
                          follow_redirects=False)  # fmt: skip
    assert by_form.status_code == 303
    client.cookies.clear()
    with_token = client.post("/api/cases", json=case, headers=world.bearer("ana"))
    assert with_token.status_code == 201
    # a bearer token stands alone: a stale cookie beside it does not ask for CSRF
    assert (
        client.post("/api/cases", json=case, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    )


def test_each_sign_in_makes_a_new_session_and_ends_the_old_one(world: World, client: Any) -> None:
    sign_in(client, "ana")
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, "ana")
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    assert lookup_session(world.store, first) is None
    assert _session_row(world, first).ended_at is not None
    assert lookup_session(world.store, second) is not None
    # a session id planted before signing in is never adopted
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker")
    answer = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    given = answer.headers["set-cookie"].split(";")[0]
    assert given.startswith(f"{SESSION_COOKIE}=") and "planted" not in given


def test_sign_in_is_throttled_per_account(world: World, client: Any) -> None:
    for _ in range(MAX_ACCOUNT_FAILURES):
        assert client.post("/api/session", json={"username": "ana", "password": "guess"}).status_code == 401
    refused = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert SESSION_COOKIE not in client.cookies
    assert client.post("/api/session", json={"username": "bob", "password": PASSWORD}).status_code == 200
    # once the failures leave the window, the account may sign in again
    with world.store.engine.begin() as conn:
        conn.execute(update(LoginAttemptRow).values(at=datetime.now(UTC) - timedelta(minutes=16)))
    assert client.post("/api/session", json={"username": "ana", "password": PASSWORD}).status_code == 200


def test_sign_in_is_throttled_per_address(world: World, client: Any) -> None:
    from wildtrace.store.web_sessions import record_attempt

    for number in range(MAX_ADDRESS_FAILURES):  # many accounts tried from one address
        record_attempt(world.store, f"guess{number}", "testclient", False)
    refused = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    elsewhere = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert elsewhere.status_code == 429  # the same address still
    with world.store.engine.connect() as conn:  # refused attempts are not even checked nor counted
        attempts = conn.execute(
            select(LoginAttemptRow.username).where(LoginAttemptRow.username == "ana")
        ).all()
    assert attempts == []


def test_logout_ends_the_session_in_the_store(world: World, client: Any) -> None:
    csrf = sign_in(client, "ana")
    session_id = client.cookies[SESSION_COOKIE]
    assert client.delete("/api/session").status_code == 403  # CSRF, as for any change
    answer = client.delete("/api/session", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200 and answer.json() == {"status": "signed out"}
    assert _session_row(world, session_id).ended_at is not None
    client.cookies.set(SESSION_COOKIE, session_id)  # a copy of the cookie is worth nothing now
    assert client.get("/api/listings").status_code == 401


def test_idle_and_absolute_expiry(world: World, client: Any) -> None:
    sign_in(client, "ana")
    session_id = client.cookies[SESSION_COOKIE]
    assert client.get("/api/listings").status_code == 200
    now = datetime.now(UTC)
    with world.store.engine.begin() as conn:
        conn.execute(update(WebSessionRow).values(last_seen_at=now - IDLE_TIMEOUT - timedelta(minutes=1)))
    assert client.get("/api/listings").status_code == 401
    assert _session_row(world, session_id).ended_at is not None  # ended in the store, not only refused
    sign_in(client, "ana")
    busy = client.cookies[SESSION_COOKIE]
    with world.store.engine.begin() as conn:
        conn.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_digest(busy))
            .values(created_at=now - ABSOLUTE_TIMEOUT - timedelta(minutes=1), last_seen_at=now)
        )
    assert client.get("/api/listings").status_code == 401
    assert _session_row(world, busy).ended_at is not None


def test_a_session_in_use_is_kept_alive(world: World, client: Any) -> None:
    sign_in(client, "ana")
    session_id = client.cookies[SESSION_COOKIE]
    old = datetime.now(UTC) - IDLE_TIMEOUT + timedelta(minutes=5)
    with world.store.engine.begin() as conn:
        conn.execute(update(WebSessionRow).values(last_seen_at=old))
    assert client.get("/api/listings").status_code == 200
    assert _session_row(world, session_id).last_seen_at > old + timedelta(minutes=4)


def test_disabled_users_and_revoked_tokens_get_401(world: World, client: Any) -> None:
    from wildtrace.store.people import disable_user, revoke_tokens

    sign_in(client, "bob")
    assert client.get("/api/listings").status_code == 200
    assert client.get("/api/listings", headers=world.bearer("bob")).status_code == 200
    disable_user(world.store, "bob")
    assert client.get("/api/listings").status_code == 401
    client.cookies.clear()
    assert client.get("/api/listings", headers=world.bearer("bob")).status_code == 401
    assert client.post("/api/session", json={"username": "bob", "password": PASSWORD}).status_code == 401
    assert client.get("/api/listings", headers=world.bearer("ana")).status_code == 200
    revoke_tokens(world.store, "ana")
    assert client.get("/api/listings", headers=world.bearer("ana")).status_code == 401
    assert client.get("/api/listings", headers={"Authorization": "Bearer wt_made_up"}).status_code == 401
    unauthorised = client.get("/api/listings")
    assert unauthorised.status_code == 401 and unauthorised.headers["WWW-Authenticate"] == "Bearer"


def test_pages_send_the_signed_out_to_the_login_page(client: Any) -> None:
    answer = client.get("/cases?x=1", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/cases%3Fx%3D1"


def test_security_headers_on_every_response(client: Any) -> None:
    for path in ("/api/health", "/api/listings", "/login", "/static/vendor/htmx.min.js", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin" and headers["x-frame-options"] == "DENY"
    assert client.get("/api/health").headers["cache-control"] == "no-store"


def test_reads_and_writes_are_audited(world: World, client: Any) -> None:
    from wildtrace.store.audit import AuditLog

    ana = world.bearer("ana")
    ref = quote(f"{PLATFORM}:a1")
    assert client.get("/api/listings", headers=ana).status_code == 200
    assert client.get(f"/api/listings/{ref}", headers=ana).status_code == 200
    assert client.get(f"/api/listings/{quote(PLATFORM + ':gone')}", headers=ana).status_code == 404
    assert client.post(f"/api/listings/{ref}/review", json={"verdict": "no"}, headers=ana).status_code == 200
    assert client.get(f"/api/accounts/{PLATFORM}/tiger_trader", headers=ana).status_code == 200
    assert client.get("/api/networks/n1", headers=ana).status_code == 200
    case = client.post("/api/cases", json={"title": "t", "tlp": "GREEN"}, headers=ana).json()["id"]
    assert client.get(f"/api/cases/{case}", headers=ana).status_code == 200
    sign_in(client, "bob")
    entries = AuditLog(world.store).entries(limit=50)
    done = [(e["user"], e["agency"], e["action"], e["object"], e["address"]) for e in reversed(entries)]
    assert done == [
        ("ana", "A", "listings.list", "listings", "testclient"),
        ("ana", "A", "listing.view", f"listing:{PLATFORM}:a1", "testclient"),
        ("ana", "A", "listing.view", f"listing:{PLATFORM}:gone", "testclient"),
        ("ana", "A", "listing.review", f"listing:{PLATFORM}:a1", "testclient"),
        ("ana", "A", "account.view", f"account:{PLATFORM}:tiger_trader", "testclient"),
        ("ana", "A", "network.view", "network:n1", "testclient"),
        ("ana", "A", "case.create", f"case:{case}", "testclient"),
        ("ana", "A", "case.view", f"case:{case}", "testclient"),
        ("bob", "B", "login", "user:bob", "testclient"),
    ]
    assert entries[-3]["detail"] == {"found": False}
    assert AuditLog(world.store).verify().ok
    # admins read their agency's entries; others may not
    assert client.get("/api/audit?limit=5", headers=world.bearer("ana")).status_code == 403
    listed = client.get("/api/audit?limit=100", headers=world.bearer("admin_a"))
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert {"at", "user", "agency", "action", "object", "address"} <= set(items[0])
    assert {item["agency"] for item in items} == {"A"} and len(items) == 8
