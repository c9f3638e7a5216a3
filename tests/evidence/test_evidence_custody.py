"""The chain-of-custody log: append-only, hash-chained, tamper-evident, never forked."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.errors import StoreError
from wildtrace.evidence.custody import GENESIS, CustodyLog, canonical_json, entry_hash
from wildtrace.store import Store, open_store
from wildtrace.store.engine import create_store_engine


def fill(log: CustodyLog, count: int) -> None:
    for i in range(count):
        log.append(action="capture", subject=f"https://market.test/{i}", detail={"n": i}, actor="ana")


def tamper(store: Store, *statements: str) -> None:
    """Change the log behind the application's back (dropping the database's guard first)."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE custody_log DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER custody_log_no_update"))
            conn.execute(text("DROP TRIGGER custody_log_no_delete"))
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_entries_chain_from_genesis_and_verify(db_url: str) -> None:
    with open_store(db_url) as store:
        log = CustodyLog(store)
        assert log.head() == GENESIS and log.verify().ok
        first = log.append(action="import", subject="/data/a.warc", detail={"sha256": "ab" * 32}, actor="ana")
        second = log.append(action="export", subject="seller:x", detail={"files": ["b", "a"]}, actor="bo")
        assert (first.seq, first.prev_hash) == (1, GENESIS)
        assert (second.seq, second.prev_hash) == (2, first.hash)
        expected = entry_hash(2, second.at, "export", "seller:x", {"files": ["b", "a"]}, "bo", first.hash)
        assert second.hash == expected
        report = log.verify()
        assert report.ok and report.entries == 2 and report.head == second.hash == log.head()
        assert [e.as_dict() for e in log.entries(["seller:x"])] == [second.as_dict()]


def test_hash_is_reproducible_from_the_documented_recipe() -> None:
    import hashlib
    import json

    body = {"seq": 1, "at": "t", "action": "verify", "subject": "s", "detail": {"b": 1, "a": "é"},
            "actor": "x", "prev_hash": GENESIS}  # fmt: skip
    recipe = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ours = entry_hash(1, "t", "verify", "s", {"a": "é", "b": 1}, "x", GENESIS)
    assert ours == hashlib.sha256(recipe).hexdigest()
    assert canonical_json({"b": [1, 2], "a": None}) == '{"a":null,"b":[1,2]}'


def test_unknown_action_and_non_json_detail_are_refused(tmp_path: object) -> None:
    with open_store(f"{tmp_path}/c.db") as store:
        log = CustodyLog(store)
        with pytest.raises(ValueError, match="custody action"):
            log.append(action="delete", subject="x", detail={}, actor="a")
        with pytest.raises(ValueError):
            log.append(action="access", subject="x", detail={"v": float("nan")}, actor="a")
        assert list(log.entries()) == []


def test_the_database_refuses_updates_and_deletes(db_url: str) -> None:
    with open_store(db_url) as store:
        fill(CustodyLog(store), 2)
        refused = ("UPDATE custody_log SET actor = 'mallory'", "DELETE FROM custody_log WHERE seq = 1")
        for statement in refused:
            with pytest.raises(SQLAlchemyError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(statement))
        assert CustodyLog(store).verify().ok


def test_an_edited_entry_is_detected(db_url: str) -> None:
    with open_store(db_url) as store:
        log = CustodyLog(store)
        fill(log, 4)
        tamper(store, """UPDATE custody_log SET detail = '{"n":99}' WHERE seq = 2""")
        report = log.verify()
        assert [(p.seq, p.kind) for p in report.problems] == [(2, "edited")]
        assert "expected hash" in str(report.problems[0])


def test_a_deleted_entry_is_detected(db_url: str) -> None:
    with open_store(db_url) as store:
        log = CustodyLog(store)
        fill(log, 4)
        tamper(store, "DELETE FROM custody_log WHERE seq = 2")
        kinds = {(p.seq, p.kind) for p in log.verify().problems}
        assert kinds == {(3, "missing"), (3, "broken link")}


def test_reordered_entries_are_detected(db_url: str) -> None:
    with open_store(db_url) as store:
        log = CustodyLog(store)
        fill(log, 4)
        tamper(
            store,
            "UPDATE custody_log SET seq = 100 WHERE seq = 2",
            "UPDATE custody_log SET seq = 2 WHERE seq = 3",
            "UPDATE custody_log SET seq = 3 WHERE seq = 100",
        )
        report = log.verify()
        assert not report.ok
        assert {p.seq for p in report.problems} >= {2, 3}


def test_a_rewritten_chain_tail_needs_the_recorded_head_to_be_caught(db_url: str) -> None:
    """Cutting entries off the end leaves a valid chain: only the head noted earlier shows it."""
    with open_store(db_url) as store:
        log = CustodyLog(store)
        fill(log, 3)
        noted = log.head()
        tamper(store, "DELETE FROM custody_log WHERE seq = 3")
        report = log.verify()
        assert report.ok and report.head != noted


@pytest.mark.parametrize("threads", [4])
def test_concurrent_appenders_never_fork_the_chain(db_url: str, threads: int) -> None:
    per_thread = 15
    errors: list[BaseException] = []
    open_store(db_url).close()  # migrate once, before the race

    def work(worker: int) -> None:
        try:
            # one engine (connection pool) per appender; Alembic is not thread-safe, so the
            # workers open the already migrated database directly
            with Store(create_store_engine(db_url)) as store:
                log = CustodyLog(store)
                for i in range(per_thread):
                    log.append(action="access", subject=f"w{worker}", detail={"i": i}, actor=f"w{worker}")
        except (StoreError, SQLAlchemyError) as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with open_store(db_url) as store:
        log = CustodyLog(store)
        report = log.verify()
        assert report.ok and report.entries == threads * per_thread
        entries = list(log.entries())
        assert [e.seq for e in entries] == list(range(1, threads * per_thread + 1))
        assert len({e.prev_hash for e in entries}) == len(entries)


def test_entries_by_many_subjects_keep_chain_order(tmp_path: object) -> None:
    with open_store(f"{tmp_path}/m.db") as store:
        log = CustodyLog(store)
        items = [("capture", f"https://market.test/{i}", {"i": i}, "ana") for i in range(1200)]
        log.append_many(items)
        wanted = [f"https://market.test/{i}" for i in range(0, 1200, 2)] + [
            f"https://market.test/{i}" for i in range(1, 1200, 2)
        ]
        found = list(log.entries(wanted))
        assert [e.seq for e in found] == list(range(1, 1201))
