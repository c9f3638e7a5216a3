"""The JSON API (``/api/...``; OpenAPI at ``/openapi.json``).

Every route declares its rule (``require``) or is public (``auth.PUBLIC_ROUTES``); every read
of listings, accounts, networks and cases and every write appends an audit entry. A listing the
caller may not see is answered 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from wildtrace.store import browse
from wildtrace.store.access import MarkingError, Viewer
from wildtrace.web.auth import (
    _identify,
    audit,
    check_csrf,
    end_session,
    require,
    start_session,
    store_of,
)

router = APIRouter(prefix="/api", tags=["api"])


class Credentials(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class Review(BaseModel):
    verdict: Literal["yes", "no", "unsure"]
    note: str = Field(default="", max_length=5000)


class NewCase(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    tlp: str = "AMBER"


class CaseChange(BaseModel):
    status: str | None = None
    assignee: str | None = None
    tlp: str | None = None


class AccountRef(BaseModel):
    platform: str
    seller: str


class CaseItem(BaseModel):
    listing_id: str | None = None
    account: AccountRef | None = None
    #: A seizure of an operation the caller may see: its reference, or ``#N`` for its number.
    seizure: str | None = Field(default=None, min_length=1, max_length=200)


class CaseNote(BaseModel):
    text: str = Field(min_length=1, max_length=20000)


def _who(viewer: Viewer) -> dict[str, Any]:
    return {"username": viewer.username, "agency": viewer.agency_code, "role": viewer.role}


def _not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no such {what}")


# -- health and sessions ------------------------------------------------------------------------


@router.get("/health")
def health() -> dict[str, str]:
    """Whether the app answers (no authentication)."""
    return {"status": "ok"}


@router.post("/session")
def sign_in(credentials: Credentials, request: Request, response: Response) -> dict[str, Any]:
    """Sign in: a session cookie and the CSRF token to send with state-changing requests; 401
    for wrong credentials (the same for an unknown user), 429 after too many failures."""
    csrf = start_session(request, response, credentials.username, credentials.password)
    if csrf is None:
        raise HTTPException(status_code=401, detail="wrong user name or password")
    viewer: Viewer = request.state.viewer
    return {"csrf_token": csrf, **_who(viewer)}


@router.delete("/session")
async def sign_out(request: Request, response: Response) -> dict[str, Any]:
    """Log out: the session ends in the store (the CSRF token is needed, as for any change)."""
    await _identify(request)
    await check_csrf(request)
    ended = await run_in_threadpool(end_session, request, response)
    return {"status": "signed out" if ended else "no session"}


@router.get("/session")
def whoami(request: Request, viewer: Annotated[Viewer, Depends(require("read"))]) -> dict[str, Any]:
    """Who is signed in (and the session's CSRF token, for a page that lost it)."""
    return {**_who(viewer), "csrf_token": getattr(request.state, "csrf_token", None)}


# -- listings -------------------------------------------------------------------------------------


@router.get("/listings")
def listings(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("read"))],
    q: Annotated[str | None, Query(max_length=500)] = None,
    flagged: bool | None = None,
    collection: str | None = None,
    limit: Annotated[int, Query(ge=1, le=browse.MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """The listings the caller may see, highest score first; ``total`` counts visible ones only."""
    items, total = browse.list_listings(
        store_of(request), viewer, q=q, flagged=flagged, collection=collection, limit=limit, offset=offset
    )
    shown = {"q": q, "flagged": flagged, "collection": collection, "offset": offset, "shown": len(items)}
    audit(request, viewer, "listings.list", "listings", shown)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/search")
def search(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("search"))],
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=browse.MAX_LIMIT)] = 50,
) -> dict[str, Any]:
    """Full-text search over the listings the caller may see and their selectors."""
    items = browse.search(store_of(request), viewer, q, limit=limit)
    audit(request, viewer, "search", "listings", {"q": q, "shown": len(items)})
    return {"items": items, "q": q}


@router.get("/listings/{ref:path}")
def listing(
    ref: str, request: Request, viewer: Annotated[Viewer, Depends(require("read"))]
) -> dict[str, Any]:
    """One listing (its text key, ``platform:uid``, URL-encoded): the scan row's fields plus
    captures and collections; 404 when it does not exist or the caller may not see it."""
    found = browse.listing_detail(store_of(request), viewer, ref)
    audit(request, viewer, "listing.view", f"listing:{ref}", None if found else {"found": False})
    if found is None:
        raise _not_found("listing")
    return found


@router.post("/listings/{ref:path}/review")
def review(
    ref: str, body: Review, request: Request, viewer: Annotated[Viewer, Depends(require("review"))]
) -> dict[str, Any]:
    """Record the caller's verdict on a listing (a reviewer label, source ``web``)."""
    done = browse.record_label(store_of(request), viewer, ref, body.verdict, body.note)
    audit(request, viewer, "listing.review", f"listing:{ref}",
          {"verdict": body.verdict, **({} if done else {"found": False})})  # fmt: skip
    if not done:
        raise _not_found("listing")
    return {
        "listing": ref,
        "verdict": body.verdict,
        "reviewer": viewer.username,
        "agency": viewer.agency_code,
    }


# -- accounts and networks --------------------------------------------------------------------


