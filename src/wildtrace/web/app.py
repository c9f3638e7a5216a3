"""The web app: the JSON API (``web/api.py``) and the pages (``web/pages.py``) over one store.

    app = create_app("sqlite:///wildtrace.db")   # or None: WILDTRACE_DB, else the default

Every response carries strict security headers (no inline script may run, no framing, no
content sniffing). Who may call what is decided per route (``web/auth.py``); what a viewer may
see is decided per query (``store/access.py``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wildtrace import __version__
from wildtrace.web.auth import LoginRequired, PageForbidden, forbidden_page

STATIC = Path(__file__).parent / "static"
#: ECharts is vendored once, beside the operations report; served at /static/ops/.
OPS_STATIC = Path(__file__).parent.parent / "ops" / "static"
#: The environment variable ``wildtrace serve --workers N`` hands the database URL through.
DB_URL_ENV = "WILDTRACE_SERVE_DB"
#: Likewise for Secure cookies (set to 1 behind HTTPS).
SECURE_ENV = "WILDTRACE_SECURE_COOKIES"

#: Sent with every response.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP response (a route may set a stricter CSP of its
    own, e.g. ``sandbox`` for an archived page: then its own is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                if scope.get("path", "").startswith("/api/") and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(db_url: str | None = None, *, secure_cookies: bool = False) -> FastAPI:
    """The app over the store at ``db_url`` (opened now, migrated if needed); cookies are
    marked Secure when ``secure_cookies`` (serve behind HTTPS)."""
    from wildtrace.store import open_store

    store = open_store(db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="WildTrace",
        version=__version__,
        description="Investigate illegal wildlife and timber trade online: listings, accounts, "
        "networks and cases, under each agency's markings.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: the CSP refuses them
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.secure_cookies = secure_cookies

    from wildtrace.web import alerts, api, captures, judgements, oidc, operations, pages, tips

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(captures.router)
    app.include_router(tips.router)
    app.include_router(alerts.router)
    app.include_router(operations.router)
    app.include_router(judgements.router)
    app.include_router(oidc.router)
    app.mount("/static/ops", StaticFiles(directory=OPS_STATIC), name="ops-static")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(PageForbidden)
    async def forbidden(request: Request, exc: PageForbidden) -> Response:
        return HTMLResponse(forbidden_page(exc.message), status_code=403)

    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app for ``uvicorn --factory`` (``wildtrace serve --workers N``): the database URL
    from ``WILDTRACE_SERVE_DB`` (else the configured default)."""
    return create_app(os.environ.get(DB_URL_ENV) or None, secure_cookies=os.environ.get(SECURE_ENV) == "1")


__all__ = ["SECURITY_HEADERS", "app_from_environment", "create_app"]
