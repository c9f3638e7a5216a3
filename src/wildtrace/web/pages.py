"""The investigators' pages: server-rendered Jinja2 (autoescape on for every template), htmx and a
little of our own JavaScript from ``/static`` (the Content-Security-Policy allows no inline script
or style).

Every route declares its rule with ``Depends(require(capability, page=True))`` (or is one of
``auth.PUBLIC_ROUTES``: the login and logout forms); the data comes from ``store/browse.py`` and
``store/dashboard.py``, which apply the visibility filter: a listing the viewer may not see is
answered exactly like one that does not exist (the same 404 page). Views of listings, accounts,
networks and cases are audited.

Listing text is never marked safe: the highlighted text is built from the match offsets as
(text, is_match) segments that the template escapes one by one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from wildtrace.store.access import MARKINGS, Viewer
from wildtrace.web import auth
from wildtrace.web.auth import require

TEMPLATES = Path(__file__).parent / "templates"
#: Page sizes.
QUEUE_SIZE = 50
SEARCH_SIZE = 50
AUDIT_SIZE = 200
VERDICTS = ("yes", "no", "unsure")

router = APIRouter(default_response_class=HTMLResponse)


#: Bidirectional embedding, override and isolate controls: shown as visible marks, not obeyed,
#: so that text cannot reorder itself (or what follows it) on the page.
BIDI_CONTROLS = {
    "\u202a": "[LRE]", "\u202b": "[RLE]", "\u202c": "[PDF]", "\u202d": "[LRO]", "\u202e": "[RLO]",
    "\u2066": "[LRI]", "\u2067": "[RLI]", "\u2068": "[FSI]", "\u2069": "[PDI]",
}  # fmt: skip
_BIDI_TABLE = str.maketrans(BIDI_CONTROLS)


def reveal_controls(value: Any) -> Any:
    """Every printed value passes here (``finalize``): bidi controls in text become visible marks.
    A value already escaped (``|e``, Markup) is left as it is: form values keep their exact text."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(_BIDI_TABLE)
    return value


def ref_url(ref: str) -> str:
    """A listing reference as one URL path segment (``/`` too is escaped)."""
    return quote(ref, safe="")


def bar_class(value: float, biggest: float) -> str:
    """A width class (``w0`` .. ``w100`` by fives) for a bar: no inline style under the CSP."""
    if biggest <= 0:
        return "w0"
    return f"w{round(20 * value / biggest) * 5}"