@router.get("/accounts/{platform}/{seller:path}")
def account(
    platform: str, seller: str, request: Request, viewer: Annotated[Viewer, Depends(require("accounts"))]
) -> dict[str, Any]:
    """One seller account: its visible listings, selectors, linked accounts and timeline; 404
    when it has no listing the caller may see."""
    found = browse.account_detail(store_of(request), viewer, platform, seller)
    audit(
        request, viewer, "account.view", f"account:{platform}:{seller}", None if found else {"found": False}
    )
    if found is None:
        raise _not_found("account")
    return found


@router.get("/networks")
def networks(request: Request, viewer: Annotated[Viewer, Depends(require("networks"))]) -> dict[str, Any]:
    """The networks of the last linking, over what the caller may see."""
    items = browse.list_networks(store_of(request), viewer)
    audit(request, viewer, "networks.list", "networks", {"shown": len(items)})
    return {"items": items}


@router.get("/networks/{network_id:path}")
def network(
    network_id: str, request: Request, viewer: Annotated[Viewer, Depends(require("networks"))]
) -> dict[str, Any]:
    """One network: accounts (key accounts marked) and the reasons they are linked."""
    found = browse.network_detail(store_of(request), viewer, network_id)
    audit(request, viewer, "network.view", f"network:{network_id}", None if found else {"found": False})
    if found is None:
        raise _not_found("network")
    return found


# -- cases ------------------------------------------------------------------------------------------


@router.get("/cases")
def cases(request: Request, viewer: Annotated[Viewer, Depends(require("cases"))]) -> dict[str, Any]:
    """The cases the caller may see."""
    items = browse.list_cases(store_of(request), viewer)
    audit(request, viewer, "cases.list", "cases", {"shown": len(items)})
    return {"items": items}


@router.post("/cases", status_code=201)
def open_case(
    body: NewCase, request: Request, viewer: Annotated[Viewer, Depends(require("cases.write"))]
) -> dict[str, Any]:
    """Open a case of the caller's agency under a TLP marking."""
    try:
        case_id = browse.create_case(store_of(request), viewer, body.title, body.tlp)
    except (MarkingError, ValueError) as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    audit(request, viewer, "case.create", f"case:{case_id}", {"title": body.title, "tlp": body.tlp})
    return {"id": case_id}


@router.get("/cases/{case_id}")
def case(
    case_id: int, request: Request, viewer: Annotated[Viewer, Depends(require("cases"))]
) -> dict[str, Any]:
    """One case, with what the caller may see of its items, and its notes."""
    found = browse.case_detail(store_of(request), viewer, case_id)
    audit(request, viewer, "case.view", f"case:{case_id}", None if found else {"found": False})
    if found is None:
        raise _not_found("case")
    return found


@router.patch("/cases/{case_id}")
def change_case(
    case_id: int,
    body: CaseChange,
    request: Request,
    viewer: Annotated[Viewer, Depends(require("cases.write"))],
) -> dict[str, Any]:
    """Change a case's status (open, active, closed), assignee (a user of the caller's agency;
    "" for nobody) or marking."""
    change = body.model_dump(exclude_none=True)
    try:
        done = browse.update_case(store_of(request), viewer, case_id, **change)
    except (MarkingError, ValueError) as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    audit(request, viewer, "case.update", f"case:{case_id}", {**change, **({} if done else {"found": False})})
    if not done:
        raise _not_found("case")
    found = browse.case_detail(store_of(request), viewer, case_id)
    if found is None:  # the new marking hides it from the caller (RED, say)
        return {"id": case_id}
    return found


@router.post("/cases/{case_id}/items", status_code=201)
def add_item(
    case_id: int, body: CaseItem, request: Request, viewer: Annotated[Viewer, Depends(require("cases.write"))]
) -> dict[str, Any]:
    """Add a listing (``{"listing_id"}``), an account (``{"account": {"platform", "seller"}}``)
    or a seizure (``{"seizure": "REFERENCE"}``, or ``"#N"`` for its number)."""
    if sum(given is not None for given in (body.listing_id, body.account, body.seizure)) != 1:
        raise HTTPException(status_code=422, detail="give one of listing_id, account or seizure")
    account = (body.account.platform, body.account.seller) if body.account is not None else None
    if account is not None:
        item = f"account:{account[0]}:{account[1]}"
    else:
        item = f"listing:{body.listing_id}" if body.listing_id is not None else f"seizure:{body.seizure}"
    done = browse.add_case_item(
        store_of(request), viewer, case_id,
        listing_ref=body.listing_id, account=account, seizure_ref=body.seizure,
    )  # fmt: skip
    audit(
        request, viewer, "case.add", f"case:{case_id}", {"item": item, **({} if done else {"found": False})}
    )
    if not done:
        raise _not_found("case or item")
    return {"case": case_id, "item": item}


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(
    case_id: int, body: CaseNote, request: Request, viewer: Annotated[Viewer, Depends(require("cases.write"))]
) -> dict[str, Any]:
    """Add a note to a case."""
    done = browse.add_case_note(store_of(request), viewer, case_id, body.text)
    audit(request, viewer, "case.note", f"case:{case_id}", None if done else {"found": False})
    if not done:
        raise _not_found("case")
    return {"case": case_id}


# -- audit --------------------------------------------------------------------------------------------


@router.get("/audit")
def audit_entries(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("audit"))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    user: str | None = None,
    action: str | None = None,
) -> dict[str, Any]:
    """The newest audit entries of the admin's agency (admins only; the ``local`` agency's
    read them all)."""
    entries = browse.audit_entries(store_of(request), viewer, limit=limit, username=user, action=action)
    audit(request, viewer, "audit.view", "audit", {"limit": limit, "user": user, "action": action})
    return {"items": entries}
