"""OIDC sign-in against a real OpenID provider started here on loopback.

The provider (a threaded ``http.server``) serves discovery, its JWKS (an RSA key made here), an
authorization endpoint that sends the browser back with a code, and a token endpoint that checks
the client secret and the PKCE verifier and returns an ID token signed with its key, carrying the
nonce it was given. Each test can make it misbehave (another signing key, audience, issuer,
nonce). The browser is played by hand: FastAPI's TestClient for the app, httpx for the provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from wildtrace.web.auth import SESSION_COOKIE
from wildtrace.web.oidc import (
    CLIENT_ID_ENV,
    CLIENT_SECRET_ENV,
    FLOW_COOKIE,
    ISSUER_ENV,
    REDIRECT_URL_ENV,
    USERNAME_CLAIM_ENV,
)

CLIENT_ID = "wildtrace"
CLIENT_SECRET = "s3cret/with+odd chars"
APP = "http://testserver"
SIGN_IN_BUTTON = "Sign in with your organisation's account"


@cache
def rsa_key(name: str) -> RSAKey:
    """An RSA key (key id ``k1`` whatever its name: an impostor's key claims the provider's id)."""
    return RSAKey.generate_key(2048, parameters={"kid": "k1"})


@dataclass
class Provider:
    """The provider's state and what a test makes it do."""

    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: rsa_key("provider"))
    #: Signs the ID tokens (a test may swap in another key under the same key id).
    signing_key: Any = None
    #: The ID tokens' algorithm (a test may try HS256 keyed with the client secret).
    algorithm: str = "RS256"
    #: Claims of the next ID tokens: set (a value) or removed (None) over the defaults.
    claims: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, grant: dict[str, str]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "sub": "subject-1", "aud": CLIENT_ID, "exp": now + 300, "iat": now,
            "nonce": grant["nonce"], "preferred_username": "ana", "email": "ana@a.example",
            "email_verified": True,
        }  # fmt: skip
        for name, value in self.claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.signing_key or self.key
        return jwt.encode({"alg": self.algorithm, "kid": "k1"}, claims, key, algorithms=[self.algorithm])


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path.removeprefix(urlsplit(provider.issuer).path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if path == "/.well-known/openid-configuration":
                self._json(200, {
                    "issuer": provider.issuer,
                    "authorization_endpoint": f"{provider.issuer}/authorize",
                    "token_endpoint": f"{provider.issuer}/token",
                    "jwks_uri": f"{provider.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                    "code_challenge_methods_supported": ["S256"],
                })  # fmt: skip
            elif path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif path == "/authorize":
                ok = (
                    query.get("client_id") == CLIENT_ID
                    and query.get("response_type") == "code"
                    and query.get("code_challenge_method") == "S256"
                    and "openid" in query.get("scope", "")
                    and all(query.get(name) for name in ("state", "nonce", "code_challenge", "redirect_uri"))
                )
                if not ok:
                    self._json(400, {"error": "invalid_request"})
                    return
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlsplit(self.path).path != urlsplit(provider.issuer).path + "/token":
                self._json(404, {"error": "not_found"})
                return
            provider.token_requests += 1
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            # client_secret_basic: id and secret form-encoded, then base64 (RFC 6749, 2.3.1)
            scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
            user, _, password = base64.b64decode(encoded or "").decode().partition(":")
            if scheme != "Basic" or (unquote(user), unquote(password)) != (CLIENT_ID, CLIENT_SECRET):
                self._json(401, {"error": "invalid_client"})
                return
            grant = provider.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            )
            if (
                grant is None
                or form.get("grant_type") != "authorization_code"
                or form.get("redirect_uri") != grant["redirect_uri"]
                or challenge != grant["code_challenge"]
            ):
                self._json(400, {"error": "invalid_grant"})
                return
            self._json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": provider.id_token(grant)})  # fmt: skip

    return Handler


