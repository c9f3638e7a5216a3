"""Agencies, users, passwords, tokens and the audit log on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.errors import AccessError
from wildtrace.store import Store, open_store
from wildtrace.store.audit import AuditLog
from wildtrace.store.people import (
    add_agency,
    add_user,
    authenticate,
    disable_user,
    list_agencies,
    list_users,
    local_viewer,
    new_token,
    revoke_tokens,
    set_password,
    viewer_by_name,
    viewer_for_token,
)
from wildtrace.store.tables_access import ApiTokenRow, UserRow

PASSWORD = "correct horse battery"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.engine.dispose()


def test_users_sign_in_only_with_the_right_password_while_enabled(store: Store) -> None:
    add_agency(store, "KE-KWS", "Kenya Wildlife Service", "ke")
    add_user(store, "ana", "KE-KWS", "analyst", PASSWORD)
    viewer = authenticate(store, "ana", PASSWORD)
    assert viewer is not None and viewer.agency_code == "KE-KWS" and viewer.role == "analyst"
    assert authenticate(store, "ana", "wrong password!") is None
    assert authenticate(store, "nobody", PASSWORD) is None
    with store.engine.connect() as conn:  # only a hash is kept
        stored = conn.execute(select(UserRow.password_hash)).scalar_one()
    assert PASSWORD not in stored and stored.startswith("$argon2id$")
    set_password(store, "ana", "another long one")
    assert authenticate(store, "ana", PASSWORD) is None
    assert authenticate(store, "ana", "another long one") is not None
    disable_user(store, "ana")
    assert authenticate(store, "ana", "another long one") is None
    assert viewer_by_name(store, "ana") is None


def test_tokens_are_kept_hashed_and_stop_working_when_revoked_or_disabled(store: Store) -> None:
    add_user(store, "bot", "local", "viewer", None)
    token = new_token(store, "bot")
    with store.engine.connect() as conn:
        assert token not in conn.execute(select(ApiTokenRow.token_hash)).scalar_one()
    viewer = viewer_for_token(store, token)
    assert viewer is not None and viewer.username == "bot"
    assert viewer_for_token(store, token + "x") is None
    assert revoke_tokens(store, "bot") == 1
    assert viewer_for_token(store, token) is None
    second = new_token(store, "bot")
    disable_user(store, "bot")
    assert viewer_for_token(store, second) is None
    with pytest.raises(AccessError, match="disabled"):
        new_token(store, "bot")


def test_bad_input_is_refused_with_what_to_do(store: Store) -> None:
    with pytest.raises(AccessError, match="unknown agency"):
        add_user(store, "x", "nowhere", "analyst", PASSWORD)
    with pytest.raises(AccessError, match="role"):
        add_user(store, "x", "local", "boss", PASSWORD)
    with pytest.raises(AccessError, match="too short"):
        add_user(store, "x", "local", "analyst", "short")
    add_agency(store, "VN-EP", "Environmental Police", "VN")
    with pytest.raises(AccessError, match="exists"):
        add_agency(store, "VN-EP", "again")
    with pytest.raises(AccessError, match="ISO"):
        add_agency(store, "XX", "bad country", "Vietnam")
    assert [a.code for a in list_agencies(store)] == ["VN-EP", "local"]
    add_user(store, "vi", "VN-EP", "viewer", PASSWORD)
    assert [(u.username, u.agency, u.role) for u in list_users(store)] == [("vi", "VN-EP", "viewer")]


def test_audit_log_chains_refuses_edits_and_verifies(store: Store) -> None:
    add_user(store, "ana", "local", "analyst", PASSWORD)
    ana = viewer_by_name(store, "ana")
    log = AuditLog(store)
    log.append(ana, "view", "listing:bazaar:1", "127.0.0.1")
    log.append(local_viewer(store), "collection.share", "collection:default", detail={"with": "B"})
    entries = log.entries()
    assert [(e["user"], e["action"]) for e in entries] == [("cli", "collection.share"), ("ana", "view")]
    assert entries[1]["address"] == "127.0.0.1" and entries[1]["agency"] == "local"
    report = log.verify()
    assert report.ok and report.entries == 2 and report.head == entries[0]["hash"]
    with pytest.raises(SQLAlchemyError), store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = 'eve'"))
    with pytest.raises(SQLAlchemyError), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    assert log.verify().ok


def test_audit_verify_finds_an_edited_entry(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'audit.db'}")  # the trigger is simplest dropped here
    log = AuditLog(store)
    log.append(None, "view", "case:1")
    log.append(None, "view", "case:2")
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET object = 'case:9' WHERE seq = 1"))
    report = log.verify()
    assert not report.ok and [p.kind for p in report.problems] == ["edited"]
