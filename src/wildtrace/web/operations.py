"""Operations inside the app: the list of operations the viewer may see and each one's
report (the same page as ``wildtrace ops report --html``, with its charts).

An operation is visible when its collection is (``access.operation_is_visible``); another
agency's operation is a 404 like a missing one. The report page keeps its own
Content-Security-Policy: its two shipped scripts (ECharts and the page script) run by hash,
nothing else.
"""

from __future__ import annotations

import html
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from wildtrace.store.access import Viewer, operation_is_visible
from wildtrace.web.auth import audit, csrf_token_of, require, store_of

router = APIRouter()

_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _visible_operations(request: Request, viewer: Viewer, name: str | None = None) -> list[dict[str, Any]]:
    from wildtrace.store.tables_access import CollectionRow
    from wildtrace.store.tables_operations import OperationRow

    query = (
        select(OperationRow.name, OperationRow.coordinator, OperationRow.created_at, CollectionRow.name)
        .join(CollectionRow, CollectionRow.id == OperationRow.collection_id)
        .where(operation_is_visible(viewer))
        .order_by(OperationRow.name)
    )
    if name is not None:
        query = query.where(OperationRow.name == name)
    with store_of(request).read_connection("list operations") as conn:
        rows = conn.execute(query).all()
    return [
        {"name": op, "coordinator": coordinator, "created_at": created.isoformat(), "collection": collection}
        for op, coordinator, created, collection in rows
    ]


def _list(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    found = _visible_operations(request, viewer)
    audit(request, viewer, "operation.list", "operations", {"count": len(found)})
    return found


def _report(request: Request, viewer: Viewer, name: str) -> Response:
    from wildtrace.ops.report import build_report, render_html

    if not _visible_operations(request, viewer, name):
        raise HTTPException(status_code=404, detail="no such operation")
    report = build_report(store_of(request), name)
    if report is None:
        raise HTTPException(status_code=404, detail="no such operation")
    page = render_html(report)
    policy = _CSP.search(page)
    audit(request, viewer, "operation.view", f"operation:{name}")
    headers = {"Content-Security-Policy": html.unescape(policy.group(1))} if policy else {}
    return HTMLResponse(page, headers=headers)


@router.get("/api/operations")
async def api_operations(
    request: Request, viewer: Annotated[Viewer, Depends(require("operations"))]
) -> dict[str, list[dict[str, Any]]]:
    """The operations the viewer may see."""
    return {"items": await run_in_threadpool(_list, request, viewer)}


@router.get("/operations", response_class=HTMLResponse)
async def operations_page(
    request: Request, viewer: Annotated[Viewer, Depends(require("operations", page=True))]
) -> Response:
    """The list of operations, each linking to its report."""
    from wildtrace.web.pages import templates

    operations = await run_in_threadpool(_list, request, viewer)
    context = {
        "viewer": viewer,
        "csrf": csrf_token_of(request),
        "section": "operations",
        "operations": operations,
    }
    return templates().TemplateResponse(request, "operations.html", context)


@router.get("/operations/{name}", response_class=HTMLResponse)
async def operation_page(
    request: Request, name: str, viewer: Annotated[Viewer, Depends(require("operations", page=True))]
) -> Response:
    """One operation's report with its charts."""
    return await run_in_threadpool(_report, request, viewer, name)