@pytest.fixture
def provider() -> Iterator[Provider]:
    found = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    found.issuer = f"http://127.0.0.1:{server.server_address[1]}/realms/agency"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with agency A and its users: ana (enabled), gone (disabled), a user named by an
    email address. No passwords: accounts for OIDC sign-in only."""
    from wildtrace.store import open_store, people

    path = tmp_path_factory.mktemp("oidc") / "wildtrace.db"
    store = open_store(f"sqlite:///{path}")
    try:
        people.add_agency(store, "A", "Agency A", "KE")
        for name in ("ana", "gone", "eve@a.example"):
            people.add_user(store, name, "A", "analyst", None)
        people.disable_user(store, "gone")
    finally:
        store.close()
    return path


@pytest.fixture
def app(_template: Path, tmp_path: Path) -> Iterator[Any]:
    from wildtrace.web.app import create_app

    target = tmp_path / "wildtrace.db"
    shutil.copyfile(_template, target)
    made = create_app(f"sqlite:///{target}")
    try:
        yield made
    finally:
        made.state.store.close()


@pytest.fixture
def configured(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv(ISSUER_ENV, provider.issuer)
    monkeypatch.setenv(CLIENT_ID_ENV, CLIENT_ID)
    monkeypatch.setenv(CLIENT_SECRET_ENV, CLIENT_SECRET)
    monkeypatch.delenv(USERNAME_CLAIM_ENV, raising=False)
    monkeypatch.delenv(REDIRECT_URL_ENV, raising=False)
    return provider


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url=APP) as test_client:
        yield test_client


def to_provider(client: Any, next_path: str = "/") -> str:
    """Start signing in; the provider's authorization URL the app sent the browser to."""
    start = client.get("/login/oidc", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 303, start.text
    assert FLOW_COOKIE in start.cookies
    location: str = start.headers["location"]
    return location


def at_provider(location: str) -> str:
    """The provider signs the person in; where it sends the browser back to."""
    answer = httpx.get(location, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back: str = answer.headers["location"]
    assert back.startswith(f"{APP}/login/oidc/callback?")
    return back


def sign_in(client: Any, next_path: str = "/") -> Any:
    """The whole round trip; the app's answer to the callback."""
    return client.get(at_provider(to_provider(client, next_path)), follow_redirects=False)


def audit_actions(app: Any, action: str) -> list[dict[str, Any]]:
    from wildtrace.store.audit import AuditLog

    entries: list[dict[str, Any]] = AuditLog(app.state.store).entries(action=action)
    return entries


def assert_refused(answer: Any, app: Any, reason: str, signed_in_before: int = 0) -> None:
    assert answer.status_code == 403, answer.text
    assert "text/html" in answer.headers["content-type"]
    assert SESSION_COOKIE not in answer.cookies
    failures = audit_actions(app, "login.oidc.failed")
    assert failures and reason in json.dumps(failures[0]["detail"]), failures
    assert len(audit_actions(app, "login.oidc")) == signed_in_before


# -- success ---------------------------------------------------------------------------------


def test_a_provisioned_user_signs_in_and_holds_a_normal_session(
    configured: Provider, client: Any, app: Any
) -> None:
    page = client.get("/login")
    assert SIGN_IN_BUTTON in page.text and 'href="/login/oidc?next=/"' in page.text

    location = to_provider(client, "/review?commodity=pangolin")
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{configured.issuer}/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"{APP}/login/oidc/callback"]
    # the flow cookie keeps no secret in clear: not the state, nonce or next path
    cookie = client.cookies[FLOW_COOKIE]
    for value in (query["state"][0], query["nonce"][0], "review", "pangolin"):
        assert value not in cookie

    answer = client.get(at_provider(location), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/review?commodity=pangolin"
    assert SESSION_COOKIE in answer.cookies and FLOW_COOKIE not in client.cookies
    assert configured.token_requests == 1

    who = client.get("/api/session")
    assert who.status_code == 200, who.text
    body = who.json()
    assert body["username"] == "ana" and body["csrf_token"]
    entries = audit_actions(app, "login.oidc")
    assert [e["user"] for e in entries] == ["ana"] and entries[0]["detail"]["subject"] == "subject-1"
    # the session's CSRF token works as for a password sign-in; logging out ends it
    assert client.delete("/api/session").status_code == 403
    out = client.delete("/api/session", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.json() == {"status": "signed out"}
    assert client.get("/api/session").status_code == 401


def test_a_session_held_before_is_ended_not_reused(configured: Provider, client: Any, app: Any) -> None:
    assert sign_in(client).status_code == 303
    first = client.cookies[SESSION_COOKIE]
    assert sign_in(client).status_code == 303
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    client.cookies.set(SESSION_COOKIE, first)
    assert client.get("/api/session").status_code == 401


def test_the_username_claim_is_configurable_and_email_is_the_fallback(
    configured: Provider, client: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured.claims = {"preferred_username": None, "email": "eve@a.example"}
    assert sign_in(client).status_code == 303
    assert client.get("/api/session").json()["username"] == "eve@a.example"
    # an unverified email names nobody
    client.cookies.clear()
    configured.claims = {"preferred_username": None, "email": "eve@a.example", "email_verified": False}
    assert_refused(sign_in(client), app, "claim", signed_in_before=1)


def test_a_named_claim(configured: Provider, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv(USERNAME_CLAIM_ENV, "wildtrace_user")
    configured.claims = {"wildtrace_user": "ana", "preferred_username": "gone"}
    with TestClient(app, base_url=APP) as client:
        assert sign_in(client).status_code == 303
        assert client.get("/api/session").json()["username"] == "ana"


# -- refusals --------------------------------------------------------------------------------


def test_an_unknown_and_a_disabled_user_get_the_same_refusal(
    configured: Provider, client: Any, app: Any
) -> None:
    configured.claims = {"preferred_username": "stranger"}
    unknown = sign_in(client)
    assert_refused(unknown, app, "unknown or disabled user")
    configured.claims = {"preferred_username": "gone"}
    disabled = sign_in(client)
    assert disabled.status_code == unknown.status_code == 403
    assert disabled.text == unknown.text
    assert "may not sign in" in disabled.text
    assert client.get("/api/session").status_code == 401


def test_a_token_signed_with_another_key_is_refused(configured: Provider, client: Any, app: Any) -> None:
    configured.signing_key = rsa_key("impostor")
    assert_refused(sign_in(client), app, "bad_signature")


def test_a_token_signed_with_the_client_secret_is_refused(
    configured: Provider, client: Any, app: Any
) -> None:
    from joserfc.jwk import OctKey

    configured.algorithm = "HS256"
    configured.signing_key = OctKey.import_key(CLIENT_SECRET.encode())
    assert_refused(sign_in(client), app, "id token")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"aud": ["another-client", "a-third"]}, "aud"),
        ({"iss": "http://127.0.0.1:1/realms/elsewhere"}, "iss"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "exp"),
        ({"nonce": "not-the-nonce"}, "nonce"),
        ({"nonce": None}, "nonce"),
    ],
)
def test_a_token_for_another_audience_issuer_time_or_nonce_is_refused(
    configured: Provider, client: Any, app: Any, claims: dict[str, Any], reason: str
) -> None:
    configured.claims = claims
    assert_refused(sign_in(client), app, reason)


def test_a_wrong_or_missing_state_or_flow_cookie_is_refused(
    configured: Provider, client: Any, app: Any
) -> None:
    back = at_provider(to_provider(client))
    parts = urlsplit(back)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    forged = f"{APP}{parts.path}?{urlencode({'code': query['code'], 'state': 'forged'})}"
    assert_refused(client.get(forged, follow_redirects=False), app, "wrong state")
    assert configured.token_requests == 0
    # the refusal dropped the flow: even the right state is now refused
    assert FLOW_COOKIE not in client.cookies
    assert client.get(back, follow_redirects=False).status_code == 403
    # a callback with no flow of this browser (a code and state pushed by someone else)
    back = at_provider(to_provider(client))
    client.cookies.clear()
    assert client.get(back, follow_redirects=False).status_code == 403
    # an altered flow cookie
    back = at_provider(to_provider(client))
    sealed = client.cookies[FLOW_COOKIE]
    client.cookies.set(FLOW_COOKIE, sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"),
                       path="/login/oidc")  # fmt: skip
    assert client.get(back, follow_redirects=False).status_code == 403
    assert configured.token_requests == 0
    assert audit_actions(app, "login.oidc") == []


def test_the_provider_saying_no_is_refused(configured: Provider, client: Any, app: Any) -> None:
    to_provider(client)
    answer = client.get("/login/oidc/callback?error=access_denied&state=x", follow_redirects=False)
    assert_refused(answer, app, "access_denied")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_to_another_host_is_ignored(configured: Provider, client: Any, target: str) -> None:
    answer = sign_in(client, target)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_an_unreachable_provider_is_a_clear_page_not_a_crash(
    client: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(ISSUER_ENV, f"http://127.0.0.1:{port}")
    monkeypatch.setenv(CLIENT_ID_ENV, CLIENT_ID)
    monkeypatch.setenv(CLIENT_SECRET_ENV, CLIENT_SECRET)
    answer = client.get("/login/oidc", follow_redirects=False)
    assert answer.status_code == 502 and "cannot be reached" in answer.text


def test_a_plain_http_issuer_elsewhere_than_loopback_is_refused(
    client: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ISSUER_ENV, "http://idp.example/realms/x")
    monkeypatch.setenv(CLIENT_ID_ENV, CLIENT_ID)
    monkeypatch.setenv(CLIENT_SECRET_ENV, CLIENT_SECRET)
    answer = client.get("/login/oidc", follow_redirects=False)
    assert answer.status_code == 502
    assert "not https" in json.dumps(audit_actions(app, "login.oidc.failed")[0]["detail"])


# -- off -------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [ISSUER_ENV, CLIENT_ID_ENV, CLIENT_SECRET_ENV])
def test_off_unless_fully_configured(
    provider: Provider, client: Any, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    for name, value in (
        (ISSUER_ENV, provider.issuer),
        (CLIENT_ID_ENV, CLIENT_ID),
        (CLIENT_SECRET_ENV, CLIENT_SECRET),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    assert client.get("/login/oidc", follow_redirects=False).status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y", follow_redirects=False).status_code == 404
    page = client.get("/login")
    assert page.status_code == 200 and SIGN_IN_BUTTON not in page.text and "/login/oidc" not in page.text
