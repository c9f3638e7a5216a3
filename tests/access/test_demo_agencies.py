"""``wildtrace demo`` adds three demo agencies with a user each: each user sees exactly its
agency's part of the demo store (through the one visibility rule), signs in with the password
printed once; a second run changes nothing but the passwords; without --no-serve it serves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from wildtrace import cli
from wildtrace.commands import serve
from wildtrace.demo.agencies import AGENCIES, COLLECTIONS
from wildtrace.store import Store, open_store
from wildtrace.store.access import Viewer, visible_listing_ids
from wildtrace.store.people import authenticate, local_viewer, viewer_by_name
from wildtrace.store.tables import AnalysisRow, ListingRow

runner = CliRunner()


def _visible(store: Store, viewer: Viewer) -> set[str]:
    with store.read_connection("read") as conn:
        query = select(ListingRow.uid).where(ListingRow.id.in_(visible_listing_ids(viewer)))
        return set(conn.execute(query).scalars())


def _by_language(store: Store, *languages: str) -> set[str]:
    with store.read_connection("read") as conn:
        query = (
            select(ListingRow.uid)
            .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            .where(AnalysisRow.language.in_(languages))
        )
        return set(conn.execute(query).scalars())


def _operations(store: Store, viewer: Viewer) -> dict[str, int]:
    from sqlalchemy import func

    from wildtrace.store.access import operation_is_visible
    from wildtrace.store.tables_operations import OperationRow, SeizureRow

    with store.read_connection("read") as conn:
        query = (
            select(OperationRow.name, func.count(SeizureRow.id))
            .join(SeizureRow, SeizureRow.operation_id == OperationRow.id)
            .where(operation_is_visible(viewer))
            .group_by(OperationRow.name)
        )
        return {name: int(count) for name, count in conn.execute(query)}


def _passwords(stderr: str) -> dict[str, str]:
    return dict(re.findall(r"user (\S+) +password (\S+)", stderr))


def test_each_demo_agency_sees_exactly_its_part(
    wildtrace_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(cli.app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/login" in result.stderr
    passwords = _passwords(result.stderr)
    assert set(passwords) == {agency.username for agency in AGENCIES}
    with open_store(str(wildtrace_home / "demo.db")) as store:
        strict = _by_language(store, "sw", "en")
        leads = _by_language(store, "vi")
        port = _by_language(store, "zh")
        green = _by_language(store, "id", "th", "ms", "ja")
        clear = _by_language(store, "fr", "es", "pt")
        assert all((strict, leads, port, green, clear))
        kws, customs, ngo = (viewer_by_name(store, agency.username) for agency in AGENCIES)
        assert kws is not None and customs is not None and ngo is not None
        assert _visible(store, kws) == strict | leads | green | clear  # customs leads shared with KWS
        assert _visible(store, customs) == leads | port | green | clear  # not KWS's AMBER+STRICT
        assert _visible(store, ngo) == clear  # a partner: CLEAR only
        everything = _visible(store, local_viewer(store))  # the command line: the local default
        assert len(everything) == 393
        assert len({frozenset(_visible(store, v)) for v in (kws, customs, ngo)}) == 3
        for agency in AGENCIES:  # the printed passwords sign in
            signed_in = authenticate(store, agency.username, passwords[agency.username])
            assert signed_in is not None and signed_in.agency_code == agency.code
        # the demo operation: GREEN, so both agencies' analysts see it, the partner does not
        assert _operations(store, kws) == _operations(store, customs) == {"KESTREL-DEMO": 400}
        assert _operations(store, ngo) == {}
        # the demo watchlist: VN-CUSTOMS's GREEN list alerts both agencies on what each sees
        from wildtrace.store.watchlists import list_alerts

        alerted = {alert.listing_key.split(":", 1)[1] for alert in list_alerts(store, kws)}
        assert alerted and alerted <= _visible(store, kws)
        assert list_alerts(store, ngo) == []  # a GREEN list: not a partner's
    assert "Operation KESTREL-DEMO: 400 seizure lines" in result.stderr
    said = " ".join(result.stderr.split())  # the console wraps long lines at its width
    assert "Watchlist customs-known-couriers of VN-CUSTOMS (GREEN, 3 entries): 28 alerts on the" in said
    # A second run, without --no-serve, changes nothing but the passwords (the old ones stop
    # working) and then serves the app (here a stand-in records how it is called).
    served: list[tuple[object, ...]] = []
    monkeypatch.setattr(serve, "serve_app", lambda *args: served.append(args))
    again = runner.invoke(cli.app, ["demo", "--port", "8123"])
    assert again.exit_code == 0, again.output
    assert served == [(f"sqlite:///{wildtrace_home / 'demo.db'}", "127.0.0.1", 8123, 1)]
    assert "http://127.0.0.1:8123/login" in again.stderr
    renewed = _passwords(again.stderr)
    with open_store(str(wildtrace_home / "demo.db")) as store:
        kws = viewer_by_name(store, AGENCIES[0].username)
        assert kws is not None and _visible(store, kws) == strict | leads | green | clear
        assert authenticate(store, "kws.analyst", passwords["kws.analyst"]) is None
        assert authenticate(store, "kws.analyst", renewed["kws.analyst"]) is not None
    listed = runner.invoke(cli.app, ["collection", "list", "--db", str(wildtrace_home / "demo.db")])
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines()[1:]}
    for collection in COLLECTIONS:
        assert rows[collection.name][1:3] == [collection.agency, collection.marking]
    assert rows["customs-seizure-leads"][4] == "KE-KWS"
    assert rows["kestrel-demo-operation"][1:3] == ["KE-KWS", "GREEN"]
    assert "Operation KESTREL-DEMO: 400 seizure lines" in again.stderr  # not imported twice
    assert "(GREEN, 3 entries): 28 alerts" in " ".join(again.stderr.split())  # nor the watchlist
