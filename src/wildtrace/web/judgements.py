"""Analysts' judgements from the app: confirm or reject that two accounts are one seller.

``POST /api/judgements`` with ``{"verdict": "confirm"|"reject", "first": "platform:seller",
"second": "platform:seller", "note"?}`` and ``GET /api/judgements``. Both accounts must be
visible to the analyst (they have a listing the analyst may see: ``access.account_is_visible``);
otherwise the answer is the 404 of an unknown account. The judgement is stored with the
analyst and agency, as ``wildtrace judge`` stores it, and applies from the next linking on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import select

from wildtrace.store.access import Viewer, account_is_visible
from wildtrace.web.auth import audit, require, store_of

router = APIRouter()


class JudgementIn(BaseModel):
    verdict: Literal["confirm", "reject"]
    first: str
    second: str
    note: str = ""


def _visible_accounts(request: Request, viewer: Viewer, names: set[str]) -> set[str]:
    """Which ``platform:seller`` names are accounts ``viewer`` may see."""
    from wildtrace.store.tables import AccountRow, PlatformRow

    wanted: dict[tuple[str, str], str] = {}
    for name in names:
        platform, _, seller = name.partition(":")
        if seller:
            wanted[("" if platform == "unknown" else platform, seller)] = name
    if not wanted:
        return set()
    query = (
        select(PlatformRow.name, AccountRow.seller)
        .join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
        .where(
            AccountRow.seller.in_({seller for _, seller in wanted}), account_is_visible(viewer, AccountRow.id)
        )
    )
    with store_of(request).read_connection("check accounts") as conn:
        found = {(platform, seller) for platform, seller in conn.execute(query)}
    return {name for key, name in wanted.items() if key in found}


def _judge(request: Request, viewer: Viewer, body: JudgementIn) -> dict[str, Any]:
    from wildtrace.errors import WildTraceError
    from wildtrace.store.judgements import add_judgement

    if _visible_accounts(request, viewer, {body.first, body.second}) != {body.first, body.second}:
        raise HTTPException(status_code=404, detail="no such account")
    try:
        judgement = add_judgement(
            store_of(request), body.verdict, body.first, body.second, viewer.username, body.note,
            agency=viewer.agency_code,
        )  # fmt: skip
    except WildTraceError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    audit(request, viewer, f"judgement.{body.verdict}", f"accounts:{body.first}|{body.second}",
          {"id": judgement.id, "note": body.note})  # fmt: skip
    return {"id": judgement.id, "verdict": judgement.verdict, "first": judgement.first,
            "second": judgement.second, "by": judgement.by, "at": judgement.at}  # fmt: skip


def _list(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    from wildtrace.store.judgements import list_judgements

    records = [r for r in list_judgements(store_of(request)) if r.judgement.second is not None]
    names = {r.judgement.first for r in records} | {str(r.judgement.second) for r in records}
    visible = _visible_accounts(request, viewer, names)
    shown = [
        {
            "id": r.judgement.id, "verdict": r.judgement.verdict, "first": r.judgement.first,
            "second": r.judgement.second, "by": r.judgement.by, "at": r.judgement.at,
            "note": r.judgement.note, "undone": r.undone_at is not None,
        }
        for r in records
        if r.judgement.first in visible and r.judgement.second in visible
    ]  # fmt: skip
    audit(request, viewer, "judgement.list", "judgements", {"count": len(shown)})
    return shown


@router.post("/api/judgements")
async def api_judge(
    request: Request, body: JudgementIn, viewer: Annotated[Viewer, Depends(require("judge"))]
) -> dict[str, Any]:
    """Confirm or reject that two visible accounts are one seller."""
    return await run_in_threadpool(_judge, request, viewer, body)


@router.get("/api/judgements")
async def api_judgements(
    request: Request, viewer: Annotated[Viewer, Depends(require("networks"))]
) -> dict[str, list[dict[str, Any]]]:
    """The judgements about pairs of accounts the viewer may both see."""
    return {"items": await run_in_threadpool(_list, request, viewer)}
