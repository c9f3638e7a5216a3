"""Alerts: stored listings that carry an identifier of a watchlist (``store/watchlists.py``).

``GET /api/alerts?since=&limit=&offset=`` (JSON) and the page ``/alerts`` (the alerts, paged,
and the watchlists beside them). An alert is shown when both its watchlist and its listing
are visible to the viewer; ``list_alerts`` and ``count_alerts`` apply that filter, nothing
here decides it. Every list read is audited (``alerts.list``).

``recent_alerts`` is a template global (``pages.templates``): the count of the last
``RECENT`` that the navigation bar and the dashboard show, one ``count_alerts`` per request.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from jinja2 import pass_context

from wildtrace.store.access import Viewer
from wildtrace.web.auth import audit, csrf_token_of, require, store_of

if TYPE_CHECKING:
    from jinja2.runtime import Context

    from wildtrace.store.watchlists import AlertInfo

router = APIRouter()

#: Alerts per page of ``/alerts`` (and by default per call of ``/api/alerts``).
PAGE_SIZE = 50
#: The most one call returns.
MAX_LIMIT = 500
#: The window of the count shown in the navigation bar and on the dashboard.
RECENT = "7d"
#: The ``since`` choices the page offers as links.
QUICK_SINCE = (("24h", "last 24 hours"), ("7d", "last 7 days"), ("30d", "last 30 days"), ("", "all"))


def _start(since: str) -> datetime | None:
    """The time ``since`` names (``7d``, ``24h``, a date, an ISO time), None when empty;
    ``ValueError`` saying what is accepted otherwise."""
    from wildtrace.store.watchlists import parse_since

    return parse_since(since) if since.strip() else None


def _as_dict(alert: AlertInfo) -> dict[str, Any]:
    return {
        "id": alert.id, "listing": alert.listing_key, "title": alert.title, "url": alert.url,
        "selector_type": alert.selector_type, "value": alert.value, "watchlist": alert.watchlist,
        "note": alert.note, "raised_at": alert.raised_at.isoformat(),
    }  # fmt: skip


def _read(
    request: Request, viewer: Viewer, start: datetime | None, since: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the visible alerts raised since ``start`` and how many there are; audited."""
    from wildtrace.store.watchlists import count_alerts, list_alerts

    store = store_of(request)
    alerts = [_as_dict(alert) for alert in list_alerts(store, viewer, start, limit, offset)]
    total = count_alerts(store, viewer, start)
    audit(request, viewer, "alerts.list", "alerts", {"since": since, "offset": offset, "shown": len(alerts)})
    return alerts, total


@router.get("/api/alerts")
async def api_alerts(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("read"))],
    since: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """The alerts the viewer may see (their watchlist and their listing both visible), newest
    first, raised since ``since`` (``7d``, ``24h``, ``2026-12-01`` or an ISO 8601 time; all when
    empty); ``total`` counts every visible one since then, not only this page."""
    try:
        start = _start(since)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    alerts, total = await run_in_threadpool(_read, request, viewer, start, since, limit, offset)
    return {
        "total": total, "alerts": alerts, "limit": limit, "offset": offset,
        "since": start.isoformat() if start is not None else None,
    }  # fmt: skip


def _page_link(since: str, limit: int, offset: int) -> str:
    query = {"since": since} if since else {}
    if limit != PAGE_SIZE:
        query["limit"] = str(limit)
    if offset:
        query["offset"] = str(offset)
    return "/alerts" + (f"?{urlencode(query)}" if query else "")


def _page(request: Request, viewer: Viewer, since: str, limit: int, offset: int) -> HTMLResponse:
    from wildtrace.store.watchlists import list_watchlists
    from wildtrace.web.pages import templates

    error = ""
    try:
        start = _start(since)
    except ValueError as exc:
        start, error = None, str(exc)
    alerts, total = ([], 0) if error else _read(request, viewer, start, since, limit, offset)
    # ``WatchlistInfo.alerts`` counts the alerts on listings the viewer may not see too: the side
    # table shows the entries only (report to store/watchlists.py: filter that count by listing).
    watchlists = list_watchlists(store_of(request), viewer)
    previous = _page_link(since, limit, max(0, offset - limit)) if offset > 0 else ""
    following = _page_link(since, limit, offset + limit) if offset + len(alerts) < total else ""
    context = {
        "viewer": viewer, "csrf": csrf_token_of(request), "section": "alerts", "alerts": alerts,
        "total": total, "since": since, "start": start.isoformat(timespec="minutes") if start else "",
        "limit": limit, "offset": offset, "watchlists": watchlists, "error": error,
        "previous": previous, "following": following, "quick": QUICK_SINCE, "page_size": PAGE_SIZE,
    }  # fmt: skip
    status = 422 if error else 200
    response = templates().TemplateResponse(request, "alerts.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/alerts", response_class=HTMLResponse)
async def alerts_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("read", page=True))],
    since: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The alerts the viewer may see, newest first, and the watchlists they may see."""
    return await run_in_threadpool(_page, request, viewer, since, limit, offset)


@pass_context
def recent_alerts(context: Context) -> int:
    """How many alerts the page's viewer may see of the last ``RECENT`` (0 without a viewer
    who may read); counted once per request, however many times a page asks."""
    from wildtrace.store.watchlists import count_alerts

    viewer: Viewer | None = context.get("viewer")
    request: Request | None = context.get("request")
    if viewer is None or request is None or not viewer.may("read"):
        return 0
    known: int | None = getattr(request.state, "recent_alerts", None)
    if known is None:
        known = count_alerts(store_of(request), viewer, _start(RECENT))
        request.state.recent_alerts = known
    return known
