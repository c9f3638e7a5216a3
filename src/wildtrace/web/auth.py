"""Who is asking, and may they: sessions, API tokens, CSRF, sign-in throttling and the audit.

Every route declares exactly one rule: ``Depends(require("capability"))`` (or
``require("capability", page=True)`` for an HTML page), or it is listed in ``PUBLIC_ROUTES``.
``tests/web/test_routes_authorised.py`` walks the app's routes and fails on one without.

- A browser signs in with ``start_session``: a new session id each time (no fixation), kept
  server-side (``store/web_sessions.py``) in an HttpOnly, SameSite=Lax cookie (Secure behind
  HTTPS). State-changing requests made with the cookie carry its CSRF token (header
  ``X-CSRF-Token`` or form field ``csrf_token``).
- A program sends ``Authorization: Bearer TOKEN`` (``wildtrace user token``); no CSRF then.
- ``audit`` appends who read or wrote what, from which address, to the audit log.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from wildtrace.store.access import Viewer

if TYPE_CHECKING:
    from wildtrace.store import Store

#: The session cookie's name.
SESSION_COOKIE = "wt_session"
#: The header (and form field) that carries the CSRF token.
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
#: Methods that change state: with a session cookie they need the CSRF token.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Routes anyone may call, as (method, path) pairs; a path ending in ``/*`` covers what is
#: under it (mounts). Every other route must declare ``require(...)``.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/health"),
        ("POST", "/api/session"),
        ("DELETE", "/api/session"),  # logging out: checks the CSRF token itself
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/login/oidc"),  # OIDC sign-in (web/oidc.py): 404 unless configured
        ("GET", "/login/oidc/callback"),
        ("GET", "/static/*"),
        ("GET", "/openapi.json"),
    }
)


def is_public(method: str, path: str) -> bool:
    """Whether ``PUBLIC_ROUTES`` lists the route ``method path``."""
    if (method, path) in PUBLIC_ROUTES:
        return True
    return any(
        m == method and p.endswith("/*") and (path == p[:-2] or path.startswith(p[:-1]))
        for m, p in PUBLIC_ROUTES
    )


class LoginRequired(Exception):
    """A page asked for by someone not signed in: the app redirects to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    @property
    def location(self) -> str:
        return f"/login?next={quote(self.next_path, safe='/')}"


class PageForbidden(Exception):
    """A page the viewer's role may not open: the app answers an HTML 403 page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Throttled(HTTPException):
    """Too many failed sign-ins for the account or from the address: 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            status_code=429,
            detail=f"too many failed sign-ins; try again in {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


def forbidden_page(message: str) -> str:
    """The HTML of the 403 page (no script, no outside resource)."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Not allowed</title>"
        "<link rel=stylesheet href=/static/app.css></head><body><main><h1>Not allowed</h1>"
        f"<p>{escape(message)}</p><p><a href=/>Back to the dashboard</a></p></main></body></html>"
    )


def store_of(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def client_address(request: Request) -> str:
    """The caller's address (behind a proxy: what uvicorn's proxy headers made of it)."""
    return request.client.host if request.client is not None else ""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def _identify(request: Request) -> Viewer | None:
    """The viewer the request's bearer token or session cookie stands for (cached on the
    request), else None. Records how (``request.state.via``) and the session's CSRF token."""
    if hasattr(request.state, "viewer"):
        found: Viewer | None = request.state.viewer
        return found
    from wildtrace.store.people import viewer_for_token
    from wildtrace.store.web_sessions import lookup_session

    store = store_of(request)
    viewer: Viewer | None = None
    via = None
    token = _bearer(request)
    if token is not None:
        viewer = await run_in_threadpool(viewer_for_token, store, token)
        via = "token" if viewer is not None else None
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            session = await run_in_threadpool(lookup_session, store, session_id)
            if session is not None:
                viewer, via = session.viewer, "session"
                request.state.csrf_token = session.csrf_token
    request.state.viewer = viewer
    request.state.via = via
    return viewer


