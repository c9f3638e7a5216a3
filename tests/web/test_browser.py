"""The web app in a real headless chromium (Debian's), served by uvicorn on a loopback port:
sign in, triage three listings with the keyboard, open a network and expand a node, open a
case; and a corpus of hostile listings renders inert on every page (no dialog, no script of
theirs runs, no request leaves 127.0.0.1). Screenshots of each page are kept in the test's
temporary folder (``WILDTRACE_SCREENSHOTS`` names another folder to copy them to).

One browser and one server for the module; SQLite."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.web.conftest import PASSWORD, SECRET, build_world
from tests.web.hostile_listings import EVIL_PLATFORM, hostile_network, store_hostile
from wildtrace.model import Analysis, Detection, Link, Listing, Network, Selector
from wildtrace.store.collections import ensure_collection

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Accounts in the big network: more than the page draws at once (it opens on key accounts).
BIG = 80
HUBS = 4


@dataclass
class Served:
    base: str
    store: Any
    shots: Path
    hostile: dict[str, Any]
    browser: Any = None
    problems: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _big_network() -> Network:
    """``BIG`` accounts: ``HUBS`` hubs linked to each other, the rest each linked to one hub."""
    refs = [f"bazaar.example:net{i:03d}" for i in range(BIG)]
    links = [
        Link(refs[i], refs[j], f"shares phone +2547001000{i:02d}", "phone", f"+2547001000{i:02d}")
        for i in range(HUBS)
        for j in range(i + 1, HUBS)
    ]
    links += [
        Link(refs[i % HUBS], refs[i], f"same wallet bc1q{i:04d}", "wallet", f"bc1q{i:04d}")
        for i in range(HUBS, BIG)
    ]
    return Network(clusters={ref: "big" for ref in refs}, links=tuple(links))


def _big_listings() -> list[tuple[Listing, Analysis]]:
    pairs = []
    for i in range(BIG):
        uid = f"net{i:03d}"
        text = f"pangolin scales, {i} kg, WhatsApp +2547001000{i % 100:02d}"
        listing = Listing(
            id=uid, platform="bazaar.example", seller=f"net_seller_{i:03d}", title=f"Pangolin scales lot {i}",
            text=text, posted_at=f"2026-{1 + i % 10:02d}-{1 + i % 27:02d}", location="Nairobi",
        )  # fmt: skip
        detection = Detection(score=0.55 + (i % 40) / 100, flagged=True, commodities=("pangolin",))
        selectors = (
            Selector("phone", f"+2547001000{i % 100:02d}", f"+2547001000{i % 100:02d}", "text", 0, 3),
        )
        pairs.append((listing, Analysis(uid, detection, selectors, language="en", analyzer_version="test")))
    return pairs


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, missing_service: Callable[[str], None]
) -> Iterator[Served]:
    if shutil.which(CHROMIUM) is None:
        missing_service(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    import uvicorn
    from playwright.sync_api import sync_playwright

    from wildtrace.store import people
    from wildtrace.web.app import create_app

    folder = tmp_path_factory.mktemp("browser")
    app = create_app(f"sqlite:///{folder / 'web.db'}")
    world = build_world(app)
    store = world.store
    people.set_password(store, "admin_a", PASSWORD)
    hostile = store_hostile(store, folder)
    with store.write_transaction("big network collection") as conn:
        big_collection = ensure_collection(conn, "a-network", "A", "AMBER")
    store.save_batch(_big_listings(), collection_id=big_collection)
    store.save_network(hostile_network(hostile, _big_network()))

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    shots = folder / "screenshots"
    shots.mkdir()
    result = Served(f"http://127.0.0.1:{port}", store, shots, hostile)
    try:
        with sync_playwright() as playwright:
            result.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield result
            finally:
                result.browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()
        copy_to = os.environ.get("WILDTRACE_SCREENSHOTS")
        if copy_to:
            Path(copy_to).mkdir(parents=True, exist_ok=True)
            for shot in shots.glob("*.png"):
                shutil.copy2(shot, Path(copy_to) / shot.name)


@dataclass
class Watched:
    """A signed-in page whose dialogs, page errors, console errors and requests are recorded."""

    page: Any
    served: Served
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: Requests for another host that reached the browser's network layer (then aborted).
    escaped: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        answer = self.page.goto(self.served.url(path))
        self.page.wait_for_load_state("load")
        return answer

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.served.shots / f"{name}.png"), full_page=False)

    def pwned(self) -> Any:
        return self.page.evaluate("() => window.__pwned")

    def outside(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.served.base + "/")]

    def assert_inert(self) -> None:
        """No dialog opened, no payload's script ran, and the page did not even try to reach
        another host (nor did anything reach the network layer for one: ``escaped``)."""
        assert self.dialogs == [], self.dialogs
        assert self.pwned() is None
        assert self.outside() == [], (self.outside(), self.failed)
        assert self.escaped == [], self.escaped


def _open(served: Served, user: str = "ana") -> Watched:
    context = served.browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    watched = Watched(page, served)

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watched.errors.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            watched.errors.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("request", lambda request: watched.requests.append(request.url))
    if not (served.shots / "login.png").exists():
        page.goto(served.url("/login"))
        page.screenshot(path=str(served.shots / "login.png"))

    def off_site(route: Any) -> None:
        watched.escaped.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(served.base + "/"), off_site)
    page.on("requestfailed", lambda request: watched.failed.append(f"{request.url} {request.failure}"))
    page.goto(served.url("/"))
    assert "/login" in page.url
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(served.url("/"))
    return watched


@pytest.fixture
def ana(served: Served) -> Iterator[Watched]:
    watched = _open(served)
    try:
        yield watched
    finally:
        watched.page.context.close()


def test_login_and_dashboard(ana: Watched) -> None:
    page = ana.page
    assert page.locator(".topbar .user").inner_text() == "ana"
    page.wait_for_selector("body[data-charts=ready]")
    assert page.locator("#chart-time canvas").count() >= 1
    assert int(page.locator("#fig-flagged").inner_text()) > 80
    assert page.locator("#by-commodity tbody tr").count() >= 2
    assert page.locator("#largest-networks a", has_text="big").count() == 1
    ana.shot("dashboard")
    ana.assert_inert()
    assert ana.errors == []


def test_triage_three_listings_with_the_keyboard(ana: Watched, served: Served) -> None:
    from wildtrace.store.labels import label_history

    page = ana.page
    ana.goto("/review?commodity=pangolin")
    rows = page.locator("#queue tbody tr[data-ref]")
    assert rows.count() >= 3
    refs = [rows.nth(i).get_attribute("data-ref") for i in range(3)]
    ana.shot("review")
    page.locator("body").click(position={"x": 5, "y": 5})
    for index, (key, verdict) in enumerate((("y", "yes"), ("n", "no"), ("u", "unsure"))):
        assert "current" in (rows.nth(index).get_attribute("class") or "")
        page.keyboard.press(key)
        page.wait_for_selector(f'#queue tr[data-ref="{refs[index]}"][data-verdict="{verdict}"]')
    # k goes back, j forward: the current row follows
    page.keyboard.press("k")
    assert "current" in (rows.nth(2).get_attribute("class") or "")
    page.keyboard.press("j")
    assert "current" in (rows.nth(3).get_attribute("class") or "")
    stored = {
        ref: [
            (label.verdict, label.by, label.agency, label.source)
            for label in label_history(served.store, ref)
        ]
        for ref in refs
    }
    assert stored == {
        refs[0]: [("yes", "ana", "A", "web")],
        refs[1]: [("no", "ana", "A", "web")],
        refs[2]: [("unsure", "ana", "A", "web")],
    }
    # bulk: x selects the current row (rows 4 and 5 here), one button decides them all
    bulk = [rows.nth(i).get_attribute("data-ref") for i in (3, 4)]
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.click("[data-bulk=no]")
    for ref in bulk:
        page.wait_for_selector(f'#queue tr[data-ref="{ref}"][data-verdict="no"]')
        assert [label.verdict for label in label_history(served.store, ref)] == ["no"]
    # signed out meanwhile: a decision is reported as not saved (not taken for saved)
    page.context.clear_cookies()
    page.keyboard.press("j")
    current = page.locator("#queue tr.current").get_attribute("data-ref")
    assert current not in (*refs, *bulk)
    page.keyboard.press("y")
    page.wait_for_selector("#queue-status:has-text('Not saved')")
    assert page.locator("#queue tr.current").get_attribute("data-verdict") is None
    assert label_history(served.store, current) == []
    ana.errors = [e for e in ana.errors if "net::ERR_FAILED" not in e]  # that refused redirect
    ana.assert_inert()
    assert ana.errors == []


def test_open_a_network_and_expand_a_node(ana: Watched) -> None:
    page = ana.page
    ana.goto("/networks/big")
    page.wait_for_selector("#graph[data-ready='1']")
    drawn = "() => document.getElementById('graph').wildtraceGraph.nodes().length"
    first = page.evaluate(drawn)
    assert 0 < first < BIG  # a big network opens on its key accounts
    hub = "bazaar.example:net_seller_000"
    position = page.evaluate(
        "(id) => { const cy = document.getElementById('graph').wildtraceGraph;"
        " const p = cy.getElementById(id).renderedPosition(); return {x: p.x, y: p.y}; }",
        hub,
    )
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_function(f"() => ({drawn})() > {first}")
    assert page.evaluate(drawn) > first
    assert page.locator("#selected h3").inner_text() == "net_seller_000"
    ana.shot("network")
    # a link between two hubs: why, and the analyst's judgement of it
    # a point of the edge that no node covers and no other edge passes near (the layout is
    # random: a node may sit on its middle, another link may cross it)
    spot = page.evaluate(
        "() => { const cy = document.getElementById('graph').wildtraceGraph;"
        " const e = cy.edges().filter(e => e.data('source').endsWith('_000')"
        " && e.data('target').endsWith('_001'))[0];"
        " const a = e.source().renderedPosition(), b = e.target().renderedPosition();"
        " const covered = (x, y) => cy.nodes().some(n => { const r = n.renderedBoundingBox();"
        "   return x >= r.x1 - 4 && x <= r.x2 + 4 && y >= r.y1 - 4 && y <= r.y2 + 4; });"
        " const dist = (x, y, o) => { const p = o.source().renderedPosition(),"
        "   q = o.target().renderedPosition(), dx = q.x - p.x, dy = q.y - p.y,"
        "   k = Math.max(0, Math.min(1, ((x - p.x) * dx + (y - p.y) * dy) / (dx * dx + dy * dy || 1)));"
        "   return Math.hypot(x - p.x - k * dx, y - p.y - k * dy); };"
        " const crossed = (x, y) => cy.edges().some(o => o.id() !== e.id() && dist(x, y, o) < 8);"
        " let fallback = null;"
        " for (let i = 10; i <= 90; i += 2) { const t = i / 100;"
        "   const x = a.x + t * (b.x - a.x), y = a.y + t * (b.y - a.y);"
        "   if (covered(x, y)) { continue; }"
        "   if (!crossed(x, y)) { return {x: x, y: y}; }"
        "   fallback = fallback || {x: x, y: y}; }"
        " const p = e.renderedMidpoint(); return fallback || {x: p.x, y: p.y}; }"
    )
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    page.wait_for_selector("#selected h3:has-text('Why linked')")
    assert "shares phone +254700100000" in page.locator("#selected").inner_text()
    page.click("#selected button[data-verdict=reject]")
    page.wait_for_selector("#selected p:has-text('Recorded: reject')")
    page.click("#show-all")
    page.wait_for_function(f"() => ({drawn})() === {BIG}")
    ana.assert_inert()
    assert ana.errors == []


def test_create_a_case_add_a_listing_and_a_note(ana: Watched, served: Served) -> None:
    page = ana.page
    ana.goto("/cases")
    page.fill("#case-title", "Operation Pangolin")
    page.select_option("#case-tlp", "AMBER+STRICT")
    page.click("#new-case button[type=submit]")
    page.wait_for_url("**/cases/*")
    assert page.locator("#case-title").inner_text() == "Operation Pangolin"
    page.fill("#add-listing input[name=listing]", "bazaar.example:net000")
    page.click("#add-listing button[type=submit]")
    page.wait_for_selector("#case-listings a:has-text('Pangolin scales lot 0')")
    page.fill("#add-account input[name=platform]", "bazaar.example")
    page.fill("#add-account input[name=seller]", "net_seller_001")
    page.click("#add-account button[type=submit]")
    page.wait_for_selector("#case-accounts a:has-text('net_seller_001')")
    page.fill("#add-note textarea", "Seller answered on WhatsApp; <b>not</b> bold.")
    page.click("#add-note button[type=submit]")
    page.wait_for_selector("#case-notes .note")
    assert (
        page.locator("#case-notes .note").first.inner_text()
        == "Seller answered on WhatsApp; <b>not</b> bold."
    )
    assert "TLP:AMBER+STRICT" in page.locator("main").inner_text()
    ana.shot("case")
    href = page.locator("#export-link").get_attribute("href")
    exported = page.request.get(served.url(href))
    assert exported.status == 200
    assert exported.headers["content-type"] == "application/zip"
    # from a listing's page: "add to a case" (the form's address follows the case chosen)
    case_url = page.url
    ana.goto("/listings/bazaar.example%3Anet002")
    page.select_option(".add-to-case select[name=case]", label="Operation Pangolin")
    page.click(".add-to-case button[type=submit]")
    page.wait_for_url(case_url)
    page.wait_for_selector("#case-listings a:has-text('Pangolin scales lot 2')")
    ana.assert_inert()
    assert ana.errors == []


def _hostile_paths(served: Served) -> list[str]:
    from wildtrace.store import browse
    from wildtrace.store.people import viewer_by_name

    ana = viewer_by_name(served.store, "ana")
    assert ana is not None
    case_id = browse.create_case(
        served.store, ana, '<script>alert("case")</script> <img src=x onerror=alert(1)>', "AMBER"
    )
    for ref in served.hostile["refs"][:3]:
        assert browse.add_case_item(served.store, ana, case_id, listing_ref=ref)
    assert browse.add_case_note(served.store, ana, case_id, '<svg onload=alert("note")>')
    paths = ["/", "/review", "/review?reviewed=1", "/networks", "/networks/hostile", "/cases",
             f"/cases/{case_id}",
             "/search?q=script", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"]  # fmt: skip
    for ref in served.hostile["refs"]:
        paths.append(f"/listings/{quote(ref, safe='')}")
        detail = browse.listing_detail(served.store, ana, ref)
        assert detail is not None
        platform = detail["platform"] or "unknown"
        paths.append(f"/accounts/{quote(platform, safe='')}/{quote(detail['seller'], safe='')}")
    return list(dict.fromkeys(paths))


def test_hostile_listings_render_inert_on_every_page(ana: Watched, served: Served) -> None:
    page = ana.page
    paths = _hostile_paths(served)
    for path in paths:
        answer = ana.goto(path)
        assert answer is not None and answer.status == 200, (path, answer.status if answer else None)
        if path.startswith("/networks/"):
            page.wait_for_selector("#graph[data-ready='1']")
        if path in ("/cases", "/networks", "/networks/hostile"):
            ana.shot("hostile-" + path.strip("/").replace("/", "-"))
        assert (
            page.locator("#js-link, #evil-button, iframe, object, embed, main svg, main img").count() == 0
        ), path
        assert page.locator("main style, main link, main script").count() == 0, path
    # the payloads are on the page as text
    ana.goto(f"/listings/{quote(served.hostile['refs'][-1], safe='')}")
    text = page.locator("#listing-text").inner_text()
    assert "<script>window.__pwned = 1; alert(1)</script>" in text
    assert '<img src=x onerror="window.__pwned = 2; alert(2)">' in text
    assert page.locator("#listing-text mark.term").count() > 5
    assert page.locator("#listing-title").inner_text().startswith("Ivory <script>")
    assert "{{ 7 * 7 }}" in text
    assert "Ivory [RLO]gnp.exe[RLO] tusk" in text  # bidi overrides shown, not obeyed
    assert "\u202e" not in page.locator("main").inner_text()
    ana.shot("listing")
    # the archived page: as sanitised text in the app, and sandboxed on its own route
    page.click("#archived summary")
    archived = page.locator("#archived .archived").inner_text()
    assert "Archived ivory offer" in archived
    assert "window.__pwned" not in archived
    ana.shot("listing-archived")
    # a hostile platform name in a URL and a heading
    ana.goto(f"/accounts/{quote(EVIL_PLATFORM, safe='')}/{quote(chr(0x202E) + 'seller-0', safe='')}")
    assert EVIL_PLATFORM in page.locator("main").inner_text()
    ana.assert_inert()
    assert ana.errors == []
    # the archived page itself, served sandboxed: its scripts do not run and what it asks of
    # other hosts the browser refuses (CSP) before any request is made
    ana.goto(f"/listings/{quote(served.hostile['refs'][-1], safe='')}")
    sandboxed = page.locator("#captures a").first.get_attribute("href")
    assert sandboxed is not None
    answer = ana.goto(sandboxed)
    assert answer is not None and answer.status == 200
    assert "sandbox" in answer.headers["content-security-policy"]
    assert "Archived ivory offer" in page.content()
    assert ana.dialogs == []
    assert ana.escaped == []
    blocked = {line.rsplit(" ", 1)[0] for line in ana.failed if line.endswith(" csp")}
    assert set(ana.outside()) <= blocked, (ana.outside(), ana.failed)


def test_admin_sees_the_audit_log_of_hostile_views(served: Served) -> None:
    ana = _open(served)
    ana.goto("/listings/bazaar.example%3Aa1")
    ana.page.context.close()
    admin = _open(served, "admin_a")
    try:
        admin.goto("/audit")
        assert admin.page.locator("#audit tbody tr").count() >= 3  # logins and the view
        admin.goto("/audit?action=listing.view")
        assert "listing.view" in admin.page.locator("#audit").inner_text()
        admin.shot("audit")
        admin.goto("/search")
        admin.page.fill("#q", "pangolin scales lot 7")  # htmx searches as one types
        admin.page.wait_for_selector("#hits tbody tr a")
        assert "q=pangolin" in admin.page.url
        assert admin.page.locator("#hits tbody tr").count() > 0
        assert SECRET not in admin.page.content()
        admin.shot("search")
        admin.goto("/accounts/bazaar.example/net_seller_000")
        assert admin.page.locator("#linked li").count() >= HUBS - 1
        admin.shot("account")
        admin.assert_inert()
        assert admin.errors == []
    finally:
        admin.page.context.close()