@cache
def templates() -> Jinja2Templates:
    """The page templates, escaped everywhere (``autoescape=True``, not by file extension)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=reveal_controls,
    )
    env.filters["ref_url"] = ref_url
    env.filters["seg"] = lambda value: quote(str(value), safe="")
    env.globals["bar_class"] = bar_class
    from wildtrace.web.oidc import enabled as oidc_enabled

    env.globals["oidc_enabled"] = oidc_enabled
    from wildtrace.web.alerts import recent_alerts

    env.globals["recent_alerts"] = recent_alerts
    return Jinja2Templates(env=env)


def render(
    request: Request,
    viewer: Viewer | None,
    name: str,
    status_code: int = 200,
    section: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render ``name`` with the viewer, their CSRF token and the navigation section."""
    csrf = auth.csrf_token_of(request) if viewer is not None else ""
    response = templates().TemplateResponse(
        request,
        name,
        {"viewer": viewer, "csrf": csrf, "section": section, **context},
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(request: Request, viewer: Viewer, what: str = "page") -> HTMLResponse:
    """The one 404 page: for what does not exist and for what the viewer may not see."""
    return render(request, viewer, "not_found.html", status_code=404, what=what)


def _store(request: Request) -> Any:
    return auth.store_of(request)


def local_path(target: str | None) -> str:
    """``target`` when it is a path on this site (``/review?x=1``), else ``/``: no open
    redirect (``//evil``, ``/\\evil``, ``https://...``, control characters)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


# -- signing in and out -------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, None, "login.html", next=local_path(next), error="", username="")


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = local_path(next)
    response = RedirectResponse(target, status_code=303)
    try:
        csrf = auth.start_session(request, response, username, password)
    except auth.Throttled as exc:
        page = render(request, None, "login.html", status_code=429, next=target, username=username,
                      error=f"Too many failed sign-ins. Try again in {exc.retry_after} seconds.")  # fmt: skip
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if csrf is None:
        return render(request, None, "login.html", status_code=401, next=target, username=username,
                      error="Wrong user name or password.")  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    import hmac

    expected = auth.csrf_token_of(request)
    if not expected or not hmac.compare_digest(csrf_token.encode(), expected.encode()):
        return HTMLResponse(auth.forbidden_page("missing or wrong CSRF token"), status_code=403)
    response = RedirectResponse("/login", status_code=303)
    auth.end_session(request, response)
    return response


# -- dashboard ----------------------------------------------------------------------------------


@router.get("/")
def dashboard_page(
    request: Request, viewer: Annotated[Viewer, Depends(require("read", page=True))]
) -> Response:
    from wildtrace.store.dashboard import dashboard

    board = dashboard(_store(request), viewer)
    series = json.dumps(
        {"months": [m for m, _ in board.over_time], "flagged": [n for _, n in board.over_time]}
    )
    return render(request, viewer, "dashboard.html", section="dashboard", board=board, series=series)


# -- review queue -------------------------------------------------------------------------------


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


@router.get("/review")
def review_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("review", page=True))],
    commodity: str = "",
    language: str = "",
    platform: str = "",
    country: str = "",
    min_score: str = "",
    max_score: str = "",
    since: str = "",
    until: str = "",
    collection: str = "",
    reviewed: str = "",
) -> Response:
    from wildtrace.store.dashboard import QueueFilters, queue_choices, review_queue

    filters = QueueFilters(
        commodity=commodity or None, language=language or None, platform=platform or None,
        country=country.strip().upper() or None, min_score=_number(min_score), max_score=_number(max_score),
        since=since or None, until=until or None, collection=collection or None,
        include_reviewed=reviewed == "1",
    )  # fmt: skip
    store = _store(request)
    items = review_queue(store, viewer, filters, limit=QUEUE_SIZE)
    return render(
        request, viewer, "review.html", section="review", items=items, choices=queue_choices(store, viewer),
        filters=filters, form={"commodity": commodity, "language": language, "platform": platform,
        "country": country, "min_score": min_score, "max_score": max_score, "since": since, "until": until,
        "collection": collection, "reviewed": reviewed},
    )  # fmt: skip


@router.post("/review/label", response_class=JSONResponse)
def review_label(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("review", page=True))],
    ref: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """One reviewer decision from the queue (sent by review.js with the CSRF token)."""
    from wildtrace.store import browse

    if verdict not in VERDICTS:
        return JSONResponse({"detail": f"verdict must be one of {', '.join(VERDICTS)}"}, status_code=422)
    if not browse.record_label(_store(request), viewer, ref, verdict, note):
        return JSONResponse({"detail": "no such listing"}, status_code=404)
    auth.audit(request, viewer, "listing.review", f"listing:{ref}", {"verdict": verdict, "via": "queue"})
    return JSONResponse({"ref": ref, "verdict": verdict})


# -- listings, accounts -------------------------------------------------------------------------


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (part, is_match) segments by the character spans (merged when they
    overlap, clipped to the text, empty or reversed ones dropped). The template escapes each."""
    cuts: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if start >= end:
            continue
        if cuts and start <= cuts[-1][1]:
            cuts[-1] = (cuts[-1][0], max(cuts[-1][1], end))
        else:
            cuts.append((start, end))
    segments: list[tuple[str, bool]] = []
    at = 0
    for start, end in cuts:
        if start > at:
            segments.append((text[at:start], False))
        segments.append((text[start:end], True))
        at = end
    if at < len(text) or not segments:
        segments.append((text[at:], False))
    return segments


def _field_segments(detail: dict[str, Any], name: str) -> list[tuple[str, bool]]:
    text = detail.get(name) or ""
    if not isinstance(text, str):
        text = str(text)
    spans = [
        (m["start"], m["end"])
        for m in detail.get("matches") or []
        if (m.get("field") or "text") == name
        and isinstance(m.get("start"), int)
        and isinstance(m.get("end"), int)
    ]
    return highlight(text, spans)


@router.get("/listings/{ref:path}")
def listing_page(
    request: Request, ref: str, viewer: Annotated[Viewer, Depends(require("read", page=True))]
) -> Response:
    from wildtrace.store import browse
    from wildtrace.store.dashboard import archived_text

    store = _store(request)
    detail = browse.listing_detail(store, viewer, ref)
    auth.audit(request, viewer, "listing.view", f"listing:{ref}", None if detail else {"found": False})
    if detail is None:
        return not_found(request, viewer, "listing")
    archived = archived_text(store, viewer, ref) if detail.get("captures") else None
    if archived is not None:
        auth.audit(request, viewer, "capture.text", f"capture:{archived.sha256}", {"listing": ref})
    cases = browse.list_cases(store, viewer) if viewer.may("cases.write") else []
    return render(
        request, viewer, "listing.html", detail=detail, ref=ref,
        title_segments=_field_segments(detail, "title"), text_segments=_field_segments(detail, "text"),
        seller_segments=_field_segments(detail, "seller_info"), archived=archived, cases=cases,
    )  # fmt: skip


@router.get("/accounts/{platform}/{seller:path}")
def account_page(
    request: Request,
    platform: str,
    seller: str,
    viewer: Annotated[Viewer, Depends(require("accounts", page=True))],
) -> Response:
    from wildtrace.store import browse

    store = _store(request)
    account = browse.account_detail(store, viewer, platform, seller)
    what = f"account:{platform}:{seller}"
    auth.audit(request, viewer, "account.view", what, None if account else {"found": False})
    if account is None:
        return not_found(request, viewer, "account")
    cases = browse.list_cases(store, viewer) if viewer.may("cases.write") else []
    return render(request, viewer, "account.html", account=account, platform=platform, seller=seller,
                  cases=cases)  # fmt: skip


# -- networks -----------------------------------------------------------------------------------


@router.get("/networks")
def networks_page(
    request: Request, viewer: Annotated[Viewer, Depends(require("networks", page=True))]
) -> Response:
    from wildtrace.store import browse

    networks = browse.list_networks(_store(request), viewer)
    auth.audit(request, viewer, "networks.list", "networks", {"shown": len(networks)})
    return render(request, viewer, "networks.html", section="networks", networks=networks)


@router.get("/networks/{network_id}")
def network_page(
    request: Request, network_id: str, viewer: Annotated[Viewer, Depends(require("networks", page=True))]
) -> Response:
    from wildtrace.store import browse

    network = browse.network_detail(_store(request), viewer, network_id)
    auth.audit(
        request, viewer, "network.view", f"network:{network_id}", None if network else {"found": False}
    )
    if network is None:
        return not_found(request, viewer, "network")
    return render(request, viewer, "network.html", section="networks", network=network, network_id=network_id)


@router.post("/networks/{network_id}/judgements", response_class=JSONResponse)
def judge_link(
    request: Request,
    network_id: str,
    viewer: Annotated[Viewer, Depends(require("judge", page=True))],
    first: Annotated[str, Form()],
    second: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """An analyst confirms or rejects the link between two accounts of a network they see (sent
    by network.js with the CSRF token); it applies from the next linking on."""
    from wildtrace.link import VERDICTS as JUDGEMENTS
    from wildtrace.store import browse
    from wildtrace.store.judgements import add_judgement

    if verdict not in JUDGEMENTS:
        return JSONResponse({"detail": f"verdict must be one of {', '.join(JUDGEMENTS)}"}, status_code=422)
    network = browse.network_detail(_store(request), viewer, network_id)
    linked = network is not None and any(
        {edge["source"], edge["target"]} == {first, second} for edge in network["edges"]
    )
    if not linked:
        return JSONResponse({"detail": "no such link"}, status_code=404)
    made = add_judgement(_store(request), verdict, first, second, viewer.username, note,
                         agency=viewer.agency_code)  # fmt: skip
    auth.audit(request, viewer, "link.judge", f"network:{network_id}",
               {"first": first, "second": second, "verdict": verdict})  # fmt: skip
    return JSONResponse({"verdict": made.verdict, "first": first, "second": second, "at": made.at})


# -- cases --------------------------------------------------------------------------------------


@router.get("/cases")
def cases_page(request: Request, viewer: Annotated[Viewer, Depends(require("cases", page=True))]) -> Response:
    from wildtrace.store import browse

    cases = browse.list_cases(_store(request), viewer)
    auth.audit(request, viewer, "cases.list", "cases", {"shown": len(cases)})
    return render(request, viewer, "cases.html", section="cases", cases=cases, markings=MARKINGS)


@router.post("/cases")
def create_case_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("cases.write", page=True))],
    title: Annotated[str, Form()] = "",
    tlp: Annotated[str, Form()] = "AMBER",
) -> Response:
    from wildtrace.store import browse
    from wildtrace.store.access import MarkingError, parse_marking

    store = _store(request)
    try:
        marking = parse_marking(tlp)
    except MarkingError as exc:
        return render(request, viewer, "cases.html", status_code=422, section="cases",
                      cases=browse.list_cases(store, viewer), markings=MARKINGS, error=str(exc))  # fmt: skip
    if not title.strip():
        return render(request, viewer, "cases.html", status_code=422, section="cases",
                      cases=browse.list_cases(store, viewer), markings=MARKINGS,
                      error="A case needs a title.")  # fmt: skip
    case_id = browse.create_case(store, viewer, title.strip(), marking)
    auth.audit(request, viewer, "case.create", f"case:{case_id}", {"title": title.strip(), "tlp": marking})
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _case_page(
    request: Request, viewer: Viewer, case_id: int, status_code: int = 200, error: str = ""
) -> HTMLResponse:
    """The case page (with ``error`` above it), or the 404 page when the viewer may not see it."""
    from wildtrace.store import browse

    store = _store(request)
    case = browse.case_detail(store, viewer, case_id)
    if case is None:
        return not_found(request, viewer, "case")
    assignees = browse.assignable_users(store, viewer) if case["writable"] else []
    return render(request, viewer, "case.html", status_code=status_code, section="cases", case=case,
                  case_id=case_id, error=error, statuses=browse.CASE_STATUSES, markings=MARKINGS,
                  assignees=assignees)  # fmt: skip


