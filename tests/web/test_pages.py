"""The HTML pages (server side): sign in and out, every page for an analyst, the same 404 for a
hidden listing as for a missing one, nothing of agency B's AMBER+STRICT collection on any page,
review decisions stored as labels, cases, the audit page, and the templates' own rules (no inline
script or style, nothing marked safe). On SQLite and PostgreSQL (the ``world`` fixture)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, SECRET, SECRET_PHONE, SECRET_REF, World, add_operation, sign_in
from wildtrace.store import browse
from wildtrace.web.pages import TEMPLATES, highlight, local_path, ref_url

STATIC = Path(TEMPLATES).parent / "static"


def page_login(client: Any, user: str, next_path: str = "/") -> Any:
    return client.post(
        "/login", data={"username": user, "password": PASSWORD, "next": next_path}, follow_redirects=False
    )


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


# -- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/review?platform=x", "/review?platform=x"),
        ("/listings/a%3Ab", "/listings/a%3Ab"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
        ("review", "/"),
    ],
)
def test_next_is_a_local_path_only(target: str, expected: str) -> None:
    assert local_path(target) == expected


def test_highlight_segments_merge_clip_and_keep_text() -> None:
    text = "<b>ivory</b> and ivory"
    segments = highlight(text, [(3, 8), (5, 10), (17, 22), (20, 99), (-5, 0), (9, 4)])
    assert "".join(part for part, _ in segments) == text
    assert [part for part, hit in segments if hit] == ["ivory</", "ivory"]
    assert highlight("", []) == [("", False)]


def test_bidi_controls_are_shown_not_obeyed() -> None:
    from markupsafe import Markup

    from wildtrace.web.pages import reveal_controls

    assert reveal_controls("abc\u202egnp.exe\u2066x\u2069") == "abc[RLO]gnp.exe[LRI]x[PDI]"
    assert reveal_controls(Markup("\u202e")) == "\u202e"  # an exact form value, escaped with |e
    assert reveal_controls(3) == 3


def test_ref_url_escapes_every_separator() -> None:
    assert ref_url("a/b:c?d#e") == "a%2Fb%3Ac%3Fd%23e"


def test_templates_have_no_inline_script_style_or_safe() -> None:
    for template in Path(TEMPLATES).glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), template.name
        assert "autoescape false" not in source, template.name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), f"inline script in {template.name}"
        assert "<style" not in source, template.name
        assert not re.search(r"\sstyle=", source), template.name
        assert not re.search(r"\son[a-z]+=", source), f"event handler attribute in {template.name}"
    for script in STATIC.glob("*.js"):
        source = script.read_text(encoding="utf-8")
        assert "innerHTML" not in source and "eval(" not in source, script.name


# -- signing in and out -------------------------------------------------------------------------


def test_login_form_and_wrong_password(client: Any) -> None:
    form = client.get("/login?next=/review")
    assert form.status_code == 200
    assert 'name="next" value="/review"' in form.text
    wrong = client.post("/login", data={"username": "ana", "password": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401
    assert "Wrong user name or password" in wrong.text
    unknown = client.post("/login", data={"username": "nobody", "password": "nope"}, follow_redirects=False)
    assert unknown.status_code == 401
    assert unknown.text.replace("nobody", "ana") == wrong.text


def test_login_form_is_throttled(client: Any) -> None:
    from wildtrace.store.web_sessions import MAX_ACCOUNT_FAILURES

    for _ in range(MAX_ACCOUNT_FAILURES):
        assert client.post("/login", data={"username": "ana", "password": "nope"}).status_code == 401
    refused = client.post("/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in refused.text
    assert "wt_session" not in refused.headers.get("set-cookie", "")


def test_login_redirects_to_local_next_only(client: Any) -> None:
    answer = page_login(client, "ana", "/review")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/review"
    assert "wt_session" in answer.headers["set-cookie"]
    client.cookies.clear()
    evil = page_login(client, "ana", "//evil.example/")
    assert evil.headers["location"] == "/"


def test_a_page_without_session_redirects_to_login(client: Any) -> None:
    answer = client.get("/review?commodity=ivory", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=/review")


def test_logout_needs_the_csrf_token_and_ends_the_session(client: Any) -> None:
    page_login(client, "ana")
    html = client.get("/").text
    refused = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    ended = client.post("/logout", data={"csrf_token": csrf_of(html)}, follow_redirects=False)
    assert ended.status_code == 303
    assert ended.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


# -- the pages ----------------------------------------------------------------------------------

PAGES = (
    "/",
    "/review",
    "/review?reviewed=1&commodity=pangolin&min_score=0.1&country=KE",
    "/listings/bazaar.example%3Aa1",
    "/accounts/bazaar.example/tiger_trader",
    "/networks",
    "/networks/n1",
    "/cases",
    "/search?q=tiger",
    f"/search?q={SECRET}",
    f"/search?q={SECRET_PHONE}",
)


def test_every_page_renders_for_an_analyst_and_hides_the_secret(world: World, client: Any) -> None:
    page_login(client, "ana")
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        assert answer.headers["content-type"].startswith("text/html")
        shown = answer.text
        if path.startswith("/search?q="):  # the query itself is echoed in the search box, once
            query = path.removeprefix("/search?q=")
            shown = shown.replace(f'value="{query}"', "", 1)
            if query in (SECRET, SECRET_PHONE):
                assert 'id="hit-count">0 listing(s).' in shown
        assert SECRET not in shown, path
        assert SECRET_PHONE not in shown, path
        assert "hidden_boss" not in shown, path
    listing = client.get("/listings/bazaar.example:a1").text
    assert "Tiger bone wine" in listing
    assert "tiger_trader" in listing
    dashboard = client.get("/").text
    assert re.search(r'id="fig-listings">5<', dashboard), "the dashboard counts only what ana may see"
    assert re.search(r'id="fig-flagged">4<', dashboard)
    assert "4 flagged listing(s) not yet reviewed by your agency" in dashboard


def test_a_hidden_listing_is_the_same_404_as_a_missing_one(world: World, client: Any) -> None:
    page_login(client, "ana")
    hidden = client.get(f"/listings/{ref_url(SECRET_REF)}")
    missing = client.get(f"/listings/{ref_url(SECRET_REF.replace(SECRET, 'NOTHING'))}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    assert SECRET not in hidden.text
    account = client.get(f"/accounts/bazaar.example/hidden_boss_{SECRET}")
    assert account.status_code == 404
    assert SECRET not in account.text


def test_bob_sees_his_agency_secret(world: World, client: Any) -> None:
    page_login(client, "bob")
    answer = client.get(f"/listings/{ref_url(SECRET_REF)}")
    assert answer.status_code == 200
    assert f"{SECRET} pangolin" in answer.text


def test_roles_are_enforced_on_pages(world: World, client: Any) -> None:
    page_login(client, "ana")
    assert client.get("/audit").status_code == 403
    client.cookies.clear()
    # a reviewer has the queue but no search, networks or cases
    from wildtrace.store import people, web_sessions

    assert people.viewer_by_name(world.store, "rev_a") is not None
    people.set_password(world.store, "rev_a", PASSWORD)
    page_login(client, "rev_a")
    assert client.get("/review").status_code == 200
    for path in ("/search?q=x", "/networks", "/cases", "/audit"):
        assert client.get(path).status_code == 403, path
    assert web_sessions is not None


def test_review_decisions_are_stored_as_labels(world: World, client: Any) -> None:
    from wildtrace.store.labels import label_history

    page_login(client, "ana")
    html = client.get("/review").text
    assert 'data-ref="bazaar.example:a1"' in html
    token = csrf_of(html)
    refused = client.post("/review/label", data={"ref": "bazaar.example:a1", "verdict": "yes"})
    assert refused.status_code == 403
    done = client.post(
        "/review/label", data={"ref": "bazaar.example:a1", "verdict": "yes"}, headers={"X-CSRF-Token": token}
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"ref": "bazaar.example:a1", "verdict": "yes"}
    hidden = client.post(
        "/review/label", data={"ref": SECRET_REF, "verdict": "no"}, headers={"X-CSRF-Token": token}
    )
    assert hidden.status_code == 404
    bad = client.post(
        "/review/label",
        data={"ref": "bazaar.example:a1", "verdict": "maybe"},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422
    labels = label_history(world.store, "bazaar.example:a1")
    assert [(label.verdict, label.by, label.agency, label.source) for label in labels] == [
        ("yes", "ana", "A", "web")
    ]
    # labelled: out of the default queue, in the "all" view with its verdict
    assert 'data-ref="bazaar.example:a1"' not in client.get("/review").text
    assert 'data-ref="bazaar.example:a1"' in client.get("/review?reviewed=1").text


def test_cases_create_add_note_and_export(world: World, client: Any) -> None:
    page_login(client, "ana")
    token = csrf_of(client.get("/cases").text)
    assert client.post("/cases", data={"title": "no token"}).status_code == 403
    created = client.post(
        "/cases", data={"title": "Op <Tusk>", "tlp": "amber", "csrf_token": token}, follow_redirects=False
    )
    assert created.status_code == 303
    case_path = created.headers["location"]
    assert re.fullmatch(r"/cases/\d+", case_path)
    added = client.post(
        f"{case_path}/items",
        data={"listing": "bazaar.example:a1", "csrf_token": token},
        follow_redirects=False,
    )
    assert added.status_code == 303
    account = client.post(
        f"{case_path}/items",
        data={"platform": "bazaar.example", "seller": "horn_dealer", "csrf_token": token},
        follow_redirects=False,
    )
    assert account.status_code == 303
    hidden = client.post(f"{case_path}/items", data={"listing": SECRET_REF, "csrf_token": token})
    assert hidden.status_code == 404
    assert SECRET not in hidden.text
    note = client.post(
        f"{case_path}/notes",
        data={"text": "<b>met</b> the seller", "csrf_token": token},
        follow_redirects=False,
    )
    assert note.status_code == 303
    page = client.get(case_path).text
    assert "Op &lt;Tusk&gt;" in page
    assert "&lt;b&gt;met&lt;/b&gt; the seller" in page
    assert "Tiger bone wine" in page
    assert "horn_dealer" in page
    assert "TLP:AMBER" in page
    exported = client.get(f"{case_path}/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as bundle:
        names = bundle.namelist()
        assert "case.json" in names
        assert sum(name.startswith("bundles/") for name in names) == 2  # a1, and a3 of horn_dealer
        assert SECRET.encode() not in b"".join(bundle.read(name) for name in names)
    assert client.get("/cases/99999").status_code == 404
    listed = client.get("/cases").text
    assert re.search(r'Op &lt;Tusk&gt;</bdi></a></td>.*?<td class="num">2</td>', listed, re.S), "2 items"
    assert "built-in method" not in listed


def test_audit_page_for_admins_and_views_are_audited(world: World, client: Any) -> None:
    from wildtrace.store import people
    from wildtrace.store.audit import AuditLog

    page_login(client, "ana")
    client.get("/listings/bazaar.example:a1")
    client.get(f"/listings/{ref_url(SECRET_REF)}")
    client.get("/networks/n1")
    client.get("/accounts/bazaar.example/tiger_trader")
    entries = AuditLog(world.store).entries(limit=50, username="ana")
    seen = {(entry["action"], entry["object"]) for entry in entries}
    assert ("listing.view", "listing:bazaar.example:a1") in seen
    assert ("listing.view", f"listing:{SECRET_REF}") in seen  # the attempt, as ana typed it
    assert ("network.view", "network:n1") in seen
    assert ("account.view", "account:bazaar.example:tiger_trader") in seen
    client.cookies.clear()
    people.set_password(world.store, "admin_a", PASSWORD)
    page_login(client, "admin_a")
    audit = client.get("/audit?user=ana")
    assert audit.status_code == 200
    assert "listing:bazaar.example:a1" in audit.text
    exported = client.get("/audit/export.csv?user=ana")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "listing.view" in exported.text


def test_api_session_cookie_opens_pages_and_security_headers(world: World, client: Any) -> None:
    sign_in(client, "ana")
    answer = client.get("/")
    assert answer.status_code == 200
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"


def test_link_judgements_from_the_network_page(world: World, client: Any) -> None:
    from wildtrace.store.judgements import list_judgements

    page_login(client, "ana")
    html = client.get("/networks/n1").text
    assert 'data-judge="/networks/n1/judgements"' in html
    token = csrf_of(html)
    link = {"first": "bazaar.example:green_seller", "second": "bazaar.example:tiger_trader"}
    refused = client.post("/networks/n1/judgements", data={**link, "verdict": "reject"})
    assert refused.status_code == 403
    done = client.post(
        "/networks/n1/judgements", data={**link, "verdict": "reject"}, headers={"X-CSRF-Token": token}
    )
    assert done.status_code == 200, done.text
    hidden = {"first": "bazaar.example:tiger_trader", "second": f"bazaar.example:hidden_boss_{SECRET}"}
    answer = client.post(
        "/networks/n1/judgements", data={**hidden, "verdict": "confirm"}, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 404
    assert SECRET not in answer.text
    made = [(j.judgement.verdict, j.judgement.by) for j in list_judgements(world.store)]
    assert made == [("reject", "ana")]


def test_a_listing_without_platform_links_to_its_account(world: World, client: Any) -> None:
    from wildtrace.model import Analysis, Detection, Listing
    from wildtrace.store.collections import ensure_collection

    with world.store.write_transaction("collection") as conn:
        collection = ensure_collection(conn, "a-amber", "A", "AMBER")
    listing = Listing(id="np1", seller="lone_seller", title="Horn carving", text="rhino horn carving")
    analysis = Analysis("np1", Detection(score=0.9, flagged=True), language="en", analyzer_version="t")
    world.store.save_batch([(listing, analysis)], collection_id=collection)
    page_login(client, "ana")
    page = client.get("/listings/np1")
    assert page.status_code == 200
    assert 'href="/accounts/unknown/lone_seller"' in page.text
    account = client.get("/accounts/unknown/lone_seller")
    assert account.status_code == 200
    assert "Horn carving" in account.text


def test_case_settings_and_seizures(world: World, client: Any, tmp_path: Path) -> None:
    add_operation(world, tmp_path, "THUNDER", "A", "AMBER", "KE-2026-<7>")
    add_operation(world, tmp_path, f"HIDDEN-{SECRET}", "B", "AMBER+STRICT", f"TZ-{SECRET}")
    page_login(client, "ana")
    token = csrf_of(client.get("/cases").text)
    case_path = client.post(
        "/cases", data={"title": "Ivory route", "tlp": "AMBER", "csrf_token": token}, follow_redirects=False
    ).headers["location"]
    page = client.get(case_path).text
    assert (
        'id="case-settings"' in page and "<option>ana</option>" in page and "<option>bob</option>" not in page
    )

    added = client.post(f"{case_path}/items", data={"seizure": "KE-2026-<7>", "csrf_token": token},
                        follow_redirects=False)  # fmt: skip
    assert added.status_code == 303, added.text
    hidden = client.post(f"{case_path}/items", data={"seizure": f"TZ-{SECRET}", "csrf_token": token})
    assert hidden.status_code == 404 and SECRET not in hidden.text
    page = client.get(case_path).text
    table = page[page.index('id="case-seizures"') :]
    assert "KE-2026-&lt;7&gt;" in table and "12.0 kg" in table and "9,000" in table and "THUNDER" in table

    settings = {"status": "active", "assignee": "ana", "tlp": "AMBER+STRICT", "csrf_token": token}
    changed = client.post(f"{case_path}/settings", data=settings, follow_redirects=False)
    assert changed.status_code == 303, changed.text
    page = client.get(case_path).text
    assert "TLP:AMBER+STRICT" in page and "· active ·" in page and "assigned to ana" in page
    assert "<option selected>active</option>" in page
    refused = client.post(
        f"{case_path}/settings", data={"status": "paused", "tlp": "AMBER", "csrf_token": token}
    )
    assert refused.status_code == 422 and "case status &#39;paused&#39;" in refused.text
    foreign = client.post(
        f"{case_path}/settings", data={"status": "open", "assignee": "bob", "csrf_token": token}
    )
    assert foreign.status_code == 422 and "no enabled user &#39;bob&#39; in agency A" in foreign.text
    no_token = client.post(f"{case_path}/settings", data={"status": "closed"})
    assert no_token.status_code == 403

    from wildtrace.store.audit import AuditLog

    entries = AuditLog(world.store).entries(action="case.update", username="ana")
    assert [e["detail"]["status"] for e in entries] == [
        "active"
    ]  # the refused changes are not logged as done

    case_id = int(case_path.rsplit("/", 1)[1])
    client.post("/logout", data={"csrf_token": token})
    page_login(client, "bob")  # agency B: AMBER+STRICT of A is not for B
    assert client.get(case_path).status_code == 404
    bob_token = csrf_of(client.get("/cases").text)
    moved = client.post(f"/cases/{case_id}/settings", data={"status": "closed", "csrf_token": bob_token})
    assert moved.status_code == 404
    # a GREEN case of agency A: B reads it, but only A (and the people named on it) change it
    green = browse.create_case(world.store, world.viewers["ana"], "Shared with everyone", "GREEN")
    shown = client.get(f"/cases/{green}").text
    assert "Shared with everyone" in shown
    assert 'id="add-note"' not in shown and 'id="case-settings"' not in shown
    note = client.post(f"/cases/{green}/notes", data={"text": "mine now", "csrf_token": bob_token})
    assert note.status_code == 404 and "Only its agency" in note.text
    assert "mine now" not in client.get(f"/cases/{green}").text
