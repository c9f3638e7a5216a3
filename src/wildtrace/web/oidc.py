"""Optional sign-in with an agency's own identity provider (OpenID Connect: Keycloak and similar).

Off unless ``WILDTRACE_OIDC_ISSUER``, ``WILDTRACE_OIDC_CLIENT_ID`` and
``WILDTRACE_OIDC_CLIENT_SECRET`` are set; then the login page offers "Sign in with your
organisation's account". Off, both routes answer 404 like a route that does not exist.

- ``GET /login/oidc?next=/path`` sends the browser to the provider's authorization endpoint
  (found by discovery at ``ISSUER/.well-known/openid-configuration``): the authorization code
  flow with PKCE (S256), a fresh ``state`` and ``nonce``. These, the PKCE verifier and the
  ``next`` path are kept for ten minutes in a cookie that is *encrypted and authenticated*
  (AES-GCM, key derived from the client secret): nothing in it can be read or changed by the
  browser, and every worker of ``serve --workers N`` can open it.
- ``GET /login/oidc/callback`` checks ``state``, exchanges the code at the token endpoint
  (client secret, PKCE verifier) and validates the ID token: signature against the provider's
  JWKS (asymmetric algorithms only), issuer, audience (and ``azp``), expiry, nonce. The identity
  is then mapped to an *existing, enabled* WildTrace user by the claim
  ``WILDTRACE_OIDC_USERNAME_CLAIM`` (default ``preferred_username``; without it, a verified
  ``email``). Nobody is created here: an administrator provisions each account with
  ``wildtrace user add NAME --agency CODE --role ROLE --no-password``. An unknown and a disabled
  user get the same refusal. On success a normal server-side session begins
  (``auth.begin_session``: new id, cookie, CSRF token), audited ``login.oidc``; every refusal
  is audited ``login.oidc.failed`` with its reason. The browser then goes to ``next`` when it
  is a local path, else to the dashboard.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wildtrace.store.access import Viewer
from wildtrace.web import auth

ISSUER_ENV = "WILDTRACE_OIDC_ISSUER"
CLIENT_ID_ENV = "WILDTRACE_OIDC_CLIENT_ID"
CLIENT_SECRET_ENV = "WILDTRACE_OIDC_CLIENT_SECRET"
USERNAME_CLAIM_ENV = "WILDTRACE_OIDC_USERNAME_CLAIM"
REDIRECT_URL_ENV = "WILDTRACE_OIDC_REDIRECT_URL"
DEFAULT_USERNAME_CLAIM = "preferred_username"
#: The scopes asked for (``email`` for the fallback claim).
SCOPES = "openid profile email"

#: The cookie that carries the flow's state between the two routes (encrypted).
FLOW_COOKIE = "wt_oidc"
FLOW_COOKIE_PATH = "/login/oidc"
#: How long a sign-in may take at the provider.
FLOW_LIFETIME = 600
#: How long discovery and the JWKS are kept (an unknown key id fetches the JWKS anew).
METADATA_TTL = 3600.0
#: Clock skew allowed on ``exp`` / ``iat`` / ``nbf``.
LEEWAY = 60
#: Seconds for each call to the provider.
HTTP_TIMEOUT = 10.0
#: ID token algorithms accepted (never ``none``, never HMAC with the client secret).
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

#: What a refused person reads (the reason is in the audit log, not on the page).
REFUSED = (
    "Your organisation's account may not sign in to WildTrace. Ask your agency's administrator for access."
)
FAILED = "Signing in with your organisation's account did not succeed. Please try again."
UNREACHABLE = "Your organisation's sign-in service cannot be reached just now. Please try again later."

router = APIRouter()


class OidcError(Exception):
    """A sign-in that cannot go on; ``reason`` goes to the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OidcSettings:
    """Where the provider is and who this app is to it."""

    issuer: str
    client_id: str
    client_secret: str
    username_claim: str = DEFAULT_USERNAME_CLAIM
    redirect_url: str | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> OidcSettings | None:
        """The settings from ``WILDTRACE_OIDC_*``; None (off) unless issuer, client id and
        client secret are all set."""
        issuer = env.get(ISSUER_ENV, "").strip().rstrip("/")
        client_id = env.get(CLIENT_ID_ENV, "").strip()
        secret = env.get(CLIENT_SECRET_ENV, "")
        if not (issuer and client_id and secret):
            return None
        return cls(
            issuer=issuer,
            client_id=client_id,
            client_secret=secret,
            username_claim=env.get(USERNAME_CLAIM_ENV, "").strip() or DEFAULT_USERNAME_CLAIM,
            redirect_url=env.get(REDIRECT_URL_ENV, "").strip() or None,
        )