@router.get("/cases/{case_id}")
def case_page(
    request: Request, case_id: int, viewer: Annotated[Viewer, Depends(require("cases", page=True))]
) -> Response:
    page = _case_page(request, viewer, case_id)
    found = page.status_code != 404
    auth.audit(request, viewer, "case.view", f"case:{case_id}", None if found else {"found": False})
    return page


@router.post("/cases/{case_id}/items")
def add_case_item_page(
    request: Request,
    case_id: int,
    viewer: Annotated[Viewer, Depends(require("cases.write", page=True))],
    listing: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    seller: Annotated[str, Form()] = "",
    seizure: Annotated[str, Form()] = "",
) -> Response:
    from wildtrace.store import browse

    store = _store(request)
    if listing.strip():
        added = browse.add_case_item(store, viewer, case_id, listing_ref=listing.strip())
        what: dict[str, Any] = {"listing": listing.strip()}
    elif seller.strip():
        account = (platform.strip(), seller.strip())
        added = browse.add_case_item(store, viewer, case_id, account=account)
        what = {"account": {"platform": account[0], "seller": account[1]}}
    elif seizure.strip():
        added = browse.add_case_item(store, viewer, case_id, seizure_ref=seizure.strip())
        what = {"seizure": seizure.strip()}
    else:
        added, what = False, {}
    if not added:
        auth.audit(request, viewer, "case.item", f"case:{case_id}", {**what, "found": False})
        error = "No such listing, account or seizure visible to you."
        return _case_page(request, viewer, case_id, 404, error)
    auth.audit(request, viewer, "case.item", f"case:{case_id}", what)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/notes")
