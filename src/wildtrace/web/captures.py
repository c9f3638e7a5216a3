"""The archived page of a capture, served so that it cannot run in the app's origin.

``GET /captures/{sha256}?listing=REF`` answers the decoded payload with
``Content-Security-Policy: sandbox`` (an opaque origin: no scripts, no forms, no cookies of
ours) and ``default-src 'none'`` (no request leaves: not even an image), as
``text/plain`` unless it is HTML. Viewing a capture is an "access" in the custody log, and
an audit entry. A capture of a listing the viewer may not see is a 404, like a missing one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import select

from wildtrace.store.access import Viewer, listing_is_visible
from wildtrace.web.auth import audit, require, store_of

router = APIRouter()

#: What a capture is served under: sandboxed, nothing loaded, nothing framed.
SANDBOX_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _find(request: Request, viewer: Viewer, sha256: str, listing: str) -> tuple[str, str, int] | None:
    from wildtrace.store import listing_row_ids
    from wildtrace.store.tables import CaptureRow

    store = store_of(request)
    with store.read_connection("find a capture") as conn:
        row_id = listing_row_ids(conn, [listing]).get(listing)
        if row_id is None:
            return None
        found = conn.execute(
            select(CaptureRow.url, CaptureRow.warc_file, CaptureRow.warc_offset).where(
                CaptureRow.listing_id == row_id,
                CaptureRow.sha256 == sha256,
                listing_is_visible(viewer, CaptureRow.listing_id),
            )
        ).first()
    if found is None or found.warc_file is None or found.warc_offset is None:
        return None
    return str(found.url), str(found.warc_file), int(found.warc_offset)


def _serve(request: Request, viewer: Viewer, sha256: str, listing: str) -> Response:
    from wildtrace.evidence.custody import CustodyLog
    from wildtrace.evidence.replay import read_capture

    found = _find(request, viewer, sha256.lower(), listing)
    if found is None:
        raise HTTPException(status_code=404, detail="no such capture")
    url, warc_file, offset = found
    payload = read_capture(warc_file, offset, getattr(request.app.state, "archives", None))
    if payload is None:
        raise HTTPException(status_code=410, detail="the archived record cannot be read: run evidence verify")
    CustodyLog(store_of(request)).append(
        "access", url, {"sha256": sha256, "listing": listing, "via": "web"},
        f"{viewer.username}@{viewer.agency_code}",
    )  # fmt: skip
    audit(request, viewer, "capture.view", f"capture:{sha256}", {"listing": listing})
    head = payload.body[:2048].lower()
    media = "text/html" if b"<html" in head or b"<!doctype html" in head else "text/plain"
    return Response(payload.body, media_type=media, headers=SANDBOX_HEADERS)  # charset: the page's own


@router.get("/captures/{sha256}", response_class=Response)
async def capture(
    request: Request,
    sha256: str,
    listing: str,
    viewer: Annotated[Viewer, Depends(require("read", page=True))],
) -> Response:
    """The archived page, sandboxed (see the module's docstring)."""
    return await run_in_threadpool(_serve, request, viewer, sha256, listing)
