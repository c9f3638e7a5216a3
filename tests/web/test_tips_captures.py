"""Tips (partners to agencies) and archived captures served sandboxed, with custody and audit,
on both engines."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from wildtrace.evidence.custody import CustodyLog
from wildtrace.store import open_store
from wildtrace.store.audit import AuditLog
from wildtrace.store.people import add_agency, add_user
from wildtrace.store.tables import CaptureRow, ListingRow, PlatformRow
from wildtrace.web.app import create_app

PASSWORD = "a long password"
DEMO_WARC = Path(__file__).parents[2] / "src/wildtrace/demo/data/more/capture.warc.gz"


def _client(app: Any, username: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app)
    answer = client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, {"X-CSRF-Token": answer.json()["csrf_token"]}


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    with open_store(db_url) as store:
        add_agency(store, "KWS", "Kenya Wildlife Service", "KE")
        add_agency(store, "NGO", "A partner NGO")
        add_user(store, "ana", "KWS", "analyst", PASSWORD)
        add_user(store, "pia", "NGO", "partner", PASSWORD)
        add_user(store, "ola", "local", "analyst", PASSWORD)
    application = create_app(db_url)
    yield application
    application.state.store.close()


def test_a_partner_sends_a_tip_the_agency_sees_and_triages(app: Any) -> None:
    partner, csrf = _client(app, "pia")
    sent = partner.post("/api/tips", json={"agency": "KWS", "url": "https://shop.example/ivory/1",
                                           "note": "seen on a forum"}, headers=csrf)  # fmt: skip
    assert sent.status_code == 200, sent.text
    tip_id = sent.json()["id"]
    assert partner.post("/api/tips", json={"agency": "KWS", "url": "javascript:alert(1)"},
                        headers=csrf).status_code == 422  # fmt: skip
    assert partner.post("/api/tips", json={"agency": "KWS"}, headers=csrf).status_code == 422
    assert partner.post("/api/tips", json={"agency": "KWS", "text": "x"}).status_code == 403  # no CSRF token
    analyst, csrf_a = _client(app, "ana")
    items = analyst.get("/api/tips").json()["items"]
    assert [(t["id"], t["submitted_by"], t["status"]) for t in items] == [(tip_id, "pia", "new")]
    assert analyst.post("/api/tips", json={"agency": "KWS", "text": "x"}, headers=csrf_a).status_code == 403
    other, _ = _client(app, "ola")  # another agency sees nothing of it
    assert other.get("/api/tips").json()["items"] == []
    assert (
        partner.post(f"/api/tips/{tip_id}/status", json={"status": "dismissed"}, headers=csrf).status_code
        == 403
    )
    done = analyst.post(f"/api/tips/{tip_id}/status", json={"status": "crawled"}, headers=csrf_a)
    assert done.status_code == 200
    assert partner.get("/api/tips").json()["items"][0]["status"] == "crawled"
    page = partner.get("/tips")
    assert page.status_code == 200 and "shop.example/ivory/1" in page.text and "Send a tip" in page.text
    actions = [entry["action"] for entry in AuditLog(app.state.store).entries(limit=50)]
    assert "tip.submit" in actions and "tip.status" in actions


def _scan_demo_warc(db_url: str, tmp_path: Path, collection: str, agency: str, tlp: str) -> None:
    from typer.testing import CliRunner

    from wildtrace.cli import app as cli

    warc = tmp_path / "capture.warc.gz"
    shutil.copy(DEMO_WARC, warc)
    args = ["scan", str(warc), "--db", db_url, "--out", str(tmp_path / "o.jsonl"),
            "--collection", collection, "--agency", agency, "--tlp", tlp]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_a_capture_is_served_sandboxed_to_whom_may_see_it_and_logged(
    app: Any, db_url: str, tmp_path: Path
) -> None:
    _scan_demo_warc(db_url, tmp_path, "kws-web", "KWS", "AMBER")
    store = app.state.store
    with store.engine.connect() as conn:
        uid, platform, sha = conn.execute(
            select(ListingRow.uid, PlatformRow.name, CaptureRow.sha256)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .join(CaptureRow, CaptureRow.listing_id == ListingRow.id)
        ).first()
    ref = f"{platform}:{uid}"
    analyst, _ = _client(app, "ana")
    shown = analyst.get(f"/captures/{sha}", params={"listing": ref})
    assert shown.status_code == 200, shown.text
    policy = shown.headers["content-security-policy"]
    assert policy.startswith("sandbox") and "default-src 'none'" in policy
    assert shown.headers["x-content-type-options"] == "nosniff"
    accesses = [e for e in CustodyLog(store).entries() if e.action == "access"]
    assert accesses and accesses[-1].detail["sha256"] == sha and accesses[-1].actor == "ana@KWS"
    assert any(e["action"] == "capture.view" for e in AuditLog(store).entries())
    outsider, _ = _client(app, "ola")  # AMBER of KWS, not shared with local
    assert outsider.get(f"/captures/{sha}", params={"listing": ref}).status_code == 404
    assert analyst.get(f"/captures/{'0' * 64}", params={"listing": ref}).status_code == 404
    assert (
        TestClient(app).get(f"/captures/{sha}", params={"listing": ref}, follow_redirects=False).status_code
        == 303
    )


def test_an_operation_is_seen_only_through_its_collection(app: Any, db_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wildtrace.cli import app as cli

    sheet = Path(__file__).parents[2] / "src/wildtrace/demo/data/ops/operation-kestrel-demo.csv"
    args = ["ops", "import", str(sheet), "--operation", "KESTREL", "--db", db_url,
            "--collection", "kws-ops", "--agency", "KWS", "--tlp", "AMBER+STRICT"]  # fmt: skip
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    again = CliRunner().invoke(cli, [*args[:7], "--collection", "default"])
    assert again.exit_code == 2 and "belongs to collection 'kws-ops'" in again.output
    analyst, _ = _client(app, "ana")
    assert [op["name"] for op in analyst.get("/api/operations").json()["items"]] == ["KESTREL"]
    report = analyst.get("/operations/KESTREL")
    assert report.status_code == 200 and "Operation KESTREL" in report.text
    assert "script-src 'sha256-" in report.headers["content-security-policy"]
    assert "KESTREL" in analyst.get("/operations").text
    outsider, _ = _client(app, "ola")
    assert outsider.get("/api/operations").json()["items"] == []
    assert outsider.get("/operations/KESTREL").status_code == 404
    assert outsider.get("/operations/NOPE").status_code == 404
    partner, _ = _client(app, "pia")
    assert partner.get("/api/operations").status_code == 403


def test_judgements_need_both_accounts_visible_and_record_the_agency(app: Any) -> None:
    from wildtrace.model import Analysis, Detection, Listing
    from wildtrace.store.collections import ensure_collection
    from wildtrace.store.judgements import list_judgements

    store = app.state.store
    with store.engine.begin() as conn:
        kws = ensure_collection(conn, "kws", "KWS", "AMBER")
        strict = ensure_collection(conn, "local-strict", "local", "AMBER+STRICT")

    def pair(uid: str, seller: str) -> tuple[Listing, Analysis]:
        listing = Listing(id=uid, platform="shop.example", seller=seller, title="ivory", text="ivory")
        return listing, Analysis(uid, Detection(score=0.9, flagged=True), analyzer_version="1")

    store.save_batch([pair("1", "tusk"), pair("2", "horn")], collection_id=kws)
    store.save_batch([pair("3", "hidden")], collection_id=strict)
    analyst, csrf = _client(app, "ana")
    body = {
        "verdict": "confirm",
        "first": "shop.example:tusk",
        "second": "shop.example:horn",
        "note": "same phone",
    }
    made = analyst.post("/api/judgements", json=body, headers=csrf)
    assert made.status_code == 200, made.text
    hidden = {**body, "second": "shop.example:hidden"}
    assert analyst.post("/api/judgements", json=hidden, headers=csrf).status_code == 404
    assert (
        analyst.post(
            "/api/judgements", json={**body, "second": "shop.example:nobody"}, headers=csrf
        ).status_code
        == 404
    )
    assert [j["first"] for j in analyst.get("/api/judgements").json()["items"]] == ["shop.example:tusk"]
    record = list_judgements(store)[0]
    assert record.judgement.by == "ana"
    with store.engine.connect() as conn:
        from wildtrace.store.tables_judgements import JudgementRow

        assert conn.execute(select(JudgementRow.agency)).scalar_one() == "KWS"
    outsider, csrf_o = _client(app, "ola")  # local cannot see KWS's AMBER accounts
    assert outsider.get("/api/judgements").json()["items"] == []
    assert outsider.post("/api/judgements", json=body, headers=csrf_o).status_code == 404
    partner, csrf_p = _client(app, "pia")
    assert partner.post("/api/judgements", json=body, headers=csrf_p).status_code == 403