def add_case_note_page(
    request: Request,
    case_id: int,
    viewer: Annotated[Viewer, Depends(require("cases.write", page=True))],
    text: Annotated[str, Form()] = "",
) -> Response:
    from wildtrace.store import browse

    if not text.strip():
        return _case_page(request, viewer, case_id, 422, "A note needs some text.")
    if not browse.add_case_note(_store(request), viewer, case_id, text.strip()):
        auth.audit(request, viewer, "case.note", f"case:{case_id}", {"found": False})
        error = "Only its agency and the people named on it change a case."
        return _case_page(request, viewer, case_id, 404, error)
    auth.audit(request, viewer, "case.note", f"case:{case_id}")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/settings")
def change_case_page(
    request: Request,
    case_id: int,
    viewer: Annotated[Viewer, Depends(require("cases.write", page=True))],
    status: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "",
    tlp: Annotated[str, Form()] = "",
) -> Response:
    """Status, assignee and marking of a case, from the case page's settings form."""
    from wildtrace.store import browse

    change = {"status": status or None, "assignee": assignee, "tlp": tlp or None}
    try:
        done = browse.update_case(_store(request), viewer, case_id, **change)
    except ValueError as exc:  # a MarkingError is one
        return _case_page(request, viewer, case_id, 422, str(exc))
    detail = {**change, **({} if done else {"found": False})}
    auth.audit(request, viewer, "case.update", f"case:{case_id}", detail)
    if not done:
        return not_found(request, viewer, "case")
    if browse.case_detail(_store(request), viewer, case_id) is None:  # RED without the viewer on it
        return RedirectResponse("/cases", status_code=303)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


# -- search, audit ------------------------------------------------------------------------------