async def api_viewer(request: Request) -> Viewer:
    """The viewer of an API call (session cookie or bearer token), else 401."""
    viewer = await _identify(request)
    if viewer is None:
        raise HTTPException(
            status_code=401, detail="sign in, or send Authorization: Bearer TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip
    return viewer


async def page_viewer(request: Request) -> Viewer:
    """The viewer of a page (session cookie only), else a redirect to the login page."""
    viewer = await _identify(request)
    if viewer is None or request.state.via != "session":
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return viewer


async def check_csrf(request: Request) -> None:
    """403 unless a state-changing request made with the session cookie carries the session's
    CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``). Bearer-token requests
    and safe methods need none."""
    if request.method not in UNSAFE_METHODS or getattr(request.state, "via", None) != "session":
        return
    expected: str = getattr(request.state, "csrf_token", "")
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not expected or given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token (send X-CSRF-Token)")


def require(capability: str, *, page: bool = False) -> Callable[[Request], Coroutine[Any, Any, Viewer]]:
    """A dependency: the viewer, when signed in (401 / a redirect to the login page otherwise)
    and their role grants ``capability`` (403 otherwise: JSON for the API, an HTML page for
    pages); state-changing requests made with a session cookie also need the CSRF token."""

    async def rule(request: Request) -> Viewer:
        viewer = await (page_viewer(request) if page else api_viewer(request))
        if not viewer.may(capability):
            message = f"the {viewer.role} role may not do this ({capability})"
            if page:
                raise PageForbidden(message)
            raise HTTPException(status_code=403, detail=message)
        await check_csrf(request)
        return viewer

    rule.capability = capability  # type: ignore[attr-defined]
    rule.page = page  # type: ignore[attr-defined]
    rule.__name__ = f"require_{capability.replace('.', '_')}"
    return rule


def _set_cookie(request: Request, response: Response, session_id: str) -> None:
    from wildtrace.store.web_sessions import ABSOLUTE_TIMEOUT

    response.set_cookie(
        SESSION_COOKIE, session_id, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()), path="/",
        httponly=True, samesite="lax", secure=bool(getattr(request.app.state, "secure_cookies", False)),
    )  # fmt: skip


def start_session(request: Request, response: Response, username: str, password: str) -> str | None:
    """Sign in: raise ``Throttled`` (429) when the account or address has failed too often;
    else check the credentials, record the attempt and, when right, begin a new session (a
    new id every time; a session the browser held is ended), set its cookie on ``response``
    and return its CSRF token. None for wrong credentials (the same for an unknown user)."""
    from wildtrace.store.people import authenticate
    from wildtrace.store.web_sessions import record_attempt, retry_after

    store = store_of(request)
    address = client_address(request)
    username = username.strip()
    wait = retry_after(store, username, address)
    if wait is not None:
        raise Throttled(wait)
    viewer = authenticate(store, username, password)
    record_attempt(store, username, address, viewer is not None)
    if viewer is None or viewer.user_id is None:
        audit_now(store, None, "login.failed", f"user:{username}", address, None)
        return None
    csrf = begin_session(request, response, viewer)
    audit_now(store, viewer, "login", f"user:{viewer.username}", address, None)
    return csrf


def begin_session(request: Request, response: Response, viewer: Viewer) -> str:
    """Begin a new session for ``viewer`` (whose identity the caller has checked: a password,
    an OIDC ID token): a session the browser held is ended, a new id is made (no fixation),
    its cookie set on ``response``; returns its CSRF token."""
    from wildtrace.store.web_sessions import create_session
    from wildtrace.store.web_sessions import end_session as end_stored

    if viewer.user_id is None:
        raise ValueError("only a stored user may hold a web session")
    store = store_of(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        end_stored(store, old)
    session_id, csrf = create_session(store, viewer.user_id, client_address(request))
    _set_cookie(request, response, session_id)
    request.state.viewer, request.state.via, request.state.csrf_token = viewer, "session", csrf
    return csrf


def end_session(request: Request, response: Response) -> bool:
    """Log out: end the cookie's session in the store and clear the cookie; False when no
    live session was there."""
    from wildtrace.store.web_sessions import end_session as end_stored
    from wildtrace.store.web_sessions import lookup_session

    store = store_of(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    response.delete_cookie(SESSION_COOKIE, path="/")
    if not session_id:
        return False
    session = lookup_session(store, session_id, touch=False)
    ended = end_stored(store, session_id)
    if session is not None:
        audit_now(
            store, session.viewer, "logout", f"user:{session.viewer.username}",
            client_address(request), None,
        )  # fmt: skip
    return ended


def csrf_token_of(request: Request) -> str:
    """The CSRF token of the request's session ("" without one), for forms and pages."""
    if not hasattr(request.state, "viewer"):
        from wildtrace.store.web_sessions import lookup_session

        session_id = request.cookies.get(SESSION_COOKIE)
        session = lookup_session(store_of(request), session_id, touch=False) if session_id else None
        return session.csrf_token if session is not None else ""
    token: str = getattr(request.state, "csrf_token", "")
    return token


def audit_now(
    store: Store, viewer: Viewer | None, action: str, object: str, address: str, detail: dict[str, Any] | None
) -> None:
    """Append one audit entry (synchronously)."""
    from wildtrace.store.audit import AuditLog

    AuditLog(store).append(viewer, action, object, address, detail)


def audit(
    request: Request, viewer: Viewer | None, action: str, object: str, detail: dict[str, Any] | None = None
) -> None:
    """Append who did ``action`` on ``object``, from the request's address, to the audit log."""
    audit_now(store_of(request), viewer, action, object, client_address(request), detail)