def _is_loopback(host: str | None) -> bool:
    if host is None or host == "localhost":
        return host == "localhost"
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _check_endpoint(url: object, what: str) -> str:
    """``url`` when it is https (or http on a loopback address, for testing), else OidcError."""
    if not isinstance(url, str) or not url:
        raise OidcError(f"discovery has no {what}")
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname)):
        return url
    raise OidcError(f"{what} is not https: {url}")


class Provider:
    """The identity provider: its discovery document and keys, fetched and kept a while."""

    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._jwks: dict[str, Any] | None = None
        self._jwks_at = 0.0
        key = hashlib.sha256(b"wildtrace oidc flow cookie\0" + settings.client_secret.encode()).digest()
        self._cookie_key = key

    # -- talking to the provider ------------------------------------------------------------

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        import httpx

        try:
            answer = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=False,
                               headers={"Accept": "application/json"})  # fmt: skip
        except httpx.HTTPError as exc:
            raise OidcError(f"{what}: {type(exc).__name__}") from exc
        if answer.status_code != 200:
            raise OidcError(f"{what}: HTTP {answer.status_code}")
        try:
            found = answer.json()
        except ValueError as exc:
            raise OidcError(f"{what}: not JSON") from exc
        if not isinstance(found, dict):
            raise OidcError(f"{what}: not a JSON object")
        return found

    def metadata(self) -> dict[str, Any]:
        """The discovery document (checked: its issuer is the configured one; its endpoints
        are https)."""
        with self._lock:
            if self._metadata is not None and time.monotonic() - self._metadata_at < METADATA_TTL:
                return self._metadata
        url = _check_endpoint(self.settings.issuer, "issuer") + "/.well-known/openid-configuration"
        found = self._get_json(url, "discovery")
        if str(found.get("issuer", "")).rstrip("/") != self.settings.issuer:
            raise OidcError(f"discovery names another issuer: {found.get('issuer')!r}")
        for what in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            _check_endpoint(found.get(what), what)
        with self._lock:
            self._metadata, self._metadata_at = found, time.monotonic()
        return found

    def jwks(self, *, fresh: bool = False) -> dict[str, Any]:
        """The provider's public keys (JWKS)."""
        with self._lock:
            if not fresh and self._jwks is not None and time.monotonic() - self._jwks_at < METADATA_TTL:
                return self._jwks
        found = self._get_json(str(self.metadata()["jwks_uri"]), "jwks")
        if not isinstance(found.get("keys"), list):
            raise OidcError("jwks: no keys")
        with self._lock:
            self._jwks, self._jwks_at = found, time.monotonic()
        return found

    def exchange(self, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        """The token endpoint's answer for ``code`` (client authentication and PKCE)."""
        import httpx

        metadata = self.metadata()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": verifier}  # fmt: skip
        methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        headers = {"Accept": "application/json"}
        if "client_secret_basic" in methods:
            pair = f"{quote(self.settings.client_id, safe='')}:{quote(self.settings.client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form |= {"client_id": self.settings.client_id, "client_secret": self.settings.client_secret}
        try:
            answer = httpx.post(str(metadata["token_endpoint"]), data=form, headers=headers,
                                timeout=HTTP_TIMEOUT, follow_redirects=False)  # fmt: skip
        except httpx.HTTPError as exc:
            raise OidcError(f"token endpoint: {type(exc).__name__}") from exc
        try:
            found = answer.json()
        except ValueError:
            found = None
        if answer.status_code != 200 or not isinstance(found, dict):
            error = found.get("error") if isinstance(found, dict) else None
            raise OidcError(f"token endpoint: HTTP {answer.status_code} {error or ''}".strip())
        if not isinstance(found.get("id_token"), str):
            raise OidcError("token endpoint: no id_token")
        return found

    def validate_id_token(self, id_token: str, nonce: str, access_token: str | None) -> dict[str, Any]:
        """The ID token's claims once its signature (the provider's JWKS), issuer, audience,
        azp, expiry, issue time and nonce are right; else OidcError."""
        from authlib.oidc.core import CodeIDToken
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError
        from joserfc.jwk import KeySet

        metadata = self.metadata()
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = sorted(ASYMMETRIC_ALGORITHMS.intersection(offered)) or ["RS256"]

        def keys(fresh: bool = False) -> KeySet:
            return KeySet.import_key_set(self.jwks(fresh=fresh))  # type: ignore[arg-type]

        try:
            try:
                token = jwt.decode(id_token, keys(), algorithms=algorithms)
            except InvalidKeyIdError:  # the provider may have rotated its keys
                token = jwt.decode(id_token, keys(fresh=True), algorithms=algorithms)
            claims = CodeIDToken(
                token.claims,
                token.header,
                {"iss": {"essential": True, "value": metadata["issuer"]},
                 "aud": {"essential": True, "value": self.settings.client_id},
                 "nonce": {"essential": True}},
                {"nonce": nonce, "client_id": self.settings.client_id, "access_token": access_token},
            )  # fmt: skip
            claims.validate(leeway=LEEWAY)
        except JoseError as exc:
            described = f": {exc.description}" if exc.description else ""
            raise OidcError(f"id token: {exc.error}{described}") from exc
        except (ValueError, TypeError, KeyError) as exc:
            raise OidcError(f"id token: malformed ({type(exc).__name__})") from exc
        # belt and braces: the checks this sign-in rests on, once more by hand
        if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
            raise OidcError("id token: wrong nonce")
        audience = claims.get("aud")
        if self.settings.client_id not in (audience if isinstance(audience, list) else [audience]):
            raise OidcError("id token: wrong audience")
        if claims.get("iss") != metadata["issuer"]:
            raise OidcError("id token: wrong issuer")
        return dict(claims)

    def username_of(self, claims: Mapping[str, Any]) -> str | None:
        """The WildTrace user name the claims name: the configured claim, else a verified
        email; None when neither is there."""
        value = claims.get(self.settings.username_claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
        email = claims.get("email")
        if isinstance(email, str) and email.strip() and claims.get("email_verified") is True:
            return email.strip()
        return None

    # -- the flow cookie --------------------------------------------------------------------

    def seal(self, flow: dict[str, Any]) -> str:
        """``flow`` encrypted and authenticated for the flow cookie (AES-GCM)."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = secrets.token_bytes(12)
        body = json.dumps(flow, separators=(",", ":")).encode()
        sealed = nonce + AESGCM(self._cookie_key).encrypt(nonce, body, FLOW_COOKIE.encode())
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def unseal(self, value: str | None) -> dict[str, Any] | None:
        """The flow the cookie carries, or None: missing, altered, or older than ``FLOW_LIFETIME``."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not value or len(value) > 4096:
            return None
        try:
            sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            body = AESGCM(self._cookie_key).decrypt(sealed[:12], sealed[12:], FLOW_COOKIE.encode())
            flow = json.loads(body)
        except (InvalidTag, ValueError):
            return None
        if not isinstance(flow, dict) or not isinstance(flow.get("exp"), int) or flow["exp"] < time.time():
            return None
        return flow


def provider_of(request: Request) -> Provider | None:
    """The app's provider, None when OIDC sign-in is off (read from the environment once per app)."""
    state = request.app.state
    if not hasattr(state, "oidc_provider"):
        settings = OidcSettings.from_environment(os.environ)
        state.oidc_provider = Provider(settings) if settings is not None else None
    provider: Provider | None = state.oidc_provider
    return provider


def enabled(request: Request) -> bool:
    """Whether the login page offers OIDC sign-in (a Jinja global of the page templates)."""
    try:
        return provider_of(request) is not None
    except OidcError:
        return False


def _provider_or_404(request: Request) -> Provider:
    provider = provider_of(request)
    if provider is None:
        raise HTTPException(status_code=404, detail="Not Found")
    return provider


def _page(request: Request, status_code: int, message: str) -> HTMLResponse:
    from wildtrace.web.pages import render

    page = render(request, None, "login.html", status_code=status_code, next="/", error=message, username="")
    page.delete_cookie(FLOW_COOKIE, path=FLOW_COOKIE_PATH)
    return page


def _redirect_uri(request: Request, provider: Provider) -> str:
    return provider.settings.redirect_url or str(request.url_for("oidc_callback"))


@router.get("/login/oidc", name="oidc_login")
def oidc_login(request: Request, next: str = "/") -> Response:
    """Off to the provider: the authorization code flow with PKCE, state and nonce."""
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    from wildtrace.web.pages import local_path

    provider = _provider_or_404(request)
    try:
        metadata = provider.metadata()
    except OidcError as exc:
        auth.audit(request, None, "login.oidc.failed", "oidc", {"reason": exc.reason})
        return _page(request, 502, UNREACHABLE)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url = prepare_grant_uri(
        metadata["authorization_endpoint"], provider.settings.client_id, "code",
        redirect_uri=_redirect_uri(request, provider), scope=SCOPES, state=state, nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256",
    )  # fmt: skip
    flow = {"state": state, "nonce": nonce, "verifier": verifier, "next": local_path(next),
            "exp": int(time.time()) + FLOW_LIFETIME}  # fmt: skip
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        FLOW_COOKIE, provider.seal(flow), max_age=FLOW_LIFETIME, path=FLOW_COOKIE_PATH, httponly=True,
        samesite="lax", secure=bool(getattr(request.app.state, "secure_cookies", False)),
    )  # fmt: skip
    return response


@router.get("/login/oidc/callback", name="oidc_callback")
def oidc_callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    """Back from the provider: check everything, then begin a session for the mapped user."""
    from wildtrace.store.people import viewer_by_name
    from wildtrace.web.pages import local_path

    provider = _provider_or_404(request)
    flow = provider.unseal(request.cookies.get(FLOW_COOKIE))

    def refuse(reason: str, message: str = FAILED, status: int = 403, who: str = "oidc",
               detail: dict[str, Any] | None = None) -> HTMLResponse:  # fmt: skip
        auth.audit(request, None, "login.oidc.failed", who, {"reason": reason, **(detail or {})})
        return _page(request, status, message)

    if error:
        return refuse(f"provider: {error[:100]}")
    if flow is None:
        return refuse("no sign-in under way (flow cookie missing, altered or expired)")
    if not state or not hmac.compare_digest(state.encode(), str(flow["state"]).encode()):
        return refuse("wrong state")
    if not code:
        return refuse("no code")
    try:
        tokens = provider.exchange(code, str(flow["verifier"]), _redirect_uri(request, provider))
        access = tokens.get("access_token")
        claims = provider.validate_id_token(tokens["id_token"], str(flow["nonce"]),
                                            access if isinstance(access, str) else None)  # fmt: skip
    except OidcError as exc:
        return refuse(exc.reason)
    subject = {"issuer": claims.get("iss"), "subject": claims.get("sub")}
    username = provider.username_of(claims)
    if username is None:
        return refuse(f"no {provider.settings.username_claim} claim (nor a verified email)", detail=subject)
    viewer: Viewer | None = viewer_by_name(auth.store_of(request), username)
    if viewer is None or viewer.user_id is None:
        return refuse("unknown or disabled user", REFUSED, who=f"user:{username}", detail=subject)
    response = RedirectResponse(local_path(str(flow.get("next", "/"))), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    auth.begin_session(request, response, viewer)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_COOKIE_PATH)
    auth.audit(request, viewer, "login.oidc", f"user:{viewer.username}", subject)
    return response


__all__ = ["OidcSettings", "Provider", "enabled", "provider_of", "router"]