@router.get("/search")
def search_page(
    request: Request, viewer: Annotated[Viewer, Depends(require("search", page=True))], q: str = ""
) -> Response:
    from wildtrace.store import browse

    query = q.strip()
    hits = browse.search(_store(request), viewer, query, limit=SEARCH_SIZE) if query else []
    if query:
        auth.audit(request, viewer, "search", "listings", {"q": query[:200], "hits": len(hits)})
    return render(request, viewer, "search.html", section="search", q=query, hits=hits)


def _audit_entries(
    request: Request, viewer: Viewer, user: str, action: str, limit: int
) -> list[dict[str, Any]]:
    """The entries an admin may read: their agency's users' (all of them for ``local``)."""
    from wildtrace.store import browse

    return browse.audit_entries(
        _store(request), viewer, limit=limit, username=user or None, action=action or None
    )


@router.get("/audit")
def audit_page(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("audit", page=True))],
    user: str = "",
    action: str = "",
    limit: Annotated[int, Query(ge=1, le=5000)] = AUDIT_SIZE,
) -> Response:
    entries = _audit_entries(request, viewer, user, action, limit)
    auth.audit(request, viewer, "audit.view", "audit", {"limit": limit, "user": user, "action": action})
    return render(request, viewer, "audit.html", section="audit", entries=entries, user=user, action=action,
                  limit=limit)  # fmt: skip


@router.get("/audit/export.csv", response_class=Response)
def audit_export(
    request: Request,
    viewer: Annotated[Viewer, Depends(require("audit", page=True))],
    user: str = "",
    action: str = "",
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> Response:
    entries = _audit_entries(request, viewer, user, action, limit)
    auth.audit(
        request, viewer, "audit.export", "audit", {"user": user, "action": action, "entries": len(entries)}
    )
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["seq", "at", "user", "agency", "action", "object", "address", "detail", "hash"]
    writer.writerow(columns)
    for entry in entries:
        row = [json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
               for v in (entry.get(c) for c in columns)]  # fmt: skip
        # a cell a spreadsheet would run as a formula is written as text
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in row])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="wildtrace-audit.csv"'},
    )


# -- case export --------------------------------------------------------------------------------


def _case_bundle(request: Request, viewer: Viewer, case: dict[str, Any], folder: Path) -> Path:
    """A zip holding the case (``case.json``) and one evidence bundle (``wildtrace evidence
    export``) per listing of it the viewer may see, the accounts' visible listings included.
    Each bundle is made for one listing, so nothing the viewer cannot see goes in."""
    import zipfile

    from wildtrace.evidence.archive import safe_name
    from wildtrace.evidence.export import export_bundle
    from wildtrace.store import browse

    store = _store(request)
    refs = [item["id"] for item in case["listings"]]
    for account in case["accounts"]:
        found = browse.account_detail(store, viewer, account["platform"] or "unknown", account["seller"])
        refs += [item["id"] for item in (found or {}).get("listings", [])]
    refs = list(dict.fromkeys(refs))
    out = folder / f"case-{case['id']}.zip"
    actor = f"{viewer.username}@{viewer.agency_code}"
    from wildtrace.errors import WildTraceError

    archives = getattr(request.app.state, "archives", None)
    exported: list[str] = []
    missing: dict[str, str] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for index, ref in enumerate(refs):
            part = folder / f"{index:05d}.zip"
            try:
                export_bundle(store, ref, part, actor=actor, archives=archives)
            except WildTraceError as exc:  # e.g. a plain id another platform uses too: the
                # error's text may name listings the viewer cannot see, so only its kind is kept
                missing[ref] = type(exc).__name__
                continue
            bundle.write(part, f"bundles/{index:05d}-{safe_name(ref)}.zip")
            exported.append(ref)
        summary = {**case, "exported_listings": exported, "not_exported": missing}
        bundle.writestr("case.json", json.dumps(summary, ensure_ascii=False, indent=2))
    return out


@router.get("/cases/{case_id}/export", response_class=Response)
def export_case_page(
    request: Request, case_id: int, viewer: Annotated[Viewer, Depends(require("export", page=True))]
) -> Response:
    import tempfile

    from wildtrace.store import browse

    case = browse.case_detail(_store(request), viewer, case_id)
    if case is None:
        return not_found(request, viewer, "case")
    with tempfile.TemporaryDirectory(prefix="wildtrace-case-") as folder:
        out = _case_bundle(request, viewer, case, Path(folder))
        data = out.read_bytes()
    auth.audit(request, viewer, "case.export", f"case:{case_id}", {"bytes": len(data)})
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="wildtrace-case-{case_id}.zip"'},
    )
