"""``wildtrace agency``, ``user`` and ``audit`` from the command line, on both engines."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.store import open_store
from wildtrace.store.people import authenticate, viewer_for_token

runner = CliRunner()


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_agency_user_token_and_audit_round_trip(db_url: str) -> None:
    assert (
        _run(
            "agency", "add", "KE-KWS", "--name", "Kenya Wildlife Service", "--country", "KE", "--db", db_url
        )[0]
        == 0
    )
    code, out = _run("user", "add", "ana", "--agency", "KE-KWS", "--role", "analyst", "--db", db_url,
                     stdin="a long password\n")  # fmt: skip
    assert code == 0, out
    code, out = _run("user", "token", "ana", "--db", db_url)
    token = next(line for line in out.splitlines() if line.startswith("wt_"))
    with open_store(db_url) as store:
        assert authenticate(store, "ana", "a long password") is not None
        assert viewer_for_token(store, token) is not None
    assert _run("user", "disable", "ana", "--db", db_url)[0] == 0
    with open_store(db_url) as store:
        assert viewer_for_token(store, token) is None
    code, out = _run("user", "list", "--db", db_url)
    assert "ana\tKE-KWS\tanalyst\tdisabled\t0 tokens" in out
    code, out = _run("audit", "verify", "--db", db_url)
    assert code == 0 and "4 audit entries" in out and "the chain holds" in out
    code, out = _run("audit", "export", "--out", "-", "--action", "user.add", "--db", db_url)
    entries = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [(e["action"], e["object"]) for e in entries] == [("user.add", "user:ana")]


def test_refusals_exit_2_and_change_nothing(db_url: str) -> None:
    code, out = _run("user", "add", "bob", "--agency", "nowhere", "--role", "analyst", "--db", db_url,
                     stdin="a long password\n")  # fmt: skip
    assert code == 2 and "unknown agency 'nowhere'" in out
    code, out = _run("user", "add", "bob", "--agency", "local", "--role", "boss", "--db", db_url,
                     stdin="a long password\n")  # fmt: skip
    assert code == 2 and "role 'boss'" in out
    code, out = _run(
        "user", "add", "bob", "--agency", "local", "--role", "viewer", "--db", db_url, stdin="short\n"
    )
    assert code == 2 and "too short" in out
    assert _run("user", "list", "--db", db_url)[1].strip() == ""
