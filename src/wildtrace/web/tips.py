"""Tips: partners send a URL or a text with a note to an agency; the agency triages them.

``GET/POST /api/tips``, ``POST /api/tips/{id}/status`` and the page ``/tips`` (form and list).
A partner sees only its own tips; an agency's users see those sent to their agency
(``store/tips.py``). A tip's URL can then be crawled with ``wildtrace crawl``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from wildtrace.errors import AccessError
from wildtrace.store.access import Viewer
from wildtrace.web.auth import audit, csrf_token_of, require, store_of

router = APIRouter()


class TipIn(BaseModel):
    agency: str
    url: str | None = None
    text: str | None = None
    note: str = ""


class TipStatus(BaseModel):
    status: str


def _as_dict(tip: Any) -> dict[str, Any]:
    return {
        "id": tip.id, "agency": tip.agency, "submitted_by": tip.submitted_by, "url": tip.url,
        "text": tip.text, "note": tip.note, "status": tip.status, "created_at": tip.created_at.isoformat(),
    }  # fmt: skip


def _submit(request: Request, viewer: Viewer, tip: TipIn) -> int:
    from wildtrace.store.tips import submit_tip

    try:
        tip_id = submit_tip(store_of(request), viewer, tip.agency, tip.url, tip.text, tip.note)
    except AccessError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    audit(request, viewer, "tip.submit", f"tip:{tip_id}", {"agency": tip.agency})
    return tip_id


def _list(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    from wildtrace.store.tips import list_tips

    tips = [_as_dict(tip) for tip in list_tips(store_of(request), viewer)]
    audit(request, viewer, "tip.list", "tips", {"count": len(tips)})
    return tips


@router.post("/api/tips")
async def api_submit_tip(
    request: Request, tip: TipIn, viewer: Annotated[Viewer, Depends(require("tips.submit"))]
) -> dict[str, int]:
    """Send a tip (a URL or a text, with a note) to an agency."""
    return {"id": await run_in_threadpool(_submit, request, viewer, tip)}


@router.get("/api/tips")
async def api_list_tips(
    request: Request, viewer: Annotated[Viewer, Depends(require("read"))]
) -> dict[str, list[dict[str, Any]]]:
    """The tips the viewer may see: a partner's own; an agency's received ones."""
    return {"items": await run_in_threadpool(_list, request, viewer)}


@router.post("/api/tips/{tip_id}/status")
async def api_tip_status(
    request: Request, tip_id: int, body: TipStatus, viewer: Annotated[Viewer, Depends(require("tips"))]
) -> dict[str, str]:
    """Triage a tip sent to the viewer's agency: new, crawled or dismissed."""
    from wildtrace.store.tips import set_tip_status

    try:
        done = await run_in_threadpool(set_tip_status, store_of(request), viewer, tip_id, body.status)
    except AccessError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    if not done:
        raise HTTPException(status_code=404, detail="no such tip")
    await run_in_threadpool(audit, request, viewer, "tip.status", f"tip:{tip_id}", {"status": body.status})
    return {"status": body.status}


def _page(request: Request, viewer: Viewer, message: str = "", error: str = "") -> HTMLResponse:
    from wildtrace.store.people import list_agencies
    from wildtrace.web.pages import templates

    agencies = [agency.code for agency in list_agencies(store_of(request))]
    context = {
        "viewer": viewer, "csrf": csrf_token_of(request), "section": "tips", "tips": _list(request, viewer),
        "agencies": agencies, "message": message, "error": error,
    }  # fmt: skip
    return templates().TemplateResponse(request, "tips.html", context, status_code=422 if error else 200)


@router.get("/tips", response_class=HTMLResponse)
async def tips_page(
    request: Request, viewer: Annotated[Viewer, Depends(require("read", page=True))]
) -> Response:
    """The form (for partners) and the list of tips the viewer may see."""
    return await run_in_threadpool(_page, request, viewer)


@router.post("/tips", response_class=HTMLResponse)
async def tips_form(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("tips.submit", page=True))],
    agency: Annotated[str, Form()],
    url: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Submit the form; back to the page (303) with the tip listed."""
    try:
        await run_in_threadpool(_submit, request, viewer, TipIn(agency=agency, url=url, text=text, note=note))
    except HTTPException as exc:
        return await run_in_threadpool(_page, request, viewer, "", str(exc.detail))
    return RedirectResponse("/tips?sent=1", status_code=303)
